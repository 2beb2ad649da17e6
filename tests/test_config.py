"""The settings object: sections, environment variables, overrides (table-driven)."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import pytest

from rag.config import SECTIONS, ConfigError, RetrievalSettings, Settings, settings_markdown, settings_table

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("env, value, section, name, expected", [
    ("GOVQA_DATA_DIR", "/tmp/x", "store", "data_dir", Path("/tmp/x")),
    ("GOVQA_CHROMA_PORT", "9000", "store", "chroma_port", 9000),
    ("GOVQA_CHROMA_SSL", "1", "store", "chroma_ssl", True),
    ("GOVQA_WRITE_BATCH_CHUNKS", "0", "store", "write_batch_chunks", 1),  # at least one chunk per write
    ("GOVQA_EMBED_CACHE", "/tmp/c", "embed", "embed_cache_dir", Path("/tmp/c")),
    ("GOVQA_TOP_K", "3", "retrieval", "top_k", 3),
    ("GOVQA_RETRIEVAL_MODE", "bm25", "retrieval", "mode", "bm25"),
    ("GOVQA_BM25_WEIGHT", "0.5", "retrieval", "bm25_weight", 0.5),
    ("GOVQA_BACKEND", "llm", "answer", "backend", "llm"),
    ("OPENAI_API_KEY", "sk-1", "answer", "llm_api_key", "sk-1"),
    ("GOVQA_INDICATORS", "off", "answer", "indicators", False),
    ("GOVQA_PARSE_ISOLATED", "0", "limits", "parse_isolated", False),
    ("GOVQA_MAX_FILE_MB", "3.5", "limits", "max_file_mb", 3.5),
    ("GOVQA_AUTH", "admin:pa:ss", "ui", "auth", ("admin", "pa:ss")),
    ("GOVQA_PORT", "8080", "ui", "port", 8080),
])
def test_each_variable_sets_its_field(monkeypatch, env, value, section, name, expected):
    monkeypatch.setenv(env, value)
    assert getattr(getattr(Settings.from_env(), section), name) == expected


@pytest.mark.parametrize("env, value, named", [
    ("GOVQA_TOP_K", "six", "GOVQA_TOP_K"),
    ("GOVQA_LLM_TIMEOUT", "1m", "GOVQA_LLM_TIMEOUT"),
    ("GOVQA_RETRIEVAL_MODE", "sparse", "GOVQA_RETRIEVAL_MODE"),
    ("GOVQA_BACKEND", "gpt", "GOVQA_BACKEND"),
    ("GOVQA_CHROMA_SSL", "maybe", "GOVQA_CHROMA_SSL"),
    ("GOVQA_AUTH", "nopassword", "GOVQA_AUTH"),
])
def test_an_unusable_variable_is_one_clear_error_naming_it(monkeypatch, env, value, named):
    monkeypatch.setenv(env, value)
    with pytest.raises(ConfigError) as err:
        Settings.from_env()
    assert named in str(err.value) and "\n" not in str(err.value)


def test_the_specific_key_wins_over_the_openai_default(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "generic")
    monkeypatch.setenv("GOVQA_LLM_API_KEY", "specific")
    assert Settings.from_env().answer.llm_api_key == "specific"


@pytest.mark.parametrize("changes, section, name, expected", [
    ({"top_k": 3}, "retrieval", "top_k", 3),
    ({"data_dir": Path("d")}, "store", "data_dir", Path("d")),
    ({"retrieval": RetrievalSettings(mode="dense")}, "retrieval", "mode", "dense"),
    ({"retrieval": RetrievalSettings(mode="dense"), "top_k": 9}, "retrieval", "top_k", 9),
])
def test_with_changes_fields_by_name_or_whole_sections(changes, section, name, expected):
    base = Settings()
    changed = base.with_(**changes)
    assert getattr(getattr(changed, section), name) == expected
    assert base.retrieval.top_k == 6  # frozen: the original is untouched


def test_an_unknown_field_is_refused():
    with pytest.raises(TypeError, match="no field 'topk'"):
        Settings().with_(topk=3)


def test_field_names_and_variables_are_unique_and_every_field_is_described():
    names = [f.name for cls in SECTIONS.values() for f in fields(cls)]
    assert len(names) == len(set(names))
    envs = [row[2] for row in settings_table() if row[2]]
    assert len(envs) == len(set(envs))
    assert all(row[4] for row in settings_table())


def test_the_readme_configuration_is_the_settings_table():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert settings_markdown() in readme, "README's configuration table is stale: paste `govqa config`"
