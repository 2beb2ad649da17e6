"""Read report files (txt/md/html/pdf/docx) into text, with encoding detection.

Every failure is a :class:`LoadError` naming the file and the reason, so the pipeline can
report it and go on with the other files.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from pathlib import Path

from rag.types import LoadedDocument

SUPPORTED_SUFFIXES = (".txt", ".md", ".html", ".htm", ".pdf", ".docx")


class LoadError(Exception):
    """A file could not be read; ``str(err)`` is a one-line reason for the user."""

    def __init__(self, file: str, reason: str):
        super().__init__(f"{file}: {reason}")
        self.file = file
        self.reason = reason


def decode_bytes(data: bytes, *, file: str = "<bytes>") -> tuple[str, str]:
    """Decode text bytes, detecting the encoding with charset-normalizer.

    UTF-8 (with or without BOM) is tried strictly first because it is by far the most common
    and never mis-decodes; otherwise charset-normalizer decides (GBK/GB18030/Big5 …).
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=None).best()
    if best is None:
        raise LoadError(file, "无法识别文本编码（可能是二进制文件）")
    encoding = best.encoding
    # GB2312/GBK are subsets of GB18030: decoding with the superset never loses characters.
    if encoding.lower().replace("-", "").replace("_", "") in ("gb2312", "gbk", "hzgb2312"):
        encoding = "gb18030"
    return data.decode(encoding, errors="replace"), encoding


def _looks_binary(text: str) -> bool:
    if not text:
        return False
    sample = text[:4000]
    bad = sum(1 for ch in sample if (ord(ch) < 32 and ch not in "\t\n\r\f") or ch == "\ufffd")
    return bad / len(sample) > 0.05


def _html_to_text(raw_html: str, *, file: str) -> str:
    import trafilatura

    text = trafilatura.extract(
        raw_html,
        include_comments=False,
        include_tables=True,
        favor_recall=True,
        deduplicate=False,
        with_metadata=False,
    )
    title = ""
    m = re.search(r"<title[^>]*>(.*?)</title>", raw_html, flags=re.I | re.S)
    if m:
        import html as htmllib

        title = htmllib.unescape(re.sub(r"\s+", " ", m.group(1))).strip()
    if not text:
        # trafilatura found no main content (very short page): fall back to all visible text
        from lxml import html as lxml_html

        try:
            tree = lxml_html.fromstring(raw_html)
        except Exception as exc:  # noqa: BLE001 - report the parser's reason
            raise LoadError(file, f"HTML 无法解析：{exc}") from exc
        for bad in tree.xpath("//script|//style|//noscript"):
            bad.drop_tree()
        text = "\n".join(t.strip() for t in tree.itertext() if t.strip())
    if title and title not in text[:200]:
        text = f"{title}\n{text}"
    return text


_SENT_END = "。！？；：!?;:”」』）)"


def _join_pdf_lines(lines: list[str]) -> str:
    """Rejoin lines that a PDF broke inside a sentence or a number."""
    out: list[str] = []
    for raw in lines:
        line = raw.strip()
        if not line:
            if out and out[-1] != "\n":
                out.append("\n")
            continue
        if out and out[-1] != "\n":
            prev = out[-1]
            heading = re.match(r"^([一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|\d+[.、．])", line)
            if prev[-1] in _SENT_END or heading:
                out.append("\n")
                out.append(line)
                continue
            # inside a sentence: glue; keep a space only between two latin words
            if prev[-1].isascii() and prev[-1].isalpha() and line[0].isascii() and line[0].isalpha():
                out[-1] = prev + " " + line
            else:
                out[-1] = prev + line
            continue
        out.append(line)
    return "".join(out)


def _pdf_to_text(data: bytes, *, file: str) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    if not data:
        raise LoadError(file, "PDF 文件为空（0 字节）")
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                if not reader.decrypt(""):
                    raise LoadError(file, "PDF 已加密，需要密码")
            except LoadError:
                raise
            except Exception as exc:  # noqa: BLE001
                raise LoadError(file, f"PDF 已加密，无法解密：{exc}") from exc
        pages = [page.extract_text() or "" for page in reader.pages]
    except LoadError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, OSError) as exc:
        raise LoadError(file, f"PDF 损坏或不完整：{exc}") from exc
    except Exception as exc:  # noqa: BLE001 - pypdf raises many types on broken files
        raise LoadError(file, f"PDF 无法读取：{type(exc).__name__}: {exc}") from exc
    lines: list[str] = []
    for page in pages:
        lines.extend(page.splitlines())
        lines.append("")
    text = _join_pdf_lines(lines)
    if not text.strip():
        raise LoadError(file, "PDF 中没有可提取的文字（可能是扫描件，需要先做 OCR）")
    return text


def _docx_to_text(data: bytes, *, file: str) -> str:
    if not data:
        raise LoadError(file, "DOCX 文件为空（0 字节）")
    try:
        import docx  # python-docx

        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise LoadError(file, f"DOCX 损坏或不完整：{exc}") from exc
    except Exception as exc:  # noqa: BLE001
        raise LoadError(file, f"DOCX 无法读取：{type(exc).__name__}: {exc}") from exc
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            cells = [cell.text.strip() for cell in row.cells if cell.text.strip()]
            if cells:  # a table row reads as one sentence, so cleaning never mistakes it for a menu
                parts.append("，".join(cells) + "。")
    return "\n".join(parts)


def load_bytes(data: bytes, *, file: str, path: str | None = None) -> LoadedDocument:
    """Turn one file's bytes into text. Raises LoadError with a readable reason."""
    suffix = Path(file).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise LoadError(file, f"不支持的文件类型 {suffix or '(无扩展名)'}；支持 {' '.join(SUPPORTED_SUFFIXES)}")
    content_hash = hashlib.sha256(data).hexdigest()
    encoding: str | None = None
    if suffix == ".pdf":
        if not data.startswith(b"%PDF"):
            raise LoadError(file, "不是有效的 PDF 文件（缺少 %PDF 文件头）" if data else "PDF 文件为空（0 字节）")
        text, fmt = _pdf_to_text(data, file=file), "pdf"
    elif suffix == ".docx":
        if data and not data.startswith(b"PK"):
            raise LoadError(file, "不是有效的 DOCX 文件（不是 zip 格式）")
        text, fmt = _docx_to_text(data, file=file), "docx"
    else:
        if not data.strip():
            raise LoadError(file, "文件为空")
        if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise LoadError(file, "看起来是二进制文件，不是文本")
        text, encoding = decode_bytes(data, file=file)
        if _looks_binary(text):
            raise LoadError(file, "看起来是二进制文件，不是文本")
        if suffix in (".html", ".htm"):
            text, fmt = _html_to_text(text, file=file), "html"
        else:
            fmt = suffix.lstrip(".")
    if not text.strip():
        raise LoadError(file, "没有可提取的文字")
    return LoadedDocument(
        path=path or file, file=Path(file).name, text=text, fmt=fmt, encoding=encoding,
        content_hash=content_hash,
    )


def load_file(path: str | Path, *, max_mb: float = 60.0) -> LoadedDocument:
    p = Path(path)
    name = p.name
    try:
        size = p.stat().st_size
    except OSError as exc:
        raise LoadError(name, f"无法读取文件：{exc.strerror or exc}") from exc
    if size > max_mb * 1024 * 1024:
        raise LoadError(name, f"文件过大（{size / 1048576:.1f} MB，上限 {max_mb:g} MB）")
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise LoadError(name, f"无法读取文件：{exc.strerror or exc}") from exc
    return load_bytes(data, file=name, path=str(p))
