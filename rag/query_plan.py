"""The query plan: what a question asks, about which reports, and the sides it compares."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Intent = Literal["target", "actual", "any"]


@dataclass(frozen=True)
class Side:
    """One side of a comparison (or the single subject of a plain question)."""

    label: str
    doc_ids: frozenset[str]
    years: tuple[int, ...] = ()  # the year this side asks about, when sides are years
    intent: str = ""  # "target" | "actual" when the side asks for one of them (target vs outcome)
    missing: str = ""  # why this side has no report ("库中没有…") — never filled from another report


@dataclass(frozen=True)
class QueryPlan:
    question: str  # as asked
    standalone: str  # with the carried subject made explicit (what is retrieved)
    topic: str  # the question minus the names of places and years (what is asked about)
    towns: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    years: tuple[int, ...] = ()  # the years the data asked about refers to
    report_years: tuple[int, ...] = ()  # years naming the report itself ("2024年政府工作报告")
    unknown_places: tuple[str, ...] = ()
    doc_ids: frozenset[str] | None = None  # None = the whole corpus
    sides: tuple[Side, ...] = ()
    comparison: bool = False
    intent: Intent = "any"
    explicit_intent: str = ""  # "target" | "actual" only when the question says so outright (目标/实际…)
    wants_list: bool = False
    wants_number: bool = False
    described: str = ""  # "提到京东区域总部的那个镇" -> "京东区域总部"
    about_report: str = ""  # a question on the report itself: region | reviewed | planned | date | publisher
    period: str = ""  # "reviewed" (去年…) | "planned" (今年/明年…) | "" — relative to the report
    context_topic: str = ""  # a follow-up's previous topic ("同比增长多少？" after "…零售总额是多少？")
    followup: bool = False
    notes: tuple[str, ...] = field(default_factory=tuple)
    # places asked about inside the one report named as the source ("深圳市2020年政府工作报告里，
    # 南山区的PM2.5…"): only a sentence naming one of them answers
    within: tuple[str, ...] = ()
