"""What a question asks, read from its own words: the years it names (of the data or of the
report), its topic, its intent (target or outcome), its period, and whether it asks about the
report itself."""

from __future__ import annotations

import re

from rag.text import cues
from rag.text.tokens import search_tokens


def question_years(question: str) -> tuple[list[int], list[int]]:
    """(data years, report years) named in the question."""
    starts = {m.start() for m in cues.REPORT_YEAR.finditer(question)}
    # years listed before a report's year name reports too: "2018年、2019年、2020年政府工作报告"
    for m in cues.YEAR_LIST.finditer(question):
        if any(m.start() <= s < m.end() for s in starts):
            starts |= {m.start() + y.start() for y in re.finditer(r"(?:19|20)\d\d", m.group(0))}
    # a year named as the baseline of a change asked for is not a year asked about
    baseline = {m.start(1) if m.group(1) else m.start(2) for m in cues.BASELINE_NAMED.finditer(question)
                } if cues.ASKS_CHANGE.search(question) else set()
    # a horizon ("到2020年") beside the report named is the horizon of that report's targets
    # ("2016年工作报告提出的“十三五”时期（到2020年）目标"), not a year a report reviews or plans
    horizon = {m.start(1) for m in cues.HORIZON_YEAR.finditer(question)} if starts else set()
    report, data = [], []
    for m in cues.YEAR_NAMED.finditer(question):
        if m.start(1) in baseline or (m.start(1) in horizon and m.start() not in starts):
            continue
        (report if m.start() in starts else data).append(int(m.group(1)))
    return data, report


def own_years(question: str, named: list[tuple[int, str]]) -> dict[str, tuple[list[int], list[int]]]:
    """Each named issuer's own (data years, report years), when every issuer is written with its
    own year and the years differ ("大关镇2023年和杜桥镇2020年的报告", "坪山新区2014年和光明区2020年"):
    a year belongs to the issuer written before it. Empty when the years are shared ("2019年深圳市和
    福田区…": a year before the first issuer dates them all)."""
    if len(named) < 2 or question_years(question[: named[0][0]]) != ([], []):
        return {}
    out: dict[str, tuple[list[int], list[int]]] = {}
    for i, (pos, name) in enumerate(named):
        end = named[i + 1][0] if i + 1 < len(named) else len(question)
        data, report = question_years(question[pos:end])
        if not (data or report):
            return {}
        out[name] = (data, report)
    if len({y for data, report in out.values() for y in data + report}) < 2:
        return {}
    return out


def question_topic(question: str, names: list[str]) -> str:
    """The question minus the names of places and years: what is asked about."""
    topic = question
    for name in sorted(names, key=len, reverse=True):
        if name:
            topic = topic.replace(name, " ")
    topic = cues.YEAR_NAMED.sub(" ", topic)
    # the report named as the source is not what is asked about ("政府工作报告里，…", "据…报告说"),
    # nor is an aside naming it ("（镇人民政府2023年政府工作报告）")
    topic = re.sub(r"[（(][^（）()]*(?:报告|工作总结)[^（）()]*[）)]", " ", topic)
    topic = cues.REPORT_REF.sub(" ", topic)
    topic = re.sub(r"^\s*(?:据|根据|按照|看|在)\s", " ", topic)
    # what is left of a list of places: "吉林、安徽、四川三省…" -> "…"
    topic = re.sub(r"[一二三四五六七八九十两几各]+个?(?:省|市|区|县|镇|地)(?![\u4e00-\u9fff]{0,1}(?:长|委|级|内))", " ", topic)
    topic = re.sub(r"(?:^|\s)[、，,和与及跟]+(?=\s)", " ", topic)
    # relative time words are about the year, not the topic ("比前年少了多少" -> "少了多少")
    topic = re.sub(r"(去年|前年|今年|明年|上年|上一年|当年|同期|年底|年末|全年|一年来|过去一年)", " ", topic)
    # a follow-up pointing back at the figure asked before ("这个数", "这项指标") names no topic of its own
    topic = cues.REFERS_BACK.sub(" ", topic)
    # brackets whose year or place was taken out ("今年（2026年）" -> "（ ）") hold nothing asked
    topic = re.sub(r"[（(][\s、，,]*[）)]", " ", topic)
    # the particle left of a place taken out ("杜桥镇的高铁里程" -> "高铁里程")
    topic = re.sub(r"^[\s的]+", "", topic)
    return re.sub(r"\s+", " ", topic).strip()


def explicit_intent(question: str) -> str:
    """"target" or "actual" only when the question says so outright (目标/实际…), else ""."""
    target, outcome = cues.ASKS_TARGET.search(question), cues.ASKS_OUTCOME.search(question)
    if target and not outcome:
        return "target"
    if outcome and not target:
        return "actual"
    return ""


def about_report_kind(question: str) -> str:
    """What a question about the report itself asks: region | reviewed | planned | date | publisher | ""."""
    for kind, pat in cues.ABOUT_REPORT:
        if pat.search(question):
            return kind
    return ""


def content_tokens(text: str) -> list[str]:
    """What a question asks about: its words minus question words, places and years."""
    return [t for t in search_tokens(text, bigrams=False)
            if not cues.is_question_word(t) and not re.fullmatch(r"[\d.%]+", t)]


def question_period(question: str) -> str:
    """"reviewed" (去年…) or "planned" (今年/明年…): the part of a report the question's relative
    time words point at, "" when it has none."""
    question = cues.THIS_YEARS_REPORT.sub(" ", without_baseline(question))
    return "reviewed" if cues.REVIEWED.search(question) else ("planned" if cues.PLANNED.search(question) else "")


def without_baseline(question: str) -> str:
    """The question without the baseline of a change it asks for ("比上一年多了多少" -> "多了多少"):
    that year is what the figure is compared with, not the year asked about."""
    return cues.BASELINE_YEAR.sub(" ", question)


def question_parts(topic: str) -> list[str]:
    """The things one question asks in turn ("高新技术企业总量超过多少家？全社会研发投入有多少？"):
    its parts between question marks, each long enough to name something; one part when it asks one."""
    parts = [p.strip(" ，,；;。") for p in re.split(r"[？?；;]", topic)]
    parts = [p for p in parts if len(re.sub(r"[^\u4e00-\u9fffA-Za-z0-9]", "", p)) >= 4]
    return parts if len(parts) >= 2 else [topic]


_PRONOUN = re.compile(r"它们|它|这一项|这项|该项")
_ASKS_WHICH = re.compile(r"哪|什么")


def resolve_pronoun(question: str, prev_question: str, prev_answer: str) -> str:
    """A follow-up naming the previous answer by a pronoun ("那今年镇里打算怎么发展它？" after
    "哪项传统手艺入选了省级非遗名录？" — "大关水碗制作技艺入选…") asks about what that answer named:
    the pronoun becomes the longest run of words of the answer's first clause that the previous
    question did not write ("水碗制作技艺"). Unchanged without a pronoun, when the previous question asked no
    which/what, or when its answer was a refusal."""
    m = _PRONOUN.search(question)
    if not m or not _ASKS_WHICH.search(prev_question) or cues.NOT_FOUND in prev_answer:
        return question
    if re.fullmatch(r"\s*(?:那么?|那)?\s*", question[: m.start()]) or question[m.end(): m.end() + 1] == "的":
        return question  # "它的财政总收入是多少": the pronoun owns the topic — the subject carried over
    first = re.split(r"[。；;\n]", re.sub(r"【[^】]*】|\[\d+\]", "", prev_answer).strip(), maxsplit=1)[0]
    asked = set(search_tokens(prev_question, bigrams=False))
    runs, run, at = [], [], 0
    for token in search_tokens(first, bigrams=False):
        pos = first.find(token, at)
        if pos < 0:
            continue
        if token in asked or not re.fullmatch(r"[\u4e00-\u9fff]+", token) or (run and pos != run[-1][1]):
            runs.append(run)
            run = []
        if token not in asked and re.fullmatch(r"[\u4e00-\u9fff]+", token):
            run.append((pos, pos + len(token)))
        at = pos + len(token)
    runs.append(run)
    best = max(runs, key=lambda r: (r[-1][1] - r[0][0]) if r else 0)
    referent = first[best[0][0]: best[-1][1]] if best else ""
    return _PRONOUN.sub(referent, question, count=1) if len(referent) >= 2 else question
