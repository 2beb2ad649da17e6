"""MCP server: the report library as tools for MCP clients (Claude Desktop, Cursor, Cherry Studio …).

``govqa mcp`` serves over stdio; ``govqa mcp --http PORT`` serves streamable HTTP on
``http://127.0.0.1:PORT/mcp``. Built on the official MCP Python SDK (``mcp`` 1.x, its FastMCP
server). Tools, each described in Chinese and English:

* ``ask``: a question (optional entity / year filters, earlier questions for a follow-up) → the cited
  answer as text with [n] marks and a 来源 list, plus the ``govqa ask --json`` contract as
  structured content (citations with report, section, quote and offsets).
* ``search``: passages with their dense / BM25 / fused scores.
* ``list_reports``: the catalogue's identity fields of every report.
* ``indicators``: registered only when the indicator table (``rag.indicators_table``) exists.

The tools call the same :class:`QAService` as the UI and the CLI. Answers run in worker threads
(at most two at a time), so one slow question does not stall the protocol.
"""

from __future__ import annotations

import dataclasses
import importlib
import importlib.util
import inspect
import os
import sys
from collections.abc import Callable
from functools import partial
from io import TextIOWrapper
from typing import Annotated, Any

import anyio
from mcp.server.fastmcp import FastMCP
from mcp.types import CallToolResult, TextContent, ToolAnnotations
from pydantic import Field

from rag.chat import Conversation, QAService
from rag.retrieve import retrieve
from rag.types import Answer, DocMeta
from ui.cited_text import answer_markdown, citation_record
from ui.filters import parse_years, split_values

SERVER_NAME = "govqa"
INSTRUCTIONS = (
    "政报问答：政府工作报告知识库。用 ask 提问（回答逐句标注引用 [n]，并附来源：报告、章节、原文）；"
    "用 search 查看检索到的原文段落及得分；用 list_reports 查看库中有哪些报告（发布单位、层级、年份）。"
    "报告中没有的内容，回答是“报告中未提及”，不会猜测。\n"
    "govqa: a library of Chinese government work reports. Use ask for cited answers (every claim carries "
    "[n], with the report, section and quote), search for the retrieved passages and their scores, "
    "list_reports for the reports in the library. When the reports do not say, the answer is "
    "“报告中未提及” (not mentioned), never a guess."
)
MAX_SEARCH_K = 30
READ_ONLY = ToolAnnotations(readOnlyHint=True, destructiveHint=False, idempotentHint=True, openWorldHint=False)

# tool argument types (module level: the SDK reads the annotations from the module's namespace)
Entity = Annotated[str | None, Field(description="只在这些发布单位（地区/镇/街道/单位）的报告中查找，多个用逗号分隔，如“杜桥镇,道滘镇”。"
                                                 " / Only reports issued by these entities (comma-separated).")]
Year = Annotated[int | None, Field(description="只在这一年的报告中查找，如 2023。 / Only reports of this year.")]


# identity fields of a report, read with getattr so the catalogue may grow (entity, level, parent …)
REPORT_FIELDS = ("doc_id", "file", "title", "entity", "level", "parent", "report_year", "period_reviewed",
                 "period_planned", "date", "publisher", "region", "doc_type", "town")


def report_entity(m: DocMeta) -> str | None:
    return getattr(m, "entity", None) or m.town


def report_year(m: DocMeta) -> int | None:
    return getattr(m, "report_year", None) or m.year


_NOT_IDENTITY = {"sections", "provenance", "plan_start"}


def report_record(m: DocMeta) -> dict:
    """The identity fields a report has (``entity`` / ``report_year`` fall back to town / year), then any
    other field the catalogue keeps (speaker, session … as it grows), minus sections and provenance."""
    out: dict[str, Any] = {}
    names = list(REPORT_FIELDS) + [f.name for f in dataclasses.fields(m) if f.name not in REPORT_FIELDS]
    for name in names:
        if name in _NOT_IDENTITY:
            continue
        value = getattr(m, name, None)
        if name == "entity":
            value = report_entity(m)
        elif name == "report_year":
            value = report_year(m)
        if isinstance(value, tuple):
            value = list(value)
        if isinstance(value, (str, int, float, bool, list, type(None))):
            out[name] = value
    out["period"] = m.period
    return out


def _plain(row: Any) -> Any:
    if dataclasses.is_dataclass(row) and not isinstance(row, type):
        return dataclasses.asdict(row)
    if hasattr(row, "to_dict"):
        return row.to_dict()
    if hasattr(row, "model_dump"):
        return row.model_dump()
    return row


def _result(text: str, structured: dict, *, error: bool = False) -> CallToolResult:
    return CallToolResult(content=[TextContent(type="text", text=text)], structuredContent=structured, isError=error)


def indicator_query() -> Callable | None:
    """The indicator table's query function, when the module exists (it is built separately)."""
    try:
        if importlib.util.find_spec("rag.indicators_table") is None:
            return None
        module = importlib.import_module("rag.indicators_table")
    except ImportError:
        return None
    for name in ("query_indicators", "search_indicators", "indicator_rows", "query", "rows"):
        fn = getattr(module, name, None)
        if callable(fn):
            return fn
    return None


class GovqaTools:
    """The tool implementations (synchronous; the server runs them in worker threads)."""

    def __init__(self, service: QAService):
        self.service = service

    # -- ask
    def ask(self, question: str, entity: str | None = None, year: int | str | None = None,
            history: list[str] | None = None, k: int | None = None) -> CallToolResult:
        try:
            towns, years = tuple(split_values(entity)), tuple(parse_years(year))
        except ValueError as err:
            return _result(f"参数错误 / bad argument: {err}", {"error": str(err)}, error=True)
        conversation = Conversation()
        for earlier in split_values_keep(history):
            self.service.ask(earlier, conversation, towns=towns, years=years, k=k, backend="extractive")
        answer: Answer = self.service.ask(question, conversation, towns=towns, years=years, k=k)
        structured = answer.to_json()
        structured["citations"] = [citation_record(c) for c in answer.citations]
        return _result(answer_markdown(answer), structured)

    # -- search
    def _doc_ids(self, entity: str | None, year: int | str | None) -> tuple[set[str] | None, str]:
        names, years = split_values(entity), parse_years(year)
        if not names and not years:
            return None, ""
        metas = self.service.catalogue()
        ids = set()
        for m in metas:
            e = report_entity(m) or ""
            if names and not any(n == e or (e and (n in e or e in n)) for n in names):
                continue
            if years and report_year(m) not in years:
                continue
            ids.add(m.doc_id)
        if not ids:
            known = "、".join(sorted({report_entity(m) or "（未署名）" for m in metas}))
            return ids, f"没有符合条件的报告 / no report matches (entity={entity!r}, year={year!r})。库中：{known}"
        return ids, ""

    def search(self, query: str, entity: str | None = None, year: int | str | None = None, k: int = 8
               ) -> CallToolResult:
        if not (query or "").strip():
            return _result("请给出检索词 / query is empty.", {"error": "empty query"}, error=True)
        k = max(1, min(int(k or 8), MAX_SEARCH_K))
        try:
            ids, note = self._doc_ids(entity, year)
        except ValueError as err:
            return _result(f"参数错误 / bad argument: {err}", {"error": str(err)}, error=True)
        if ids is not None and not ids:
            return _result(note, {"query": query, "passages": [], "note": note})
        with self.service.store.pinned():
            result = retrieve(query, store=self.service.store, embedder=self.service.embedder, k=k, doc_ids=ids,
                              config=self.service.settings.retrieval)
            metas = {m.doc_id: m for m in self.service.catalogue()}
        passages = []
        lines = [f"检索“{query}”：{len(result.passages)} 段 / passages"]
        for rank, p in enumerate(result.passages, 1):
            m = metas.get(p.doc_id)
            scores = {key: round(float(v), 4) for key, v in p.scores.items()}
            passages.append({"rank": rank, "score": scores.get("fused", scores.get("dense", scores.get("bm25"))),
                             "scores": scores, "doc_id": p.doc_id, "file": p.file, "title": p.title,
                             "entity": (report_entity(m) if m else None) or p.town, "year": p.year,
                             "section": p.section, "start": p.start, "end": p.end, "text": p.text})
            where = " · ".join(x for x in (passages[-1]["entity"] or "未署名", f"{p.year}年报告" if p.year else "",
                                          p.section) if x)
            lines.append(f"\n[{rank}] {p.file}｜{where}（score {passages[-1]['score']}）\n{p.text}")
        return _result("\n".join(lines), {"query": query, "passages": passages})

    # -- catalogue
    def list_reports(self, entity: str | None = None, year: int | str | None = None) -> CallToolResult:
        try:
            ids, note = self._doc_ids(entity, year)
        except ValueError as err:
            return _result(f"参数错误 / bad argument: {err}", {"error": str(err)}, error=True)
        reports = [report_record(m) for m in self.service.catalogue() if ids is None or m.doc_id in ids]
        reports.sort(key=lambda r: (str(r.get("entity") or ""), r.get("report_year") or 0, r["file"]))
        lines = [note] if note else [f"共 {len(reports)} 份报告 / reports:"]
        for r in reports:
            period = f"（{r['period']}）" if r.get("period") else ""
            level = f" [{r['level']}]" if r.get("level") else ""
            lines.append(f"- {r.get('entity') or '未署名'}{level} {r.get('report_year') or '—'}年 《{r['title']}》"
                         f"{period} {r['file']} doc_id={r['doc_id']}")
        return _result("\n".join(lines), {"reports": reports, "count": len(reports)})

    # -- indicators (only when the table exists)
    def indicators(self, fn: Callable, entity: str | None = None, indicator: str | None = None,
                   year: int | str | None = None, kind: str | None = None, limit: int = 200) -> CallToolResult:
        offered = {"store": self.service.store, "settings": self.service.settings, "service": self.service,
                   "entity": entity, "indicator": indicator, "year": int(year) if year else None, "kind": kind,
                   "limit": limit}
        params = inspect.signature(fn).parameters
        takes_all = any(p.kind is p.VAR_KEYWORD for p in params.values())
        kwargs = {k: v for k, v in offered.items() if (takes_all or k in params) and v is not None}
        rows = [_plain(r) for r in (fn(**kwargs) or [])][: max(1, limit)]
        lines = [f"{len(rows)} 行指标 / indicator rows"]
        lines += [" · ".join(f"{k}={v}" for k, v in row.items() if v not in (None, "")) if isinstance(row, dict)
                  else str(row) for row in rows]
        return _result("\n".join(lines), {"rows": rows, "count": len(rows)})


def split_values_keep(value: Any) -> list[str]:
    """Earlier questions: a list of strings (each kept whole), or one string."""
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    return [str(v).strip() for v in value if str(v).strip()]


def build_server(service: QAService, *, host: str = "127.0.0.1", port: int = 8000, workers: int = 2) -> FastMCP:
    """The FastMCP server with govqa's tools registered."""
    tools = GovqaTools(service)
    limiter = anyio.CapacityLimiter(max(1, workers))
    server = FastMCP(SERVER_NAME, instructions=INSTRUCTIONS, host=host, port=port, log_level="WARNING")

    async def run(fn, *args) -> CallToolResult:
        return await anyio.to_thread.run_sync(partial(fn, *args), limiter=limiter)

    _register_library_tools(server, tools, run)
    _register_indicators_tool(server, tools, run)
    return server


def _register_library_tools(server: FastMCP, tools: GovqaTools, run: Callable) -> None:
    """ask, search and list_reports: each runs its :class:`GovqaTools` method in a worker thread."""

    @server.tool(name="ask", title="问答（带引用） / Ask (cited)", annotations=READ_ONLY, description=(
        "就已导入的政府工作报告提问，返回简短回答：每句带引用标记 [n]，并列出来源（报告文件、发布单位、年份、章节、原文句子）。"
        "报告中没有的内容回答“报告中未提及”。可用 history 传入此前的问题以支持追问。\n"
        "Ask a question (in Chinese) about the government work reports in the library. Returns a short answer in "
        "which every claim carries a citation [n], plus the sources (report file, issuing entity, year, section, "
        "quoted sentence); structured content holds the citations with offsets. Answers “报告中未提及” when the "
        "reports do not say. Pass earlier questions in `history` for follow-ups."))
    async def ask(
        question: Annotated[str, Field(description="问题，如“杜桥镇2019年工业产值是多少？” / The question.")],
        entity: Entity = None,
        year: Year = None,
        history: Annotated[list[str] | None, Field(description="本次对话中此前的问题（按顺序），用于理解追问。"
                                                               " / Earlier questions of this conversation, in order.")] = None,
        k: Annotated[int | None, Field(description="每个检索对象的段落数（默认 6）。 / Passages retrieved per side.",
                                       ge=1, le=20)] = None,
    ) -> CallToolResult:
        return await run(tools.ask, question, entity, year, history, k)

    @server.tool(name="search", title="检索原文段落 / Search passages", annotations=READ_ONLY, description=(
        "在报告中检索与查询最相关的原文段落（稠密向量 + BM25 混合检索），返回段落文本、所在报告与章节及各项得分。\n"
        "Hybrid (dense + BM25) search over the report passages: returns the passages with their report, "
        "section, character offsets and scores (dense, bm25, fused)."))
    async def search(
        query: Annotated[str, Field(description="检索词或问题。 / Search text.")],
        entity: Entity = None,
        year: Year = None,
        k: Annotated[int, Field(description=f"返回段落数（1–{MAX_SEARCH_K}）。 / Number of passages.",
                                ge=1, le=MAX_SEARCH_K)] = 8,
    ) -> CallToolResult:
        return await run(tools.search, query, entity, year, k)

    @server.tool(name="list_reports", title="报告目录 / List reports", annotations=READ_ONLY, description=(
        "列出库中的报告及其身份信息：发布单位、层级、上级、报告年份、回顾年份、计划年份、标题、文件名、doc_id。\n"
        "List the reports in the library with their identity fields: entity, level, parent, report_year, "
        "period_reviewed, period_planned, title, file, doc_id."))
    async def list_reports(entity: Entity = None, year: Year = None) -> CallToolResult:
        return await run(tools.list_reports, entity, year)


def _register_indicators_tool(server: FastMCP, tools: GovqaTools, run: Callable) -> None:
    """indicators: registered only when the indicator table exists."""

    query = indicator_query()
    if query is not None:
        @server.tool(name="indicators", title="指标表 / Indicators", annotations=READ_ONLY, description=(
            "查询指标表：各报告中的经济社会指标（如地区生产总值、一般公共预算收入），含实际值/目标值、单位与引用位置。\n"
            "Query the indicator table: figures such as GDP or budget revenue from every report, with kind "
            "(actual / target / expected / plan-period), value, unit and the cited span."))
        async def indicators(
            entity: Entity = None,
            indicator: Annotated[str | None, Field(description="指标名称，如“地区生产总值”。 / Indicator name.")] = None,
            year: Annotated[int | None, Field(description="指标所指年份。 / The year the figure refers to.")] = None,
            kind: Annotated[str | None, Field(description="actual | target | expected | plan-period")] = None,
            limit: Annotated[int, Field(description="最多返回行数。 / Maximum rows.", ge=1, le=2000)] = 200,
        ) -> CallToolResult:
            return await run(partial(tools.indicators, query), entity, indicator, year, kind, limit)


def _protocol_stdout():
    """A clean channel for stdio: the JSON-RPC stream gets its own copy of fd 1, and everything else
    that writes to stdout (prints, C libraries) goes to stderr instead."""
    protocol_fd = os.dup(sys.stdout.fileno())
    sys.stdout.flush()
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    sys.stdout = sys.stderr
    raw = open(protocol_fd, "wb", buffering=0)  # noqa: SIM115 - open for the life of the process
    return anyio.wrap_file(TextIOWrapper(raw, encoding="utf-8", write_through=True))


async def _serve_stdio(server: FastMCP, out) -> None:
    from mcp.server.stdio import stdio_server

    low = server._mcp_server  # FastMCP's protocol server (what FastMCP.run_stdio_async runs)
    async with stdio_server(stdout=out) as (read_stream, write_stream):
        await low.run(read_stream, write_stream, low.create_initialization_options())


def serve(service: QAService, *, http_port: int | None = None) -> None:
    """Run until the client disconnects (stdio) or Ctrl+C (HTTP on 127.0.0.1)."""
    if http_port is None:
        anyio.run(_serve_stdio, build_server(service), _protocol_stdout())
    else:
        build_server(service, host="127.0.0.1", port=http_port).run("streamable-http")
