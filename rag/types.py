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


LEVEL_LABELS = {"national": "国家", "province": "省级", "city": "市级", "county": "区县级", "township": "乡镇街道"}


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
    # report identity (issue: every level): the issuer, its level and place in the division tree
    entity: str | None = None  # 国务院, 广东省, 深圳市, 南山区, 大鹏新区, 杜桥镇 … (None: unknown/anonymised)
    level: str | None = None  # national | province | city | county | township
    parent: tuple[str, ...] = ()  # from the top: ("广东省", "深圳市")
    reviewed_span: tuple[int, int] | None = None  # a five-year period reviewed ("十三五": 2016–2020)
    planned_span: tuple[int, int] | None = None  # a five-year period opened
    speaker: str | None = None
    session: str | None = None  # 第十四届人民代表大会第二次会议

    @property
    def report_year(self) -> int | None:
        """The year the report was delivered (``year`` under its older name)."""
        return self.year

    @property
    def period(self) -> str:
        parts = []
        if self.period_reviewed:
            parts.append(f"回顾{self.period_reviewed}")
        if self.period_planned:
            parts.append(f"计划{self.period_planned}")
        return "，".join(parts)

    @property
    def is_report(self) -> bool:
        """A report of an issuer (政府工作报告, 工作总结 …), not another kind of document (a news
        item, a notice: type 其他, no issuer, no year it reviews or plans) that may tell of any place
        and any year."""
        return bool(self.entity) or self.doc_type != "其他" or bool(self.year or self.period_reviewed
                                                                    or self.period_planned)

    @property
    def display_town(self) -> str:
        return self.display_entity

    @property
    def display_entity(self) -> str:
        """The issuer as shown to users: its name, or what is known of an unnamed one."""
        if self.entity:
            return self.entity
        if self.town_anonymised:
            return "（匿名镇）" if self.level in (None, "township") else "（匿名单位）"
        return "（未知）"

    @property
    def level_label(self) -> str:
        return LEVEL_LABELS.get(self.level or "", "")

    def to_dict(self) -> dict:
        d = asdict(self)
        d["period"] = self.period
        d["report_year"] = self.year
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
            # "town" is the issuer shown in citations (any level), kept under its contract name
            "town": meta.entity or meta.town or "",
            "region": meta.region or "",
            "entity": meta.entity or "",
            "level": meta.level or "",
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
    gate: dict = field(default_factory=dict)  # the answer gate's measurements and verdict (rag.answer_gate)

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
            "gate": dict(self.gate),
        }
        if include_passages:
            out["passages"] = [p.to_dict() for p in self.passages]
        return out
