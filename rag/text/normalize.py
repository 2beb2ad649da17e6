"""Character-level normalisation of Chinese report text (widths, spaces, quotes)."""

from __future__ import annotations

import re
import unicodedata

_SPACES = dict.fromkeys(map(ord, "\u00a0\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000\t\u000b\u000c"), " ")
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"), None)
# full-width ASCII letters/digits and a few symbols that are not Chinese punctuation
_FULL_TO_HALF = {0xFF10 + i: ord("0") + i for i in range(10)}
_FULL_TO_HALF.update({0xFF21 + i: ord("A") + i for i in range(26)})
_FULL_TO_HALF.update({0xFF41 + i: ord("a") + i for i in range(26)})
_FULL_TO_HALF.update({ord("％"): ord("%"), ord("＋"): ord("+"), ord("＝"): ord("="), ord("／"): ord("/")})

# a quote opened with one mark and closed with another: "152'工程  ‘x”  "x’
_MISMATCHED_QUOTES = re.compile(r"[\"“‘'](?P<inner>[^\"“”‘’'\n]{1,40}?)[\"”’']")
_DIGIT_DOT = re.compile(r"(?<=\d)[．](?=\d)")


def _fix_quotes(line: str) -> str:
    """Rewrite ASCII / mismatched quote pairs as Chinese “…” pairs (only around CJK text)."""

    def repl(m: re.Match) -> str:
        inner = m.group("inner")
        if not re.search(r"[\u4e00-\u9fff\d]", inner):
            return m.group(0)
        return f"“{inner}”"

    return _MISMATCHED_QUOTES.sub(repl, line)


def normalize_text(text: str) -> str:
    """Character-level normalisation used for storage and for comparing sentences."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.translate(_ZERO_WIDTH).translate(_SPACES).translate(_FULL_TO_HALF)
    text = _DIGIT_DOT.sub(".", text)
    text = unicodedata.normalize("NFC", text)
    lines = []
    for line in text.split("\n"):
        line = re.sub(r" {2,}", " ", line).strip()
        lines.append(_fix_quotes(line))
    return "\n".join(lines)


