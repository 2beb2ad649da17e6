"""Caps and checks for what one request may ask (the UI's /ask API, and any other API in front of
QAService): question length, history turns, k, filter values, and text that is not valid Unicode.
Every refusal is an InputError whose message (one sentence, Chinese) says what is wrong.
"""

from __future__ import annotations

from typing import Any

# caps on what one request may ask for (each history turn is answered again to resolve follow-ups:
# 2,000 turns cost 19 s of CPU before these)
MAX_HISTORY_TURNS = 8
MAX_K = 20
MAX_QUESTION_CHARS = 2000
MAX_FILTER_VALUES = 20


class InputError(ValueError):
    """A request value that cannot be used; the message says which and why (shown to the caller)."""


def check_text(value: str, what: str) -> str:
    """Refuse text with lone surrogates (undecodable bytes or a broken client) with a clear message."""
    bad = next((c for c in value if 0xD800 <= ord(c) <= 0xDFFF), None)
    if bad is not None:
        raise InputError(f"{what}中含有无效的 Unicode 字符（孤立的代理项 U+{ord(bad):04X}），无法处理；"
                         f"请检查客户端的文本编码（应为 UTF-8）")
    return value


def cap_question(question: Any, notices: list[str]) -> str:
    if question is None:
        return ""
    if not isinstance(question, str):
        raise InputError(f"问题应为文本，收到的是 {type(question).__name__}")
    check_text(question, "问题")
    if len(question) > MAX_QUESTION_CHARS:
        notices.append(f"问题过长，只使用了前 {MAX_QUESTION_CHARS} 个字符。")
        question = question[:MAX_QUESTION_CHARS]
    return question


def cap_k(k: Any, notices: list[str]) -> int | None:
    if k in (None, "", 0):
        return None
    try:
        value = int(k)
    except (TypeError, ValueError):
        raise InputError(f"k（检索段落数）应为 1–{MAX_K} 的整数，收到“{str(k)[:20]}”") from None
    if value < 1:
        raise InputError(f"k（检索段落数）应为 1–{MAX_K} 的整数，收到 {value}")
    if value > MAX_K:
        notices.append(f"检索段落数 k={value} 超过上限，已按 {MAX_K} 检索。")
        value = MAX_K
    return value
