"""Numbers in Chinese report text: find them and normalise them for comparison.

"297.6亿元" == "2976000万元", "1,034" == "1034", "６％" == "6%", "百分之六" == "6%".
Used by citation validation (every number in an answer must be in a cited passage) and by
the eval metrics.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_FULL = str.maketrans("０１２３４５６７８９．，％", "0123456789.,%")
_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
              "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_SCALE = {"万": 1e4, "亿": 1e8, "千": 1e3, "百": 1e2}

NUMBER = re.compile(
    r"(?P<num>\d+(?:,\d{3})*(?:\.\d+)?)\s*(?P<scale>万亿|亿|万|千)?\s*(?P<pct>%|‰)?"
)
_PERCENT_WORDS = re.compile(r"百分之(?P<cn>[零〇一二两三四五六七八九十百点\d.]+)")
MASKED = re.compile(r"(?<![A-Za-z])[xX×＊*]{1,}(?:\.[xX×＊*]+)?(?=[%亿万元个人家件项户亩])|[xX]{2,}")


def cn_to_number(text: str) -> float | None:
    """Small Chinese numerals: 六 -> 6, 十二 -> 12, 三点五 -> 3.5, 二十 -> 20."""
    if not text:
        return None
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        return float(text)
    if "点" in text:
        whole, _, frac = text.partition("点")
        w = cn_to_number(whole) if whole else 0.0
        digits = "".join(str(_CN_DIGITS.get(ch, "")) for ch in frac)
        if w is None or not digits:
            return None
        return float(f"{int(w)}.{digits}")
    total, current = 0, 0
    for ch in text:
        if ch in _CN_DIGITS:
            current = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            total += (current or 1) * _CN_UNITS[ch]
            current = 0
        else:
            return None
    return float(total + current)


@dataclass(frozen=True)
class Quantity:
    text: str  # as written
    value: float  # scaled (万/亿 applied)
    percent: bool
    start: int
    end: int

    def key(self) -> str:
        # 15 significant digits: 270.71亿 (270.71 * 1e8 = 27070999999.999996) == 2707100万
        v = round(float(f"{self.value:.15g}"), 6)
        s = f"{v:.6f}".rstrip("0").rstrip(".")
        return s + ("%" if self.percent else "")


def normalize_digits(text: str) -> str:
    return text.translate(_FULL)


def find_quantities(text: str) -> list[Quantity]:
    """Every number in the text with its scale; years (2019年) and ordinals are kept too."""
    text = normalize_digits(text)
    out: list[Quantity] = []
    for m in NUMBER.finditer(text):
        raw = m.group("num").replace(",", "")
        try:
            value = float(raw)
        except ValueError:
            continue
        scale = m.group("scale")
        if scale == "万亿":
            value *= 1e12
        elif scale:
            value *= _SCALE[scale]
        out.append(Quantity(m.group(0).strip(), value, bool(m.group("pct")), m.start(), m.end()))
    for m in _PERCENT_WORDS.finditer(text):
        value = cn_to_number(m.group("cn"))
        if value is not None:
            out.append(Quantity(m.group(0), value, True, m.start(), m.end()))
    fractions = _fractions(text)
    if fractions:  # "1/3" is one share, not the numbers 1 and 3
        out = [q for q in out if not any(f.start <= q.start < f.end for f in fractions)] + fractions
        out.sort(key=lambda q: q.start)
    return out


_FRACTION = re.compile(r"(?<![\d./])(\d{1,2})\s*/\s*(\d{1,3})(?![\d./])")
_CN_FRACTION = re.compile(r"(?P<den>[一二三四五六七八九十两]{1,3})分之(?P<num>[一二三四五六七八九十]{1,3})")


def _fractions(text: str) -> list[Quantity]:
    """Shares written as fractions ("1/3以上", "三分之一"), as per cents."""
    out = []
    for m in _FRACTION.finditer(text):
        num, den = int(m.group(1)), int(m.group(2))
        if 0 < num < den:
            out.append(Quantity(m.group(0), 100.0 * num / den, True, m.start(), m.end()))
    for m in _CN_FRACTION.finditer(text):
        num, den = cn_to_number(m.group("num")), cn_to_number(m.group("den"))
        if num and den and 0 < num < den:
            out.append(Quantity(m.group(0), 100.0 * num / den, True, m.start(), m.end()))
    return out


def quantity_keys(text: str) -> set[str]:
    return {q.key() for q in find_quantities(text)}


def has_masked_number(text: str) -> bool:
    return bool(MASKED.search(text))

