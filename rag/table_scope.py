"""Which reports a table question covers (level, places, the report year that states the figure) and the
headline row each gives."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from rag.indicators_table import IndicatorRow, Snapshot
from rag.table_question import TableQuestion
from rag.types import DocMeta

LEVEL_NAMES = {"national": "国家", "province": "省级", "city": "市级", "county": "区县级", "township": "乡镇街道"}


@dataclass
class Scope:
    reports: list[DocMeta]  # the reports that could state the figure, one per issuer
    year: int | None
    label: str  # "2026年省级报告"
    note: str = ""  # why no report is in scope
    year_of: dict[str, int] = field(default_factory=dict)  # doc_id -> the data year asked of it
    absent: list[str] = field(default_factory=list)  # issuers named whose report of that year is not in the library

    def year_for(self, doc_id: str) -> int | None:
        return self.year_of.get(doc_id, self.year)


def _in_scope(m: DocMeta, tq: TableQuestion, towns: Iterable[str]) -> bool:
    towns = set(towns)
    if towns and m.entity not in towns:
        return False
    if tq.entities and m.entity not in tq.entities:
        return False
    if tq.regions and not (set(tq.regions) & set(m.parent) or m.region in tq.regions):
        return False
    if tq.levels and m.level not in tq.levels:
        return False
    return True


def resolve_scope(tq: TableQuestion, snap: Snapshot, *, towns=(), report_years=()) -> Scope:
    """The reports a question covers: of the level/places asked, delivered in the year that states
    the figure (a target for N: report N; an outcome for N: report N+1)."""
    metas = [m for m in snap.metas.values() if _in_scope(m, tq, towns)]
    if report_years:
        metas = [m for m in metas if m.year in set(report_years)]
    level = "、".join(LEVEL_NAMES.get(lv, lv) for lv in tq.levels) if tq.levels else ""
    where = "、".join(tq.regions) if tq.regions else ""
    if not metas:
        return Scope([], tq.year, f"{where}{level}报告", f"库中没有{where}{level or '所问范围的'}报告")
    latest = max((m.year for m in metas if m.year), default=None)
    year = tq.year
    if year is None and tq.entities and not tq.entity_years and not tq.relative:
        # issuers named, no year: each issuer's latest report
        pairs = []
        for entity in tq.entities:
            ys = [m.year for m in metas if m.entity == entity and m.year]
            if ys:
                last = max(ys)
                pairs.append((entity, last if tq.kind == "target" or tq.mode == "target_outcome" else last - 1))
        if pairs:
            return resolve_scope(replace(tq, entity_years=tuple(pairs)), snap, towns=towns, report_years=report_years)
    if year is None and latest:
        if tq.relative == "去年" or (tq.kind == "actual" and tq.relative != "今年"):
            year = latest - 1
        else:
            year = latest
    if year is None:
        return Scope([], None, f"{where}{level}报告", "库中报告的年份不明")
    shift = 0 if tq.kind == "target" or tq.mode == "target_outcome" else 1
    if tq.entity_years:  # a year per issuer: each issuer's report of its year
        reports, year_of, absent = [], {}, []
        for entity, y in tq.entity_years:
            m = next((m for m in sorted(metas, key=lambda m: m.file) if m.entity == entity and m.year == y + shift),
                     None)
            if m is None:
                absent.append(f"{entity}（库中没有其{y + shift}年报告）")
            else:
                reports.append(m)
                year_of[m.doc_id] = y
        label = "、".join(f"{e}{y + shift}年" for e, y in tq.entity_years) + "报告"
        return Scope(reports, None, label, "" if reports else "库中没有所问年份的报告", year_of, absent)
    wanted = year + shift
    chosen = [m for m in metas if m.year == wanted]
    absent = [f"{e}（库中没有其{wanted}年报告）" for e in tq.entities if not any(m.entity == e for m in chosen)]
    if not chosen:
        have = sorted({m.year for m in metas if m.year})
        what = "目标" if tq.kind == "target" else "实际完成情况"
        return Scope([], year, f"{wanted}年{where}{level}报告",
                     f"库中没有{wanted}年的{where}{level}报告（{year}年的{what}见于{wanted}年的报告），"
                     f"现有年份：{'、'.join(f'{y}年' for y in have) or '无'}；不用其他年份的报告代替")
    # one report per issuer (a second copy of the same issuer's report: the one with more rows)
    by_entity: dict[str, DocMeta] = {}
    for m in sorted(chosen, key=lambda m: m.file):
        key = m.entity or m.doc_id
        if key not in by_entity:
            by_entity[key] = m
    return Scope(list(by_entity.values()), year, f"{wanted}年{where}{level}报告", absent=absent)


def best_row(rows: list[IndicatorRow]) -> IndicatorRow | None:
    """The headline figure among a report's rows for one indicator/year/kind: a figure in the
    statement of the main targets first; for outcomes an exact figure before a milestone
    ("突破3万亿元", "超9万亿元"); then the most confident; for targets of a total the whole rather
    than a part (the larger); then the first stated."""
    if not rows:
        return None

    def key(r: IndicatorRow):
        goal = any(w in r.passage for w in ("预期目标", "主要目标", "主要指标"))
        exact = r.kind != "actual" or r.qualifier in ("", "累计")
        whole = r.value if (r.kind == "target" and r.unit != "%") else 0.0
        return (goal, r.kind == "actual", exact, r.confidence, whole, -r.start)

    return max(rows, key=key)


def collect(tq: TableQuestion, snap: Snapshot, scope: Scope) -> dict[str, IndicatorRow]:
    """doc_id -> the headline row of each report in scope (targets only, or outcomes only)."""
    ids = {m.doc_id for m in scope.reports}
    kinds = ("target",) if tq.kind == "target" else ("actual", "expected")
    years = {scope.year_for(d) for d in ids}
    rows = snap.query(indicators=[tq.indicator], years=years, kinds=kinds, doc_ids=ids)
    by_doc: dict[str, list[IndicatorRow]] = {}
    for r in rows:
        if r.year == scope.year_for(r.doc_id):
            by_doc.setdefault(r.doc_id, []).append(r)
    out = {}
    for d, rs in by_doc.items():
        actual = [r for r in rs if r.kind == kinds[0]]
        out[d] = best_row(actual or rs)
    return out
