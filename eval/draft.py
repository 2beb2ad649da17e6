"""Drafting candidate eval rows from the sentences of a report that carry figures (for a person to edit)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from eval.dataset import REVIEW_KEY

_CLAUSE = re.compile(r"[^，,；;：:。！？!?\n]+")
_UNIT_AFTER = re.compile(r"(?:平方公里|平方米|平方|公里|千米|万元|亿元|[元个家项户人名位起件所座条辆只张次批台套处亩吨米倍])?")
_LEAD = re.compile(r"^(?:其中|全年|今年|去年|共|累计|已|并|和|及|同时|另外|此外|全镇|我镇|全乡|我乡)+")
_NOT_A_FIGURE_AFTER = re.compile(r"^(?:年|月|日|号|届|次会议|时|点)")
_QUOTES = "\"'“”‘’「」『』"


def find_in_raw(raw: str, clean_piece: str) -> str:
    """``clean_piece`` (from the cleaned text) as written in the raw file, or "".

    Cleaning only normalises characters (full-width digits and %, quotes, spaces), so the piece
    is found with a pattern that accepts each character's raw forms.
    """
    if clean_piece in raw:
        return clean_piece
    parts = []
    for ch in clean_piece:
        if ch.isdigit():
            parts.append(f"[{ch}{chr(0xFF10 + int(ch))}]")
        elif ch == "%":
            parts.append("[%％]")
        elif ch == ".":
            parts.append("[.．]")
        elif ch in _QUOTES:
            parts.append(f"[{re.escape(_QUOTES)}]")
        elif ch == " ":
            parts.append(r"\s+")
        else:
            parts.append(re.escape(ch))
    m = re.search("".join(parts), raw)
    return m.group(0) if m else ""


@dataclass
class DraftCandidate:
    row: dict
    sentence_start: int = 0
    score: float = 0.0
    notes: list[str] = field(default_factory=list)


def _figure_with_unit(text: str, start: int, end: int) -> str:
    m = _UNIT_AFTER.match(text, end)
    return text[start: m.end() if m else end]


def _figures(clause: str) -> list:
    """The figures of a clause worth asking about: not dates, not bare numbers without a unit."""
    from rag.text.numbers import find_quantities

    return [q for q in find_quantities(clause)
            if not _NOT_A_FIGURE_AFTER.match(clause[q.end:])
            and (q.percent or _figure_with_unit(clause, q.start, q.end) != q.text
                 or not q.text.isdigit())]


def _draft_row(who: str, subject: str, sentence: str, figure: str, file: str, evidence: str) -> dict:
    return {
        "id": "", "type": "fact", "question": f"{who}{subject}是多少？",
        "answer": sentence.strip(), "must_include": [figure],
        "sources": [{"file": file, "evidence": evidence}],
        REVIEW_KEY: "草稿：请改写成用户会问的说法，核对答案与 must_include，然后删除本字段",
    }


def _sentence_candidate(sentence: str, start: int, who: str, raw: str, file: str) -> DraftCandidate | None:
    """The best clause of one sentence to ask about (None when no clause of it will do)."""
    prev_subject = ""
    best: DraftCandidate | None = None
    for m in _CLAUSE.finditer(sentence):
        clause = m.group(0).strip()
        figures = _figures(clause)
        if not figures:
            subject = re.sub(r"\d.*$", "", clause).strip()
            prev_subject = subject if len(subject) >= 4 else prev_subject
            continue
        q = figures[0]
        subject = _LEAD.sub("", clause[: q.start].strip()).strip()
        own = len(re.findall(r"[\u4e00-\u9fff]", subject)) >= 4
        if not own:
            if not prev_subject:
                continue
            subject = f"{_LEAD.sub('', prev_subject)}{subject}"
        subject = re.sub(r"(达到|达|为|是|约|超过|超|突破|实现了|不低于|不少于)+$", "", subject)
        if len(subject) < 4 or len(subject) > 30:
            continue
        figure = _figure_with_unit(clause, q.start, q.end)
        evidence = find_in_raw(raw, clause) or find_in_raw(raw, figure)
        if not evidence or len(evidence) < 4:
            continue
        row = _draft_row(who, subject, sentence, figure, file, evidence)
        score = len(figures) + (1.0 if own else 0.0) + min(len(subject), 12) / 100
        if best is None or score > best.score:
            best = DraftCandidate(row, start, score)
        prev_subject = subject
    return best


def _spread(candidates: list[DraftCandidate], n: int) -> list[DraftCandidate]:
    """``n`` picks spread over the whole report rather than its first pages."""
    if len(candidates) > n > 0:
        step = len(candidates) / n
        return [candidates[int(i * step)] for i in range(n)]
    return candidates[: max(n, 0)]


def draft_questions(path: str | Path, n: int = 20) -> list[dict]:
    """Candidate eval rows from the sentences of one report that carry figures.

    Each candidate asks "…是多少？" about one clause with a figure (the words before the figure,
    with the previous clause's words when they alone say too little); the evidence is that
    clause as written in the file. Rows carry ``needs_review``: a person must rewrite the
    question the way a user would ask it, check the answer, and delete the field.
    """
    from rag.text.sentences import split_sentences
    from ingest.clean import clean_report_text
    from ingest.load import load_file
    from ingest.meta import extract_metadata
    from ingest.pipeline import doc_id_for

    path = Path(path)
    loaded = load_file(path)
    clean = clean_report_text(loaded.text)
    meta = extract_metadata(clean, doc_id=doc_id_for(clean.text), file=loaded.file)
    who = meta.town or "这份报告中"
    raw = loaded.text
    text = clean.text
    candidates: list[DraftCandidate] = []
    for sp in split_sentences(text):
        best = _sentence_candidate(text[sp.start: sp.end], sp.start, who, raw, loaded.file)
        if best is not None:
            candidates.append(best)
    picked = _spread(candidates, n)
    stem = re.sub(r"\W+", "_", path.stem)[:24]
    rows = []
    for i, c in enumerate(picked, start=1):
        c.row["id"] = f"draft_{stem}_{i:03d}"
        rows.append(c.row)
    return rows
