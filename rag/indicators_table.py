"""The indicator table (指标库): every figure of every report, one cited row each, stored beside
the catalogue.

* Rows come from :func:`rag.text.indicators.extract_indicators` run on a report's *cleaned* text
  at ingest (offsets therefore point into the text the catalogue keeps, so a citation can open
  the passage), with the report's year and the offset where its plan part begins.
* They are stored in a Chroma collection ``<collection>_indicators``: one record per report (id =
  doc_id, document = the rows as JSON). The same client writes it in embedded and server mode.
  :meth:`rag.store.ReportStore.add_documents` writes the records of a batch *before* the
  catalogue records (the commit point), and :meth:`~rag.store.ReportStore.remove_document`
  deletes a report's record after its catalogue record. A record whose report is not in the
  catalogue (an interrupted ingest) is never read; it is overwritten by the next attempt.
* Reads go through :func:`table_for(store) <table_for>`: an in-memory snapshot per catalogue
  version (only reports new since the last snapshot are read), indexed by indicator, so a query
  over 1,000 reports is a dictionary lookup and a filter. A report without an up-to-date record
  (ingested before the table existed, or by an older extractor) is extracted from its stored text
  on first use, in memory — the table always covers the whole catalogue.

``GOVQA_INDICATORS=0`` switches extraction at ingest off (the table then derives rows on first use).
"""

from __future__ import annotations

import hashlib
import json
import threading
import weakref
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Iterable

from rag.types import DocMeta

KIND_LABELS = {"actual": "实际", "target": "目标", "expected": "预计", "plan-period": "规划期"}
LEVELS = ("national", "province", "city", "county", "township")


def _extractor_version() -> str:
    """Hash of the extractor (its modules rag/text/indicators*.py) and its vocabulary: rows of another version
    are re-derived."""
    from rag.text import indicators

    h = hashlib.sha1()
    here = Path(indicators.__file__).parent
    for path in [*sorted(here.glob("indicators*.py")), here / "indicator_vocab.json"]:
        try:
            h.update(path.read_bytes())
        except OSError:
            pass
    return h.hexdigest()[:12]


EXTRACTOR_VERSION = _extractor_version()


def enabled(settings) -> bool:
    """Extraction at ingest (settings.answer.indicators; GOVQA_INDICATORS=0 turns it off)."""
    return settings.answer.indicators


@dataclass(frozen=True, slots=True)
class IndicatorRow:
    doc_id: str
    file: str
    entity: str
    level: str
    report_year: int | None
    indicator: str
    kind: str  # actual | target | expected | plan-period
    year: int | None  # the year the figure refers to
    value: float
    value_high: float | None
    unit: str
    raw: str  # the figure as written ("5%左右", "1.2万亿元")
    qualifier: str
    start: int  # the statement's span in the report's cleaned text
    end: int
    confidence: float
    passage: str = ""  # the sentence holding the statement (what a citation shows)
    passage_start: int = 0  # its offset in the cleaned text

    def to_dict(self) -> dict:
        return asdict(self)

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def sort_high(self) -> float:
        return self.value_high if self.value_high is not None else self.value


# the stored columns of a row (entity, level, file, report_year come from the report's record)
_COLS = ("indicator", "kind", "year", "value", "value_high", "unit", "raw", "qualifier", "start", "end", "confidence",
         "passage", "passage_start")


def extract_rows(meta: DocMeta, clean_text: str) -> list[IndicatorRow]:
    """The table rows of one report (its cleaned text, its year and plan start)."""
    from rag.text.indicators import extract_indicators

    mentions = extract_indicators(clean_text, report_year=meta.year, plan_start=meta.plan_start)
    out = []
    for m in mentions:
        lo, hi = row_passage(clean_text, m.start, m.end)
        out.append(IndicatorRow(meta.doc_id, meta.file, meta.entity or meta.display_entity, meta.level or "",
                                meta.year, m.indicator, m.kind, m.year, m.value, m.value_high, m.unit, m.raw,
                                m.qualifier, m.start, m.end, m.confidence, clean_text[lo:hi], lo))
    return out


def _encode(rows: list[IndicatorRow]) -> str:
    return json.dumps({"v": EXTRACTOR_VERSION, "cols": _COLS,
                       "rows": [[getattr(r, c) for c in _COLS] for r in rows]}, ensure_ascii=False,
                      separators=(",", ":"))


def _decode(raw: str, meta: DocMeta) -> list[IndicatorRow] | None:
    """Rows of a stored record, or None when it was written by another extractor version."""
    try:
        data = json.loads(raw)
    except (TypeError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("v") != EXTRACTOR_VERSION:
        return None
    cols = data.get("cols") or _COLS
    out = []
    for values in data.get("rows", []):
        d = dict(zip(cols, values))
        out.append(IndicatorRow(meta.doc_id, meta.file, meta.entity or meta.display_entity, meta.level or "",
                                meta.year, d["indicator"], d["kind"], d["year"], d["value"], d["value_high"],
                                d["unit"], d["raw"], d["qualifier"], d["start"], d["end"], d["confidence"],
                                d.get("passage", ""), d.get("passage_start", d["start"])))
    return out


# ---------------------------------------------------------------------------- the snapshot
@dataclass
class Snapshot:
    """The table at one catalogue version."""

    version: str
    rows: list[IndicatorRow]
    by_indicator: dict[str, list[IndicatorRow]]
    metas: dict[str, DocMeta]

    def query(self, *, entities: Iterable[str] | None = None, levels: Iterable[str] | None = None,
              indicators: Iterable[str] | None = None, years: Iterable[int] | None = None,
              kinds: Iterable[str] | None = None, report_years: Iterable[int] | None = None,
              doc_ids: Iterable[str] | None = None) -> list[IndicatorRow]:
        """Rows matching every given filter (None or empty = no filter), in report, then text order."""
        ents = set(entities or ()) or None
        lvls = set(levels or ()) or None
        yrs = set(years or ()) or None
        knds = set(kinds or ()) or None
        rys = set(report_years or ()) or None
        ids = set(doc_ids) if doc_ids is not None else None
        inds = list(indicators or ())
        pool: Iterable[IndicatorRow]
        if inds:
            pool = [r for name in dict.fromkeys(inds) for r in self.by_indicator.get(name, ())]
        else:
            pool = self.rows
        out = [r for r in pool
               if (ents is None or r.entity in ents) and (lvls is None or r.level in lvls)
               and (yrs is None or r.year in yrs) and (knds is None or r.kind in knds)
               and (rys is None or r.report_year in rys) and (ids is None or r.doc_id in ids)]
        if inds and len(inds) > 1:
            out.sort(key=lambda r: (r.entity, r.report_year or 0, r.doc_id, r.start))
        return out


def _build(version: str, per_doc: dict[str, list[IndicatorRow]], metas: dict[str, DocMeta]) -> Snapshot:
    order = sorted(per_doc, key=lambda d: (metas[d].entity or "", metas[d].year or 0, metas[d].file))
    rows = [r for d in order for r in per_doc[d]]
    by_ind: dict[str, list[IndicatorRow]] = {}
    for r in rows:
        by_ind.setdefault(r.indicator, []).append(r)
    return Snapshot(version, rows, by_ind, metas)


def snapshot_of(docs: Iterable[tuple[DocMeta, str]], version: str = "local") -> Snapshot:
    """A table over reports held in memory ((meta, cleaned text) pairs): no store needed."""
    metas, per_doc = {}, {}
    for meta, text in docs:
        metas[meta.doc_id] = meta
        per_doc[meta.doc_id] = extract_rows(meta, text)
    return _build(version, per_doc, metas)


class IndicatorTable:
    """Reads and writes of the indicator rows of one :class:`~rag.store.ReportStore`."""

    def __init__(self, store):
        self.store = store
        self.collection = store.client.get_or_create_collection(
            store.settings.embed.collection_name + "_indicators", embedding_function=None, metadata={"hnsw:space": "l2"})
        self._lock = threading.RLock()
        self._per_doc: dict[str, list[IndicatorRow]] = {}  # doc_id -> rows (doc_id is a content hash)
        self._snapshot: Snapshot | None = None
        self.stats = {"read": 0, "derived": 0}

    # ------------------------------------------------------------------ writes
    def write(self, docs) -> None:
        """Store the rows of a batch of :class:`~rag.store_records.PendingDoc` (before their catalogue records)."""
        ids, documents, metadatas = [], [], []
        for d in docs:
            rows = getattr(d, "indicators", None)
            if rows is None:
                rows = extract_rows(d.meta, d.clean_text)
            ids.append(d.meta.doc_id)
            documents.append(_encode(rows))
            metadatas.append({"doc_id": d.meta.doc_id, "file": d.meta.file, "entity": d.meta.entity or "",
                              "level": d.meta.level or "", "report_year": int(d.meta.year or 0),
                              "version": EXTRACTOR_VERSION, "n_rows": len(rows)})
            with self._lock:
                self._per_doc[d.meta.doc_id] = rows
        if ids:
            self.collection.upsert(ids=ids, embeddings=[[0.0]] * len(ids), documents=documents, metadatas=metadatas)

    def delete(self, doc_id: str) -> None:
        self.collection.delete(ids=[doc_id])
        with self._lock:
            self._per_doc.pop(doc_id, None)

    # ------------------------------------------------------------------ reads
    def snapshot(self) -> Snapshot:
        """The table of the current catalogue (rebuilt only when the catalogue changed)."""
        with self._lock:
            version = self.store.version()
            snap = self._snapshot
            if snap is not None and snap.version == version:
                return snap
            records = self.store.records()
            metas = {d: r.meta for d, r in records.items()}
            missing = [d for d in metas if d not in self._per_doc]
            if missing:
                for i in range(0, len(missing), 200):
                    part = missing[i:i + 200]
                    got = self.collection.get(ids=part, include=["documents"])
                    for doc_id, raw in zip(got["ids"], got["documents"]):
                        rows = _decode(raw, metas[doc_id])
                        if rows is not None:
                            self._per_doc[doc_id] = rows
                            self.stats["read"] += 1
                for doc_id in missing:
                    if doc_id not in self._per_doc:  # no record (older ingest) or another extractor
                        text = self.store.get_doc_text(doc_id) or ""
                        self._per_doc[doc_id] = extract_rows(metas[doc_id], text)
                        self.stats["derived"] += 1
            for doc_id in [d for d in self._per_doc if d not in metas]:
                del self._per_doc[doc_id]
            per_doc = {d: self._relabel(self._per_doc[d], metas[d]) for d in metas}
            self._snapshot = _build(version, per_doc, metas)
            return self._snapshot

    def _relabel(self, rows: list[IndicatorRow], meta: DocMeta) -> list[IndicatorRow]:
        """Rows carry the catalogue's current identity of their report (entity, level, file)."""
        entity = meta.entity or meta.display_entity
        if rows and (rows[0].entity != entity or rows[0].level != (meta.level or "") or rows[0].file != meta.file
                     or rows[0].report_year != meta.year):
            from dataclasses import replace

            rows = [replace(r, entity=entity, level=meta.level or "", file=meta.file, report_year=meta.year)
                    for r in rows]
            self._per_doc[meta.doc_id] = rows
        return rows

    def query(self, **filters) -> list[IndicatorRow]:
        return self.snapshot().query(**filters)


_TABLES: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
_TABLES_LOCK = threading.Lock()


def table_for(store) -> IndicatorTable:
    """The indicator table of a store (one per store object)."""
    with _TABLES_LOCK:
        table = _TABLES.get(store)
        if table is None:
            table = IndicatorTable(store)
            _TABLES[store] = table
        return table


# ---------------------------------------------------------------------------- hooks for the store
def write_rows(store, docs) -> None:
    """Called by ReportStore.add_documents before the catalogue records are written."""
    if enabled(store.settings):
        table_for(store).write(docs)


def delete_rows(store, doc_id: str) -> None:
    """Called by ReportStore.remove_document after the catalogue record is gone."""
    table_for(store).delete(doc_id)


# ---------------------------------------------------------------------------- passages
_SENTENCE_END = "。；;！？!?"


def row_passage(text: str, start: int, end: int, *, context: int = 160) -> tuple[int, int]:
    """Offsets of the passage shown for a statement at text[start:end]: the sentence holding it,
    within its paragraph, at most ``context`` characters either side."""
    lo = max(0, start - context)
    hi = min(len(text), end + context)
    para_start = text.rfind("\n", 0, start) + 1
    para_end = text.find("\n", end)
    para_end = len(text) if para_end < 0 else para_end
    lo, hi = max(lo, para_start), min(hi, para_end)
    for i in range(start - 1, lo - 1, -1):
        if text[i] in _SENTENCE_END:
            lo = i + 1
            break
    for i in range(end, hi):
        if text[i] in _SENTENCE_END:
            hi = i + 1
            break
    while lo < start and text[lo].isspace():
        lo += 1
    return lo, max(hi, end)


def section_of(meta: DocMeta, pos: int) -> str:
    best = ""
    for s in meta.sections:
        if s.start <= pos < s.end:
            best = s.path
    return best
