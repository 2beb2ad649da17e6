"""Report filters given as text or lists ("杜桥镇,道滘镇", ["2019", "2020年"]) -> clean lists.

Shared by the Gradio handlers, the OpenAI-compatible endpoint and the MCP tools; no Gradio import
here, so the MCP server starts without loading the web UI.
"""

from __future__ import annotations

import re
from typing import Any

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
    years = []
    for v in split_values(value):
        digits = v.rstrip("年")
        if not digits.isdigit():
            raise ValueError(f"年份“{v}”不是数字")
        years.append(int(digits))
    return years
