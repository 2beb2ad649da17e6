"""Which files a list of paths and folders names, and which it refuses (with a reason each)."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Iterable

from ingest.load import file_kind
from ingest.results import FileResult
from rag.config import Settings


def _refusal(path: Path, st: os.stat_result | None) -> str:
    """Why a path found in a folder (or named directly) is not read: '' for a regular file."""
    if st is None:
        return "文件或目录不存在"
    if stat.S_ISLNK(st.st_mode):
        return "是符号链接，已拒绝（不跟随链接导入，请直接导入目标文件）"
    if not stat.S_ISREG(st.st_mode):
        return f"不是普通文件（{file_kind(st.st_mode)}），已拒绝"
    return ""


def collect_files(paths: Iterable[str | Path], settings: Settings) -> tuple[list[Path], list[FileResult]]:
    """Expand folders. Unsupported files, symlinks and non-regular files (FIFO, socket, device) get a
    line each; hidden files are skipped silently. Symlinks are never followed (a link named
    report.txt pointing at /etc/passwd is refused, and so is a linked folder)."""
    files: list[Path] = []
    rejected: list[FileResult] = []

    def consider(sub: Path, st: os.stat_result | None) -> None:
        reason = _refusal(sub, st)
        if reason:
            rejected.append(FileResult(sub.name or str(sub), "failed", reason))
        elif sub.suffix.lower() in settings.limits.allowed_suffixes:
            files.append(sub)
        else:  # reported too: a folder's content is never dropped silently
            rejected.append(FileResult(sub.name, "failed", f"不支持的文件类型 {sub.suffix or '(无扩展名)'}"))

    for raw in paths:
        p = Path(raw)
        try:
            st = os.lstat(p)
        except OSError:
            st = None
        if st is not None and stat.S_ISDIR(st.st_mode):
            found: list[tuple[Path, os.stat_result | None]] = []
            for root, dirs, names in os.walk(p, followlinks=False):
                base = Path(root)
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for d in list(dirs):  # a symlinked folder is listed by walk as a dir: refuse it, do not enter
                    if (base / d).is_symlink():
                        dirs.remove(d)
                        found.append((base / d, os.lstat(base / d)))
                for n in names:
                    if n.startswith("."):
                        continue
                    try:
                        found.append((base / n, os.lstat(base / n)))
                    except OSError:
                        found.append((base / n, None))
            for sub, sub_st in sorted(found, key=lambda x: x[0]):
                consider(sub, sub_st)
        else:
            consider(p, st)
    return files, rejected
