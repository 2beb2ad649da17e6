"""HTML for the chat, citations, comparison tables, retrieval debug and the report library.

Report text, metadata, answers and questions are untrusted: every string that did not come
from this module goes through :func:`esc` before it is placed in markup. The chatbot shows
messages as HTML (``render_markdown=False``), so markdown syntax in a report (``![x](…)``) is
never interpreted, and escaped tags (``<script>``) display as text.
"""

from __future__ import annotations

import html
import time
from typing import Iterable

from rag.text.cues import CITATION_MARK, NOT_FOUND
from rag.types import Answer, Citation, ComparisonRow, DocMeta

NOT_MENTIONED = NOT_FOUND
_CONTEXT_CHARS = 360  # passage context kept either side of the cited span


def esc(value: object) -> str:
    """Escape anything for HTML text or attribute context."""
    return html.escape("" if value is None else str(value), quote=True)


def _text_html(text: str) -> str:
    """Escaped text with [n] marks turned into footnote references and newlines kept."""
    out = CITATION_MARK.sub(lambda m: f'<sup class="gq-ref" data-n="{m.group(1)}">[{m.group(1)}]</sup>', esc(text))
    return out.replace("\n", "<br>")


def user_html(question: str) -> str:
    return f'<div class="gq-question">{esc(question)}</div>'


def pending_html(stage: str = "正在检索报告…") -> str:
    return f'<div class="gq-pending">{esc(stage)}</div>'


def streaming_html(partial: str) -> str:
    return f'<div class="gq-answer gq-streaming"><div class="gq-text">{_text_html(partial)}</div></div>'


def error_html(message: str) -> str:
    return f'<div class="gq-answer gq-error">出错了：{esc(message)}</div>'


# ---------------------------------------------------------------------------- citations
def cited_span(c: Citation) -> tuple[int, int] | None:
    """The cited sentence's position inside ``c.text`` (None when it cannot be located)."""
    text = c.text or ""
    if c.span_end > c.span_start:
        s, e = c.span_start - c.start, c.span_end - c.start
        if 0 <= s < e <= len(text) and (not c.quote or text[s:e] == c.quote):
            return s, e
    if c.quote:
        i = text.find(c.quote)
        if i >= 0:
            return i, i + len(c.quote)
    return None


def citation_label(c: Citation) -> str:
    parts = [c.town or "未署名报告", f"{c.year}年报告" if c.year else "", f"《{c.title}》" if c.title else ""]
    return " · ".join(p for p in parts if p)


def passage_html(c: Citation) -> str:
    text = c.text or ""
    span = cited_span(c)
    if span is None:
        return f'<div class="gq-passage">{esc(text)}</div>'
    s, e = span
    lo, hi = max(0, s - _CONTEXT_CHARS), min(len(text), e + _CONTEXT_CHARS)
    before = ("…" if lo > 0 else "") + text[lo:s]
    after = text[e:hi] + ("…" if hi < len(text) else "")
    return (f'<div class="gq-passage">{esc(before)}<mark class="gq-span">{esc(text[s:e])}</mark>'
            f'{esc(after)}</div>')


def citation_html(c: Citation) -> str:
    section = f'<div class="gq-section">章节：{esc(c.section)}</div>' if c.section else ""
    where = f"原文第 {c.start}–{c.end} 字"
    if c.span_end > c.span_start:
        where += f"，引用句第 {c.span_start}–{c.span_end} 字"
    return (
        f'<details class="gq-cite" data-n="{c.n}">'
        f'<summary><span class="gq-n">[{c.n}]</span> <span class="gq-src">{esc(citation_label(c))}</span></summary>'
        f"{section}{passage_html(c)}"
        f'<div class="gq-file">文件：{esc(c.file)} · {esc(where)}</div>'
        f"</details>"
    )


def comparison_html(rows: list[ComparisonRow]) -> str:
    if not rows:
        return ""
    body = []
    for row in rows:
        missing = not row.answer.strip() or row.answer.strip().startswith(NOT_MENTIONED)
        cell = esc(NOT_MENTIONED) if missing else _text_html(row.answer)
        cls = ' class="gq-missing"' if missing else ""
        body.append(f"<tr><th>{esc(row.side)}</th><td{cls}>{cell}</td></tr>")
    return ('<table class="gq-compare"><caption>对比</caption><thead><tr><th>对象</th><th>报告中的说法</th></tr>'
            f'</thead><tbody>{"".join(body)}</tbody></table>')


def answer_html(answer: Answer) -> str:
    cls = "gq-answer gq-refused" if answer.refused else "gq-answer"
    parts = [f'<div class="{cls}"><div class="gq-text">{_text_html(answer.answer)}</div>']
    parts.append(comparison_html(answer.comparison))
    for note in answer.notices:
        parts.append(f'<div class="gq-notice">提示：{esc(note)}</div>')
    if answer.citations:
        parts.append('<div class="gq-sources"><div class="gq-sources-title">来源（点击展开原文，黄色为引用句）</div>')
        parts.extend(citation_html(c) for c in answer.citations)
        parts.append("</div>")
    total = answer.timings_ms.get("total")
    backend = {"extractive": "离线抽取式", "llm": "大模型"}.get(answer.backend, answer.backend)
    foot = f"回答方式：{backend}" + (f" · 用时 {total:.0f} ms" if total is not None else "")
    if answer.standalone_question and answer.standalone_question != answer.question:
        foot += f" · 理解为：{answer.standalone_question}"
    parts.append(f'<div class="gq-foot">{esc(foot)}</div></div>')
    return "".join(parts)


def answer_plain_text(answer: Answer) -> str:
    """What "复制回答" puts on the clipboard: the answer and its sources, as plain text."""
    lines = [answer.answer]
    if answer.citations:
        lines.append("")
        lines.append("来源：")
        for c in answer.citations:
            where = " · ".join(x for x in (citation_label(c), c.section) if x)
            lines.append(f"[{c.n}] {c.file}｜{where}")
            lines.append(f"    “{c.quote or c.text[:120]}”")
    return "\n".join(lines)


# ---------------------------------------------------------------------------- retrieval debug
def debug_html(answer: Answer | None) -> str:
    if answer is None:
        return ""
    if not answer.passages:
        return '<div class="gq-debug"><b>检索调试</b>：本轮没有检索到段落。</div>'
    rows = []
    for i, p in enumerate(answer.passages, 1):
        s = p.scores
        preview = p.text[:90] + ("…" if len(p.text) > 90 else "")
        rows.append(
            f"<tr><td>{i}</td><td>{esc(p.town or '—')}</td><td>{esc(p.year or '—')}</td>"
            f"<td>{esc(p.section or '—')}</td><td>{s.get('dense', 0):.4f}</td><td>{s.get('bm25', 0):.3f}</td>"
            f"<td>{s.get('fused', 0):.4f}</td><td>{esc(s.get('dense_rank', '—'))}/{esc(s.get('bm25_rank', '—'))}</td>"
            f"<td class=\"gq-preview\">{esc(preview)}</td></tr>"
        )
    timings = "，".join(f"{esc(k)} {v:.0f} ms" for k, v in answer.timings_ms.items())
    return (
        f'<div class="gq-debug"><b>检索调试</b>（检索问题：{esc(answer.standalone_question or answer.question)}；{timings}）'
        '<table><thead><tr><th>#</th><th>地区/单位</th><th>年份</th><th>章节</th><th>稠密</th><th>BM25</th><th>融合</th>'
        f'<th>名次 稠密/BM25</th><th>段落</th></tr></thead><tbody>{"".join(rows)}</tbody></table></div>'
    )


# ---------------------------------------------------------------------------- library
_FIELDS = (
    ("title", "标题"), ("town", "地区/单位"), ("level", "级别"), ("parent", "上级"), ("region", "所属地区"), ("year", "报告年份"), ("period_reviewed", "回顾年份"),
    ("period_planned", "计划年份"), ("doc_type", "类型"), ("publisher", "发布单位"), ("date", "日期"),
    ("index_no", "索引号"),
)


def doc_option_label(meta: DocMeta) -> str:
    return f"{meta.file}｜{meta.display_town} {meta.year or ''}".strip()


def library_html(records: Iterable) -> str:
    """One card per report: every metadata field with where it came from."""
    cards = []
    for rec in records:
        m: DocMeta = rec.meta
        rows = []
        for key, label in _FIELDS:
            value = getattr(m, key)
            if key == "town":
                value = m.display_entity
            elif key == "level":
                value = m.level_label or None
            elif key == "parent":
                value = " > ".join(m.parent) or None
            shown = "—" if value in (None, "") else value
            source = m.provenance.get(key, "")
            rows.append(f'<tr><th>{label}</th><td>{esc(shown)}</td><td class="gq-prov">{esc(source)}</td></tr>')
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(rec.ingested_at)) if rec.ingested_at else "—"
        rows.append(f'<tr><th>分块</th><td>{rec.n_chunks}</td><td class="gq-prov">导入时切分</td></tr>')
        rows.append(f'<tr><th>源文件</th><td>{esc(m.file)}</td><td class="gq-prov">格式 {esc(rec.fmt or "—")}，'
                    f'导入于 {esc(when)}</td></tr>')
        cards.append(
            f'<details class="gq-doc" data-doc="{esc(m.doc_id)}"><summary><b>{esc(m.display_town)}</b> '
            f'{esc(m.year or "")} · {esc(m.title)} <span class="gq-docfile">{esc(m.file)}</span></summary>'
            f'<table class="gq-meta"><thead><tr><th>字段</th><th>值</th><th>来源</th></tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table><div class="gq-docid">doc_id {esc(m.doc_id)}</div></details>'
        )
    if not cards:
        return '<div class="gq-empty">还没有导入任何报告。请在上方上传报告文件。</div>'
    return f'<div class="gq-library"><div class="gq-count">共 {len(cards)} 份报告（点击展开元数据及来源）</div>{"".join(cards)}</div>'


# ---------------------------------------------------------------------------- upload status
_STATUS = {"ok": ("已导入", "ok"), "replaced": ("已更新", "ok"), "unchanged": ("未变化，跳过", "skip"),
           "duplicate": ("重复", "skip"), "failed": ("失败", "fail")}
_STAGES = {"load": "读取", "clean": "清洗", "chunk": "分块", "embed": "向量化", "write": "写入索引", "done": "完成",
           "wait": "等待", "repair": "修复"}


def ingest_status_html(fraction: float, current: str, results: list) -> str:
    pct = max(0.0, min(1.0, fraction)) * 100
    lines = []
    for r in results:
        label, cls = _STATUS.get(r.status, (r.status, "skip"))
        detail = ""
        if r.status in ("ok", "replaced"):
            detail = f"{r.town or '未署名报告'} {r.year or ''} · {r.chunks} 块"
        reason = f"（{esc(r.reason)}）" if r.reason else ""
        lines.append(f'<li class="gq-st-{cls}" data-status="{esc(r.status)}"><span class="gq-badge">{label}</span> '
                     f'<b>{esc(r.file)}</b>{reason} {esc(detail)}</li>')
    return (
        f'<div class="gq-ingest"><div class="gq-bar"><div class="gq-bar-fill" style="width:{pct:.0f}%"></div></div>'
        f'<div class="gq-bar-label">{pct:.0f}% {esc(current)}</div><ul class="gq-status">{"".join(lines)}</ul></div>'
    )


def stage_label(stage: str) -> str:
    return _STAGES.get(stage, stage)
