"""Report filters given as text or lists ("杜桥镇,道滘镇", ["2019", "2020年"]) -> clean lists.

Shared by the Gradio handlers, the OpenAI-compatible endpoint and the MCP tools; no Gradio import
here, so the MCP server starts without loading the web UI.
"""

from __future__ import annotations

import re
from typing import Any

from rag.limits import InputError, check_text

_LIST_SPLIT = re.compile(r"[,，、;；\s]+")


def split_values(value: Any) -> list[str]:
    """"杜桥镇,道滘镇" / ["杜桥镇"] / None -> list of non-empty strings."""
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        out: list[str] = []
        for v in value:
            out.extend(split_values(v))
        return out
    return [v for v in _LIST_SPLIT.split(str(value)) if v]


def parse_years(value: Any) -> list[int]:
    """"2019, 2020年" -> [2019, 2020]; anything else is an InputError (a ValueError) naming it."""
    years = []
    for v in split_values(value):
        digits = v.rstrip("年")
        if not (digits.isascii() and digits.isdigit()) or not 1900 <= int(digits) <= 2200:
            raise InputError(f"年份“{check_text(v, '年份')[:20]}”不是有效的年份，请写成 2023 或 2023年")
        years.append(int(digits))
    return years
