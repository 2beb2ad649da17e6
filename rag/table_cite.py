"""Writing a table answer: figures as written, the cited statements numbered, the Answer checked like any other."""

from __future__ import annotations

import time
from functools import lru_cache

from rag.cite import renumber, validate_answer
from rag.indicators_table import IndicatorRow, section_of
from rag.text.indicators_vocab import load_vocab
from rag.types import Answer, Citation, ComparisonRow, DocMeta, Passage


@lru_cache(maxsize=1)
def _before_words() -> tuple[str, ...]:
    q = load_vocab()["qualifiers"]
    return tuple(sorted(list(q["before"]) + list(q["clause"]), key=len, reverse=True))


def value_text(r: IndicatorRow) -> str:
    """The figure as written, with a qualifier written before it kept as written ("超1400亿元",
    "不低于5.5%") or, when it stands further away ("力争…"), named in brackets."""
    text = r.raw
    if not r.qualifier or r.qualifier in text:
        return text
    ps = r.passage_start
    stmt = r.passage[r.start - ps:r.end - ps] if r.passage else ""
    if stmt.endswith(text):
        pre = stmt[:len(stmt) - len(text)].rstrip()
        for w in _before_words():
            if pre.endswith(w) or pre.endswith(w + "了") or pre.endswith(w + "到"):
                return w + text
    return f"{text}（{r.qualifier}）"


class _Book:
    def __init__(self, metas: dict[str, DocMeta]):
        self.metas = metas
        self.citations: list[Citation] = []
        self._n: dict[tuple[str, int, int], int] = {}

    def cite(self, r: IndicatorRow) -> int:
        key = (r.doc_id, r.start, r.end)
        if key in self._n:
            return self._n[key]
        meta = self.metas.get(r.doc_id)
        n = len(self.citations) + 1
        ps = r.passage_start
        text = r.passage or r.raw
        quote = text[r.start - ps: r.end - ps] if r.passage else r.raw
        self.citations.append(Citation(
            n=n, doc_id=r.doc_id, file=r.file, title=meta.title if meta else "", town=r.entity,
            year=int(r.report_year or 0), section=section_of(meta, r.start) if meta else "", text=text, start=ps,
            end=ps + len(text), span_start=r.start, span_end=r.end, quote=quote))
        self._n[key] = n
        return n


def _finish(question: str, lines: list[str], book: _Book, t0: float, notices: list[str] | None = None,
            refused: bool = False, comparison: list[ComparisonRow] | None = None) -> Answer:
    """Check every cited claim against its statement (numbers must be in it), as for any answer."""
    text = "\n".join(lines)
    passages = {c.n: Passage(chunk_id=f"cite{c.n}", doc_id=c.doc_id, file=c.file, title=c.title, town=c.town,
                             region="", year=c.year, section=c.section, text=c.text or c.quote, start=c.start,
                             end=c.end, chunk_index=0) for c in book.citations}
    checked, report = validate_answer(text, passages, check_unmarked=False)
    notices = list(notices or [])
    if report.dropped:
        notices.append(f"有 {len(report.dropped)} 句因引用无法核实被删除。")
    comparison = list(comparison or [])
    checked, cites = renumber(checked, book.citations, also=comparison)
    return Answer(question=question, answer=checked, refused=refused, citations=cites, backend="table",
                  comparison=comparison,
                  timings_ms={"table": (time.perf_counter() - t0) * 1000,
                              "total": (time.perf_counter() - t0) * 1000},
                  standalone_question=question, notices=notices, validation=report.to_dict())


def _refusal(question: str, text: str, t0: float) -> Answer:
    return Answer(question=question, answer=text, refused=True, citations=[], backend="table",
                  timings_ms={"table": (time.perf_counter() - t0) * 1000}, standalone_question=question)


def _sentence(r: IndicatorRow, limit: int = 60) -> str:
    """The cited sentence; when long, the clauses around the statement (cut at commas, never
    inside a figure)."""
    text = (r.passage or r.raw).strip().rstrip("。；;")
    if len(text) <= limit:
        return text
    ps = r.passage_start
    s0, s1 = max(0, r.start - ps), min(len(text), r.end - ps)
    a = max((text.rfind(c, 0, s0) for c in "，,：:"), default=-1) + 1
    b = min((i for i in (text.find(c, s1) for c in "，,；;") if i >= 0), default=len(text))
    return ("…" if a > 0 else "") + text[a:b] + ("…" if b < len(text) else "")
