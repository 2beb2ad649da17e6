"""Opt-in: the LLM backend against a real OpenAI-compatible server.

Runs only when GOVQA_TEST_LLM_BASE_URL is set (e.g. a llama.cpp ``llama-server`` on
127.0.0.1:8080/v1); GOVQA_TEST_LLM_MODEL names the model (default: the first one the server
lists), GOVQA_TEST_LLM_API_KEY the key if it needs one, GOVQA_TEST_LLM_TIMEOUT the per-request
timeout in seconds (default 180: small local models on 2 cores are slow).

Small models cite wrongly often; what is checked here is that whatever they say comes out
validated: every [n] points at a citation, every number of a cited sentence is in a passage it
cites, and a failed endpoint falls back with a notice instead of failing.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from rag.cite import MARK, validate_answer
from rag.chat import Conversation, QAService
from rag.text.numbers import find_quantities, quantity_keys

BASE_URL = os.environ.get("GOVQA_TEST_LLM_BASE_URL")
pytestmark = [
    pytest.mark.llm,
    pytest.mark.skipif(not BASE_URL, reason="set GOVQA_TEST_LLM_BASE_URL to run against a real LLM server"),
]
DEV = Path(__file__).resolve().parent.parent / "eval" / "datasets" / "dev.jsonl"
QUESTION_IDS = ("q001", "q003", "q060")  # two facts and one the reports cannot answer


def _model() -> str:
    name = os.environ.get("GOVQA_TEST_LLM_MODEL")
    if name:
        return name
    import openai

    client = openai.OpenAI(base_url=BASE_URL, api_key=os.environ.get("GOVQA_TEST_LLM_API_KEY") or "sk-no-key",
                           max_retries=0, timeout=30)
    return client.models.list().data[0].id


@pytest.fixture(scope="module")
def real_llm(service) -> QAService:
    settings = service.settings.with_(
        backend="llm", llm_base_url=BASE_URL, llm_api_key=os.environ.get("GOVQA_TEST_LLM_API_KEY") or None,
        llm_model=_model(), llm_timeout_s=float(os.environ.get("GOVQA_TEST_LLM_TIMEOUT", "180")), llm_max_retries=1)
    return QAService(settings, store=service.store, embedder=service.embedder)


def _items() -> list[dict]:
    rows = [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines() if line.strip()]
    by_id = {r["id"]: r for r in rows}
    return [by_id[i] for i in QUESTION_IDS if i in by_id]


def _assert_validated(answer) -> None:
    by_n = {c.n: c for c in answer.citations}
    assert [c.n for c in answer.citations] == list(range(1, len(answer.citations) + 1))
    for m in MARK.findall(answer.answer):
        assert int(m) in by_n, f"[{m}] points at no citation: {answer.answer}"
    for claim in re.split(r"(?<=[。！？!?；;\n])", answer.answer):
        marks = [int(m) for m in MARK.findall(claim)]
        if not marks:
            continue
        body = MARK.sub(" ", claim)
        body = re.sub(r"(^|\n)\s*\d{1,2}[.、)]\s*", " ", body)
        numbers = {q.key() for q in find_quantities(body)}
        supported = set().union(*(quantity_keys(by_n[n].quote or by_n[n].text) for n in marks))
        assert numbers <= supported, f"unsupported numbers {numbers - supported} in {claim!r}"


@pytest.mark.parametrize("item", _items(), ids=lambda r: r["id"])
def test_real_llm_answers_are_validated(real_llm, item):
    answer = real_llm.ask(item["question"])
    print(f"\n{item['id']} [{answer.backend}] {answer.timings_ms.get('answer', 0) / 1000:.1f}s "
          f"{answer.answer!r} validation={answer.validation} notices={answer.notices}")
    assert answer.answer.strip()
    if answer.backend != "llm":  # the endpoint failed: the fallback must say so
        assert any("大模型" in n for n in answer.notices)
    _assert_validated(answer)
    # validation is a fixed point: the delivered answer passes it unchanged
    text, report = validate_answer(answer.answer, {
        c.n: type(answer.passages[0])(chunk_id=str(c.n), doc_id=c.doc_id, file=c.file, title=c.title, town=c.town,
                                      region="", year=c.year, section=c.section, text=c.quote or c.text,
                                      start=c.span_start, end=c.span_end, chunk_index=0)
        for c in answer.citations} if answer.passages else {})
    assert not report.dropped and not report.bad_marks


def test_real_llm_followup_is_condensed(real_llm):
    conv = Conversation()
    real_llm.ask("杜桥镇2019年工业产值多少？", conv)
    second = real_llm.ask("其中镇本级是多少？", conv)
    print(f"\nstandalone={second.standalone_question!r} answer={second.answer!r} notices={second.notices}")
    assert second.standalone_question.strip()
    _assert_validated(second)
