"""Typed data passed between the pipeline stages (ingest -> stores -> rag -> ui/eval)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class LoadedDocument:
    """A file read from disk and turned into text (before cleaning)."""

    path: str
    file: str  # file name shown to users
    text: str
    fmt: str  # txt | md | html | pdf | docx
    encoding: str | None
    content_hash: str  # sha256 of the raw bytes


@dataclass(frozen=True)
class CleanDoc:
    """Report text after boilerplate removal and normalisation."""

    text: str
    removed: tuple[str, ...]  # the furniture lines removed, for inspection
    header: str  # furniture lines kept aside: metadata (成文日期, 发布单位 …) is read from them


@dataclass(frozen=True)
class Section:
    level: int  # 1 = 一、 ; 2 = （一） ; 3 = 1. ; 4 = 一是
    heading: str
    start: int  # offset of the heading in the cleaned text
    end: int  # end of the section body (exclusive)
    path: str  # "一、… > （一）…"


@dataclass(frozen=True)
class Field:
    value: Any
    source: str  # which rule / which sentence produced it

    def to_dict(self) -> dict:
        return {"value": self.value, "source": self.source}


@dataclass(frozen=True)
class DocMeta:
    doc_id: str
    file: str
    title: str
    town: str | None
    town_anonymised: bool
    region: str | None
    year: int | None  # the report's own year (the year it was delivered for)
    period_reviewed: int | None
    period_planned: int | None
    doc_type: str
    publisher: str | None = None
    date: str | None = None
    index_no: str | None = None
    plan_start: int | None = None  # offset where the plan part (the year ahead) begins
    provenance: dict[str, str] = field(default_factory=dict)
    sections: tuple[Section, ...] = ()

    @property
    def period(self) -> str:
        parts = []
        if self.period_reviewed:
            parts.append(f"回顾{self.period_reviewed}")
        if self.period_planned:
            parts.append(f"计划{self.period_planned}")
        return "，".join(parts)

    @property
    def display_town(self) -> str:
        return self.town or ("（匿名镇）" if self.town_anonymised else "（未知）")

    def to_dict(self) -> dict:
        d = asdict(self)
        d["period"] = self.period
        return d


@dataclass(frozen=True)
class Chunk:
    chunk_id: str
    doc_id: str
    chunk_index: int
    text: str  # exact slice cleaned_text[start:end]
    start: int
    end: int
    section: str
    embed_text: str  # what is embedded: title + section path + text

    def metadata(self, meta: DocMeta) -> dict[str, Any]:
        """Chroma-safe (flat, scalar) metadata for this chunk."""
        return {
            "doc_id": self.doc_id,
            "file": meta.file,
            "title": meta.title,
            "town": meta.town or "",
            "region": meta.region or "",
            "year": int(meta.year or 0),
            "period": meta.period,
            "period_reviewed": int(meta.period_reviewed or 0),
            "period_planned": int(meta.period_planned or 0),
            "section": self.section,
            "start": self.start,
            "end": self.end,
            "chunk_index": self.chunk_index,
        }


@dataclass
class Passage:
    """A retrieved chunk with its scores."""

    chunk_id: str
    doc_id: str
    file: str
    title: str
    town: str
    region: str
    year: int
    section: str
    text: str
    start: int
    end: int
    chunk_index: int
    scores: dict[str, float] = field(default_factory=dict)  # dense, bm25, fused, ranks

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Citation:
    n: int
    doc_id: str
    file: str
    title: str
    town: str
    year: int
    section: str
    text: str  # the cited passage
    start: int  # passage offsets in the cleaned document text
    end: int
    span_start: int = 0  # the exact cited sentence, offsets in the cleaned document text
    span_end: int = 0
    quote: str = ""  # the exact cited sentence

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class ComparisonRow:
    side: str  # e.g. "杜桥镇" or "2019年"
    answer: str  # cell text with [n] marks, or "报告中未提及"
    citations: list[int] = field(default_factory=list)


@dataclass
class Answer:
    question: str
    answer: str
    refused: bool
    citations: list[Citation]
    backend: str
    timings_ms: dict[str, float] = field(default_factory=dict)
    standalone_question: str = ""
    notices: list[str] = field(default_factory=list)  # e.g. LLM fallback, dropped sentences
    validation: dict[str, Any] = field(default_factory=dict)
    comparison: list[ComparisonRow] = field(default_factory=list)
    passages: list[Passage] = field(default_factory=list)  # what retrieval returned, ranked

    def to_json(self, *, include_passages: bool = False) -> dict:
        out = {
            "question": self.question,
            "answer": self.answer,
            "refused": self.refused,
            "citations": [c.to_dict() for c in self.citations],
            "backend": self.backend,
            "timings_ms": {k: round(v, 1) for k, v in self.timings_ms.items()},
            "standalone_question": self.standalone_question,
            "notices": list(self.notices),
            "validation": self.validation,
            "comparison": [asdict(r) for r in self.comparison],
        }
        if include_passages:
            out["passages"] = [p.to_dict() for p in self.passages]
        return out
