"""The years a report reviews and plans, read from its wording and the national calendar."""

from __future__ import annotations

import re

from ingest.snippet import snippet
from rag.text.cues import YEAR_IN_TEXT, YEAR_PLANNED_IN_TEXT, YEAR_REVIEWED_IN_TEXT

# ------------------------------------------------------------------ years

# National calendar anchors: a report that says "新中国成立70周年" is about 2019, whatever its page says.
_ANCHORS: tuple[tuple[re.Pattern, int, str], ...] = (
    (re.compile(r"(新中国|中华人民共和国)成立\s*70\s*周年|建国\s*70\s*周年"), 2019, "新中国成立70周年"),
    (re.compile(r"(新中国|中华人民共和国)成立\s*60\s*周年"), 2009, "新中国成立60周年"),
    (re.compile(r"改革开放\s*40\s*周年"), 2018, "改革开放40周年"),
    (re.compile(r"改革开放\s*30\s*周年"), 2008, "改革开放30周年"),
    (re.compile(r"(建党|中国共产党(成立|迎来)?)\s*(100|一百)\s*周年|百年华诞"), 2021, "建党百年"),
    (re.compile(r"[“\"]?十四五[”\"]?(规划)?的?开局之年"), 2021, "“十四五”开局之年"),
    (re.compile(r"[“\"]?十三五[”\"]?(规划)?的?(收官之年|决胜之年)"), 2020, "“十三五”收官之年"),
    (re.compile(r"[“\"]?十三五[”\"]?(规划)?的?开局之年"), 2016, "“十三五”开局之年"),
    (re.compile(r"[“\"]?十五五[”\"]?(规划)?的?开局之年"), 2026, "“十五五”开局之年"),
    (re.compile(r"党的二十大(召开)?之年|喜迎党的二十大"), 2022, "党的二十大召开之年"),
    (re.compile(r"全面贯彻(落实)?党的二十大精神的开局之年"), 2023, "贯彻二十大精神开局之年"),
)


def _year_mentions(patterns, text: str) -> list[tuple[int, int, str]]:
    found = []
    for pat in patterns:
        for m in pat.finditer(text):
            year = next(int(g) for g in m.groups() if g and re.fullmatch(r"20\d\d", g))
            found.append((m.start(), year, snippet(text, m.start(), m.end())))
    return sorted(found)


def detect_years(text: str, title: str) -> dict[str, tuple[int | None, str]]:
    """period_reviewed, period_planned and the report year — each with provenance.

    The plan year comes from headings like "2023年工作安排"; the reviewed year from
    "2019年以来工作回顾", "刚刚过去的2022年" … ; a national-calendar anchor ("新中国成立70周年")
    placed before the plan part overrides a contradicting year in the text (scraped pages
    sometimes carry a wrong year), and then the plan year follows it.
    """
    plans = _year_mentions(YEAR_PLANNED_IN_TEXT, text)
    planned, plan_src, plan_pos = (plans[0][1], plans[0][2], plans[0][0]) if plans else (None, "", len(text))
    reviews = [r for r in _year_mentions(YEAR_REVIEWED_IN_TEXT, text) if planned is None or r[1] < planned]
    reviewed, rev_src = (reviews[0][1], reviews[0][2]) if reviews else (None, "")
    for pat, year, label in _ANCHORS:
        m = pat.search(text)
        if not m or m.start() > plan_pos or year == planned:
            continue
        if reviewed != year:
            claimed = ""
            near = YEAR_IN_TEXT.search(text[max(0, m.start() - 25): m.start()])
            if near and int(near.group(1)) != year:
                claimed = f"（文中写作{near.group(1)}年，与此矛盾，以时代标志为准）"
                if planned is not None and planned >= int(near.group(1)):
                    planned, plan_src = None, ""
            reviewed = year
            rev_src = f"时代标志“{label}”→{year}年{claimed}：“{snippet(text, m.start(), m.end())}”"
        break
    if reviewed and planned and planned <= reviewed:
        planned, plan_src = None, ""
    if reviewed and not planned:
        planned, plan_src = reviewed + 1, f"回顾{reviewed}年的报告，计划年按次年推定"
    if planned and not reviewed:
        reviewed, rev_src = planned - 1, f"部署{planned}年工作的报告，回顾年按上一年推定"
    out: dict[str, tuple[int | None, str]] = {
        "period_reviewed": (reviewed, rev_src or "未找到"),
        "period_planned": (planned, plan_src or "未找到"),
    }
    if planned:
        out["year"] = (planned, f"报告年份＝部署工作的年份{planned}（回顾{reviewed}年）")
    else:
        m = re.search(r"(20\d\d)", title)
        out["year"] = (int(m.group(1)) if m else None, f"标题“{title}”" if m else "未找到")
    return out
