"""The few characters around a match that a provenance line quotes."""

from __future__ import annotations


def snippet(text: str, start: int, end: int, width: int = 12) -> str:
    return text[max(0, start - width): min(len(text), end + width)].replace("\n", " ").strip()
