"""What an ingest says about each file: its result, its progress events, and how a name prints."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Literal

Status = Literal["ok", "replaced", "unchanged", "duplicate", "failed"]


_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def display_name(name: str) -> str:
    """A file name (or reason) safe to print on one line: control and format characters (a newline
    in a file name, a lone surrogate from undecodable bytes …) are shown escaped, never acted on."""
    if name.isprintable():
        return name
    out = []
    for ch in name:
        if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"):
            out.append(_ESCAPES.get(ch) or (f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}"))
        else:
            out.append(ch)
    return "".join(out)


@dataclass
class FileResult:
    file: str
    status: Status
    reason: str = ""
    doc_id: str = ""
    chunks: int = 0
    town: str = ""
    year: int | None = None

    def line(self) -> str:
        label = {"ok": "已导入", "replaced": "已更新", "unchanged": "未变化，跳过", "duplicate": "重复",
                 "failed": "失败"}[self.status]
        extra = f"（{display_name(self.reason)}）" if self.reason else ""
        detail = f" {self.town or ''} {self.year or ''} {self.chunks}块" if self.status in ("ok", "replaced") else ""
        return f"{display_name(self.file)}: {label}{extra}{detail}"


@dataclass
class IngestEvent:
    stage: str  # load | clean | chunk | embed | write | done
    file: str
    index: int  # file number (0-based)
    total: int  # number of files
    fraction: float  # overall progress 0..1
    result: FileResult | None = None
    detail: str = ""
