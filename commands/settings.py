"""`govqa config`: the settings table, or the values in effect."""

from __future__ import annotations

from dataclasses import fields

from commands.common import settings_from_args

_SECRET = ("KEY", "TOKEN", "AUTH")


def cmd_config(args) -> int:
    from rag.config import SECTIONS, settings_markdown

    if not args.current:
        print(settings_markdown(), end="")
        return 0
    settings = settings_from_args(args)
    for name, cls in SECTIONS.items():
        section = getattr(settings, name)
        for f in fields(cls):
            env = f.metadata.get("env") or "-"
            value = getattr(section, f.name)
            if value is not None and any(word in env for word in _SECRET):
                value = "***"
            print(f"{name}.{f.name} = {value!r}  ({env})")
    return 0
