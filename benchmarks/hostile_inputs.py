"""Hostile inputs through the guarded parse (the path every ingested or uploaded file takes):
time, CPU and peak memory per input, and whether it was accepted or refused with one line.

    .venv/bin/python benchmarks/hostile_inputs.py                 # every input, default limits
    .venv/bin/python benchmarks/hostile_inputs.py --only docx_bomb_3gb html_unclosed_title_1mb
    .venv/bin/python benchmarks/hostile_inputs.py --cpu 30        # GOVQA_PARSE_CPU_S for the run

Each input runs in a fresh process (``--one NAME``) that parses it through
``ingest.isolate.prepare_guarded`` exactly as ``iter_ingest`` does (read, decompress, extract,
clean, metadata, chunk, search tokens; embedding is not part of the hostile surface and is not
run). Reported per input: wall seconds, CPU seconds of the parse worker, peak RSS of the parse
worker and of the process that asked (the app or `govqa ingest` in real use), and the one line
the user sees. The promise checked: every input ends (accepted or refused) within the limits, and
no process passes 2 GB.

The makers below are also used by tests/test_reliability.py.
"""

from __future__ import annotations

import argparse
import io
import json
import resource
import struct
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MB = 1 << 20


# ---------------------------------------------------------------------------- makers
def html_unclosed_title(size: int = MB) -> bytes:
    return b"<title>" * (size // 7)


def html_closed_title(size: int = MB) -> bytes:
    return b"<title>x</title>" * (size // 16)


def heading_lines(size: int = MB) -> bytes:
    line = "一、工作回顾\n".encode()
    return line * (size // len(line))


def digits(n: int = 1_000_000) -> bytes:
    return b"1" * n


def x_run(n: int) -> bytes:
    return ("全镇" + "x" * n + "。").encode()


def commas(n: int = 1_000_000) -> bytes:
    return ("全镇" + "，" * n + "。").encode()


def deep_html(depth: int = 200_000) -> bytes:
    return b"<html><body>" + b"<div>" * depth + "全镇实现地区生产总值58.3亿元。".encode() + b"</div>" * depth


def docx_with_part(part_size: int, *, declared: int | None = None, chunk: bytes = b"<w:p/>" * 4096) -> bytes:
    """A .docx (a real one from python-docx) whose word/document.xml is replaced by ``part_size``
    bytes that deflate to almost nothing. ``declared``: write that size into the zip headers
    instead of the real one (a zip that lies about its sizes)."""
    import docx

    base = io.BytesIO()
    docx.Document().save(base)
    src = zipfile.ZipFile(io.BytesIO(base.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for info in src.infolist():
            if info.filename != "word/document.xml":
                zf.writestr(info, src.read(info.filename))
        info = zipfile.ZipInfo("word/document.xml")
        info.compress_type = zipfile.ZIP_DEFLATED
        with zf.open(info, "w", force_zip64=True) as fh:
            head = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                    b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>')
            tail = b"</w:body></w:document>"
            fh.write(head)
            left = part_size - len(head) - len(tail)
            while left > 0:
                piece = chunk[: min(len(chunk), left)]
                fh.write(piece)
                left -= len(piece)
            fh.write(tail)
    data = out.getvalue()
    if declared is not None:
        data = _patch_sizes(data, "word/document.xml", declared)
    return data


def _patch_sizes(data: bytes, name: str, declared: int) -> bytes:
    """Rewrite the uncompressed size of one entry (local header, zip64 extra, central directory)."""
    buf = bytearray(data)
    raw = name.encode()
    # central directory entries: PK\x01\x02, uncompressed size at +24, name length +28, extra +30
    i = 0
    while (i := buf.find(b"PK\x01\x02", i)) >= 0:
        n_len, x_len = struct.unpack_from("<HH", buf, i + 28)
        if bytes(buf[i + 46: i + 46 + n_len]) == raw:
            if struct.unpack_from("<I", buf, i + 24)[0] == 0xFFFFFFFF:  # zip64: size in the extra field
                j = i + 46 + n_len
                end = j + x_len
                while j < end:
                    tag, size = struct.unpack_from("<HH", buf, j)
                    if tag == 1:
                        struct.pack_into("<Q", buf, j + 4, declared)
                        break
                    j += 4 + size
            else:
                struct.pack_into("<I", buf, i + 24, declared)
        i += 4
    return bytes(buf)


def pdf_flate_bomb(inflated: int = 1 << 30) -> bytes:
    """A one-page PDF whose content stream deflates ``inflated`` bytes of text operators."""
    comp = zlib.compressobj(6)
    unit = b"BT /F1 12 Tf 72 712 Td (a) Tj ET\n" * 30000
    parts = [comp.compress(b"")]
    left = inflated
    while left > 0:
        piece = unit[: min(len(unit), left)]
        parts.append(comp.compress(piece))
        left -= len(piece)
    parts.append(comp.flush())
    stream = b"".join(parts)
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objs, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % n + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref))
    return out.getvalue()


def text_over_limit(chars: int = 3_000_000) -> bytes:
    return ("全镇实现地区生产总值58.3亿元，同比增长6.2%。" * (chars // 24 + 1)).encode()


def normal_report(chars: int = 990_000) -> bytes:
    seeds = sorted((ROOT / "seeds").glob("*.txt"))
    text = "".join(p.read_text(encoding="utf-8") for p in seeds)
    return (text * (chars // len(text) + 1))[:chars].encode()


# name -> (file name, maker); sizes as described in issue 16 (and a real report for reference)
INPUTS = {
    "html_unclosed_title_1mb": ("title.html", lambda: html_unclosed_title(MB)),
    "html_unclosed_title_900kb": ("title-900k.html", lambda: html_unclosed_title(900 << 10)),
    "html_closed_title_1mb": ("title-closed.html", lambda: html_closed_title(MB)),
    "heading_lines_1mb": ("headings.txt", lambda: heading_lines(MB)),
    "digits_1m": ("digits.txt", lambda: digits(1_000_000)),
    "commas_990k": ("commas.txt", lambda: commas(990_000)),
    "x_run_30k": ("anonymised.txt", lambda: x_run(30_000)),
    "x_run_990k": ("anonymised-990k.txt", lambda: x_run(990_000)),
    "deep_html_200k": ("deep.html", lambda: deep_html(200_000)),
    "docx_bomb_3gb": ("bomb.docx", lambda: docx_with_part(3 << 30)),
    "docx_lying_sizes_3gb": ("liar.docx", lambda: docx_with_part(3 << 30, declared=4096)),
    "pdf_flate_bomb_1gb": ("bomb.pdf", lambda: pdf_flate_bomb(1 << 30)),
    "text_3m_chars": ("long.txt", lambda: text_over_limit(3_000_000)),
    "normal_report_990k_chars": ("normal.txt", lambda: normal_report(990_000)),
}


# ---------------------------------------------------------------------------- one input, own process
def run_one(name: str, path: Path, cpu_s: float | None) -> dict:
    from rag.config import Settings, disable_phone_home

    disable_phone_home()
    from ingest.isolate import close_workers, prepare_guarded
    from ingest.load import LoadError
    from ingest.prepare import StageTimes

    from ingest.isolate import worker_for

    over = {"parse_cpu_s": cpu_s} if cpu_s else {}
    settings = Settings.from_env(data_dir=Path(tempfile.mkdtemp()), **over)
    times = StageTimes()
    worker = worker_for(settings)
    peak = {"worker": 0.0}
    done = threading.Event()

    def sample() -> None:  # VmHWM is a high-water mark: sampling until the worker ends catches the peak
        while not done.is_set():
            pid = worker.proc.pid if worker.proc is not None else None
            if pid:
                peak["worker"] = max(peak["worker"], vm_hwm_mb(pid))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    t0 = time.perf_counter()
    try:
        prepared = prepare_guarded(path, settings, times)
        outcome = f"accepted: {len(prepared.chunks)} chunks, {len(prepared.clean_text):,} chars"
    except LoadError as err:
        outcome = f"refused: {err.reason}"
    wall = time.perf_counter() - t0
    done.set()
    sampler.join()
    close_workers()  # reap the worker: its CPU time is then in RUSAGE_CHILDREN
    child = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"input": name, "bytes": path.stat().st_size, "wall_s": round(wall, 2),
            "worker_cpu_s": round(child.ru_utime + child.ru_stime, 2),
            "worker_peak_mb": round(max(peak["worker"], worker.peak_rss_mb)), "parent_peak_mb": round(vm_hwm_mb()),
            "outcome": outcome, "parse_cpu_s": settings.limits.parse_cpu_s, "parse_mem_mb": settings.limits.parse_mem_mb}


def vm_hwm_mb(pid: int | str = "self") -> float:
    """Peak RSS (VmHWM) of a live process; ru_maxrss is not used because after fork+exec it still
    counts the parent's pages."""
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--only", nargs="*", help="input names (default: all)")
    ap.add_argument("--cpu", type=float, help="GOVQA_PARSE_CPU_S for the run")
    ap.add_argument("--one", help=argparse.SUPPRESS)
    ap.add_argument("--path", help=argparse.SUPPRESS)
    ap.add_argument("--json", help="also write the rows as JSON lines to this file")
    args = ap.parse_args(argv)
    if args.one:
        print(json.dumps(run_one(args.one, Path(args.path), args.cpu), ensure_ascii=False), flush=True)
        return 0
    names = args.only or list(INPUTS)
    rows = []
    with tempfile.TemporaryDirectory(prefix="govqa-hostile-") as tmp:
        for name in names:
            file_name, maker = INPUTS[name]
            path = Path(tmp) / file_name
            t = time.perf_counter()
            path.write_bytes(maker())
            made = time.perf_counter() - t
            cmd = [sys.executable, __file__, "--one", name, "--path", str(path)]
            if args.cpu:
                cmd += ["--cpu", str(args.cpu)]
            proc = subprocess.run(cmd, capture_output=True, text=True, cwd=str(ROOT))
            path.unlink()
            if proc.returncode != 0:
                row = {"input": name, "outcome": f"benchmark process failed ({proc.returncode}): "
                                                 f"{proc.stderr.strip().splitlines()[-1:] or ''}"}
            else:
                row = json.loads(proc.stdout.strip().splitlines()[-1])
            row["make_s"] = round(made, 1)
            rows.append(row)
            print(json.dumps(row, ensure_ascii=False), file=sys.stderr, flush=True)
    print(table(rows))
    worst = max((max(r.get("worker_peak_mb", 0), r.get("parent_peak_mb", 0)) for r in rows), default=0)
    print(f"\nlargest peak RSS of any process: {worst} MB (promise: ≤ 2048 MB)")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            for r in rows:
                fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    return 0 if worst <= 2048 and all("outcome" in r and not r["outcome"].startswith("benchmark") for r in rows) else 1


def table(rows: list[dict]) -> str:
    head = ["input", "file MB", "wall s", "worker CPU s", "worker peak MB", "parent peak MB", "outcome"]
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    for r in rows:
        outcome = r.get("outcome", "")
        lines.append("| " + " | ".join([
            r["input"], f"{r.get('bytes', 0) / MB:.2f}", f"{r.get('wall_s', '')}", f"{r.get('worker_cpu_s', '')}",
            f"{r.get('worker_peak_mb', '')}", f"{r.get('parent_peak_mb', '')}",
            outcome if len(outcome) <= 90 else outcome[:87] + "…",
        ]) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
