"""Structure-aware Chinese chunking.

* never across a top-level section (一、 二、 …); a new chunk also starts at each （一） heading;
* split only at sentence ends (。！？；and their ASCII forms), or at commas for an overlong
  sentence, never inside a number;
* size counted in tiktoken tokens, small overlap (the previous sentence) inside a section;
* each chunk's ``start``/``end`` are offsets into the cleaned text, ``text == clean[start:end]``.
"""

from __future__ import annotations

import hashlib

from rag.text.sentences import CLAUSE, Span, split_sentences
from rag.text.tokens import count_tokens, to_simplified
from rag.types import Chunk, DocMeta, Section


def _split_long(text: str, span: Span, max_tokens: int, encoding: str) -> list[Span]:
    """Split an overlong sentence at commas; as a last resort by characters (not in a number).

    A sentence up to 1.8x the target stays whole: cutting it would separate a list from the
    noun that names it ("…、社会治理、文明文化“六个现代化”").
    """
    if count_tokens(text[span.start: span.end], encoding) <= int(max_tokens * 1.8):
        return [span]
    parts: list[Span] = []
    cur_start = span.start
    last_ok = None
    for m in CLAUSE.finditer(text, span.start, span.end):
        if m.end() == m.start():
            continue
        if count_tokens(text[cur_start: m.end()], encoding) > max_tokens and last_ok:
            parts.append(Span(cur_start, last_ok))
            cur_start = last_ok
        last_ok = m.end()
    if cur_start < span.end:
        parts.append(Span(cur_start, span.end))
    out: list[Span] = []
    for p in parts:
        if count_tokens(text[p.start: p.end], encoding) <= max_tokens:
            out.append(p)
            continue
        out.extend(_hard_cut(text, p, max(20, int(max_tokens * 0.8))))
    return out


def _inside_figure(text: str, i: int) -> bool:
    """A cut at ``i`` would split a figure (digits, a decimal point, a trailing %)."""
    return (text[i - 1].isdigit() or text[i - 1] == ".") and (text[i].isdigit() or text[i] in ".%")


def _hard_cut(text: str, p: Span, step: int) -> list[Span]:
    """Cut a span with no usable clause boundary into pieces of about ``step`` characters, moving
    each cut back off a figure. A figure longer than a piece (a run of a million digits) is cut
    at its end when that is near, else every ``4 * step`` characters: linear in the span's
    length (backing off character by character to a one-character piece was quadratic)."""
    out: list[Span] = []
    s = p.start
    while s < p.end:
        e = min(p.end, s + step)
        if e < p.end and _inside_figure(text, e):
            b = e
            while b > s + 1 and _inside_figure(text, b):
                b -= 1
            if b > s + 1 or not _inside_figure(text, b):
                e = b  # the figure starts inside this piece: cut before it
            else:  # the piece is all figure: go on to the figure's end, within bounds
                limit = min(p.end, s + 4 * step)
                while e < limit and _inside_figure(text, e):
                    e += 1
        out.append(Span(s, e))
        s = e
    return out


def _segments(text: str, sections: tuple[Section, ...]) -> list[tuple[int, int]]:
    """Boundaries no chunk may cross: top-level sections, and second-level headings."""
    cuts = sorted({0, len(text), *(s.start for s in sections if s.level <= 2)})
    return [(a, b) for a, b in zip(cuts, cuts[1:]) if text[a:b].strip()]


def chunk_document(
    text: str,
    meta: DocMeta,
    *,
    max_tokens: int = 256,
    overlap_tokens: int = 32,
    encoding: str = "cl100k_base",
) -> list[Chunk]:
    paths = _SectionPaths(meta.sections)
    chunks: list[Chunk] = []
    for seg_start, seg_end in _segments(text, meta.sections):
        spans: list[Span] = []
        for sp in split_sentences(text, seg_start, seg_end):
            spans.extend(_split_long(text, sp, max_tokens, encoding))
        sizes = [count_tokens(text[sp.start: sp.end], encoding) for sp in spans]
        i = 0
        while i < len(spans):
            j, total = i, 0
            while j < len(spans) and (total + sizes[j] <= max_tokens or j == i):
                total += sizes[j]
                j += 1
            start, end = spans[i].start, spans[j - 1].end
            chunks.append(_make_chunk(text, meta, start, end, len(chunks), paths.at(start)))
            if j >= len(spans):
                break
            # overlap: restart from the last sentence when it is short enough
            back = j - 1
            i = back if back > i and sizes[back] <= overlap_tokens else j
    return chunks


class _SectionPaths:
    """``ingest.sections.section_path_at`` for increasing offsets in one sweep over the sections
    (calling it per chunk scanned every section: quadratic with 100,000 heading lines). Sections
    nest (one ends where the next heading of the same or a higher level starts), so the innermost
    open section is the deepest one on a stack; an offset before the previous one falls back to
    the plain scan."""

    def __init__(self, sections: tuple[Section, ...]):
        self.sections = sorted(sections, key=lambda s: s.start)
        self.next = 0
        self.stack: list[Section] = []
        self.last = -1

    def at(self, offset: int) -> str:
        if offset < self.last:
            from ingest.sections import section_path_at

            return section_path_at(tuple(self.sections), offset)
        self.last = offset
        while self.next < len(self.sections) and self.sections[self.next].start <= offset:
            self.stack.append(self.sections[self.next])
            self.next += 1
        self.stack = [s for s in self.stack if s.end > offset]  # the open ones: one per level when they nest
        best: Section | None = None
        for s in self.stack:
            if best is None or s.level >= best.level:
                best = s
        return best.path if best else ""


def _make_chunk(text: str, meta: DocMeta, start: int, end: int, index: int, section: str) -> Chunk:
    body = text[start:end]
    chunk_id = hashlib.sha1(f"{meta.doc_id}:{index}:{start}:{end}".encode()).hexdigest()[:20]
    # the embedded text is the section path and the passage: metadata that a later rule may read
    # differently (issuer, title) stays out of the vector, so re-reading metadata never re-embeds
    embed_text = f"{section}\n{body}" if section else body
    return Chunk(
        chunk_id=chunk_id, doc_id=meta.doc_id, chunk_index=index, text=body, start=start, end=end,
        section=section, embed_text=to_simplified(embed_text),
    )
