"""What a question measures and names, read in a candidate sentence: the word naming what is
measured ("旅客吞吐量是多少") and whether a figure is written beside it; the persons and
organisations asked of, and whether the sentence names them; a sentence that only restates a
who/what question. Used by sentence_choice for documents that are no report (news items), where the
indicator vocabulary does not speak for a figure, and for who/what questions everywhere."""

from __future__ import annotations

import re
from functools import lru_cache

from rag.key_terms import KeyTerm, term_credit
from rag.sentence_scoring import Sentence, real_quantities
from rag.text import cues
from rag.text.sentences import COMMA_CLAUSE
from rag.text.tokens import proper_names, to_simplified
from rag.text.units import is_money_unit

_CLAUSE = COMMA_CLAUSE
# words between what is measured and the question word ("吞吐量*是*多少", "净利润*增长了*多少")
_BEFORE_ASKED = re.compile(r"(?:是|有|为|了|达到|达|到|共|一共|总共|合计|约|大约|大概|增长|增加|提高|上升|下降|减少|降低|"
                           r"的|都|各|分别|实际|完成|能|可以|年|在)+$")
_AFTER_UNIT = re.compile(r"\s*(?:万亿|亿|万|千|百)?\s*(?:" + "|".join(
    re.escape(u) for u in ("万人次", "人次", "平方公里", "平方米", "公里", "万吨", "亿元", "万元", "元", "吨", "斤", "亩",
                           "个", "家", "户", "人", "名", "位", "项", "件", "套", "辆", "台", "条", "座", "所", "枚",
                           "块", "场", "次", "艘", "架", "部", "只", "头", "株", "棵", "岁", "钱")) + ")?")


def measure_term(question: str, terms: list[KeyTerm]) -> KeyTerm | None:
    """What the question measures: the key term right after the question word and its unit
    ("多少枚*银牌*", "多少斤*粮食*"), else the last one before it ("旅客*吞吐量*是多少",
    "*净利润*增长了多少"); None when the question word has no key term beside it."""
    low = to_simplified(question).lower()
    asked = list(re.finditer(r"多少|几", low))
    if not asked or not terms:
        return None
    m = asked[-1]
    after = low[m.end():]
    unit = _AFTER_UNIT.match(after)
    after, unit = after[unit.end():], unit.group().strip()
    if (is_money_unit(unit) or unit in cues.MONEY_NOUNS) and after.startswith("的"):
        after = ""  # "卖出了多少钱的商品": the money is measured; what it buys is no measure
    after = re.split(r"[，,。？?；;！!、和及与]", after, maxsplit=1)[0]
    terms = [t for t in terms if t.weight >= 0.5]  # a light word (钱, 个) names a dimension, not what is measured
    # ... as does a noun of money ("投入了多少资金"): the amount's unit says it, what is measured comes before
    found = [(after.find(a), t) for t in terms if t.token not in cues.MONEY_NOUNS
             for a in t.alternatives if a and a in after]
    if found:
        return min(found, key=lambda x: x[0])[1]
    before = _BEFORE_ASKED.sub("", low[: m.start()])
    found = [(before.rfind(a) + len(a), t) for t in terms for a in (t.token,) if a and a in before]
    if not found:
        return None
    end, term = max(found, key=lambda x: (x[0], len(x[1].token)))
    return term if end >= len(before) - 1 else None


# the question word of a who/which question with what links it to the role asked ("季军是哪支球队",
# "铜牌得主是谁", "击败了哪位选手"); it ends the question: in "是谁笑到了最后", "由谁获得" the role follows it
_WHO_ASKED = re.compile(r"(?:是|为|由|被)?(?:谁(?=[呢啊呀]?[？?。！!]?\s*$)|"
                        r"哪[位支家个座所国名](?=[\u4e00-\u9fff]{0,4}?[呢啊呀]?[？?。！!]?\s*$))")
_BEFORE_WHO = re.compile(r"(?:[的是为由被了都又“”\"]|分别|最终|最后)+$")


def asked_role(question: str, terms: list[KeyTerm]) -> KeyTerm | None:
    """The role a who/which question asks the holder of: the key term written right before its
    question word ("季军|是哪支球队", "机长|是谁", "击败了|哪位选手"); None when the question opens
    on its question word ("谁宣布开幕") or no key term stands there."""
    low = to_simplified(question).lower()
    found = list(_WHO_ASKED.finditer(low))
    if not found or not terms:
        return None
    before = _BEFORE_WHO.sub("", low[: found[-1].start()])
    while True:
        ending = [t for t in terms if t.weight >= 0.5 and t.token and before.endswith(t.token.lower())]
        if not ending:
            return None
        role = max(ending, key=lambda t: len(t.token))
        winner = next((w for w in _WINNER if role.token.endswith(w) and role.token != w), None)
        if winner:  # "奖得主" read as one word: the winner of what is written before
            before = before[: -len(winner)]
            continue
        if role.token not in _WINNER and role.token not in _KIND_OF_HOLDER:
            return role
        # "铜牌得主": the winner of what is written before; "完成帽子戏法的球员": the kind of holder
        # names no role, what is said of it does
        before = _BEFORE_WHO.sub("", before[: -len(role.token)])


_WINNER = frozenset("得主 获得者 获奖者 主人 拥有者".split())  # "…的得主": reports write "获得…"
# the kind of holder a who/which question names ("完成帽子戏法的球员是谁"): no role
_KIND_OF_HOLDER = frozenset("人 人物 球员 选手 运动员 队员 队伍 球队 队 公司 企业 机构 单位 城市 国家 地方 地区 作家 "
                            "女性 男性".split())


# words giving a figure's scope, not what it measures ("我国户籍人口城镇化率": 户籍 qualifies, 我国 not)
_SCOPE_WORD = re.compile(r"^(?:我国|全国|中国|国内|国外|全球|世界|全市|全省|全区|全县|全镇|本届|本次|全年|今年|去年|当年)$")


def measured_phrase(question: str, terms: list[KeyTerm]) -> list[KeyTerm]:
    """The words naming what is measured, written together right before the question word
    ("国庆档电影票房是多少" -> 国庆, 电影票房; "户籍人口城镇化率是多少" -> 户籍, 人口, 城镇化率):
    each qualifier narrows it, so only a sentence writing all of them answers (not "春节档电影票房",
    "常住人口城镇化率"). Light words (档, 辆) are not required. The walk back stops at a scope word
    or a verb (春节假期|全国国内旅游收入, 换算成|美元). Empty when the measured word follows the
    question word ("多少枚银牌") or none is found."""
    low = to_simplified(question).lower()
    asked = list(re.finditer(r"多少|几", low))
    if not asked or not terms:
        return []
    m = asked[-1]
    after = low[m.end():]
    after = re.split(r"[，,。？?；;！!、和及与]", after[_AFTER_UNIT.match(after).end():], maxsplit=1)[0]
    if any(a and a in after for t in terms for a in t.alternatives):
        return []
    before = _BEFORE_ASKED.sub("", low[: m.start()])
    run: list[KeyTerm] = []
    while before:
        linked = before.endswith("的")
        before = before.rstrip("的")
        found = [t for t in terms if t.token and before.endswith(t.token.lower())]
        if not found:
            break
        term = max(found, key=lambda t: len(t.token))
        if _RESULT_END.fullmatch(term.token):
            break  # a verb's result complement takes what follows as its object ("换算|成|美元")
        if _SCOPE_WORD.match(term.token) or (_is_verb(term.token) and (linked or not run or _RESULT_END.search(term.token))):
            # what comes before the scope ("春节假期|全国国内旅游收入") or a verb is no qualifier; a verb
            # written right onto the measured word names its kind ("死亡|人口", "发送|旅客"), unless
            # it takes it as its object ("换算成|美元")
            break
        run.append(term)
        before = before[: -len(term.token)]
    return [t for t in run if t.weight >= 0.5]


_RESULT_END = re.compile(r"[成为到至给出入]$")  # a verb ending in its result


def _is_verb(word: str) -> bool:
    import jieba.posseg as pseg

    words = pseg.lcut(word)
    return bool(words) and words[0].flag in ("v", "vd")  # a verb phrase opens with its verb (换算成)


def measure_near_figure(text: str, measure: KeyTerm, quantities: list) -> bool:
    """One of the figures is written in the clause that names what is measured, or right after it
    ("粮食产量838.6亿斤", "旅客吞吐量…7200万人次"): a figure beside other words measures something else."""
    clauses = [(m.start(), m.end()) for m in _CLAUSE.finditer(text)]
    low = to_simplified(text).lower()
    for q in quantities:
        i = next((k for k, (a, b) in enumerate(clauses) if a <= q.start < b), None)
        if i is None:
            continue
        lo = clauses[min(counted_from(text, clauses, i, q.start) + [max(i - 1, 0)])][0]
        near = low[lo: clauses[i][1]]
        if any(a in near for a in measure.alternatives) or term_credit(measure, near) >= 0.5:
            return True
    return False


def names_asked_in(s: Sentence, names: list[str], terms: list[KeyTerm]) -> bool:
    """In a news item, a sentence answers only when it (or the sentence before it) names every
    person, organisation or title the question names (``names``: :func:`proper_names` of the
    question) beyond what the item's headline is about ("东京奥运会美国队…" is not answered by the
    sentence on 中国体育代表团)."""
    title = to_simplified(s.passage.title or "").lower()
    for name in names:
        name = name.lower()
        if name in title:
            continue
        named = [t for t in terms if t.token in name or name in t.token]
        if named and not all(t.token in s.matched or t.token in title for t in named):
            return False  # every word of the name: "日本代表团" is not "中国体育代表团"
    return True


def restates(question: str, text: str) -> bool:
    """The sentence's words are the question's, but for two characters at most (a verb: 揭晓, 举行)."""
    asked = set(to_simplified(question))
    return len({c for c in to_simplified(text) if "\u4e00" <= c <= "\u9fff" and c not in asked}) <= 2


# the words of a clause that only states a change ("同比增长", "比上年下降", "年均增长")
_BARE_CHANGE = re.compile(r"总数|总量|总计|合计|累计|达|占比|比重|占|同比|比上年|比去年|较上年|较去年|年均|分别|增长|下降|提高|减少|上升|增加|降低|达到|为|了|约|近|超过")


_MAX_CLAUSES_BACK = 3
# the words of a clause around its verb that name no object: when, in what order, how
_NO_OBJECT = re.compile(r"^(?:其中|今年|明年|全年|当年|本年|去年|目前|截至目前|共|累计|先|再|又|还|已|新|拟|将|计划|预计|力争|"
                        r"首批|第一批|分别|合计|总计)+")


def _names_no_object(text: str, start: int, figure_start: int) -> bool:
    """The clause up to its figure is a verb with nothing it counts ("今年先发行1万亿元",
    "累计完成…"): at most two characters are left once the words of time and order are taken off."""
    head = re.sub(r"[^\u4e00-\u9fff]", "", text[start: figure_start])
    return len(_NO_OBJECT.sub("", head)) <= 2


def states_only_a_change(text: str, start: int, figure_start: int) -> bool:
    """The clause from ``start`` up to a figure names nothing but a change ("，同比增长6.14%"): the
    figure is of what the clause before it names."""
    return len(re.findall(r"[\u4e00-\u9fff]", re.sub(_BARE_CHANGE, "", text[start: figure_start]))) < 2


def counted_from(text: str, clauses: list[tuple[int, int]], i: int, figure_start: int) -> list[int]:
    """The clauses (indices, nearest first) from which the words naming what a figure in clause
    ``i`` counts may start: its own clause; the clause before, when that gives no figure of its own
    ("开展“慈善一日捐”活动，募捐资金32万元") or when the figure's clause names nothing but the change
    ("…68.9亿元,同比增长6.14%") — and for such a change, back past the figure-free clauses
    qualifying it to the clause giving the figure it changes; and, for a clause of a verb and its
    figure alone ("今年先发行1万亿元"), the figure-free clauses before that, up to three back: what
    the sentence named before."""
    def gives_figure(k: int) -> bool:
        return _gives_figure(text[clauses[k][0]: clauses[k][1]])

    # a total written after the additions ("新增运营里程30公里，总里程达909公里") is of what they name
    total = bool(re.match(r"\s*(?:总|累计|共计|合计)", text[clauses[i][0]: figure_start]))
    before = i > 0 and (not gives_figure(i - 1) or total or states_only_a_change(text, clauses[i][0], figure_start))
    starts = [i, i - 1] if before else [i]
    if not before:
        return starts
    # a change stated alone is of the last thing the sentence gave a figure for, past the clauses
    # qualifying it ("…地区生产总值47218.66亿元，按不变价格计算，比上年增长5.0%"): the walk ends on
    # the clause with the figure; a verb with its figure alone walks only over figure-free clauses
    change = i > 1 and states_only_a_change(text, clauses[i][0], figure_start)
    if change or _names_no_object(text, clauses[i][0], figure_start):
        lo = i - 1
        while lo > 0 and i - lo < _MAX_CLAUSES_BACK and not gives_figure(lo if change else lo - 1):
            lo -= 1
            starts.append(lo)
        if change and lo > 0 and gives_figure(lo):
            # the figure changed is itself a verb with its figure ("…生产总值突破四千亿元大关，达
            # 4018.3亿元，增长7.4%"): what it counts is named before it, as for that figure
            own = real_quantities(text[clauses[lo][0]: clauses[lo][1]])
            if own and _names_no_object(text, clauses[lo][0], clauses[lo][0] + own[0].start):
                starts += [k for k in counted_from(text, clauses, lo, clauses[lo][0] + own[0].start) if k < lo]
    return starts


@lru_cache(maxsize=4096)
def _gives_figure(clause: str) -> bool:
    return bool(real_quantities(clause))
