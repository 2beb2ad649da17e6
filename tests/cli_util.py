"""Run `govqa …` in-process (cli.main) against a test's data dir, capturing its output."""

from __future__ import annotations

from rag.config import Settings

_CLEARED = ("GOVQA_CHROMA_HOST", "OPENAI_API_KEY", "OPENAI_BASE_URL", "GOVQA_LLM_BASE_URL", "GOVQA_LLM_API_KEY",
            "GOVQA_BACKEND", "GOVQA_MAX_FILE_MB", "GOVQA_MAX_TEXT_CHARS", "GOVQA_CHUNK_TOKENS", "GOVQA_EMBED_BACKEND",
            "GOVQA_EMBED_MODEL")


def cli_env(monkeypatch, settings: Settings) -> None:
    """Point the environment (what `Settings.from_env` reads) at a test's settings."""
    monkeypatch.setenv("GOVQA_DATA_DIR", str(settings.store.data_dir))
    monkeypatch.setenv("GOVQA_EMBED_CACHE", str(settings.cache_dir))
    monkeypatch.setenv("GOVQA_SEEDS_DIR", str(settings.store.seeds_dir))
    for var in _CLEARED:
        monkeypatch.delenv(var, raising=False)


def run_cli(monkeypatch, capsys, settings: Settings, *args: str) -> tuple[int, str, str]:
    from cli import main

    cli_env(monkeypatch, settings)
    capsys.readouterr()
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err
