"""An issuer's target for a year (from that year's report) beside its outcome (from the next report): met or not."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from rag.indicators_table import IndicatorRow, Snapshot
from rag.table_cite import value_text
from rag.table_scope import best_row
from rag.types import DocMeta

# indicators whose target is a ceiling (a price rise, an unemployment rate kept below a level)
CEILING = frozenset({"居民消费价格", "城镇调查失业率", "城镇登记失业率"})


@dataclass
class TargetOutcome:
    entity: str
    indicator: str
    year: int
    target: IndicatorRow | None
    outcome: IndicatorRow | None
    target_report: DocMeta | None
    outcome_report: DocMeta | None
    status: str  # met | not met | not stated
    note: str = ""
    extra: list[str] = field(default_factory=list)

    @property
    def status_label(self) -> str:
        return {"met": "达到目标", "not met": "未达到目标", "not stated": "无法判断"}.get(self.status, self.status)


def judge(indicator: str, target: IndicatorRow, outcome: IndicatorRow) -> tuple[str, str]:
    """(status, explanation) of an outcome against a target of the same indicator and unit."""
    if target.unit != outcome.unit:
        return "not stated", f"目标单位（{target.unit}）与实际单位（{outcome.unit}）不同，无法比较"
    ceiling = indicator in CEILING or target.qualifier in ("以内", "以下", "之内")
    actual = outcome.value
    if ceiling:
        limit = target.sort_high
        ok = actual <= limit + 1e-9
        rule = f"目标为上限（{value_text(target)}），实际{'未超过' if ok else '超过'}上限"
    else:
        floor = target.value
        ok = actual >= floor - 1e-9
        gap = floor - actual
        rule = f"实际{'达到或超过' if ok else '低于'}目标{'下限' if target.value_high is not None else ''}"
        if not ok and target.qualifier == "左右":
            unit = "个百分点" if target.unit == "%" else target.unit
            rule += f"，目标为“左右”，差{gap:.10g}{unit}"
    return ("met" if ok else "not met"), rule


def target_vs_outcome(snap: Snapshot, entity: str, indicator: str, year: int) -> TargetOutcome:
    """The issuer's target for ``year`` (from its report of that year) beside its outcome for
    ``year`` (from its report of the next year, else any later report that states it)."""
    reports = [m for m in snap.metas.values() if m.entity == entity]
    target_report = next((m for m in sorted(reports, key=lambda m: m.file) if m.year == year), None)
    outcome_report = next((m for m in sorted(reports, key=lambda m: m.file) if m.year == year + 1), None)
    target = outcome = None
    if target_report is not None:
        target = best_row(snap.query(indicators=[indicator], years=[year], kinds=["target"],
                                     doc_ids=[target_report.doc_id]))
    if outcome_report is not None:
        rows = snap.query(indicators=[indicator], years=[year], kinds=["actual"], doc_ids=[outcome_report.doc_id])
        outcome = best_row(rows or snap.query(indicators=[indicator], years=[year], kinds=["expected"],
                                              doc_ids=[outcome_report.doc_id]))
    if outcome is None:  # a later report (a five-year review) may state the year's outcome
        later = [m.doc_id for m in reports if m.year and m.year > year + 1]
        if later:
            outcome = best_row(snap.query(indicators=[indicator], years=[year], kinds=["actual"], doc_ids=later))
            if outcome is not None:
                outcome_report = snap.metas.get(outcome.doc_id)
    notes = []
    if target_report is None:
        notes.append(f"库中没有{entity}{year}年的报告（{year}年的目标见于该报告）")
    elif target is None:
        notes.append(f"{entity}{year}年报告没有给出{year}年{indicator}的目标")
    if outcome_report is None:
        notes.append(f"库中没有{entity}{year + 1}年的报告（{year}年的实际完成情况见于该报告）")
    elif outcome is None:
        notes.append(f"{entity}{year + 1}年报告没有给出{year}年{indicator}的实际数值")
    if target is not None and outcome is not None:
        status, rule = judge(indicator, target, outcome)
        notes.append(rule)
    else:
        status = "not stated"
    return TargetOutcome(entity, indicator, year, target, outcome, target_report, outcome_report, status,
                         "；".join(notes))


def targets_vs_outcomes(snap: Snapshot, *, entities: Iterable[str] | None = None,
                        indicators: Iterable[str] | None = None, years: Iterable[int] | None = None
                        ) -> list[TargetOutcome]:
    """Every (issuer, indicator, year) with a target in the table, each beside its outcome."""
    targets = snap.query(entities=entities, indicators=indicators, years=years, kinds=["target"])
    seen = {}
    for r in targets:
        if r.year is not None and r.report_year == r.year:
            seen.setdefault((r.entity, r.indicator, r.year), None)
    return [target_vs_outcome(snap, e, i, y) for e, i, y in sorted(seen, key=lambda k: (k[0], k[1], k[2]))]
