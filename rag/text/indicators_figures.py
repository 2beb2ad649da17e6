"""Figures in text: a number with a unit (or a range, and a qualifier after it), scaled to an indicator's unit."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Same-length translation: full-width digits, % and . -> ASCII (offsets stay valid).
_FULL_CHARS = "０１２３４５６７８９％．"
_FULL_ASCII = str.maketrans(_FULL_CHARS, "0123456789%.")

_NUM = r"\d+(?:,\d{3})*(?:\.\d+)?"
_UNIT = (r"(?:%|万亿元|亿元|万元|元|万亿美元|亿美元|万美元|美元|万亿斤|亿斤|万斤|亿公斤|万公斤|万吨|吨|"
         r"万人|人|万个|个)")
_FIGURE = re.compile(
    rf"(?<![A-Za-z0-9.])(?P<a>{_NUM})\s?(?P<ua>{_UNIT})?"
    rf"(?:\s?(?P<dash>[-—–~～－‒―]{{1,2}}|至|到)\s?(?P<b>{_NUM})\s?(?P<ub>{_UNIT}))?"
)
_AFTER_FIGURE_BAD = re.compile(r"百分点|次|/|每|年|倍|多万|亩|平方|公里|千瓦|件|户|家|项|辆|名|岁|台阶|大关|关口|级")
_OF_NOUN = re.compile(r"的(?!基础|水平|较|低|高|目标|预期|增长|增速|任务)[\u4e00-\u9fff]")
_AFTER_QUAL = re.compile(r"\s?(左右|上下|以上|以内|以下|之内)")

# money scale to 亿 / to 元; persons to 万; weight to 万吨
_MONEY_YI = {"万亿元": 1e4, "亿元": 1.0, "万元": 1e-4, "元": 1e-8}
_MONEY_USD_YI = {"万亿美元": 1e4, "亿美元": 1.0, "万美元": 1e-4, "美元": 1e-8}
_INCOME_YUAN = {"万元": 1e4, "元": 1.0}
_PERSONS_WAN = {"万人": 1.0, "人": 1e-4, "万个": 1.0, "个": 1e-4}
_WEIGHT_WANDUN = {"万吨": 1.0, "吨": 1e-4, "万亿斤": 5e4, "亿斤": 5.0, "万斤": 5e-4, "亿公斤": 10.0,
                  "万公斤": 1e-3}


@dataclass
class _Fig:
    start: int
    end: int            # end of the number+unit (qualifier excluded)
    raw_end: int        # end including an after-qualifier
    a: float
    b: float | None
    unit: str           # unit as written (of the upper bound for ranges)
    unit_a: str
    after_q: str


def _family_value(unit: str, family: str) -> tuple[float, str] | None:
    """Scale factor and normalised unit of a written unit for an indicator family."""
    if family == "percent":
        return (1.0, "%") if unit == "%" else None
    if family == "money":
        if unit in _MONEY_YI:
            return _MONEY_YI[unit], "亿元"
        if unit in _MONEY_USD_YI:
            return _MONEY_USD_YI[unit], "亿美元"
        return None
    if family == "income":
        return (_INCOME_YUAN[unit], "元") if unit in _INCOME_YUAN else None
    if family == "persons":
        return (_PERSONS_WAN[unit], "万人") if unit in _PERSONS_WAN else None
    if family == "weight":
        return (_WEIGHT_WANDUN[unit], "万吨") if unit in _WEIGHT_WANDUN else None
    return None


def _num(s: str) -> float:
    return float(s.replace(",", ""))


def _round(x: float) -> float:
    return float(f"{x:.10g}")


def _find_figures(t: str) -> list[_Fig]:
    """Every figure of the text with a unit, minus those that count something else or describe another noun."""
    figs: list[_Fig] = []
    for m in _FIGURE.finditer(t):
        ua, ub = m.group("ua"), m.group("ub")
        if not ua and not ub:
            continue
        end = m.end() if ub else m.end("ua")
        if _AFTER_FIGURE_BAD.match(t, end):
            continue
        if ua and ub and ua != ub and ua != "%":
            ub = None
        b = _num(m.group("b")) if ub else None
        if not ub:
            end = m.end("ua")
        unit = ub or ua
        q = _AFTER_QUAL.match(t, end)
        if _OF_NOUN.match(t, q.end() if q else end):
            continue          # "经济总量超500亿元的县域": the figure describes another noun
        figs.append(_Fig(m.start(), end, q.end() if q else end, _num(m.group("a")), b, unit, ua or unit,
                         q.group(1) if q else ""))
    return figs
