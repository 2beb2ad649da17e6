"""`govqa indicators`: the indicator table filtered, as a text table, CSV, Excel or JSON."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from commands.common import settings_from_args


def _output_format(args) -> str | None:
    """The format to write (None after saying why it will not do)."""
    fmt = args.format or (Path(args.out).suffix.lstrip(".").lower() if args.out else "table")
    if fmt not in ("table", "csv", "xlsx", "json"):
        print(f"错误：不支持的格式 {fmt}（table|csv|xlsx|json）", file=sys.stderr)
        return None
    if fmt == "xlsx" and not args.out:
        print("错误：--format xlsx 需要 --out 文件名", file=sys.stderr)
        return None
    return fmt


def _write_csv(rows, pairs, out: Path | None) -> None:
    from rag.indicators_export import VS_COLUMNS, to_csv, vs_records, write_csv

    if pairs is not None:
        import csv
        import io

        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=VS_COLUMNS)
        w.writeheader()
        w.writerows(vs_records(pairs))
        text = buf.getvalue()
    else:
        text = to_csv(rows)
    if out:
        out.write_text(text, encoding="utf-8-sig") if pairs is not None else write_csv(rows, out)
    else:
        sys.stdout.write(text)


def _write_json(rows, pairs, out: Path | None) -> None:
    from rag.indicators_export import to_json_lines, vs_records

    text = (json.dumps(vs_records(pairs), ensure_ascii=False, indent=1) + "\n") if pairs is not None \
        else to_json_lines(rows)
    if out:
        out.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


def _write_table(rows, pairs, out: Path | None) -> None:
    from rag.indicators_export import VS_COLUMNS, text_table, vs_records
    from rag.types import LEVEL_LABELS

    if pairs is not None:
        recs = vs_records(pairs)
        text = text_table(VS_COLUMNS, [[r[h] for h in VS_COLUMNS] for r in recs], limit=36)
        summary = f"{len(recs)} 组目标与实际"
    else:
        headers = ["地区/单位", "级别", "报告年份", "指标", "类型", "数据年份", "原文数值", "原文"]
        text = text_table(headers, [[r.entity, LEVEL_LABELS.get(r.level, r.level), r.report_year, r.indicator,
                                     r.kind_label, r.year, r.raw, r.passage] for r in rows], limit=36)
        summary = f"{len(rows)} 行（{len({r.doc_id for r in rows})} 份报告）"
    if out:
        out.write_text(text + "\n", encoding="utf-8")
    else:
        print(text)
    print(summary, file=sys.stderr)


def cmd_indicators(args) -> int:
    from rag.indicators_export import filter_rows, resolve_names, write_xlsx
    from rag.indicators_table import table_for
    from rag.store import ReportStore
    from rag.table_targets import targets_vs_outcomes

    fmt = _output_format(args)
    if fmt is None:
        return 2
    snap = table_for(ReportStore(settings_from_args(args))).snapshot()
    if args.indicator and not resolve_names(args.indicator):
        print(f"错误：不认识的指标 {'、'.join(args.indicator)}（可用名称或常用说法，如 地区生产总值增长、GDP增速、财政收入）",
              file=sys.stderr)
        return 2
    filters = dict(entities=args.entity or (), indicators=args.indicator or (), years=args.year or (),
                   kinds=args.kind or (), levels=args.level or ())
    rows = filter_rows(snap, **filters)
    pairs = None
    if args.vs:
        pairs = targets_vs_outcomes(snap, entities=args.entity or None,
                                    indicators=resolve_names(args.indicator) if args.indicator else None,
                                    years=args.year or None)
    out = Path(args.out) if args.out else None
    if fmt == "xlsx":
        write_xlsx(rows, out, vs=pairs)
    elif fmt == "csv":
        _write_csv(rows, pairs, out)
    elif fmt == "json":
        _write_json(rows, pairs, out)
    else:
        _write_table(rows, pairs, out)
    if out:
        print(f"已写入 {out}（{len(rows) if pairs is None or fmt == 'xlsx' else len(pairs)} 行）", file=sys.stderr)
    return 0
