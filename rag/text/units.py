"""The dimension of a figure's unit, and of the unit a question asks for.

A question that names its unit ("挖了多少亿吨煤", "一年花出去多少钱", "平均能活到多少岁") asks for a
figure of that dimension: a weight, an amount of money, an age. A figure of another dimension in
the same sentence ("完成“煤改电”78万户", "5年增长18.7%", a date "10月8日") measures something else and does not
answer it. Counting words (家, 户, 个, 栋…) are used loosely ("新开了多少家公司" — "新增商事主体29万户"),
but people asked ("多少人") are counted in people (人, 名, 人次, 户), not in things ("团队286个").
"""

from __future__ import annotations

import re

# unit -> dimension; longer units first so that 平方公里 is not read as 公里
_DIMENSIONS: dict[str, tuple[str, ...]] = {
    "money": ("万亿元", "亿元", "万元", "美元", "欧元", "港元", "元", "块钱", "钱"),
    "weight": ("万吨", "吨", "千克", "公斤", "斤", "克"),
    "area": ("平方公里", "平方千米", "平方米", "公顷", "亩"),
    "concentration": ("微克/立方米", "毫克/立方米", "微克每立方米", "毫克每立方米"),
    "volume": ("立方米",),
    "length": ("公里", "千米", "米"),
    "energy": ("千瓦时", "千瓦", "兆瓦", "吉瓦", "瓦"),
    "age": ("岁",),
    "duration": ("年", "个月", "天", "小时", "分钟"),
    "date": ("月", "日", "时"),  # a day or an hour of the calendar ("10月8日", "上午9时"): it counts nothing
    "people": ("万人次", "人次", "人", "名", "位", "户"),  # people (and households) counted
    "count": ("家", "个", "栋", "座", "所", "项", "件", "套", "辆",
              "张", "台", "条", "处", "间", "批", "宗", "艘", "架", "只", "头", "株", "棵", "场", "次", "部", "类"),
}
_UNITS = sorted(((u, d) for d, units in _DIMENSIONS.items() for u in units), key=lambda ud: -len(ud[0]))
_UNIT_AT = re.compile("|".join(re.escape(u) for u, _ in _UNITS))
_DIMENSION_OF = dict(_UNITS)
# the unit after the question word: "多少亿吨", "多少万人", "几个", "多少钱"; 多长/多大 ask a length/area
_ASKED = re.compile(r"(?:多少|几)\s*(?:万亿|亿|万|千|百)?\s*(" + _UNIT_AT.pattern + ")")
_ASKED_WORDS = (("多长时间", "duration"), ("多久", "duration"), ("多长", "length"), ("多远", "length"), ("多大面积", "area"), ("多重", "weight"),
                ("多大年纪", "age"), ("多少年", "duration"), ("几年", "duration"))


# measures counted in money, asked with no unit ("产值是多少"), unless a change or a rate is asked;
# and the measures of other dimensions that make a question ask more than money
_MONEY_MEASURE = re.compile(r"(?:产值|销售额|营业收入|营收|利润|税收|成交额|交易额|总收入)(?:的|目标|预期|计划|实际|一共|总共|共|有|是|达到|为|\s)*(?:多少|几)$")
_OTHER_MEASURE = re.compile(r"增长|增速|增幅|提高|下降|减少|率|百分|比重|占比|倍|面积|产量|人数|人口|个数|户数|里程|吨|亩")


def asked_dimension(question: str) -> str | None:
    """The dimension of the figure a question asks for, when it names a unit; None otherwise, and
    None when it asks several figures ("发了多少低保善款，救助了多少户") not all of one dimension."""
    dims = set()
    for m in re.finditer(r"多少|几", question):
        unit = _ASKED.match(question, m.start())
        if unit:
            if unit.group(1) == "年" and re.match(r"(?:多少|几)\s*年(?:来|间|前|后|内)", question[m.start():]):
                dims.add(None)  # "几年来" names a span, not a duration asked
            else:
                dims.add(_DIMENSION_OF[unit.group(1)])
        elif _MONEY_MEASURE.search(question[: m.end()]) and not _OTHER_MEASURE.search(question):
            dims.add("money")  # "食用菌产值的目标是多少": an amount of money, not "新建棚室200栋"
        else:
            dims.add(None)
    if len(dims) == 1 and None not in dims:
        return dims.pop()
    if not dims:
        for word, dimension in _ASKED_WORDS:
            if word in question:
                return dimension
    return None


def unit_dimension(following: str) -> str | None:
    """The dimension of the unit a figure is written with, read from the text right after its
    number (and scale: "亿" of "3.7万亿元" belongs to the number); None when no unit is known.
    "钱" is only a question's word, never a figure's unit."""
    m = _UNIT_AT.match(following.lstrip())
    if not m or m.group(0) in ("钱", "块钱"):
        return None
    return _DIMENSION_OF[m.group(0)]


def same_dimension(asked: str | None, written: str | None) -> bool:
    """A figure may answer: no unit asked, no unit written, or the same dimension. Counting words
    are used loosely ("多少家公司" — "29万户"), but a count of things (团队286个) never answers how
    many people are asked."""
    if asked == "count" and written == "people":
        return True
    return asked is None or written is None or asked == written


def is_money_unit(word: str) -> bool:
    """The word is nothing but a unit of money with its scale ("亿元", "万元", "元"): nearly every
    figure of a report's review is one, so a question's "多少亿元" says what kind of figure is asked,
    not what it counts."""
    rest = word.lstrip("万亿千百十")
    m = _UNIT_AT.match(rest)
    return m is not None and m.end() == len(rest) and unit_dimension(rest) == "money"
