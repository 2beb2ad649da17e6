"""The section tree of a report: its numbered and part-title headings, and the path at an offset."""

from __future__ import annotations

import re

from rag.types import Section

# ------------------------------------------------------------------ section tree

_HEADING_PATTERNS: tuple[tuple[int, re.Pattern], ...] = (
    (1, re.compile(r"^[一二三四五六七八九十]{1,3}、")),
    (2, re.compile(r"^[（(]?[一二三四五六七八九十]{1,3}[)）]")),  # the opening bracket is lost in some scrapes
    (3, re.compile(r"^\d{1,2}[.．、](?!\d)")),
    (4, re.compile(r"^[（(]\d{1,2}[)）]")),
    (4, re.compile(r"^(?:一|二|三|四|五|六|七|八|九|十)是")),
    # an unnumbered part title on its own line: "2023年工作安排", "今后五年工作思路"
    (0, re.compile(r"^(?:(?:20\d\d|今|明|上|去)年|今后[一二三四五]年|下一?阶段|下一步)?[^。；;，,:：]{0,8}"
                   r"(?:工作安排|工作思路|工作打算|目标任务|工作计划|工作回顾|工作总结|主要目标)$")),
)
_HEADING_END = re.compile(r"[。！？!?；;：:]")


def _heading_text(line: str) -> str:
    """The heading itself: up to the first sentence end or a gap before running text."""
    m = _HEADING_END.search(line)
    head = line[: m.start()] if m else line
    gap = head.find(" ", 4)
    if gap > 0:
        head = head[:gap]
    return head.strip()[:40]


def extract_sections(text: str) -> tuple[Section, ...]:
    """Headings 一、 / （一） / 1. / （1） / 一是 at line starts, as a tree flattened in order."""
    found: list[tuple[int, str, int]] = []
    pos = 0
    for line in text.split("\n"):
        stripped = line.lstrip()
        offset = pos + (len(line) - len(stripped))
        pos += len(line) + 1
        for level, pat in _HEADING_PATTERNS:
            if pat.match(stripped):
                heading = _heading_text(stripped)
                # a numbered footnote list ("1.瞪羚企业:指…") or a long sentence is not a heading
                if level >= 3 and len(heading) > 30:
                    break
                if level == 1 and len(stripped) > 60 and not _HEADING_END.search(stripped[:40]):
                    heading = stripped[:40]
                found.append((level, heading, offset))
                break
    # one pass: a section ends where the next heading of the same or a higher level starts
    ends = [len(text)] * len(found)
    open_: list[int] = []  # indices of sections not yet closed
    for i, (level, _, start) in enumerate(found):
        while open_ and found[open_[-1]][0] >= level:
            ends[open_.pop()] = start
        open_.append(i)
    sections: list[Section] = []
    stack: list[tuple[int, str]] = []
    for i, (level, heading, start) in enumerate(found):
        while stack and stack[-1][0] >= level:
            stack.pop()
        stack.append((level, heading))
        path = " > ".join(h for _, h in stack)
        sections.append(Section(level=level, heading=heading, start=start, end=ends[i], path=path))
    return tuple(sections)


def section_path_at(sections: tuple[Section, ...], offset: int) -> str:
    """The heading path of the innermost section containing ``offset``."""
    best: Section | None = None
    for s in sections:
        if s.start <= offset < s.end and (best is None or s.level >= best.level):
            best = s
    return best.path if best else ""

