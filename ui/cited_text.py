"""A cited answer as Markdown-safe text: the answer with its [n] marks, then a 来源 list.

One rendering shared by every face that hands an answer to another program: the
OpenAI-compatible endpoint (the reply's content), the MCP ``ask`` tool and the Markdown export.
Report text is data: characters that would make Markdown links, images or HTML (``[ ] < ` \\``)
are escaped, so a report that contains ``![x](http://…)`` shows as text in a chat client and
loads nothing. The answer's own ``[n]`` marks are kept as they are.
"""

from __future__ import annotations

import re

from rag.types import Answer, Citation

_MD_ACTIVE = re.compile(r"([\\`\[\]<])")
_ESCAPED_MARK = re.compile(r"\\\[(\d{1,3})\\\]")
QUOTE_PREVIEW_CHARS = 160


def md_escape(text: str) -> str:
    """Escape the characters that make Markdown links, images, code or HTML."""
    return _MD_ACTIVE.sub(r"\\\1", text or "")


def md_escape_keep_marks(text: str) -> str:
    """:func:`md_escape`, keeping the citation marks ``[n]`` as they are."""
    return _ESCAPED_MARK.sub(r"[\1]", md_escape(text))


def citation_entity(c: Citation) -> str:
    """The issuer of the cited report (``entity`` once the catalogue has it, else the town)."""
    return getattr(c, "entity", None) or c.town or ""


def citation_source(c: Citation) -> str:
    """"杜桥镇 · 2020年报告 · 《…》" — which report (no section, no quote)."""
    parts = [citation_entity(c) or "未署名", f"{c.year}年报告" if c.year else "", f"《{c.title}》" if c.title else ""]
    return " · ".join(p for p in parts if p)


def citation_quote(c: Citation, limit: int = QUOTE_PREVIEW_CHARS) -> str:
    """The cited sentence (or the start of the passage when no sentence was recorded)."""
    if c.quote:
        return c.quote
    text = (c.text or "").strip()
    return text[:limit] + ("…" if len(text) > limit else "")


def citation_line(c: Citation) -> str:
    """"004_….txt｜杜桥镇 · 2020年报告 · 一、… > (一)…" (plain text, as `govqa ask` prints it)."""
    where = " · ".join(x for x in (citation_entity(c) or "未署名", f"{c.year}年报告" if c.year else "", c.section) if x)
    return f"{c.file}｜{where}"


def _hard_breaks(text: str) -> str:
    # two trailing spaces: a line break in Markdown, invisible as plain text
    return "  \n".join(text.split("\n"))


def sources_markdown(citations: list[Citation], *, title: str = "来源：") -> str:
    lines = [title] if title else []
    for c in citations:
        lines.append(f"- [{c.n}] {md_escape(citation_line(c))}  \n  “{md_escape(citation_quote(c))}”")
    return "\n".join(lines)


def answer_markdown(answer: Answer, *, sources: bool = True) -> str:
    """The answer with its [n] marks, its notices, and (``sources``) the 来源 footnote list."""
    parts = [_hard_breaks(md_escape_keep_marks(answer.answer))]
    for note in answer.notices:
        parts.append(f"（提示：{md_escape(note)}）")
    if sources and answer.citations:
        parts.append(sources_markdown(answer.citations))
    return "\n\n".join(p for p in parts if p)


def citation_record(c: Citation) -> dict:
    """A citation for another program: the contract fields plus ``entity`` and a readable label."""
    d = c.to_dict()
    d.setdefault("entity", citation_entity(c))
    d["source"] = citation_source(c)
    d["label"] = citation_line(c)
    return d
