"""What every sub-command starts from: the Settings (--data-dir over the environment) and the QA service."""

from __future__ import annotations

from pathlib import Path

from rag.config import Settings


def settings_from_args(args) -> Settings:
    overrides = {}
    if getattr(args, "data_dir", None):
        overrides["data_dir"] = Path(args.data_dir)
    return Settings.from_env(**overrides)


def qa_service(settings: Settings):
    from rag.chat import QAService

    return QAService(settings)
