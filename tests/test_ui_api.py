"""The UI's `ask` API endpoint (through gradio_client and a real Gradio server) and its renderers.

The server runs in-process over the session's seeded index; `gradio_client` talks to it over
HTTP through the Gradio queue exactly as an external program would.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys

import pytest

from conftest import ROOT
from rag.types import Answer, Citation, ComparisonRow, Passage

CONTRACT_KEYS = {"question", "answer", "refused", "citations", "backend", "timings_ms"}
CITATION_KEYS = {"n", "doc_id", "file", "town", "year", "section", "text", "start", "end"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def api_url(service, seeded_settings):
    from ui.handlers import Handlers
    from ui.layout import build_demo

    demo = build_demo(Handlers(service, seeded_settings), examples=[])
    demo.queue(default_concurrency_limit=2)
    port = _free_port()
    demo.launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True, ssr_mode=False)
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        demo.close()


@pytest.fixture(scope="module")
def client(api_url):
    from gradio_client import Client

    return Client(api_url, verbose=False)


# ---------------------------------------------------------------------------- the ask endpoint
def test_ask_endpoint_is_listed(client):
    endpoints = client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    assert "/ask" in endpoints
    params = [p["parameter_name"] for p in endpoints["/ask"]["parameters"]]
    assert params[:5] == ["question", "history", "town", "year", "k"]


def test_ask_returns_the_cli_json_contract(client, service):
    from rag.chat import Conversation

    got = client.predict("杜桥镇2019年的工业产值是多少？", api_name="/ask")
    assert isinstance(got, dict)
    assert CONTRACT_KEYS <= set(got)
    assert isinstance(got["answer"], str) and isinstance(got["refused"], bool)
    assert got["refused"] is False and "297.6亿元" in got["answer"]
    assert got["citations"], got
    for c in got["citations"]:
        assert CITATION_KEYS <= set(c)
        assert isinstance(c["n"], int) and isinstance(c["start"], int) and isinstance(c["end"], int)
        assert f"[{c['n']}]" in got["answer"]
        assert c["end"] > c["start"]
    assert got["backend"] == "extractive"
    assert all(isinstance(v, (int, float)) for v in got["timings_ms"].values())
    # identical to what the service (and so `govqa ask --json`) produces, timings aside
    direct = service.ask("杜桥镇2019年的工业产值是多少？", Conversation()).to_json()
    for key in ("question", "answer", "refused", "citations", "backend", "comparison"):
        assert got[key] == direct[key], key
    assert set(got) == set(direct)


def test_ask_with_history_resolves_follow_up(client, service):
    from rag.chat import Conversation

    first = "杜桥镇2019年的工业产值是多少？"
    follow = "那社会消费品零售总额呢？"
    got = client.predict(follow, [first], None, None, None, api_name="/ask")
    conv = Conversation()
    service.ask(first, conv)
    expected = service.ask(follow, conv).to_json()
    assert got["answer"] == expected["answer"]
    assert got["standalone_question"] == expected["standalone_question"]
    alone = client.predict(follow, api_name="/ask")
    assert alone["standalone_question"] != got["standalone_question"], "history changes how the question is read"
    # history as chat messages is accepted too
    as_messages = client.predict(follow, [{"role": "user", "content": first}, {"role": "assistant", "content": "…"}],
                                 api_name="/ask")
    assert as_messages["answer"] == got["answer"]


def test_ask_town_year_and_k_filters(client):
    got = client.predict(question="装了多少个视频监控探头？", town="大关镇", k=3, api_name="/ask")
    assert got["citations"] and {c["town"] for c in got["citations"]} == {"大关镇"}
    years = client.predict(question="地区生产总值增长目标是多少？", year="2023", api_name="/ask")
    assert all(c["year"] == 2023 for c in years["citations"])


def test_ask_empty_question_is_answered_not_crashed(client):
    got = client.predict("", api_name="/ask")
    assert got["refused"] is True and got["citations"] == [] and got["answer"]


@pytest.mark.slow
def test_cli_json_has_the_same_shape(seeded_settings, client):
    """`govqa ask --json` (a separate process) and the API agree on keys and answer."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "GOVQA_"))}
    env.update(GOVQA_DATA_DIR=str(seeded_settings.store.data_dir), GOVQA_EMBED_CACHE=str(seeded_settings.cache_dir))
    proc = subprocess.run([sys.executable, "-m", "cli", "ask", "--json", "大关镇装了多少个视频监控探头？"],
                          cwd=str(ROOT), env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    cli = json.loads(proc.stdout.strip().splitlines()[-1])
    api = client.predict("大关镇装了多少个视频监控探头？", api_name="/ask")
    assert set(cli) == set(api)
    assert cli["answer"] == api["answer"]
    assert [set(c) for c in cli["citations"]] == [set(c) for c in api["citations"]]


# ---------------------------------------------------------------------------- renderers (no server)
def _citation(**kw) -> Citation:
    text = "前文。2021年全镇实现工业产值58.3亿元。后文<script>alert(1)</script>![x](http://example.invalid/a.png)"
    base = dict(n=1, doc_id="d1", file="青山镇<b>.txt", title="青山镇<img src=x onerror=alert(1)>报告",
                town="青山镇", year=2022, section="一、回顾 > （一）经济", text=text, start=100, end=100 + len(text),
                span_start=103, span_end=103 + len("2021年全镇实现工业产值58.3亿元。"),
                quote="2021年全镇实现工业产值58.3亿元。")
    base.update(kw)
    return Citation(**base)


def test_citation_html_escapes_untrusted_text_and_marks_the_span():
    from ui.render import citation_html

    out = citation_html(_citation())
    assert "<script>" not in out and "<img" not in out and "<b>" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert "![x](http://example.invalid/a.png)" in out  # shown as text; the chatbot does not parse markdown
    assert '<mark class="gq-span">2021年全镇实现工业产值58.3亿元。</mark>' in out
    assert out.startswith('<details class="gq-cite"') and "章节：一、回顾 &gt; （一）经济" in out


def test_cited_span_falls_back_to_the_quote_and_to_nothing():
    from ui.render import cited_span

    c = _citation(span_start=0, span_end=0)
    s, e = cited_span(c)
    assert c.text[s:e] == c.quote
    assert cited_span(_citation(span_start=0, span_end=0, quote="不存在的句子")) is None
    shifted = _citation(span_start=104)  # offsets that disagree with the quote: trust the quote
    s, e = cited_span(shifted)
    assert shifted.text[s:e] == shifted.quote


def test_answer_html_refs_comparison_and_missing_cells():
    from ui.render import answer_html, answer_plain_text

    answer = Answer(
        question="q", answer="青山镇：58.3亿元[1]\n白沙镇：报告中未提及<script>", refused=False,
        citations=[_citation()], backend="extractive", timings_ms={"total": 12.0},
        comparison=[ComparisonRow("青山镇", "58.3亿元[1]", [1]), ComparisonRow("白沙镇", "报告中未提及")],
    )
    out = answer_html(answer)
    assert '<sup class="gq-ref" data-n="1">[1]</sup>' in out
    assert "<script>" not in out and "&lt;script&gt;" in out
    assert '<table class="gq-compare">' in out
    assert '<td class="gq-missing">报告中未提及</td>' in out
    plain = answer_plain_text(answer)
    assert plain.startswith("青山镇：58.3亿元[1]") and "来源：" in plain and "<mark" not in plain


def test_debug_html_lists_scores():
    from ui.render import debug_html

    p = Passage(chunk_id="c", doc_id="d", file="f", title="t", town="青山镇", region="", year=2022, section="s<i>",
                text="段落<b>", start=0, end=4, chunk_index=0,
                scores={"dense": 0.91, "bm25": 12.5, "fused": 0.8, "dense_rank": 2, "bm25_rank": 1})
    out = debug_html(Answer("q", "a", False, [], "extractive", passages=[p]))
    assert "0.9100" in out and "12.500" in out and "0.8000" in out and "2/1" in out
    assert "<b>" not in out.replace("<b>检索调试</b>", "") and "&lt;b&gt;" in out


def test_handler_value_parsing():
    from ui.handlers import history_questions, parse_years, split_values

    assert split_values("杜桥镇，道滘镇 大关镇") == ["杜桥镇", "道滘镇", "大关镇"]
    assert split_values(["杜桥镇", None]) == ["杜桥镇"]
    assert parse_years("2019, 2020年") == [2019, 2020]
    assert parse_years(2023) == [2023]
    with pytest.raises(ValueError):
        parse_years("去年")
    assert history_questions(["a", ["b", "x"], {"role": "assistant", "content": "c"}, {"role": "user",
                                                                                         "content": "d"}]) == ["a", "b", "d"]


def test_upload_limits_give_a_clear_reason_and_spare_the_other_files(service, seeded_settings, tmp_path):
    """Type and size limits are checked before ingestion; refused files are reported, not raised."""
    from ui.handlers import Handlers

    handlers = Handlers(service, seeded_settings.with_(upload_max_mb=0.001))
    big = tmp_path / "太大.txt"
    big.write_text("镇政府工作报告。" * 400, encoding="utf-8")
    exe = tmp_path / "程序.exe"
    exe.write_bytes(b"MZ\x00\x00")
    assert handlers.check_upload(big).startswith("文件过大")
    assert "不支持的文件类型 .exe" in handlers.check_upload(exe)
    before = len(service.store.list_docs())
    steps = list(handlers.upload([str(big), str(exe)], [], []))
    final = steps[-1][0]
    assert final.count('data-status="failed"') == 2
    assert "文件过大" in final and "不支持的文件类型" in final and "失败 2 个" in final
    assert len(service.store.list_docs()) == before


@pytest.mark.slow
def test_app_seeds_an_empty_data_dir_with_visible_progress(fresh_settings, capsys):
    import app
    from rag.chat import QAService

    service = QAService(fresh_settings)
    assert service.store.is_empty()
    app.seed_if_empty(service)
    err = capsys.readouterr().err
    assert "首次启动：正在导入示例报告" in err
    assert "100.0%" in err and "已导入" in err and "示例报告导入完成：5/5 份" in err
    assert len(service.store.list_docs()) == 5
    app.seed_if_empty(service)  # second start: nothing to do
    assert "首次启动" not in capsys.readouterr().err


# ---------------------------------------------------------------------------- issue 16: caps and clear errors
def _raw_ask(api_url: str, data: list) -> tuple[str, object]:
    """POST /gradio_api/call/ask as any HTTP client would (JSON with \\u escapes, so a lone
    surrogate gets through), then read the result stream: (event, data)."""
    import urllib.request

    base = api_url.rstrip("/") + "/gradio_api/call/ask"
    body = json.dumps({"data": data}).encode()  # ensure_ascii: "\\ud800" stays an escape
    req = urllib.request.Request(base, data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=60) as resp:
        event_id = json.load(resp)["event_id"]
    event, payload = "", None
    with urllib.request.urlopen(f"{base}/{event_id}", timeout=120) as resp:
        for raw in resp.read().decode().splitlines():
            if raw.startswith("event:"):
                event = raw.split(":", 1)[1].strip()
            elif raw.startswith("data:"):
                payload = json.loads(raw.split(":", 1)[1].strip())
    return event, payload


def _api_error(api_url: str, question, history=None, town=None, year=None, k=None) -> str:
    """The message a caller gets for a refused request (never {"error": null})."""
    event, payload = _raw_ask(api_url, [question, history, town, year, k])
    assert event == "error", (event, payload)
    message = payload.get("error") if isinstance(payload, dict) else payload
    assert isinstance(message, str) and message, payload
    return message


def test_ask_refuses_a_lone_surrogate_and_a_bad_year_with_a_message(api_url):
    assert "孤立的代理项" in _api_error(api_url, "大关镇\ud800装了多少个探头？")
    assert "孤立的代理项" in _api_error(api_url, "装了多少个探头？", ["\udcff"])
    assert "不是有效的年份" in _api_error(api_url, "地区生产总值增长目标是多少？", year="去年")
    assert "不是有效的年份" in _api_error(api_url, "地区生产总值增长目标是多少？", year="99999")
    assert "k（检索段落数）" in _api_error(api_url, "装了多少个视频监控探头？", k=-3)
    event, payload = _raw_ask(api_url, ["大关镇装了多少个视频监控探头？", None, None, None, 3])
    assert event == "complete" and payload[0]["citations"], payload


def test_ask_caps_history_k_and_question_length(client):
    import time

    history = ["杜桥镇2019年的工业产值是多少？"] * 2000
    t = time.monotonic()
    got = client.predict("那社会消费品零售总额呢？", history, None, None, 1000, api_name="/ask")
    assert time.monotonic() - t < 60
    assert any("只使用了最近 8 轮" in n for n in got["notices"]), got["notices"]
    assert any("已按 20 检索" in n for n in got["notices"]), got["notices"]
    assert got["answer"]
    long_q = "大关镇装了多少个视频监控探头？" + "请详细说明。" * 20000
    got = client.predict(long_q, api_name="/ask")
    assert any("只使用了前 2000 个字符" in n for n in got["notices"]), got["notices"]
