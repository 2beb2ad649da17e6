"""A damaged or locked data dir: a clear error naming the path and a recovery command, never a
stack trace; `govqa doctor` finds the damage and `govqa doctor --repair` makes the dir usable again.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests.cli_util import run_cli
from tests.conftest import ROOT, SEEDS, ingest_one_report, make_settings

SEED = SEEDS / "002_716500822ba63ab8.txt"


@pytest.fixture(scope="module")
def template(tmp_path_factory, embed_cache_dir) -> Path:
    """A data dir with one seed ingested (copied for each test that damages it)."""
    return ingest_one_report(tmp_path_factory.mktemp("doctor") / "data", embed_cache_dir, SEED)


@pytest.fixture
def data_copy(template, tmp_path, embed_cache_dir):
    dest = tmp_path / "data dir 数据"  # a path with a space and Chinese: messages must name it whole
    shutil.copytree(template, dest)
    return make_settings(dest, embed_cache_dir)


def _garble(settings, offset: int, size: int = 512) -> None:
    db = settings.store.data_dir / "chroma" / "chroma.sqlite3"
    assert db.stat().st_size > offset
    with open(db, "r+b") as fh:
        fh.seek(offset)
        fh.write((b"garbage!" * (size // 8 + 1))[:size])


def _cli_subprocess(settings, *args: str, extra_env: dict | None = None, timeout: float = 180):
    env = dict(os.environ, GOVQA_DATA_DIR=str(settings.store.data_dir), GOVQA_EMBED_CACHE=str(settings.cache_dir),
               GOVQA_SEEDS_DIR=str(SEEDS), PYTHONUNBUFFERED="1")
    for var in ("GOVQA_CHROMA_HOST", "OPENAI_API_KEY", "OPENAI_BASE_URL", "GOVQA_LLM_BASE_URL", "GOVQA_LLM_API_KEY"):
        env.pop(var, None)
    env.update(extra_env or {})
    return subprocess.run([sys.executable, "-m", "cli", *args], cwd=str(ROOT), env=env, capture_output=True,
                          text=True, timeout=timeout)


def test_doctor_on_a_consistent_index(data_copy, monkeypatch, capsys):
    code, out, _ = run_cli(monkeypatch, capsys, data_copy, "doctor")
    assert code == 0 and "一致：1 份报告" in out, out


@pytest.mark.slow
def test_garbage_in_the_database_header_gives_a_clear_error_and_doctor_recovers(data_copy):
    settings = data_copy
    _garble(settings, 0, 4096)
    for args in (["docs"], ["stats"], ["ask", "大关镇有哪些工作？"], ["ingest", str(SEED)]):
        proc = _cli_subprocess(settings, *args)
        assert proc.returncode == 2, (args, proc.stdout, proc.stderr[-2000:])
        assert "Traceback" not in proc.stderr + proc.stdout, proc.stderr[-3000:]
        err = proc.stderr.strip().splitlines()[-1]
        assert err.startswith("错误：") and str(settings.store.data_dir / "chroma") in err, err
        assert "govqa doctor --repair" in err, err
    proc = _cli_subprocess(settings, "doctor")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "损坏" in proc.stdout and "govqa doctor --repair" in proc.stdout, proc.stdout
    proc = _cli_subprocess(settings, "doctor", "--repair")
    assert proc.returncode == 0, proc.stdout + proc.stderr[-2000:]
    moved = [p for p in settings.store.data_dir.iterdir() if p.name.startswith("chroma.broken-")]
    assert len(moved) == 1 and str(moved[0]) in proc.stdout and "govqa ingest" in proc.stdout
    assert (moved[0] / "chroma.sqlite3").is_file()  # moved aside, not deleted
    proc = _cli_subprocess(settings, "ingest", str(SEED))
    assert proc.returncode == 0 and "已导入" in proc.stdout, proc.stdout + proc.stderr[-2000:]
    proc = _cli_subprocess(settings, "doctor")
    assert proc.returncode == 0 and "一致：1 份报告" in proc.stdout, proc.stdout


@pytest.mark.parametrize("where", [0.05, 0.15, 0.25, 0.35, 0.5, 0.6, 0.75, 0.85, 0.95])
def test_garbage_anywhere_in_the_database_never_gives_a_stack_trace(data_copy, monkeypatch, capsys, where):
    settings = data_copy
    db = settings.store.data_dir / "chroma" / "chroma.sqlite3"
    page = 4096
    offset = max(page, int(db.stat().st_size * where) // page * page)
    _garble(settings, offset, page)
    code, out, err = run_cli(monkeypatch, capsys, settings, "docs")
    assert code in (0, 2), (code, out, err)
    if code == 2:
        assert str(settings.store.data_dir) in err and "govqa doctor" in err, err
    code, out, err = run_cli(monkeypatch, capsys, settings, "doctor")
    assert code in (0, 1, 2), (code, out, err)
    if code != 0:
        assert "govqa doctor --repair" in out, out
        code, out, err = run_cli(monkeypatch, capsys, settings, "doctor", "--repair")
        assert code == 0, (out, err)
    # whatever the damage was, the data dir is usable afterwards
    from chromadb.api.client import SharedSystemClient

    SharedSystemClient.clear_system_cache()
    code, out, err = run_cli(monkeypatch, capsys, settings, "doctor")
    assert code == 0 and "一致" in out, (out, err)


def test_a_locked_database_gives_a_clear_error_not_a_hang(data_copy, monkeypatch, capsys):
    settings = data_copy
    db = settings.store.data_dir / "chroma" / "chroma.sqlite3"
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import sqlite3, sys, time
        con = sqlite3.connect({str(db)!r}, isolation_level=None)
        con.execute("BEGIN EXCLUSIVE")
        print("locked", flush=True)
        time.sleep(120)
    """)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        monkeypatch.setenv("GOVQA_LOCK_TIMEOUT", "1")
        for args in (["docs"], ["doctor"]):
            code, out, err = run_cli(monkeypatch, capsys, settings, *args)
            text = out + err
            assert code == 2, (args, text)
            assert "锁定" in text and str(settings.store.data_dir) in text and "govqa doctor" in text, text
    finally:
        holder.kill()
        holder.wait()
    code, out, _ = run_cli(monkeypatch, capsys, settings, "docs")
    assert code == 0 and SEED.name in out


def test_a_running_ingest_holds_off_a_second_one_with_a_clear_error(data_copy, tmp_path, monkeypatch, capsys):
    settings = data_copy
    lock = settings.store.data_dir / "ingest.lock"
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import fcntl, time
        fh = open({str(lock)!r}, "w")
        fcntl.flock(fh, fcntl.LOCK_EX)
        print("locked", flush=True)
        time.sleep(120)
    """)], stdout=subprocess.PIPE, text=True)
    report = tmp_path / "另一份.txt"
    shutil.copy(SEEDS / "001_10a2659bde270cd6.txt", report)
    try:
        assert holder.stdout.readline().strip() == "locked"
        monkeypatch.setenv("GOVQA_INGEST_LOCK_TIMEOUT", "1")
        t = time.monotonic()
        code, out, err = run_cli(monkeypatch, capsys, settings, "ingest", str(report))
        assert code == 2, out + err
        assert "另一个导入" in err and str(lock) in err and "govqa doctor" in err, err
        assert time.monotonic() - t < 60
        # reading is not blocked by a running ingest
        code, out, _ = run_cli(monkeypatch, capsys, settings, "docs")
        assert code == 0 and SEED.name in out
    finally:
        holder.kill()
        holder.wait()
    # the lock of a killed holder is released by the kernel: the ingest goes through
    code, out, err = run_cli(monkeypatch, capsys, settings, "ingest", str(report))
    assert code == 0 and "已导入" in out, out + err
