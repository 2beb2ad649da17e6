"""The indicator table as a user sees it: filtered rows, target-vs-outcome pairs, and exports
(CSV, Excel, JSON) — one definition of the columns for the CLI (`govqa indicators`) and the UI's
"指标" tab.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Iterable, Sequence

from rag.indicators_table import KIND_LABELS, IndicatorRow, Snapshot
from rag.types import LEVEL_LABELS

# (header, row -> value)
COLUMNS: list[tuple[str, str]] = [
    ("地区/单位", "entity"), ("级别", "level_label"), ("报告年份", "report_year"), ("指标", "indicator"),
    ("类型", "kind_label"), ("数据年份", "year"), ("数值", "value"), ("区间上限", "value_high"), ("单位", "unit"),
    ("原文数值", "raw"), ("限定", "qualifier"), ("置信度", "confidence"), ("原文", "passage"), ("文件", "file"),
    ("doc_id", "doc_id"), ("起", "start"), ("止", "end"),
]
KIND_BY_LABEL = {v: k for k, v in KIND_LABELS.items()}
LEVEL_BY_LABEL = {v: k for k, v in LEVEL_LABELS.items()}
VS_COLUMNS = ["地区/单位", "指标", "年份", "目标", "目标出处", "实际", "实际出处", "结论", "说明"]


def cell(row: IndicatorRow, attr: str):
    if attr == "level_label":
        return LEVEL_LABELS.get(row.level, row.level)
    if attr == "kind_label":
        return KIND_LABELS.get(row.kind, row.kind)
    return getattr(row, attr)


def resolve_names(words: Iterable[str]) -> list[str]:
    """Indicator names for what a user typed ("GDP增速", "财政收入", or an exact name)."""
    from rag.table_question import find_indicator
    from rag.text.indicators_vocab import indicator_names, resolve_indicator

    names = set(indicator_names())
    out: list[str] = []
    for w in words:
        w = (w or "").strip()
        if not w:
            continue
        if w in names:
            out.append(w)
            continue
        got = resolve_indicator(w)
        if not got:
            found = find_indicator(w)
            got = [found.name, *found.siblings] if found else []
        out.extend(got)
    return list(dict.fromkeys(out))


def _norm_kinds(kinds: Iterable[str]) -> list[str]:
    return [KIND_BY_LABEL.get(k, k) for k in kinds if k]


def _norm_levels(levels: Iterable[str]) -> list[str]:
    return [LEVEL_BY_LABEL.get(v, v) for v in levels if v]


def filter_rows(snap: Snapshot, *, entities: Sequence[str] = (), indicators: Sequence[str] = (),
                years: Sequence[int] = (), kinds: Sequence[str] = (), levels: Sequence[str] = (),
                report_years: Sequence[int] = ()) -> list[IndicatorRow]:
    """Rows matching the filters; indicators may be everyday words, kinds/levels may be labels."""
    names = resolve_names(indicators) if indicators else []
    if indicators and not names:
        return []
    rows = snap.query(entities=entities or None, indicators=names or None, years=years or None,
                      kinds=_norm_kinds(kinds) or None, levels=_norm_levels(levels) or None,
                      report_years=report_years or None)
    return sorted(rows, key=lambda r: (r.entity, r.indicator, r.year or 0, r.kind, r.report_year or 0, r.start))


def records(rows: Iterable[IndicatorRow]) -> list[dict]:
    return [{h: cell(r, a) for h, a in COLUMNS} for r in rows]


def to_csv(rows: Iterable[IndicatorRow]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow([h for h, _ in COLUMNS])
    for r in rows:
        w.writerow(["" if v is None else v for v in (cell(r, a) for _, a in COLUMNS)])
    return buf.getvalue()


def to_json_lines(rows: Iterable[IndicatorRow]) -> str:
    return "".join(json.dumps(r.to_dict(), ensure_ascii=False) + "\n" for r in rows)


def write_csv(rows: Iterable[IndicatorRow], path: Path) -> Path:
    path.write_text(to_csv(rows), encoding="utf-8-sig")  # with a BOM: Excel opens it as UTF-8
    return path


def write_xlsx(rows: Iterable[IndicatorRow], path: Path, *, vs: list | None = None) -> Path:
    """An Excel workbook: sheet 指标 (one row per statement), and 目标与实际 when given."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "指标"
    ws.append([h for h, _ in COLUMNS])
    for r in rows:
        ws.append([cell(r, a) for _, a in COLUMNS])
    for c in ws[1]:
        c.font = Font(bold=True)
    ws.freeze_panes = "A2"
    widths = {"地区/单位": 14, "指标": 22, "原文": 60, "文件": 30, "原文数值": 12}
    for i, (h, _) in enumerate(COLUMNS, start=1):
        ws.column_dimensions[ws.cell(1, i).column_letter].width = widths.get(h, 10)
    if vs is not None:
        ws2 = wb.create_sheet("目标与实际")
        ws2.append(VS_COLUMNS)
        for row in vs_records(vs):
            ws2.append([row[h] for h in VS_COLUMNS])
        for c in ws2[1]:
            c.font = Font(bold=True)
    wb.save(path)
    return path


def vs_records(pairs) -> list[dict]:
    """Rows of the target-vs-outcome view (from rag.table_targets.TargetOutcome objects)."""
    from rag.table_cite import value_text

    out = []
    for x in pairs:
        out.append({
            "地区/单位": x.entity, "指标": x.indicator, "年份": x.year,
            "目标": value_text(x.target) if x.target else "",
            "目标出处": f"{x.target_report.year}年报告 {x.target_report.file}" if x.target else "",
            "实际": (value_text(x.outcome) + ("（预计）" if x.outcome.kind == "expected" else "")) if x.outcome else "",
            "实际出处": f"{x.outcome_report.year}年报告 {x.outcome_report.file}" if x.outcome and x.outcome_report else "",
            "结论": x.status_label, "说明": x.note,
        })
    return out


def text_table(headers: list[str], rows: list[list], limit: int = 40) -> str:
    """A plain aligned table for a terminal (CJK counted double width)."""
    import unicodedata

    def width(s: str) -> int:
        return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)

    def clip(v) -> str:
        s = "" if v is None else (f"{v:g}" if isinstance(v, float) else str(v))
        s = s.replace("\n", " ")
        while width(s) > limit:
            s = s[:-2] + "…"
        return s

    cells = [[clip(h) for h in headers]] + [[clip(v) for v in r] for r in rows]
    ws = [max(width(r[i]) for r in cells) for i in range(len(headers))]
    lines = ["  ".join(c + " " * (ws[i] - width(c)) for i, c in enumerate(r)).rstrip() for r in cells]
    lines.insert(1, "  ".join("-" * w for w in ws))
    return "\n".join(lines)
