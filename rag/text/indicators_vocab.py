"""The indicator vocabulary: indicator_vocab.json loaded, compiled for the extractor, and looked up by name."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

_VOCAB_PATH = Path(__file__).parent / "indicator_vocab.json"


class _Vocab:
    def __init__(self, data: dict):
        self.data = data
        self.indicators: dict[str, dict] = data["indicators"]
        self.surfaces: list[dict] = data["surfaces"]
        self.plans: dict[str, tuple[int, int]] = {k: (v[0], v[1]) for k, v in data["plans"].items()}
        names: dict[str, int] = {}
        for i, s in enumerate(self.surfaces):
            for n in s["names"]:
                names.setdefault(n, i)
        for n in data["stop_names"]:
            names.setdefault(n, -1)
        self.name_index = names
        literal = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
        pats = []
        self.pattern_index: dict[str, int] = {}
        for i, s in enumerate(self.surfaces):
            for j, p in enumerate(s.get("patterns", [])):
                g = f"p{i}_{j}"
                self.pattern_index[g] = i
                pats.append(f"(?P<{g}>{p})")
        # a leading class of every name's first character lets the engine skip most positions fast
        firsts = "".join(sorted({n[0] for n in names} | {p.lstrip("(?:")[0] for s in self.surfaces
                                                        for p in s.get("patterns", [])}))
        self.name_re = re.compile(f"(?=[{re.escape(firsts)}])(?:" + "|".join(pats + [f"(?P<lit>{literal})"]) + ")")
        self.prefix_tokens = _Tokens(data["subject_prefixes"] + ["到", "的", "在"])
        self.connectors = _Tokens(data["connectors"] + ["从", "由"])
        self.continuation = _Tokens(data["connectors"] + ["从", "由", "和", "及", "与", "以及", "其中"])
        self.head_words = _Tokens(data["context_head_words"])
        self.increment = set(data["increment_verbs"])
        self.level = set(data["level_verbs"])
        self.decrease = set(data["decrease_verbs"])
        self.increase = {"增长", "增速", "增幅", "涨幅", "上涨", "上升", "提高", "提升", "增加", "递增"}
        self.average = tuple(data["average_words"])
        self.cumulative = tuple(data["cumulative_words"])
        self.expected = tuple(data["expected_words"])
        self.comparison = tuple(data["comparison_before_year"])
        self.ratio_after = tuple(data["ratio_after_name"])
        self.object_before = tuple(data["object_before_name"])
        q = data["qualifiers"]
        self.q_after: dict[str, str] = q["after"]
        self.q_before: dict[str, str] = q["before"]
        self.q_clause: dict[str, str] = q["clause"]
        self.q_before_re = re.compile("|".join(re.escape(k) for k in sorted(self.q_before, key=len, reverse=True)))
        self.q_clause_re = re.compile("|".join(re.escape(k) for k in self.q_clause))

    def surface_of(self, m: re.Match) -> int:
        if m.lastgroup and m.lastgroup != "lit":
            return self.pattern_index[m.lastgroup]
        return self.name_index.get(m.group(0), -1)


class _Tokens:
    """Greedy longest-match consumption of a string by a closed word list (linear in the string)."""

    def __init__(self, words):
        self.words = set(words)
        self.maxlen = max(len(w) for w in self.words)

    def consume(self, s: str) -> list[str] | None:
        out, i, n = [], 0, len(s)
        while i < n:
            for k in range(min(self.maxlen, n - i), 0, -1):
                w = s[i:i + k]
                if w in self.words:
                    out.append(w)
                    i += k
                    break
            else:
                return None
        return out


@lru_cache(maxsize=1)
def load_vocab() -> dict:
    """The raw vocabulary data (indicators, surfaces, word lists)."""
    return json.loads(_VOCAB_PATH.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _vocab() -> _Vocab:
    return _Vocab(load_vocab())


def indicator_names() -> list[str]:
    """All normalised indicator names."""
    return list(_vocab().indicators)


def core_indicators() -> list[str]:
    """The core indicators (GDP, budget revenue, investment, retail sales, jobs, unemployment, CPI, income)."""
    return [k for k, v in _vocab().indicators.items() if v.get("core")]


def indicator_unit(name: str) -> str | None:
    v = _vocab().indicators.get(name)
    return v["unit"] if v else None


def resolve_indicator(phrase: str) -> list[str]:
    """Normalised indicator names a phrase (a surface form or an everyday synonym) refers to.

    "物价" -> ["居民消费价格"], "财政收入" -> ["一般公共预算收入", ...], "经济增速" -> ["地区生产总值增长"].
    Longest matching forms win; order: exact name, surface forms, synonyms.
    """
    V = _vocab()
    p = phrase.strip()
    if p in V.indicators:
        return [p]
    out: list[str] = []
    i = V.name_index.get(p)
    if i is not None and i >= 0:
        s = V.surfaces[i]
        for key in ("total", "growth", "rate", "decrease"):
            if key in s:
                out.append(s[key])
        for part in s.get("split", []):
            out.extend(part.values())
    for name, info in V.indicators.items():
        if p in info.get("synonyms", ()) and name not in out:
            out.append(name)
    return out

