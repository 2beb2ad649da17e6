"""The OpenAI-compatible endpoint, driven by the official `openai` client over real HTTP.

The app is launched in-process with the same `app.launch` that `python app.py` uses (Gradio UI and
the /v1 routes on one server) over the session's seeded index; the slow test starts `python app.py`
itself. No mocks: the client, the server and the QA service are the real ones.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time

import httpx
import openai
import pytest
from conftest import ROOT

KEY = "test-key-0123456789"
FACT = "杜桥镇2019年的工业产值是多少？"
FOLLOW = "那社会消费品零售总额呢？"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _launch(service, settings):
    import app
    from ui.handlers import Handlers
    from ui.layout import build_demo

    demo = build_demo(Handlers(service, settings), examples=[])
    demo.queue(default_concurrency_limit=2)
    app.launch(demo, service, settings)
    return demo


@pytest.fixture(scope="module")
def base_url(service, seeded_settings):
    settings = seeded_settings.with_(host="127.0.0.1", port=_free_port(), api_key=KEY)
    demo = _launch(service, settings)
    try:
        yield f"http://127.0.0.1:{settings.ui.port}/v1"
    finally:
        demo.close()


@pytest.fixture(scope="module")
def client(base_url):
    return openai.OpenAI(base_url=base_url, api_key=KEY, max_retries=0, timeout=60)


def _direct(service, *questions):
    from rag.chat import Conversation

    conv, answer = Conversation(), None
    for q in questions:
        answer = service.ask(q, conv)
    return answer


# ---------------------------------------------------------------------------- models
def test_models_are_listed_and_retrievable(client):
    ids = [m.id for m in client.models.list()]
    assert ids == ["govqa-extractive", "govqa-llm"]
    assert client.models.retrieve("govqa-extractive").owned_by == "govqa"
    with pytest.raises(openai.NotFoundError):
        client.models.retrieve("gpt-4o")


# ---------------------------------------------------------------------------- non-stream
def test_completion_carries_the_cited_answer_and_structured_citations(client, service):
    resp = client.chat.completions.create(model="govqa-extractive", messages=[{"role": "user", "content": FACT}])
    content = resp.choices[0].message.content
    assert resp.choices[0].finish_reason == "stop" and resp.object == "chat.completion"
    assert resp.model == "govqa-extractive"
    direct = _direct(service, FACT)
    assert content.startswith(direct.answer.split("\n")[0])
    assert "297.6亿元" in content and "[1]" in content and "\n来源：\n" in content
    citations = resp.citations  # extra top-level field, read as the client exposes it
    assert [c["n"] for c in citations] == [c.n for c in direct.citations]
    for c, d in zip(citations, direct.citations):
        assert c["quote"] == d.quote and c["file"] == d.file and c["section"] == d.section
        assert c["text"] == d.text and c["span_start"] == d.span_start and c["entity"] == "杜桥镇"
        assert f"- [{c['n']}] {c['file']}｜" in content and c["quote"] in content
    marks = {int(n) for n in re.findall(r"\[(\d+)\]", content)}
    assert marks == {c["n"] for c in citations}
    extra = resp.model_extra["govqa"]
    assert extra["refused"] is False and extra["backend"] == "extractive" and extra["question"] == FACT
    assert resp.usage.completion_tokens > 0 and resp.usage.prompt_tokens > 0


def test_follow_up_through_messages_and_system_messages_are_ignored(client, service):
    expected = _direct(service, FACT, FOLLOW)
    messages = [{"role": "system", "content": "你是一个助手。"},
                {"role": "user", "content": FACT},
                {"role": "assistant", "content": "【杜桥镇】……[1]"},
                {"role": "user", "content": FOLLOW}]
    resp = client.chat.completions.create(model="govqa-extractive", messages=messages)
    extra = resp.model_extra["govqa"]
    assert extra["standalone_question"] == expected.standalone_question
    assert resp.choices[0].message.content.startswith(expected.answer.split("\n")[0])
    assert [c["quote"] for c in resp.citations] == [c.quote for c in expected.citations]
    alone = client.chat.completions.create(model="govqa-extractive", messages=[{"role": "user", "content": FOLLOW}])
    assert alone.model_extra["govqa"]["standalone_question"] != extra["standalone_question"]


def test_filters_in_the_request_body(client):
    resp = client.chat.completions.create(model="govqa-extractive", messages=[{"role": "user", "content": "装了多少个视频监控探头？"}],
                                          extra_body={"towns": ["大关镇"], "k": 3})
    assert resp.citations and {c["town"] for c in resp.citations} == {"大关镇"}


def test_llm_model_without_an_endpoint_answers_offline_with_a_notice(client):
    resp = client.chat.completions.create(model="govqa-llm", messages=[{"role": "user", "content": FACT}])
    extra = resp.model_extra["govqa"]
    assert extra["backend"].startswith("extractive") and extra["notices"]
    assert "297.6亿元" in resp.choices[0].message.content and "提示：" in resp.choices[0].message.content


# ---------------------------------------------------------------------------- stream
def test_stream_sends_the_same_answer_and_citations_on_the_final_chunk(client):
    plain = client.chat.completions.create(model="govqa-extractive", messages=[{"role": "user", "content": FACT}])
    chunks = list(client.chat.completions.create(
        model="govqa-extractive", messages=[{"role": "user", "content": FACT}], stream=True,
        stream_options={"include_usage": True}))
    assert chunks[0].choices[0].delta.role == "assistant"
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == plain.choices[0].message.content
    assert sum(1 for c in chunks if c.choices and c.choices[0].delta.content) >= 2  # sent in pieces
    final = [c for c in chunks if c.choices and c.choices[0].finish_reason == "stop"]
    assert len(final) == 1
    assert final[0].citations == plain.citations
    assert chunks[-1].usage is not None and chunks[-1].usage.completion_tokens == plain.usage.completion_tokens
    assert chunks[-1].citations == plain.citations  # the very last chunk carries them too
    assert len({c.id for c in chunks}) == 1


def test_stream_raw_sse_ends_with_done(base_url):
    body = {"model": "govqa-extractive", "stream": True, "messages": [{"role": "user", "content": FACT}]}
    with httpx.stream("POST", f"{base_url}/chat/completions", json=body, timeout=60,
                      headers={"Authorization": f"Bearer {KEY}"}) as r:
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
        events = [line for line in r.iter_lines() if line.startswith("data: ")]
    assert events[-1] == "data: [DONE]"
    last = json.loads(events[-2][6:])
    assert last["choices"][0]["finish_reason"] == "stop" and last["citations"]


# ---------------------------------------------------------------------------- keys and errors
def test_wrong_or_missing_key_is_refused(base_url):
    bad = openai.OpenAI(base_url=base_url, api_key="wrong", max_retries=0)
    with pytest.raises(openai.AuthenticationError) as err:
        bad.chat.completions.create(model="govqa-extractive", messages=[{"role": "user", "content": FACT}])
    assert err.value.status_code == 401 and err.value.code == "invalid_api_key"
    with pytest.raises(openai.AuthenticationError):
        bad.models.list()
    r = httpx.post(f"{base_url}/chat/completions", json={"model": "govqa-extractive",
                                                          "messages": [{"role": "user", "content": FACT}]})
    assert r.status_code == 401 and r.json()["error"]["code"] == "missing_api_key"
    assert r.headers["www-authenticate"] == "Bearer"


BAD_REQUESTS = [
    ("not json", b"{", 400),
    ("not an object", b"[]", 400),
    ("no model", {"messages": [{"role": "user", "content": "q"}]}, 400),
    ("unknown model", {"model": "gpt-4o", "messages": [{"role": "user", "content": "q"}]}, 404),
    ("no messages", {"model": "govqa-extractive"}, 400),
    ("empty messages", {"model": "govqa-extractive", "messages": []}, 400),
    ("message not an object", {"model": "govqa-extractive", "messages": ["q"]}, 400),
    ("bad role", {"model": "govqa-extractive", "messages": [{"role": "robot", "content": "q"}]}, 400),
    ("last is assistant", {"model": "govqa-extractive", "messages": [{"role": "user", "content": "q"},
                                                                     {"role": "assistant", "content": "a"}]}, 400),
    ("only system", {"model": "govqa-extractive", "messages": [{"role": "system", "content": "s"}]}, 400),
    ("empty question", {"model": "govqa-extractive", "messages": [{"role": "user", "content": "  "}]}, 400),
    ("image part", {"model": "govqa-extractive", "messages": [{"role": "user", "content": [
        {"type": "image_url", "image_url": {"url": "http://example.invalid/x.png"}}]}]}, 400),
    ("content too long", {"model": "govqa-extractive", "messages": [{"role": "user", "content": "问" * 20_001}]}, 400),
    ("too many messages", {"model": "govqa-extractive",
                           "messages": [{"role": "user", "content": "q"}] * 65}, 400),
    ("stream not bool", {"model": "govqa-extractive", "stream": "yes", "messages": [{"role": "user", "content": "q"}]},
     400),
    ("n > 1", {"model": "govqa-extractive", "n": 2, "messages": [{"role": "user", "content": "q"}]}, 400),
    ("bad k", {"model": "govqa-extractive", "k": 999, "messages": [{"role": "user", "content": "q"}]}, 400),
    ("bad years", {"model": "govqa-extractive", "years": ["去年"], "messages": [{"role": "user", "content": "q"}]},
     400),
]


@pytest.mark.parametrize("name,body,status", BAD_REQUESTS, ids=[b[0] for b in BAD_REQUESTS])
def test_bad_input_gets_a_clear_openai_style_error(base_url, name, body, status):
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    r = httpx.post(f"{base_url}/chat/completions", content=content, timeout=30,
                   headers={"Authorization": f"Bearer {KEY}", "Content-Type": "application/json"})
    assert r.status_code == status, r.text
    err = r.json()["error"]
    assert isinstance(err, dict) and isinstance(err["message"], str) and len(err["message"]) > 10
    assert {"message", "type", "param", "code"} <= set(err)
    assert "Traceback" not in r.text


def test_openai_client_raises_bad_request_with_the_message(client):
    with pytest.raises(openai.BadRequestError) as err:
        client.chat.completions.create(model="govqa-extractive", messages=[{"role": "assistant", "content": "a"}])
    assert "last message" in err.value.message


def test_odd_questions_are_answered_not_crashed(client):
    for q in ("？？？", "<script>alert(1)</script>", "What is the GDP?"):
        resp = client.chat.completions.create(model="govqa-extractive", messages=[{"role": "user", "content": q}])
        assert resp.choices[0].message.content
    # report text and questions are data: no live Markdown link or HTML in the reply
    resp = client.chat.completions.create(model="govqa-extractive",
                                          messages=[{"role": "user", "content": "<b>杜桥镇</b>工业产值？"}])
    assert "<b>" not in resp.choices[0].message.content


def test_unknown_v1_path_and_get_are_json_errors(base_url):
    h = {"Authorization": f"Bearer {KEY}"}
    r = httpx.post(f"{base_url}/embeddings", json={}, headers=h)
    assert r.status_code == 404 and r.json()["error"]["code"] == "unknown_url"
    r = httpx.get(f"{base_url}/chat/completions", headers=h)
    assert r.status_code == 405 and r.json()["error"]["message"]


def test_ui_still_served_beside_the_api(base_url):
    r = httpx.get(base_url.rsplit("/v1", 1)[0] + "/", timeout=30)
    assert r.status_code == 200 and "<html" in r.text.lower()


# ---------------------------------------------------------------------------- the UI's login covers the API
def test_with_ui_login_and_no_api_key_the_login_is_the_key(service, seeded_settings):
    settings = seeded_settings.with_(host="127.0.0.1", port=_free_port(), auth=("reader", "pw-123"), api_key=None)
    demo = _launch(service, settings)
    try:
        url = f"http://127.0.0.1:{settings.ui.port}/v1"
        r = httpx.get(f"{url}/models")
        assert r.status_code == 401 and r.json()["error"]["code"] == "missing_api_key"
        with pytest.raises(openai.AuthenticationError):
            openai.OpenAI(base_url=url, api_key="pw-123", max_retries=0).models.list()
        ok = openai.OpenAI(base_url=url, api_key="reader:pw-123", max_retries=0)
        resp = ok.chat.completions.create(model="govqa-extractive", messages=[{"role": "user", "content": FACT}])
        assert resp.citations
    finally:
        demo.close()


@pytest.mark.slow
def test_python_app_py_serves_the_api_on_the_ui_address_with_the_key(seeded_settings):
    """The real entry point: `python app.py` with GOVQA_AUTH and GOVQA_API_KEY."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "GOVQA_"))}
    env.update(GOVQA_DATA_DIR=str(seeded_settings.store.data_dir), GOVQA_EMBED_CACHE=str(seeded_settings.cache_dir),
               GOVQA_PORT=str(port), GOVQA_AUTH="reader:pw-123", GOVQA_API_KEY=KEY)
    proc = subprocess.Popen([sys.executable, "app.py"], cwd=str(ROOT), env=env, stderr=subprocess.PIPE,
                            stdout=subprocess.DEVNULL, text=True)
    try:
        deadline, lines = time.time() + 240, []
        while time.time() < deadline:
            line = proc.stderr.readline()
            if not line and proc.poll() is not None:
                break
            lines.append(line)
            if "已就绪" in line:
                break
        assert any("已就绪" in x for x in lines), "".join(lines)[-2000:]
        assert any(f"http://127.0.0.1:{port}/v1" in x for x in lines)
        url = f"http://127.0.0.1:{port}/v1"
        client = openai.OpenAI(base_url=url, api_key=KEY, max_retries=0, timeout=60)
        resp = client.chat.completions.create(model="govqa-extractive", messages=[{"role": "user", "content": FACT}])
        assert "297.6亿元" in resp.choices[0].message.content and resp.citations
        with pytest.raises(openai.AuthenticationError):
            openai.OpenAI(base_url=url, api_key="reader:pw-123", max_retries=0).models.list()  # the key wins
        page = httpx.get(f"http://127.0.0.1:{port}/", timeout=30)
        assert page.status_code == 200  # the UI is there (behind its own login)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
