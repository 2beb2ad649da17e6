"""The MCP server, driven by the official MCP Python SDK client.

Fast tests connect the SDK's ClientSession to the server in memory (the SDK's own transport pair);
the slow ones start `python -m cli mcp` (stdio) and `… mcp --http PORT` as real processes.
"""

from __future__ import annotations

import importlib.machinery
import os
import re
import socket
import subprocess
import sys
import time
import types

import anyio
import pytest
from conftest import ROOT
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp.shared.memory import create_connected_server_and_client_session

FACT = "杜桥镇2019年的工业产值是多少？"
FOLLOW = "那社会消费品零售总额呢？"
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def server(service):
    from ui.mcp_server import build_server

    return build_server(service)


def call(server, name: str | None, args: dict | None = None):
    """list_tools (name=None) or call_tool over an in-memory SDK client session."""

    async def go():
        async with create_connected_server_and_client_session(server) as session:
            if name is None:
                return await session.list_tools()
            return await session.call_tool(name, args or {})

    return anyio.run(go)


def _direct(service, *questions):
    from rag.chat import Conversation

    conv, answer = Conversation(), None
    for q in questions:
        answer = service.ask(q, conv)
    return answer


def test_tools_are_listed_with_chinese_and_english_descriptions(server):
    tools = {t.name: t for t in call(server, None).tools}
    assert set(tools) == {"ask", "search", "list_reports"}  # no indicator table in this tree
    for tool in tools.values():
        assert CJK.search(tool.description) and re.search(r"\b(the|reports?)\b", tool.description), tool.name
        assert tool.annotations.readOnlyHint is True
        for name, prop in tool.inputSchema["properties"].items():
            assert CJK.search(prop["description"]) and " / " in prop["description"], (tool.name, name)
    assert tools["ask"].inputSchema["required"] == ["question"]
    assert {"entity", "year", "history", "k"} <= set(tools["ask"].inputSchema["properties"])


def test_ask_returns_the_cited_answer_as_text_and_structured_content(server, service):
    result = call(server, "ask", {"question": FACT})
    assert result.isError is False
    text = result.content[0].text
    direct = _direct(service, FACT)
    data = result.structuredContent
    assert data["answer"] == direct.answer and data["refused"] is False
    assert [c["quote"] for c in data["citations"]] == [c.quote for c in direct.citations]
    assert "297.6亿元" in text and "[1]" in text and "来源：" in text
    for c in data["citations"]:
        assert {"n", "file", "section", "quote", "start", "end", "span_start", "span_end", "entity"} <= set(c)
        assert c["quote"] in text and f"[{c['n']}]" in text


def test_ask_follow_up_with_history_and_entity_filter(server, service):
    expected = _direct(service, FACT, FOLLOW)
    got = call(server, "ask", {"question": FOLLOW, "history": [FACT]}).structuredContent
    assert got["standalone_question"] == expected.standalone_question
    assert got["answer"] == expected.answer
    scoped = call(server, "ask", {"question": "装了多少个视频监控探头？", "entity": "大关镇", "k": 3}).structuredContent
    assert scoped["citations"] and {c["town"] for c in scoped["citations"]} == {"大关镇"}


def test_search_returns_passages_with_scores_within_the_filters(server):
    result = call(server, "search", {"query": "视频监控探头", "entity": "大关镇", "k": 3})
    passages = result.structuredContent["passages"]
    assert 1 <= len(passages) <= 3 and {p["entity"] for p in passages} == {"大关镇"}
    assert "670" in passages[0]["text"]
    for p in passages:
        assert {"dense", "bm25", "fused"} <= set(p["scores"]) and isinstance(p["score"], float)
        assert p["end"] > p["start"]
    assert [p["rank"] for p in passages] == list(range(1, len(passages) + 1))
    none = call(server, "search", {"query": "视频监控探头", "entity": "火星镇"})
    assert none.structuredContent["passages"] == [] and "杜桥镇" in none.content[0].text  # says what there is


def test_list_reports_gives_identity_fields(server, service):
    reports = call(server, "list_reports").structuredContent["reports"]
    catalogue = {m.doc_id: m for m in service.catalogue()}
    assert {r["doc_id"] for r in reports} == set(catalogue)
    for r in reports:
        m = catalogue[r["doc_id"]]
        assert {"entity", "level", "parent", "report_year", "period_reviewed", "period_planned", "title", "file"} <= set(r)
        assert r["entity"] == (getattr(m, "entity", None) or m.town)
        assert r["report_year"] == (getattr(m, "report_year", None) or m.year)
        assert r["period_reviewed"] == m.period_reviewed and r["period_planned"] == m.period_planned
    dqz = call(server, "list_reports", {"entity": "杜桥镇"}).structuredContent["reports"]
    assert [r["entity"] for r in dqz] == ["杜桥镇"]


def test_bad_arguments_are_tool_errors_not_crashes(server):
    result = call(server, "search", {"query": "工业", "year": "去年"})
    assert result.isError is True and "year" in result.content[0].text
    empty = call(server, "ask", {"question": ""})
    assert empty.isError is False and empty.structuredContent["refused"] is True


def test_indicators_tool_appears_only_with_the_indicator_table(service, monkeypatch):
    """The tool is registered when `rag.indicators_table` exists (here: a module this test writes)."""
    from ui.mcp_server import build_server

    assert "indicators" not in {t.name for t in call(build_server(service), None).tools}
    module = types.ModuleType("rag.indicators_table")
    module.__spec__ = importlib.machinery.ModuleSpec("rag.indicators_table", None)

    def query_indicators(store, entity=None, indicator=None, year=None, limit=100):
        rows = [{"entity": "杜桥镇", "indicator": "工业产值", "year": 2019, "kind": "actual", "value": 297.6,
                 "unit": "亿元"}, {"entity": "道滘镇", "indicator": "社会消费品零售总额", "year": 2023,
                                   "kind": "target", "value": 6, "unit": "%"}]
        return [r for r in rows if entity in (None, r["entity"])]

    module.query_indicators = query_indicators
    monkeypatch.setitem(sys.modules, "rag.indicators_table", module)
    server = build_server(service)
    tools = {t.name: t for t in call(server, None).tools}
    assert "indicators" in tools and CJK.search(tools["indicators"].description)
    rows = call(server, "indicators", {"entity": "杜桥镇"}).structuredContent["rows"]
    assert rows == [query_indicators(None, "杜桥镇")[0]]


# ---------------------------------------------------------------------------- real processes
def _env(seeded_settings) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "GOVQA_"))}
    env.update(GOVQA_DATA_DIR=str(seeded_settings.store.data_dir), GOVQA_EMBED_CACHE=str(seeded_settings.cache_dir))
    return env


@pytest.mark.slow
def test_stdio_server_lists_tools_and_answers_with_citations(seeded_settings):
    """`govqa mcp` over stdio with the SDK's stdio client; nothing but JSON-RPC on stdout."""
    params = StdioServerParameters(command=sys.executable, args=["-m", "cli", "mcp"], cwd=str(ROOT),
                                   env=_env(seeded_settings))
    stray: list = []

    async def on_message(message) -> None:
        if isinstance(message, Exception):  # a line on stdout that was not a JSON-RPC message
            stray.append(message)

    async def go():
        async with stdio_client(params) as (read, write):
            async with ClientSession(read, write, message_handler=on_message) as session:
                init = await session.initialize()
                tools = await session.list_tools()
                answer = await session.call_tool("ask", {"question": FACT})
                follow = await session.call_tool("ask", {"question": FOLLOW, "history": [FACT]})
                return init, tools, answer, follow

    init, tools, answer, follow = anyio.run(go)
    assert init.serverInfo.name == "govqa" and "政报问答" in init.instructions
    assert {"ask", "search", "list_reports"} <= {t.name for t in tools.tools}
    assert "297.6亿元" in answer.content[0].text and "来源：" in answer.content[0].text
    cites = answer.structuredContent["citations"]
    assert cites and all(c["quote"] and c["file"] for c in cites)
    assert follow.structuredContent["standalone_question"] != FOLLOW
    assert not stray, stray


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_streamable_http_server_on_localhost(seeded_settings):
    from mcp.client.streamable_http import streamable_http_client

    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "cli", "mcp", "--http", str(port)], cwd=str(ROOT),
                            env=_env(seeded_settings), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.time() + 120
        while time.time() < deadline:
            assert proc.poll() is None, proc.stderr.read()[-2000:]
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.3)

        async def go():
            async with streamable_http_client(f"http://127.0.0.1:{port}/mcp") as (read, write, _):
                async with ClientSession(read, write) as session:
                    await session.initialize()
                    return await session.list_tools(), await session.call_tool("list_reports", {})

        tools, reports = anyio.run(go)
        assert {"ask", "search", "list_reports"} <= {t.name for t in tools.tools}
        assert reports.structuredContent["count"] == 5
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
