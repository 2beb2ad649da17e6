"""`govqa indicators`: filters, and every export format read back with a real reader."""

from __future__ import annotations

import csv
import io
import json

import pytest

from cli_util import run_cli
from test_indicator_table import DOCS, _pending


@pytest.fixture
def library(fresh_settings):
    from rag.store import ReportStore

    ReportStore(fresh_settings).add_documents([_pending(m, t) for m, t in DOCS])
    return fresh_settings


def test_table_filters_by_entity_indicator_year_kind(monkeypatch, capsys, library):
    code, out, err = run_cli(monkeypatch, capsys, library, "indicators", "--indicator", "GDP增速", "--kind", "target",
                             "--year", "2026", "--level", "province")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split()[:4] == ["地区/单位", "级别", "报告年份", "指标"]
    body = [x for x in lines[2:] if x.strip()]
    assert [x.split()[0] for x in body] == ["丙省", "乙省", "甲省"]  # 丁省 states no target; 戊市 is a city
    assert all("地区生产总值增长" in x and "目标" in x for x in body)
    assert "3 行" in err


def test_csv_reads_back(monkeypatch, capsys, library, tmp_path):
    path = tmp_path / "out.csv"
    code, _, err = run_cli(monkeypatch, capsys, library, "indicators", "--entity", "甲省", "--year", "2025",
                           "--out", str(path))
    assert code == 0 and "已写入" in err
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    got = {(r["指标"], r["类型"], r["原文数值"], r["报告年份"]) for r in rows}
    assert ("地区生产总值增长", "实际", "5.2%", "2026") in got
    assert ("地区生产总值增长", "目标", "5.5%左右", "2025") in got
    assert all(r["地区/单位"] == "甲省" and r["数据年份"] == "2025" for r in rows)
    r = next(r for r in rows if r["原文数值"] == "5.2%")
    text = dict((m.doc_id, t) for m, t in DOCS)[r["doc_id"]]
    assert text[int(r["起"]):int(r["止"])].endswith("5.2%") and r["原文"] in text


def test_xlsx_and_json_read_back(monkeypatch, capsys, library, tmp_path):
    from openpyxl import load_workbook

    path = tmp_path / "out.xlsx"
    code, _, _ = run_cli(monkeypatch, capsys, library, "indicators", "--indicator", "地区生产总值增长", "--vs",
                         "--out", str(path))
    assert code == 0
    wb = load_workbook(path)
    sheet = wb["指标"]
    header = [c.value for c in sheet[1]]
    rows = [dict(zip(header, [c.value for c in r])) for r in sheet.iter_rows(min_row=2)]
    assert {r["地区/单位"] for r in rows} == {"甲省", "乙省", "丙省", "丁省", "戊市"}
    assert all(r["指标"] == "地区生产总值增长" for r in rows)
    assert any(r["原文数值"] == "5.5%—6%" and r["区间上限"] == 6 for r in rows)
    vs = wb["目标与实际"]
    vs_rows = {(r[0], r[2]): r for r in ([c.value for c in r] for r in vs.iter_rows(min_row=2))}
    jia = vs_rows[("甲省", 2025)]
    assert jia[:4] == ["甲省", "地区生产总值增长", 2025, "5.5%左右"] and jia[5] == "5.2%" and jia[7] == "未达到目标"
    assert vs_rows[("乙省", 2026)][5] in (None, "") and vs_rows[("乙省", 2026)][7] == "无法判断"

    code, out, _ = run_cli(monkeypatch, capsys, library, "indicators", "--entity", "乙省", "--format", "json")
    rows = [json.loads(x) for x in out.splitlines()]
    assert {(r["indicator"], r["kind"], r["year"], r["value"], r["value_high"]) for r in rows} >= {
        ("地区生产总值增长", "target", 2026, 5.5, 6.0), ("地区生产总值增长", "actual", 2025, 6.1, None)}


def test_errors(monkeypatch, capsys, library):
    code, _, err = run_cli(monkeypatch, capsys, library, "indicators", "--format", "xlsx")
    assert code == 2 and "--out" in err
    code, _, err = run_cli(monkeypatch, capsys, library, "indicators", "--indicator", "不存在的东西")
    assert code == 2 and "不认识的指标" in err
