"""Example questions shown on first open, computed from the reports actually in the library.

Each candidate is asked through the real QA service and kept only when it gets a cited answer
whose cited sentence mentions the indicator asked about, so the examples make sense for
whatever corpus is loaded (and asking them warms up the models before the first user arrives).
"""

from __future__ import annotations

from dataclasses import dataclass

from rag.chat import Conversation, QAService
from rag.types import Answer

# Indicators that township government work reports commonly state with a figure.
INDICATORS = ("工业产值", "地区生产总值", "固定资产投资", "社会消费品零售总额", "财政总收入", "规上工业增加值",
              "人均可支配收入", "高标准农田")
MAX_TRIALS = 12  # plus up to 6 for the follow-up pair
FOLLOW_UP_SEPARATOR = "\n"


@dataclass
class Example:
    kind: str  # fact | comparison | follow-up
    display: str
    turns: list[str]

    def as_chatbot_example(self) -> dict:
        return {"display_text": self.display, "text": FOLLOW_UP_SEPARATOR.join(self.turns)}


def _cites_topic(answer: Answer, topic: str, doc_id: str | None = None) -> bool:
    if answer.refused or not answer.citations:
        return False
    return any(topic in (c.quote or c.text) and (doc_id is None or c.doc_id == doc_id) for c in answer.citations)


def _comparison_ok(answer: Answer, topic: str) -> bool:
    """Every side that cites something cites a sentence about the indicator asked about."""
    if answer.refused or not answer.comparison:
        return False
    by_n = {c.n: c for c in answer.citations}
    cited = [row for row in answer.comparison if row.citations]
    return bool(cited) and all(
        any(n in by_n and topic in (by_n[n].quote or by_n[n].text) for n in row.citations) for row in cited)


def _fact_question(town: str, year: int | None, topic: str) -> str:
    return f"{town}{year}年的{topic}是多少？" if year else f"{town}的{topic}是多少？"


class _CountingAsker:
    """Asks the QA service and counts the questions asked (the examples' budget)."""

    def __init__(self, service: QAService):
        self.service = service
        self.trials = 0

    def __call__(self, question: str, conversation: Conversation | None = None) -> Answer:
        self.trials += 1
        return self.service.ask(question, conversation)


def _docs_by_topics(service: QAService) -> list[tuple]:
    """(chunks, meta, indicators it mentions) of each report that names its issuer, the richest first."""
    store = service.store
    docs = []
    for meta in service.catalogue():
        if not meta.town:
            continue
        text = store.get_doc_text(meta.doc_id) or ""
        rec = store.get_doc(meta.doc_id)
        topics = [t for t in INDICATORS if t in text]
        docs.append((rec.n_chunks if rec else 0, meta, topics))
    docs.sort(key=lambda d: (-len(d[2]), -d[0], d[1].file))
    return docs


def _verified_facts(docs: list[tuple], ask: _CountingAsker) -> list[tuple]:
    """Single facts with a cited answer: the first is the fact example; others can open a follow-up pair."""
    facts: list[tuple] = []
    for _, meta, topics in docs:
        for topic in topics[:2]:
            if ask.trials >= MAX_TRIALS // 2 or len(facts) >= 2:
                break
            q = _fact_question(meta.town, meta.period_reviewed, topic)
            if _cites_topic(ask(q), topic, meta.doc_id):
                facts.append((meta, topic, q, topics))
    return facts


def _comparison_example(docs: list[tuple], ask: _CountingAsker) -> Example | None:
    """A comparison of two towns on an indicator both reports mention."""
    for i, (_, a, ta) in enumerate(docs):
        for _, b, tb in docs[i + 1:]:
            if a.town == b.town:
                continue
            for topic in [t for t in ta if t in tb][:3]:
                if ask.trials >= MAX_TRIALS:
                    break
                q = f"{a.town}和{b.town}的{topic}分别是多少？"
                ans = ask(q)
                if _comparison_ok(ans, topic):
                    return Example("comparison", f"对比：{q}", [q])
    return None


def _follow_up_example(facts: list[tuple], ask: _CountingAsker) -> Example | None:
    """A follow-up pair: a verified fact, then "and this other indicator?" without naming the town."""
    for meta, topic, first, topics in reversed(facts):
        for other in [t for t in topics if t != topic][:3]:
            if ask.trials >= MAX_TRIALS + 6:
                break
            conv = Conversation()
            ask(first, conv)
            second = f"那{other}呢？"
            if _cites_topic(ask(second, conv), other, meta.doc_id):
                return Example("follow-up", f"追问：{first} → {second}", [first, second])
    return None


def compute_examples(service: QAService) -> list[Example]:
    docs = _docs_by_topics(service)
    ask = _CountingAsker(service)
    examples: list[Example] = []
    facts = _verified_facts(docs, ask)
    if facts:
        examples.append(Example("fact", f"事实：{facts[0][2]}", [facts[0][2]]))
    comparison = _comparison_example(docs, ask)
    if comparison is not None:
        examples.append(comparison)
    follow_up = _follow_up_example(facts, ask)
    if follow_up is not None:
        examples.append(follow_up)
    if not examples:
        examples = fallback_examples(service)
    return examples


def fallback_examples(service: QAService) -> list[Example]:
    """Unverified but sensible questions (empty library, or nothing verified)."""
    towns = sorted({m.town for m in service.catalogue() if m.town})
    if len(towns) >= 2:
        return [Example("fact", f"事实：{towns[0]}的地区生产总值是多少？", [f"{towns[0]}的地区生产总值是多少？"]),
                Example("comparison", f"对比：{towns[0]}和{towns[1]}的重点工作有何不同？",
                        [f"{towns[0]}和{towns[1]}的重点工作有何不同？"])]
    return [Example("fact", "事实：报告中地区生产总值是多少？", ["报告中地区生产总值是多少？"]),
            Example("follow-up", "追问：今年的主要预期目标是什么？ → 那固定资产投资呢？",
                    ["今年的主要预期目标是什么？", "那固定资产投资呢？"])]
