"""The one sentence and clause splitter for Chinese report text (offsets, never copies)."""

from __future__ import annotations

import re
from dataclasses import dataclass

SENTENCE = re.compile(r"[^。！？!?；;\n]*(?:[。！？!?；;]+[”’\"'」』)）]*|\n|$)")
CLAUSE = re.compile(r"[^，,、：:]*(?:[，,、：:]|$)")
# a clause up to a comma or a colon, an enumeration joined by 、 kept whole ("A、B分别增长x、y")
COMMA_CLAUSE = re.compile(r"[^，,：:]+[，,：:]?")


@dataclass(frozen=True)
class Span:
    start: int
    end: int


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[Span]:
    """Sentence spans (offsets into ``text``) between start and end, whitespace trimmed."""
    end = len(text) if end is None else end
    spans: list[Span] = []
    for m in SENTENCE.finditer(text, start, end):
        s, e = m.start(), m.end()
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            spans.append(Span(s, e))
    return spans


