"""The question-answering service: query analysis -> retrieval -> answer -> citation check.

One object (:class:`QAService`) that the CLI, the Gradio UI and the eval harness all call, so
they cannot drift apart. ``ask`` returns an :class:`Answer`; ``stream`` yields text deltas and
then the final Answer (the token stream and its sources together).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import Generator, Iterator

import numpy as np

from rag.answerers import AnswerContext, ExtractiveAnswerer, answerer_for
from rag.cite import ValidationReport, renumber, validate_answer
from rag.config import RetrievalSettings, Settings, disable_phone_home
from rag.draft import Draft
from rag.embed import GovEmbedding
from rag.evidence import (Evidence, Gatherer, IndexGatherer, naming_the_place_inside, of_the_edition_asked,
                          of_the_years_asked)
from rag.query import analyse_question
from rag.query_plan import QueryPlan
from rag.question_asks import resolve_pronoun
from rag.report_spans import with_targets_passage
from rag.store import ReportStore
from rag.table_answer import answer_from_table
from rag.text.cues import CITATION_MARK, DESCRIBED_MASKED, HORIZON_YEAR, MASKED_IN_TEXT, NOT_FOUND, YEAR_ROLES
from rag.text.tokens import count_tokens, search_tokens, truncate_tokens
from rag.types import Answer, DocMeta, Passage


@dataclass
class Turn:
    question: str
    plan: QueryPlan | None
    answer: Answer


@dataclass
class Conversation:
    """The turns so far; follow-ups are resolved against them."""

    turns: list[Turn] = field(default_factory=list)

    @property
    def last_plan(self) -> QueryPlan | None:
        for turn in reversed(self.turns):
            if turn.plan is not None:
                return turn.plan
        return None

    def history_pairs(self, limit: int = 4) -> list[tuple[str, str]]:
        return [(t.question, t.answer.answer) for t in self.turns[-limit:]]


_ONLY_PUNCT = re.compile(r"^[\W_]+$", re.UNICODE)
_HAS_CJK = re.compile(r"[\u4e00-\u9fff]")
_HAS_LETTER = re.compile(r"[^\W\d_]")  # any letter or CJK character


def _message(question: str, text: str, timings: dict | None = None) -> Answer:
    return Answer(question=question, answer=text, refused=True, citations=[], backend="none",
                  timings_ms=timings or {})


class QAService:
    def __init__(self, settings: Settings, *, store: ReportStore | None = None,
                 embedder: GovEmbedding | None = None, gatherer: Gatherer | None = None):
        disable_phone_home()
        self.settings = settings
        self.store = store or ReportStore(settings)
        self.embedder = embedder or GovEmbedding.from_settings(settings)
        self.gatherer = gatherer or IndexGatherer(self.store, self.embedder)

    # ------------------------------------------------------------------ catalogue
    def catalogue(self) -> list[DocMeta]:
        return self.store.list_docs()

    def _resolve_description(self, description: str, exclude: set[str]) -> str | None:
        """The report a description points at ("提到京东区域总部的那个镇", "数字都打成xx的那份").

        A description names what is distinctive of the report: each report scores the share of the
        description's words (weighted by rarity) that it contains anywhere, as words of its own —
        not synonyms. Then what the description says about the report itself: a year in its
        title, or that its figures are masked.
        """
        metas = {m.doc_id: m for m in self.catalogue() if m.doc_id not in exclude}
        if not metas:
            return None
        index = self.store.bm25()
        weights = {t: index.idf(t) for t in set(search_tokens(description))}
        weights = {t: w for t, w in weights.items() if w > 0}
        total = sum(weights.values()) or 1.0
        vocab = index.doc_vocabulary()
        scores = {d: sum(w for t, w in weights.items() if t in vocab.get(d, ())) / total for d in metas}
        top = max(scores.values(), default=0.0) or 1.0
        scores = {d: s / top for d, s in scores.items()}
        for ym in re.finditer(r"20\d\d", description):
            year, before = ym.group(0), description[max(0, ym.start() - 6): ym.start()]
            role = next((r for r, cue in YEAR_ROLES if cue.search(before)), "any")
            for d, m in metas.items():
                hit = {"title": year in m.title, "reviewed": int(year) == m.period_reviewed,
                       "planned": int(year) == m.period_planned,
                       "any": year in m.title or int(year) in (m.period_reviewed, m.period_planned)}[role]
                scores[d] += 0.5 if hit else 0.0
        if DESCRIBED_MASKED.search(description):
            for d, m in metas.items():
                density = m.provenance.get("masked_per_1000")
                if density is None:  # reports ingested before this was recorded
                    text = self.store.get_doc_text(d) or ""
                    value = len(MASKED_IN_TEXT.findall(text)) * 1000 / max(len(text), 1)
                else:
                    value = float(density.split("（")[0])
                scores[d] += min(value / 5.0, 1.0)
        doc_id, score = max(scores.items(), key=lambda kv: kv[1])
        return doc_id if score > 0.2 else None

    # ------------------------------------------------------------------ checks on the question
    def _precheck(self, question: str) -> tuple[str, Answer | None, list[str]]:
        notices: list[str] = []
        q = (question or "").strip()
        if not q:
            return q, _message(question or "", "请输入一个问题，例如“某镇2023年地区生产总值是多少？”"), notices
        if _ONLY_PUNCT.match(q):
            return q, _message(q, "问题只包含标点或符号，请用中文描述想了解的内容。"), notices
        if not _HAS_LETTER.search(q):
            return q, _message(q, "问题只包含数字或符号，请用中文描述想了解的内容，例如“2023年财政收入是多少？”"), notices
        if count_tokens(q) > self.settings.answer.question_max_tokens:
            q, _ = truncate_tokens(q, self.settings.answer.question_max_tokens)
            notices.append(f"问题过长，已截取前 {self.settings.answer.question_max_tokens} 个 token。")
        if not _HAS_CJK.search(q):
            notices.append("本工具针对中文报告，英文问题可能检索不准，建议用中文提问。")
        return q, None, notices

    # ------------------------------------------------------------------ main path
    def plan(self, question: str, conversation: Conversation | None = None, *, towns=(), years=()) -> QueryPlan:
        if conversation and conversation.turns:  # "怎么发展它？": what the previous answer named
            last = conversation.turns[-1]
            question = resolve_pronoun(question, last.question, last.answer.answer)
        return analyse_question(
            question, self.catalogue(), previous=conversation.last_plan if conversation else None,
            town_filter=tuple(towns), year_filter=tuple(int(y) for y in years),
            resolve_description=self._resolve_description,
        )

    def gather(self, plan: QueryPlan, *, k: int, config: RetrievalSettings) -> Evidence:
        """Evidence per side, by this service's gatherer (the index search, or an eval variant's)."""
        return self.gatherer.gather(plan, k=k, config=config)

    def similarity(self, question: str, texts: list[str]) -> list[float]:
        """The embedding model's cosine of the question with each text (sentence vectors are cached)."""
        if not texts:
            return []
        vecs = self.embedder.embed_passages(texts)
        q = self.embedder.embed_query(question)
        norms = np.linalg.norm(vecs, axis=1) * (np.linalg.norm(q) or 1.0)
        return [float(x) for x in (vecs @ q) / np.where(norms > 0, norms, 1.0)]

    def ask(self, question: str, conversation: Conversation | None = None, **kwargs) -> Answer:
        answer = None
        for event in self.stream(question, conversation, **kwargs):
            if isinstance(event, Answer):
                answer = event
        assert answer is not None
        return answer

    def stream(self, question: str, conversation: Conversation | None = None, **kwargs) -> Iterator[str | Answer]:
        """Yield text deltas, then the final validated :class:`Answer` (one catalogue version
        per question: the store checks for changes once, not at every lookup)."""
        with self.store.pinned():
            yield from self._stream(question, conversation, **kwargs)

    def _stream(
        self,
        question: str,
        conversation: Conversation | None = None,
        *,
        towns: tuple[str, ...] | list[str] = (),
        years: tuple[int, ...] | list[int] = (),
        k: int | None = None,
        backend: str | None = None,
        retrieval: RetrievalSettings | None = None,
    ) -> Iterator[str | Answer]:
        """Yield text deltas, then the final validated :class:`Answer`."""
        t0 = time.perf_counter()
        backend = backend or self.settings.answer.backend
        k = k or self.settings.retrieval.top_k
        config = retrieval or self.settings.retrieval
        q, early, notices = self._precheck(question)
        if early is None and self.store.is_empty():
            early = _message(q, "还没有导入任何报告：请先上传报告或运行 `govqa ingest seeds/`。")
        if early is None:
            early = self._table_answer(q, notices, conversation, towns=towns, years=years)
        if early is not None:
            yield early.answer
            yield early
            return
        timings: dict[str, float] = {}
        plan = self._analyse(q, conversation, backend, notices, timings, towns=towns, years=years)
        t = time.perf_counter()
        evidence = self.gather(plan, k=k, config=config)
        metas = {m.doc_id: m for m in self.catalogue()}
        evidence = naming_the_place_inside(plan, with_targets_passage(plan, evidence, metas, self.store.get_doc_text))
        evidence = of_the_years_asked(plan, evidence, metas, self.store.get_doc_text)
        evidence = of_the_edition_asked(plan.standalone or plan.question, evidence, metas, self.store.get_doc_text)
        timings["retrieve"] = (time.perf_counter() - t) * 1000
        index = self.store.bm25()

        t = time.perf_counter()
        ctx = AnswerContext(index=index, metas=metas, doc_text=self.store.get_doc_text,
                            history=conversation.history_pairs() if conversation else [],
                            similarity=self.similarity)
        draft, used_backend = yield from self._draft(plan, evidence, ctx, backend, notices)
        timings["answer"] = (time.perf_counter() - t) * 1000

        checked = _checked(draft, used_backend, plan, evidence, ctx, notices)
        if checked.backend == "extractive" or checked.backend.startswith("extractive"):
            yield checked.text
        timings["total"] = (time.perf_counter() - t0) * 1000
        passages = [p for _, ps in evidence for p in ps]
        answer = Answer(
            question=q, answer=checked.text, refused=checked.refused, citations=checked.citations,
            backend=checked.backend, timings_ms=timings, standalone_question=plan.standalone,
            notices=notices + list(checked.draft.notices), validation=checked.report.to_dict(),
            comparison=checked.draft.comparison if plan.comparison else [], passages=passages,
            gate=checked.draft.gate,
        )
        if conversation is not None:
            conversation.turns.append(Turn(q, plan, answer))
        yield answer

    def _table_answer(self, q: str, notices: list[str], conversation: Conversation | None, *,
                      towns, years) -> Answer | None:
        """A ranking/filter/set across reports, or a target beside its outcome, from the indicator table."""
        table = answer_from_table(q, self.store, towns=tuple(towns), years=tuple(years))
        if table is None:
            return None
        if table.refused and not table.citations and any(not m.is_report for m in self.catalogue()):
            return None  # no report holds it; documents that are no report (news items) are searched
        table.notices[:0] = notices
        if not table.passages:  # its evidence is the statements it cites, whole
            table.passages = [Passage(chunk_id=f"cite{c.n}", doc_id=c.doc_id, file=c.file, title=c.title,
                                      town=c.town, region="", year=c.year, section=c.section, text=c.text,
                                      start=c.start, end=c.end, chunk_index=0) for c in table.citations]
        if conversation is not None:  # a follow-up ("那财政收入呢？") carries this question's subject
            conversation.turns.append(Turn(q, self.plan(q, conversation, towns=towns, years=years), table))
        return table

    def _analyse(self, q: str, conversation: Conversation | None, backend: str, notices: list[str],
                 timings: dict[str, float], *, towns, years) -> QueryPlan:
        """The query plan; with the LLM backend, a follow-up is first rewritten by the model."""
        t = time.perf_counter()
        asked = q
        if backend == "llm" and conversation is not None and conversation.turns:
            from rag.llm import condense_question
            from rag.llm_client import LLMError

            try:  # the model rewrites the follow-up; on failure the offline follow-up rules apply
                asked, _ = truncate_tokens(condense_question(q, conversation.history_pairs(), settings=self.settings),
                                           self.settings.answer.question_max_tokens)
            except LLMError as err:
                notices.append(f"追问改写失败（{err}），已按离线规则理解追问。")
            timings["condense"] = (time.perf_counter() - t) * 1000
        plan = self.plan(asked, conversation, towns=towns, years=years)
        timings["analyse"] = (time.perf_counter() - t) * 1000
        return plan

    def _draft(self, plan: QueryPlan, evidence, ctx: AnswerContext, backend: str,
               notices: list[str]) -> Generator[str, None, tuple[Draft, str]]:
        """Yield the chosen answerer's text deltas; return its Draft and the backend that made it
        (the offline answer when the model fails, or when a year asked is not covered)."""
        offline = ExtractiveAnswerer()
        chosen = answerer_for(backend, self.settings)
        year_gap = self._year_not_covered(plan, ctx.metas)
        draft: Draft | None = Draft(year_gap, True, []) if year_gap else None
        used_backend = "extractive"
        if draft is None and chosen.name != offline.name:
            from rag.llm_client import LLMError

            try:  # deltas are yielded live; the validated text below is the final answer
                for event in chosen.answer(plan, evidence, ctx):
                    if isinstance(event, Draft):
                        draft = event
                    else:
                        yield event
                used_backend = chosen.name
            except LLMError as err:
                notices.append(f"大模型接口不可用（{err}），已改用离线抽取式回答。")
                used_backend = "extractive (llm fallback)"
        if draft is None:
            draft = _final_draft(offline.answer(plan, evidence, ctx))
        return draft, used_backend

    @staticmethod
    def _year_not_covered(plan: QueryPlan, metas: dict[str, DocMeta]) -> str:
        """A named town whose reports cover none of the years asked: say so (never substitute)."""
        if plan.report_years:
            # "XX 2019年政府工作报告": that report is in the library, or the answer says it is not
            have = [m for m in metas.values() if m.year in plan.report_years
                    and (not plan.towns or m.entity in plan.towns)]
            told_of = not plan.towns and any(not m.is_report for m in metas.values())  # by a news story
            if not have and not told_of:
                who = "、".join(plan.towns) or "所问地区"
                years = "、".join(f"{y}年" for y in plan.report_years)
                present = sorted({m.year for m in metas.values() if m.year and (not plan.towns or m.entity in plan.towns)})
                listed = "、".join(f"{y}年" for y in present) or "无"
                return f"{NOT_FOUND}：库中没有{who}{years}的报告（现有年份：{listed}），不能用其他年份的报告代替。"
        if not plan.years or not plan.towns:
            return ""
        missing = []
        # a horizon ahead of every report ("到2030年…要达到多少"): a long-range target the latest
        # report may set (a five-year plan's), not a year no report covers
        horizon = {int(m.group(1)) for m in HORIZON_YEAR.finditer(plan.question)}
        for town in plan.towns:
            docs = [m for m in metas.values() if m.entity == town]
            covered = {y for m in docs for y in (m.year, m.period_reviewed, m.period_planned) if y}
            ahead = {y for y in plan.years if y in horizon and covered and y > max(covered)}
            if docs and not covered & set(plan.years) and not ahead:
                spans = "、".join(sorted({f"回顾{m.period_reviewed}年/部署{m.period_planned}年" for m in docs}))
                missing.append(f"{town}（现有报告：{spans}）")
        if missing and len(missing) == len(plan.towns):
            years = "、".join(f"{y}年" for y in plan.years)
            return f"{NOT_FOUND}{years}的情况：{'；'.join(missing)}。"
        return ""


@dataclass
class _Checked:
    """An answer after the citation check: its text, whether it refuses, and what it cites."""

    text: str
    refused: bool
    citations: list
    report: ValidationReport
    draft: Draft
    backend: str


def _checked(draft: Draft, used_backend: str, plan: QueryPlan, evidence, ctx: AnswerContext,
             notices: list[str]) -> _Checked:
    """Validate the draft's citations clause by clause; a model answer that does not survive is
    replaced by the offline answer; an answer left with no verified claim becomes a refusal."""
    passages_by_n = {c.n: _citation_passage(c) for c in draft.citations}
    text, report = validate_answer(draft.answer, passages_by_n,
                                   check_unmarked=not (draft.refused and used_backend != "llm"))
    if used_backend == "llm" and not draft.refused and not _has_substance(text):
        # the model's answer did not survive validation (or was only citation marks):
        # answer offline instead of showing an empty or unverifiable reply
        notices.append("大模型的回答无法在报告中核实，已改用离线抽取式回答。")
        used_backend = "extractive (llm unverifiable)"
        draft = _final_draft(ExtractiveAnswerer().answer(plan, evidence, ctx))
        passages_by_n = {c.n: _citation_passage(c) for c in draft.citations}
        text, report = validate_answer(draft.answer, passages_by_n, check_unmarked=not draft.refused)
    if report.dropped:
        notices.append(f"有 {len(report.dropped)} 句因引用无法核实被删除。")
    if not text.strip() or (not draft.refused and not CITATION_MARK.search(text)):
        text, refused = f"{NOT_FOUND}（回答中的内容无法在报告中核实）。", True
    else:
        refused = draft.refused
    text, citations = renumber(text, draft.citations, also=draft.comparison)
    return _Checked(text, refused, citations, report, draft, used_backend)


def _final_draft(events) -> Draft:
    """The Draft an answerer ends with (the offline answerer yields only that)."""
    draft = None
    for event in events:
        if isinstance(event, Draft):
            draft = event
    assert draft is not None
    return draft


def _has_substance(text: str) -> bool:
    """More than citation marks and punctuation: at least a few Chinese characters of claim."""
    body = re.sub(r"\[\d{1,3}\]|【[^】]*】|\[资料[^\]]*\]", "", text)
    return len(re.findall(r"[\u4e00-\u9fff]", body)) >= 4 and bool(CITATION_MARK.search(text))


def _citation_passage(c) -> Passage:
    return Passage(chunk_id=f"cite{c.n}", doc_id=c.doc_id, file=c.file, title=c.title, town=c.town, region="",
                   year=c.year, section=c.section, text=c.quote or c.text, start=c.span_start, end=c.span_end,
                   chunk_index=0)
