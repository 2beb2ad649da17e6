"""Routing a question to reports: which reports it is about, and the sides it compares
(one per town, year, report or target/outcome)."""

from __future__ import annotations

import re
from functools import lru_cache

from rag.query_plan import Intent, Side
from rag.text import places
from rag.types import DocMeta


def year_side(catalogue: list[DocMeta], doc_ids: set[str], year: int, intent: str) -> Side:
    """A comparison side for one year: its outcome is in the report that reviews it, its target
    in the report that plans it (one or the other, never a neighbour year's report)."""
    metas = [m for m in catalogue if m.doc_id in doc_ids]
    if intent == "target":
        ids = {m.doc_id for m in metas if m.period_planned == year}
    else:
        ids = {m.doc_id for m in metas if m.period_reviewed == year} or (
            {m.doc_id for m in metas if m.period_planned == year} if intent != "actual" else set())
    missing = "" if ids else f"库中没有{'部署' if intent == 'target' else '回顾'}{year}年的报告"
    return Side(f"{year}年", frozenset(ids), years=(year,), intent=intent if intent != "any" else "", missing=missing)


def target_outcome_sides(catalogue: list[DocMeta], entity: str, year: int) -> list[Side]:
    """"2023年GDP增长目标是多少，实际完成了多少？": the target from the plan part of the report
    delivered in that year, the outcome from the review part of the next year's report."""
    own = [m for m in catalogue if m.entity == entity]
    plan_ids = frozenset(m.doc_id for m in own if m.period_planned == year)
    review_ids = frozenset(m.doc_id for m in own if m.period_reviewed == year)
    return [
        Side(f"{year}年目标", plan_ids, years=(year,), intent="target",
             missing="" if plan_ids else f"库中没有{entity}{year}年的政府工作报告（目标在该年报告中）"),
        Side(f"{year}年实际", review_ids, years=(year,), intent="actual",
             missing="" if review_ids else f"库中没有{entity}{year + 1}年的政府工作报告（{year}年的完成情况在该报告中）"),
    ]


def docs_for(catalogue: list[DocMeta], *, towns=(), regions=(), years=(), report_years=()) -> set[str]:
    """The reports of the catalogue by these issuers/regions that cover these years (all when not given)."""
    ids = set()
    for m in catalogue:
        if towns and m.entity not in towns:
            continue
        if regions and m.region not in regions and not set(regions) & set(m.parent) and not _headline_names(m, regions):
            continue
        if years and not {m.year, m.period_reviewed, m.period_planned} & set(years):
            continue
        if report_years and m.year not in report_years and not title_years(m) & set(report_years):
            continue
        ids.add(m.doc_id)
    return ids


def title_years(m: DocMeta) -> frozenset[int]:
    """The year a report's own title prints ("镇人民政府2023年政府工作报告"): what its readers call
    it by, even where its text dates it otherwise (an anonymised report re-dated in its headings)."""
    return _years_printed(m.title or "")


@lru_cache(maxsize=4096)
def _years_printed(title: str) -> frozenset[int]:
    """The one year a title prints (read once per title, not once per routing of each question)."""
    found = frozenset(int(y) for y in re.findall(r"(?<!\d)(20\d\d)(?!\d)", title))
    return found if len(found) == 1 else frozenset()


def _headline_names(m: DocMeta, regions) -> bool:
    """A document that is no report (a news item) has no issuer: the place its text names most is
    only a guess, so one its headline names is its place too ("上海2023年经济运行数据出炉")."""
    return not m.is_report and bool(m.title) and any(places.strip_suffix(r) in m.title for r in regions if r)


def report_label(meta: DocMeta) -> str:
    """How a report is named on a comparison side: its issuer, else its title (a document that is
    no report, a news item, by its title alone)."""
    if meta.entity:
        return meta.entity
    if meta.doc_type == "其他":
        return f"《{meta.title[:24]}》"
    return f"未署名报告《{meta.title[:16]}》"


def route_doc_ids(catalogue: list[DocMeta], by_id: dict[str, DocMeta], *, towns: list[str], regions: list[str],
                  years: list[int], report_years: list[int], described_docs: frozenset[str], comparison: bool,
                  inherited_doc_ids: frozenset[str] | None, town_filter: tuple[str, ...],
                  year_filter: tuple[int, ...]) -> set[str] | None:
    """The reports a question is about (None = the whole corpus)."""
    doc_ids: set[str] | None = None
    if described_docs and not comparison:
        doc_ids = set(described_docs)
    elif towns or regions:
        doc_ids = docs_for(catalogue, towns=towns, regions=regions)
        if report_years:  # "2024年政府工作报告": that report or none — never another year's
            doc_ids = docs_for(catalogue, towns=towns, regions=regions, report_years=report_years)
        if years:  # several reports of one issuer: the year picks
            doc_ids = docs_for(catalogue, towns=towns, regions=regions, years=years,
                               report_years=report_years) or doc_ids
        doc_ids |= described_docs
    elif inherited_doc_ids is not None:
        doc_ids = set(inherited_doc_ids)
    elif report_years:
        doc_ids = docs_for(catalogue, report_years=report_years)
        if not doc_ids:
            # a report the library does not hold ("2024年政府工作报告提出…") may be told of by the
            # documents that are no report (a news story on it); never by another year's report
            doc_ids = {m.doc_id for m in catalogue if not m.is_report}
    if year_filter:
        doc_ids = (doc_ids if doc_ids is not None else set(by_id)) & docs_for(catalogue, years=year_filter)
    if town_filter and not towns:
        doc_ids = (doc_ids if doc_ids is not None else set(by_id)) & docs_for(catalogue, towns=town_filter)
    return doc_ids


def outcome_reports(doc_ids: set[str] | None, years: list[int], by_id: dict[str, DocMeta]) -> set[str] | None:
    """A year asked about with no word of target or plan: where an issuer has both the report
    that reviews the year and the one that planned it, the outcome is asked — the planning report
    drops out (its target is not the figure of the year)."""
    if not doc_ids or not years:
        return doc_ids
    reviewing = {by_id[d].entity for d in doc_ids if d in by_id and by_id[d].period_reviewed in years}
    return {d for d in doc_ids if not (d in by_id and by_id[d].period_planned in years
                                       and by_id[d].period_reviewed not in years and by_id[d].entity in reviewing)}


def town_sides(catalogue: list[DocMeta], towns: list[str], years: list[int], target: bool,
               own: dict[str, tuple[list[int], list[int]]] | None = None) -> list[Side]:
    """One comparison side per town named; ``own``: each town's own (data years, report years)
    when each is written with its own year."""
    sides = []
    for t in towns:
        if own and t in own:
            sides.append(_own_year_side(catalogue, t, *own[t], target))
            continue
        ids = docs_for(catalogue, towns=[t], years=years) or docs_for(catalogue, towns=[t])
        if years and ids and not docs_for(catalogue, towns=[t], years=years):
            # none of this town's reports speaks of the years asked: the side says so, and never
            # answers with another year's figure
            have = "、".join(sorted({f"{m.year}年" for m in catalogue if m.doc_id in ids and m.year}))
            asked = "、".join(f"{y}年" for y in years)
            sides.append(Side(t, frozenset(), missing=f"库中{t}的报告（{have}）不涉及{asked}"))
            continue
        if years:
            # sides are ranked or set side by side: outcomes from the reports that review
            # the year, targets from those that plan it — never one side's target against
            # another's outcome
            own = [m for m in catalogue if m.doc_id in ids]
            part = {m.doc_id for m in own if (m.period_planned if target else m.period_reviewed) in years}
            ids = part or ids
        sides.append(Side(t, frozenset(ids), intent="target" if target else ""))
    return sides


def _own_year_side(catalogue: list[DocMeta], town: str, years: list[int], report_years: list[int],
                   target: bool) -> Side:
    """A town's side dated by its own year: its report of that year ("杜桥镇2020年的报告"), or the
    report that reviews (plans, for a target) the year it names ("坪山新区2014年") — else says so."""
    own = [m for m in catalogue if m.entity == town]
    if report_years:
        own = [m for m in own if m.year in report_years]
    if years:
        own = [m for m in own if (m.period_planned if target else m.period_reviewed) in years] or (
            [m for m in own if m.year in years] if not report_years else own)
    label = f"{town}（{'、'.join(f'{y}年' for y in report_years or years)}）"
    if not own:
        asked = "、".join(f"{y}年" for y in report_years or years)
        what = "报告" if report_years else "涉及该年的报告"
        return Side(label, frozenset(), missing=f"库中没有{town}{asked}的{what}")
    return Side(label, frozenset(m.doc_id for m in own), years=tuple(years), intent="target" if target else "")


def comparison_sides(catalogue: list[DocMeta], by_id: dict[str, DocMeta], *, n_subjects: int, towns: list[str],
                     years: list[int], report_years: list[int], intent: Intent, target: bool,
                     doc_ids: set[str] | None, described: str, described_docs: frozenset[str],
                     own: dict[str, tuple[list[int], list[int]]] | None = None) -> list[Side]:
    """The sides of a comparison: one per town / described report / year / report ([] when none)."""
    sides: list[Side] = []
    if n_subjects >= 2:
        sides = town_sides(catalogue, towns, years, target, own)
        if described_docs:
            sides.append(Side(described_label(described), described_docs))
    elif len(years) >= 2 and doc_ids is not None:
        sides = [year_side(catalogue, doc_ids, y, intent) for y in years]
    elif len(report_years) >= 2 and doc_ids is not None:
        sides = [Side(f"{y}年报告", frozenset(d for d in doc_ids if by_id[d].year == y),
                      missing="" if any(by_id[d].year == y for d in doc_ids) else f"库中没有{y}年的报告")
                 for y in report_years]
    elif doc_ids is None or len(doc_ids) >= 2:
        # one side per report of an issuer; a document that is no report (a news item) is no
        # subject to rank ("票房最高的电影" is told inside an item, not across items)
        pool = [d for d in (doc_ids if doc_ids is not None else set(by_id)) if by_id[d].is_report]
        sides = [Side(report_label(by_id[d]), frozenset({d})) for d in sorted(pool, key=lambda d: report_label(by_id[d]))]
    return sides


def described_label(described: str) -> str:
    """How a report the question describes is labelled: its title as given ("《…》"), or "…的报告"."""
    return described if described.startswith("《") else f"{described}的报告"


def single_side(by_id: dict[str, DocMeta], towns: list[str], described: str, described_docs: frozenset[str],
                doc_ids: set[str] | None) -> Side:
    """The one subject of a plain question."""
    if towns:
        label = "、".join(towns)
    elif described_docs:
        label = described_label(described)
    elif doc_ids and len(doc_ids) == 1:
        label = report_label(by_id[next(iter(doc_ids))])
    else:
        label = ""
    return Side(label, frozenset(doc_ids) if doc_ids is not None else frozenset())
