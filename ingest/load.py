"""Read report files (txt/md/html/pdf/docx) into text, with encoding detection.

Every failure is a :class:`LoadError` naming the file and the reason, so the pipeline can
report it and go on with the other files.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import stat
import zipfile
from pathlib import Path

from rag.config import LimitsSettings
from rag.types import LoadedDocument

SUPPORTED_SUFFIXES = (".txt", ".md", ".html", ".htm", ".pdf", ".docx")
_LIMITS = LimitsSettings()  # the defaults of the one place limits are set
DEFAULT_MAX_UNPACKED_MB = _LIMITS.max_unpacked_mb  # decompressed size of a DOCX's parts / of one PDF stream


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
    except UnicodeDecodeError as err:
        # a UTF-8 file cut inside its last character (a truncated download or copy): the text is
        # UTF-8, only the final 1-3 bytes are an incomplete character; drop them, keep the rest
        if err.reason == "unexpected end of data" and err.start >= len(data) - 3:
            try:
                return data[: err.start].decode("utf-8"), "utf-8"
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


_TITLE_OPEN = re.compile(r"<title\b[^<>]*>", re.I)
_TITLE_CLOSE = re.compile(r"</title\s*>", re.I)


def _html_title(raw_html: str) -> str:
    """The first <title>, found in linear time: the opening tag cannot run past the next '<', and
    the closing tag is searched once (a lazy ``<title>(.*?)</title>`` rescans the rest of the page
    from every unclosed <title>: 1 MB of them took minutes)."""
    import html as htmllib

    m = _TITLE_OPEN.search(raw_html)
    if not m:
        return ""
    end = _TITLE_CLOSE.search(raw_html, m.end())
    if not end:
        return ""
    return htmllib.unescape(re.sub(r"\s+", " ", raw_html[m.end(): end.start()])).strip()


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
    title = _html_title(raw_html)
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


def too_much_text(file: str, max_chars: int, n: int | None = None) -> LoadError:
    amount = f"{n:,} 字，" if n is not None else "已超过"
    return LoadError(file, f"文字过多（{amount}上限 {max_chars:,} 字，可用 GOVQA_MAX_TEXT_CHARS 调整）")


def _pdf_limits(max_unpacked_mb: float):
    """pypdf's decompression limits, lowered to ours where they are higher (every filter's output,
    each declared stream length, image buffers); a no-op on a pypdf without the configuration API
    (older versions keep their own module-level limits)."""
    from contextlib import nullcontext
    from dataclasses import fields

    try:
        from pypdf import Configuration, apply_configuration, get_configuration
    except ImportError:
        return nullcontext()
    cap = int(max_unpacked_mb * 1048576)
    current = get_configuration()
    lowered = {f.name: min(getattr(current, f.name), cap) for f in fields(Configuration)
               if f.name.endswith(("_maximum_output_length", "maximum_declared_stream_length", "maximum_buffer_size"))}
    return apply_configuration(**lowered)


def _pdf_to_text(data: bytes, *, file: str, max_chars: int | None = None,
                 max_unpacked_mb: float = DEFAULT_MAX_UNPACKED_MB) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        from pypdf.errors import LimitReachedError
    except ImportError:  # older pypdf
        LimitReachedError = ()  # type: ignore[assignment,misc]  # noqa: N806

    if not data:
        raise LoadError(file, "PDF 文件为空（0 字节）")
    try:
        with _pdf_limits(max_unpacked_mb):
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted:
                try:
                    if not reader.decrypt(""):
                        raise LoadError(file, "PDF 已加密，需要密码")
                except LoadError:
                    raise
                except Exception as exc:  # noqa: BLE001
                    raise LoadError(file, f"PDF 已加密，无法解密：{exc}") from exc
            pages: list[str] = []
            total = 0
            for page in reader.pages:  # stop as soon as the text limit is passed
                pages.append(page.extract_text() or "")
                total += len(pages[-1])
                if max_chars is not None and total > max_chars:
                    raise too_much_text(file, max_chars)
    except LoadError:
        raise
    except LimitReachedError as exc:
        raise LoadError(file, f"PDF 中的压缩数据解压后过大（单个数据流上限 {min(max_unpacked_mb, 75):g} MB），"
                              f"可能是压缩炸弹") from exc
    except MemoryError as exc:
        raise LoadError(file, "PDF 解析时内存不足（文件过于复杂或是压缩炸弹）") from exc
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


def check_zip_sizes(data: bytes, *, file: str, max_unpacked_mb: float, kind: str = "DOCX") -> None:
    """Refuse a zip whose parts inflate past the limit before the document parser sees it: first
    by the sizes its directory declares, then by inflating every part in 1 MB steps (so a part
    that lies about its size is caught by its CRC at the declared size, never inflated in one go:
    python-docx's single read of a lying 3 GB part took 1 GB+ of memory in one call)."""
    cap = max_unpacked_mb * 1048576
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            if len(infos) > 10_000:
                raise LoadError(file, f"{kind} 中的部件过多（{len(infos):,} 个），不像是正常的文档")
            total = 0
            for info in infos:
                total += info.file_size
                if info.file_size > cap or total > cap:
                    raise LoadError(file, f"{kind} 解压后过大（{info.filename} 等部件共 {total / 1048576:,.0f} MB，"
                                          f"上限 {max_unpacked_mb:g} MB，可能是压缩炸弹）")
            for info in infos:
                if info.is_dir():
                    continue
                seen = 0
                with zf.open(info) as part:
                    while block := part.read(1 << 20):
                        seen += len(block)
                        if seen > info.file_size:
                            raise LoadError(file, f"{kind} 损坏：部件 {info.filename} 的实际大小超过声明的大小")
    except LoadError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError, NotImplementedError,
            RuntimeError) as exc:  # RuntimeError: an encrypted part
        raise LoadError(file, f"{kind} 损坏或不完整：{exc}") from exc
    except Exception as exc:  # noqa: BLE001 - zlib.error and friends
        raise LoadError(file, f"{kind} 损坏或不完整：{type(exc).__name__}: {exc}") from exc


def _docx_to_text(data: bytes, *, file: str, max_chars: int | None = None,
                  max_unpacked_mb: float = DEFAULT_MAX_UNPACKED_MB) -> str:
    if not data:
        raise LoadError(file, "DOCX 文件为空（0 字节）")
    check_zip_sizes(data, file=file, max_unpacked_mb=max_unpacked_mb)
    try:
        import docx  # python-docx

        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise LoadError(file, f"DOCX 损坏或不完整：{exc}") from exc
    except MemoryError as exc:
        raise LoadError(file, "DOCX 解析时内存不足（文件过于复杂或是压缩炸弹）") from exc
    except Exception as exc:  # noqa: BLE001
        if "memory" in str(exc).lower():  # lxml: "Memory allocation failed"
            raise LoadError(file, "DOCX 解析时内存不足（文件过于复杂或是压缩炸弹）") from exc
        raise LoadError(file, f"DOCX 无法读取：{type(exc).__name__}: {exc}") from exc
    parts: list[str] = []
    total = 0

    def add(text: str) -> None:
        nonlocal total
        parts.append(text)
        total += len(text) + 1
        if max_chars is not None and total > max_chars:
            raise too_much_text(file, max_chars)

    for p in document.paragraphs:
        add(p.text)
    for table in document.tables:
        for row in table.rows:
            cells = [cell.text.strip() for cell in row.cells if cell.text.strip()]
            if cells:  # a table row reads as one sentence, so cleaning never mistakes it for a menu
                add("，".join(cells) + "。")
    return "\n".join(parts)


def load_bytes(data: bytes, *, file: str, path: str | None = None, max_chars: int | None = None,
               max_unpacked_mb: float = DEFAULT_MAX_UNPACKED_MB) -> LoadedDocument:
    """Turn one file's bytes into text. Raises LoadError with a readable reason.

    ``max_chars``: extraction stops (with a LoadError) once the text is longer; ``max_unpacked_mb``
    bounds what a DOCX's parts or a PDF's streams may inflate to."""
    suffix = Path(file).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise LoadError(file, f"不支持的文件类型 {suffix or '(无扩展名)'}；支持 {' '.join(SUPPORTED_SUFFIXES)}")
    content_hash = hashlib.sha256(data).hexdigest()
    encoding: str | None = None
    if suffix == ".pdf":
        if not data.startswith(b"%PDF"):
            raise LoadError(file, "不是有效的 PDF 文件（缺少 %PDF 文件头）" if data else "PDF 文件为空（0 字节）")
        text, fmt = _pdf_to_text(data, file=file, max_chars=max_chars, max_unpacked_mb=max_unpacked_mb), "pdf"
    elif suffix == ".docx":
        if data and not data.startswith(b"PK"):
            raise LoadError(file, "不是有效的 DOCX 文件（不是 zip 格式）")
        text, fmt = _docx_to_text(data, file=file, max_chars=max_chars, max_unpacked_mb=max_unpacked_mb), "docx"
    else:
        if not data.strip():
            raise LoadError(file, "文件为空")
        if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise LoadError(file, "看起来是二进制文件，不是文本")
        text, encoding = decode_bytes(data, file=file)
        if max_chars is not None and suffix not in (".html", ".htm") and len(text) > max_chars:
            raise too_much_text(file, max_chars, len(text))
        if _looks_binary(text):
            raise LoadError(file, "看起来是二进制文件，不是文本")
        if suffix in (".html", ".htm"):
            text, fmt = _html_to_text(text, file=file), "html"
            if max_chars is not None and len(text) > max_chars:
                raise too_much_text(file, max_chars, len(text))
        else:
            fmt = suffix.lstrip(".")
    if not text.strip():
        raise LoadError(file, "没有可提取的文字")
    return LoadedDocument(
        path=path or file, file=Path(file).name, text=text, fmt=fmt, encoding=encoding,
        content_hash=content_hash,
    )


def read_regular_file(path: str | Path, *, max_mb: float) -> bytes:
    """The bytes of a regular file, refusing symlinks and anything else (FIFO, socket, device,
    directory) with a LoadError. Opened without following a final symlink and without blocking
    (a FIFO never hangs the reader), then checked on the open descriptor (no check-then-open race)."""
    p = Path(path)
    name = p.name or str(p)
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(p, flags)
    except OSError as exc:
        if p.is_symlink():
            raise LoadError(name, "是符号链接，已拒绝（不跟随链接导入，请直接导入目标文件）") from exc
        raise LoadError(name, f"无法读取文件：{exc.strerror or exc}") from exc
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise LoadError(name, f"不是普通文件（{file_kind(st.st_mode)}），已拒绝")
        if st.st_size > max_mb * 1024 * 1024:
            raise LoadError(name, f"文件过大（{st.st_size / 1048576:.1f} MB，上限 {max_mb:g} MB）")
        limit = int(max_mb * 1024 * 1024) + 1
        chunks: list[bytes] = []
        got = 0
        while got < limit:  # bounded even if the file grows while it is read
            block = os.read(fd, min(1 << 20, limit - got))
            if not block:
                break
            chunks.append(block)
            got += len(block)
        if got >= limit:
            raise LoadError(name, f"文件过大（上限 {max_mb:g} MB）")
        return b"".join(chunks)
    except OSError as exc:
        raise LoadError(name, f"无法读取文件：{exc.strerror or exc}") from exc
    finally:
        os.close(fd)


def file_kind(mode: int) -> str:
    for test, label in ((stat.S_ISFIFO, "命名管道 FIFO"), (stat.S_ISSOCK, "套接字"), (stat.S_ISCHR, "字符设备"),
                        (stat.S_ISBLK, "块设备"), (stat.S_ISDIR, "目录"), (stat.S_ISLNK, "符号链接")):
        if test(mode):
            return label
    return "特殊文件"


def load_file(path: str | Path, *, max_mb: float = _LIMITS.max_file_mb, max_chars: int | None = None,
              max_unpacked_mb: float = DEFAULT_MAX_UNPACKED_MB) -> LoadedDocument:
    p = Path(path)
    data = read_regular_file(p, max_mb=max_mb)
    return load_bytes(data, file=p.name, path=str(p), max_chars=max_chars, max_unpacked_mb=max_unpacked_mb)
