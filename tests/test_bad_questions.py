"""Bad questions through QAService.ask: always a clear Answer (message or refusal), never an exception.

Every case runs on the shared seeded index (the ``service`` fixture) and checks the Answer
contract: a non-empty Chinese message, citations that point at real passages, and for long
questions a visible notice that the question was cut to the token budget.
"""

from __future__ import annotations

import json
import re

import pytest

from rag.chat import Conversation
from rag.text.tokens import count_tokens
from rag.types import Answer

_CJK = re.compile(r"[\u4e00-\u9fff]")


def _check_contract(answer: Answer, service) -> None:
    assert isinstance(answer, Answer)
    assert answer.answer.strip(), "an answer must never be empty"
    assert _CJK.search(answer.answer), f"the message must be readable Chinese: {answer.answer!r}"
    assert "Traceback" not in answer.answer
    json.dumps(answer.to_json(), ensure_ascii=False)  # the --json contract serialises
    # every [n] in the text is a citation, every citation is a real passage of the index
    marks = {int(n) for n in re.findall(r"\[(\d+)\]", answer.answer)}
    assert marks == {c.n for c in answer.citations}
    for c in answer.citations:
        text = service.store.get_doc_text(c.doc_id)
        assert text is not None, f"citation points at unknown doc {c.doc_id}"
        assert text[c.start:c.end] == c.text
    if answer.refused:
        assert not answer.citations or all(c.text for c in answer.citations)


@pytest.mark.parametrize("question", ["", "   ", "\n\t \u3000 \n"])
def test_empty_questions_get_a_prompt_to_ask(service, question):
    answer = service.ask(question)
    _check_contract(answer, service)
    assert answer.refused and not answer.citations
    assert "问题" in answer.answer


@pytest.mark.parametrize("question", ["？？？", "!!!...,,,", "。。。——……", "()[]{}<>", "？！"])
def test_punctuation_only_questions_are_refused_with_a_reason(service, question):
    answer = service.ask(question)
    _check_contract(answer, service)
    assert answer.refused and not answer.citations
    assert "标点" in answer.answer


@pytest.mark.parametrize("question", ["🙂🙂🙂", "👍", "🏭📈❓"])
def test_emoji_only_questions_get_a_message(service, question):
    answer = service.ask(question)
    _check_contract(answer, service)
    assert answer.refused and not answer.citations


def test_ten_thousand_character_question_is_truncated_with_a_notice(service):
    base = "2023年全镇地区生产总值是多少？"
    question = base + "请详细说明各项经济指标的增长情况和原因。" * 600
    assert len(question) >= 10_000
    assert count_tokens(question) > service.settings.answer.question_max_tokens
    answer = service.ask(question)
    _check_contract(answer, service)
    assert count_tokens(answer.question) <= service.settings.answer.question_max_tokens
    assert answer.question.startswith(base)
    assert any("过长" in n and str(service.settings.answer.question_max_tokens) in n for n in answer.notices), answer.notices


def test_ten_thousand_character_question_without_punctuation(service):
    question = "镇" * 10_000
    answer = service.ask(question)
    _check_contract(answer, service)
    assert len(answer.question) < len(question)
    assert any("过长" in n for n in answer.notices)


def test_english_question_gets_an_answer_and_a_language_notice(service):
    answer = service.ask("What was the GDP growth in 2023?")
    _check_contract(answer, service)
    assert any("中文" in n for n in answer.notices), answer.notices


@pytest.mark.parametrize("question", [
    "'; DROP TABLE x;--",
    "2023年地区生产总值'; DROP TABLE chunks;--",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>道滘镇有哪些工作？",
    "{{7*7}}",
    "${x}",
    "{% for x in y %}财政收入{% endfor %}",
    "%s%s%s%n",
    "\\x00\\u0000 NULL",
    "财政收入\x00是多少",
    "道滘镇 OR 1=1",
])
def test_injection_syntax_is_treated_as_plain_text(service, question):
    before = len(service.store.list_docs())
    answer = service.ask(question)
    _check_contract(answer, service)
    # nothing was evaluated: no 49 from {{7*7}}, and the index is untouched
    assert "49" not in answer.answer or "49" in "".join(c.text for c in answer.citations)
    assert len(service.store.list_docs()) == before
    assert service.store.check() == []


def test_bad_questions_inside_a_conversation_do_not_break_follow_ups(service):
    conv = Conversation()
    first = service.ask("道滘镇2023年工作安排有哪些？", conv)
    _check_contract(first, service)
    for q in ["", "？？？", "{{7*7}}", "🙂"]:
        _check_contract(service.ask(q, conv), service)
    follow = service.ask("那财政收入呢？", conv)
    _check_contract(follow, service)


def test_stream_yields_a_final_answer_for_bad_questions(service):
    for q in ["", "x" * 20_000, "<script>"]:
        events = list(service.stream(q))
        assert isinstance(events[-1], Answer)
        assert all(isinstance(e, str) for e in events[:-1])
        _check_contract(events[-1], service)


@pytest.mark.parametrize("question", ["2023", "7*7", "{{7*7}}", "1+1=?", "3.14%"])
def test_digits_and_symbols_only_get_a_message(service, question):
    answer = service.ask(question)
    _check_contract(answer, service)
    assert answer.refused and not answer.citations
    assert "数字或符号" in answer.answer


@pytest.mark.parametrize("question", ["是什么", "的", "请问"])
def test_questions_without_content_words_get_a_readable_message(service, question):
    # regression: the "请具体说明…" message (its example contains a number) used to be run through
    # number validation, which dropped it and left the user with a lone "”"
    answer = service.ask(question)
    _check_contract(answer, service)
    assert answer.refused
    assert len(answer.answer) >= 8
