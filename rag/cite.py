"""Citations: build them from passages, and validate an answer against them.

Validation (for every backend):
* every ``[n]`` must point at a passage that was given to the answerer;
* every number in a claim must occur in a passage the claim cites (after normalising 万/亿,
  %, full-width digits and thousands separators);
* a failing claim is re-cited to a passage that does contain its numbers, or dropped.
The result records what was repaired, so the UI and the eval can show it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rag.text.cues import CITATION_MARK, NOT_FOUND
from rag.text.numbers import find_quantities, quantity_keys
from rag.types import Citation, Passage

MARK = CITATION_MARK
_CLAIM = re.compile(r"[^。！？!?；;\n]*(?:[。！？!?；;]+(?:\s*\[\d{1,2}\])*|\n|$)")


def split_claims(answer: str) -> list[str]:
    """Sentences of an answer, each keeping the [n] marks written right after its full stop."""
    return [m.group(0) for m in _CLAIM.finditer(answer) if m.group(0)]


def citation_from_passage(n: int, p: Passage, span: tuple[int, int] | None = None) -> Citation:
    s, e = span if span else (p.start, p.end)
    quote = p.text[s - p.start: e - p.start] if span else ""
    return Citation(n=n, doc_id=p.doc_id, file=p.file, title=p.title, town=p.town, year=p.year,
                    section=p.section, text=p.text, start=p.start, end=p.end, span_start=s, span_end=e,
                    quote=quote)


@dataclass
class ValidationReport:
    claims: int = 0
    numbers_checked: int = 0
    bad_marks: list[int] = field(default_factory=list)
    recited: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.bad_marks or self.recited or self.dropped)

    def to_dict(self) -> dict:
        return {"claims": self.claims, "numbers_checked": self.numbers_checked, "bad_marks": self.bad_marks,
                "recited": self.recited, "dropped": self.dropped, "ok": self.ok}


def _claim_numbers(claim: str, known_years: set[int] = frozenset()) -> set[str]:
    """Numbers a claim asserts (citation marks, list ordinals like "1." and the years the cited
    reports are about — "2019年…" over a passage that says "全年…" — excluded)."""
    body = MARK.sub(" ", claim)
    body = re.sub(r"(?<!\d)(19|20)(\d\d)(?=\s*年)", lambda m: " " if int(m.group(0)) in known_years else m.group(0), body)
    body = re.sub(r"【[^】]*】", " ", body)  # labels naming the report are not claims
    body = re.sub(r"(^|\n)\s*\d{1,2}[.、)]\s*", " ", body)
    return {q.key() for q in find_quantities(body)}


def _says_not_stated(claim: str) -> bool:
    """The tool saying a report does not state something ("报告中未提及（库中没有2018年的报告）"):
    it asserts no figure; the only numbers it may carry are years."""
    return NOT_FOUND in claim and not re.search(r"\d", re.sub(r"(?:19|20)\d\d\s*年", "", claim))


def validate_answer(
    answer: str, passages_by_n: dict[int, Passage], *, check_unmarked: bool = True
) -> tuple[str, ValidationReport]:
    """Check and repair the citations of ``answer``; returns the repaired text and a report.

    ``check_unmarked=False`` leaves claims without any [n] alone (the tool's own messages,
    e.g. a refusal listing what the index holds); marked claims are always checked.
    """
    report = ValidationReport()
    keys_by_n = {n: quantity_keys(p.text) for n, p in passages_by_n.items()}
    out: list[str] = []
    for claim in split_claims(answer):
        if not claim.strip():
            out.append(claim)
            continue
        report.claims += 1
        marks = [int(m) for m in MARK.findall(claim)]
        bad = [m for m in marks if m not in passages_by_n]
        if bad:
            report.bad_marks.extend(bad)
            for m in bad:
                claim = claim.replace(f"[{m}]", "")
            marks = [m for m in marks if m not in bad]
        years = {y for m in marks for p in [passages_by_n[m]] if p.year for y in (p.year, p.year - 1)}
        numbers = _claim_numbers(claim, years)
        report.numbers_checked += len(numbers)
        if not numbers or (not marks and not check_unmarked) or (not marks and _says_not_stated(claim)):
            out.append(claim)
            continue
        supported = set().union(*(keys_by_n[m] for m in marks)) if marks else set()
        if numbers <= supported:
            out.append(claim)
            continue
        # re-cite: the fewest passages that together contain every number of the claim
        best = [n for n, keys in keys_by_n.items() if numbers <= keys]
        if best:
            new = best[0]
            stripped = MARK.sub("", claim).rstrip()
            tail = re.search(r"[。！？!?；;\n]*$", stripped).group(0)
            body = stripped[: len(stripped) - len(tail)] if tail else stripped
            claim_fixed = f"{body}[{new}]{tail}"
            report.recited.append(f"{MARK.sub('', claim).strip()[:40]} → [{new}]")
            out.append(claim_fixed + ("" if claim.endswith("\n") or not claim_fixed.endswith("\n") else ""))
            continue
        report.dropped.append(MARK.sub("", claim).strip()[:80])
    text = "".join(out).strip()
    return text, report


def renumber(answer: str, citations: list[Citation], *, also: list | None = None) -> tuple[str, list[Citation]]:
    """Keep only cited citations, numbered 1..k in order of first use. ``also``: comparison rows
    whose ``answer`` and ``citations`` are renumbered the same way."""
    order: list[int] = []
    for m in MARK.findall(answer):
        n = int(m)
        if n not in order:
            order.append(n)
    by_n = {c.n: c for c in citations}
    mapping = {old: new for new, old in enumerate((n for n in order if n in by_n), start=1)}
    def remap(s: str) -> str:
        return MARK.sub(lambda m: f"[{mapping[int(m.group(1))]}]" if int(m.group(1)) in mapping else "", s)

    text = remap(answer)
    for row in also or ():
        row.answer = remap(row.answer)
        row.citations = [mapping[n] for n in row.citations if n in mapping]
    kept = []
    for old, new in mapping.items():
        c = by_n[old]
        c.n = new
        kept.append(c)
    return text, sorted(kept, key=lambda c: c.n)
