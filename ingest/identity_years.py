"""Which years a report covers (delivered, reviewed, planned, five-year spans), each with its source.

The dateline gives the delivery year; otherwise the year the report reviews ("一、2020年
工作回顾") read by ingest.years; a report delivered in year N reviews N-1 and plans N. A five-year
plan period ("十三五"时期) reviewed or opened by the report gives the span.
"""

from __future__ import annotations

import re

from rag.text.cues import (
    FIVE_YEAR_PLAN,
    PAST_FIVE_YEARS,
    PLAN_YEAR_HEAD,
    REVIEW_YEAR_HEAD,
    SUMMARY_TITLE_YEAR,
    YEAR_IN_TEXT,
)
from rag.text.numbers import cn_to_number


def five_year_plan_span(n: int) -> tuple[int, int]:
    """The years of the n-th five-year plan (the 3rd began in 1966 after an adjustment period)."""
    start = 1953 + 5 * (n - 1) if n <= 2 else 1966 + 5 * (n - 3)
    return start, start + 4


def _reviewed_from_headings(headings: list[str]) -> tuple[int, str] | None:
    """The reviewed year named by a top-level review heading ("一、2020年工作回顾",
    "“十三五”时期发展成就和2020年主要工作"): the first top-level heading that names a year and
    looks back."""
    for h in headings:
        m = YEAR_IN_TEXT.search(h)
        if m and REVIEW_YEAR_HEAD.search(h) and not PLAN_YEAR_HEAD.search(h):
            return int(m.group(1)), f"回顾部分的标题：“{h}”"
    return None


def read_years(prov: dict[str, str], years: dict, headings: list[str], *, date: str | None,
               report_year: int | None, title: str, stem: str, file: str) -> tuple[int | None, int | None, int | None]:
    """(report year, reviewed, planned): the dateline or title first (``date``, ``report_year``);
    then the section headings; then what the body says (``years``, from ingest.years); then the
    file name. The provenance of each goes into ``prov``."""
    reviewed, rev_src = years["period_reviewed"]
    planned, plan_src = years["period_planned"]
    anchored = "与此矛盾" in rev_src  # an anchor that contradicts the year written beside it
    heading_year = _reviewed_from_headings(headings)
    if anchored and not date:
        # a dated national event ("新中国成立70周年") contradicts the years the page states: the
        # event is right (ingest.years reads it); a scraped page's year is not
        report_year = planned or (reviewed + 1 if reviewed else None)
        prov["report_year"] = rev_src
    elif heading_year and not date:
        # the review part's own heading ("一、2021年工作回顾") beats a title year, which portals
        # use both for the year reviewed and for the year delivered ("青山镇2021年政府工作报告")
        reviewed, rev_src = heading_year
        planned, plan_src = reviewed + 1, f"回顾{reviewed}年的报告部署次年"
        report_year = reviewed + 1
        prov["report_year"] = f"回顾{reviewed}年的报告，于次年作出"
    elif report_year:
        # a report delivered in year N reviews N-1 and plans N
        reviewed, rev_src = report_year - 1, f"{report_year}年作的报告回顾上一年"
        planned, plan_src = report_year, f"{report_year}年作的报告部署当年"
    elif reviewed:
        report_year = reviewed + 1
        prov["report_year"] = f"回顾{reviewed}年的报告，于次年作出"
    else:
        fy = re.search(r"(?<!\d)((?:19|20)\d\d)(?!\d)", stem)
        ty = SUMMARY_TITLE_YEAR.search(title)
        if ty:
            reviewed = int(ty.group(1))
            report_year, planned = reviewed + 1, reviewed + 1
            rev_src = plan_src = prov["report_year"] = f"标题：“{title}”"
        elif fy:
            report_year = int(fy.group(1))
            reviewed, planned = report_year - 1, report_year
            rev_src = plan_src = prov["report_year"] = f"文件名：“{file}”"
    prov["period_reviewed"], prov["period_planned"] = rev_src, plan_src
    return report_year, reviewed, planned


def plan_spans(prov: dict[str, str], text: str, head: str, reviewed: int | None,
               planned: int | None) -> tuple[tuple[int, int] | None, tuple[int, int] | None]:
    """(reviewed span, planned span): the five-year plan period the report looks back on or opens."""
    reviewed_span = planned_span = None
    for m in FIVE_YEAR_PLAN.finditer(text):
        n = 10 + int(cn_to_number(m.group(1)) or 0)
        span = five_year_plan_span(n)
        if reviewed and span[1] == reviewed and not reviewed_span:
            reviewed_span = span
            prov["reviewed_span"] = f"回顾“十{m.group(1)}五”时期：“{m.group(0)}”"
        if planned and span[0] == planned and not planned_span:
            planned_span = span
            prov["planned_span"] = f"部署“十{m.group(1)}五”时期：“{m.group(0)}”"
    if not reviewed_span and reviewed and PAST_FIVE_YEARS.search(head + text[:600]):
        reviewed_span = (reviewed - 4, reviewed)
        prov["reviewed_span"] = "开场回顾“过去五年”"
    return reviewed_span, planned_span
