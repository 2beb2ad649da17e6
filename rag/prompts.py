"""Prompt templates: plain UTF-8 files in the project's ``prompts/`` directory, loaded by name.

A template marks a value with ``{{name}}``. Rendering is one pass per line, so a value that
itself contains ``{{…}}`` (report text, a user's question) is never expanded again. A line
whose placeholders are all empty is left out, so optional parts of a prompt (the history,
the sides of a comparison) need no template logic.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from rag.config import PROJECT_ROOT

PROMPTS_DIR = PROJECT_ROOT / "prompts"
_PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")


@functools.lru_cache(maxsize=32)
def load_prompt(name: str, directory: Path = PROMPTS_DIR) -> str:
    if not re.fullmatch(r"[\w-]+", name):
        raise ValueError(f"bad prompt name {name!r}")
    path = Path(directory) / f"{name}.txt"
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FileNotFoundError(f"prompt template {path} is missing (prompts/ ships with the project)") from None


def render_prompt(name: str, **values: object) -> str:
    """Fill the template ``name`` with ``values``; every placeholder must be given."""
    template = load_prompt(name)
    lines = []
    for line in template.splitlines():
        names = _PLACEHOLDER.findall(line)
        missing = [n for n in names if n not in values]
        if missing:
            raise KeyError(f"prompt {name!r} needs {', '.join(missing)}")
        if names and all(not str(values[n] or "").strip() for n in names):
            continue
        lines.append(_PLACEHOLDER.sub(lambda m: str(values[m.group(1)] or ""), line))
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"
