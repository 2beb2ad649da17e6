"""The data dir's "used" marker: whether anything was ever written to, removed from or repaired in it."""

from __future__ import annotations

import time

from rag.config import Settings

_USED_MARKER = "initialized"


def seeds_allowed(settings: Settings) -> bool:
    """Seeds go only into a new data dir: one nothing was ever written to, removed from or repaired
    in (so never after a repair, never after the user deleted every report)."""
    return not (settings.store.data_dir / _USED_MARKER).exists()


def mark_data_dir_used(settings: Settings, why: str) -> None:
    marker = settings.store.data_dir / _USED_MARKER
    if marker.exists():
        return
    try:
        settings.store.data_dir.mkdir(parents=True, exist_ok=True)
        marker.write_text(f"{time.strftime('%Y-%m-%d %H:%M:%S')} {why}\n", encoding="utf-8")
    except OSError:
        pass  # a read-only data dir: nothing is written to it either
