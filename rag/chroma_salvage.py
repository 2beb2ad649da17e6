"""A damaged embedded index: SQLite integrity check, moving it aside, and reading what is left of its catalogue."""

from __future__ import annotations

import json
import shutil
import sqlite3
import time
from pathlib import Path
from typing import Any

from rag.chroma_client import chroma_sqlite_path, sqlite_uri
from rag.config import Settings


def sqlite_integrity(settings: Settings) -> list[str]:
    """`PRAGMA quick_check` of the embedded database (read-only); empty list when intact."""
    db = chroma_sqlite_path(settings)
    if settings.store.chroma_host or not db.is_file():
        return []
    try:
        con = sqlite3.connect(sqlite_uri(db, "ro"), uri=True, timeout=settings.store.lock_timeout_s)
        try:
            rows = [r[0] for r in con.execute("PRAGMA quick_check").fetchall()]
        finally:
            con.close()
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            return []  # a lock is not damage; opening the store reports it
        return [f"索引文件 {db} 无法检查：{exc}"]
    except sqlite3.DatabaseError as exc:
        return [f"索引文件 {db} 已损坏：{exc}"]
    if rows == ["ok"]:
        return []
    first = " ".join(rows[0].split())[:160] if rows else "?"
    return [f"索引文件 {db} 已损坏（SQLite 完整性检查：{first}）"]


def quarantine_chroma(settings: Settings) -> Path:
    """Move a damaged embedded index aside (nothing is deleted) so a new, empty one can be made."""
    src = settings.store.data_dir / "chroma"
    dest = settings.store.data_dir / f"chroma.broken-{time.strftime('%Y%m%d-%H%M%S')}"
    n = 1
    while dest.exists():
        dest = settings.store.data_dir / f"chroma.broken-{time.strftime('%Y%m%d-%H%M%S')}-{n}"
        n += 1
    src.rename(dest)
    for side in settings.store.data_dir.glob("bm25_*"):  # derived from the moved index
        shutil.rmtree(side, ignore_errors=True)
    return dest


Catalogue = dict[str, tuple[dict, str | None]]  # doc_id -> (metadata, cleaned text)


def read_catalogue_file(db: Path) -> tuple[Catalogue, list[str]]:
    """Every catalogue record still readable in a (damaged) Chroma SQLite file, read with plain
    sqlite3, row by row, so one bad page costs the rows on it and not the whole catalogue.

    Returns ({doc_id: (metadata, cleaned text)}, problems). Records are found by their ``meta_json``
    key, so the collections and segments tables may be lost too; the write-ahead log
    (embeddings_queue) fills in records the metadata tables lack or lost, in sequence order."""
    problems: list[str] = []
    try:
        con = sqlite3.connect(sqlite_uri(db, "ro"), uri=True, timeout=5)
    except sqlite3.Error as exc:
        return {}, [f"无法打开 {db}：{exc}"]
    try:
        found = _records_from_tables(con, _catalogue_rowids(con, problems), problems)
        # the log, replayed over that in sequence order: it holds what the metadata tables lack (records
        # written last, or all of them when those tables were lost) and any later delete
        _replay_log(con, found, problems)
    finally:
        con.close()
    return found, problems


def _row_values(rows) -> tuple[dict, str | None]:
    """(metadata, document) of one record's embedding_metadata rows."""
    md: dict[str, Any] = {}
    for key, sv, iv, fv, bv in rows:
        md[key] = next((v for v in (sv, iv, fv, bv) if v is not None), None)
    return md, md.pop("chroma:document", None)


def _catalogue_rowids(con: sqlite3.Connection, problems: list[str]) -> list[int]:
    """Row ids of the catalogue records (those with a ``meta_json`` key); one by one when the
    table cannot be read as a whole."""
    try:
        return [r[0] for r in con.execute("SELECT id FROM embedding_metadata WHERE key = 'meta_json'")]
    except sqlite3.DatabaseError as exc:
        problems.append(f"目录表无法整体读取（{exc}），逐行读取")
    rowids: list[int] = []
    try:
        top = con.execute("SELECT max(id) FROM embeddings").fetchone()[0] or 0
    except sqlite3.DatabaseError:
        top = 0
    for rowid in range(1, top + 1):
        try:
            if con.execute("SELECT 1 FROM embedding_metadata WHERE id = ? AND key = 'meta_json'",
                           (rowid,)).fetchone():
                rowids.append(rowid)
        except sqlite3.DatabaseError:
            continue
    return rowids


def _records_from_tables(con: sqlite3.Connection, rowids: list[int], problems: list[str]) -> Catalogue:
    """The records the metadata tables still hold, a record whose rows cannot be read skipped."""
    found: Catalogue = {}
    for rowid in rowids:
        try:
            emb = con.execute("SELECT embedding_id, segment_id FROM embeddings WHERE id = ?", (rowid,)).fetchone()
            rows = con.execute("SELECT key, string_value, int_value, float_value, bool_value "
                               "FROM embedding_metadata WHERE id = ?", (rowid,)).fetchall()
        except sqlite3.DatabaseError as exc:
            problems.append(f"目录记录 #{rowid} 无法读取（{exc}）")
            continue
        md, document = _row_values(rows)
        doc_id = emb[0] if emb else json.loads(md.get("meta_json") or "{}").get("doc_id")
        if doc_id:
            found[doc_id] = (md, document)
    return found


def _replay_log(con: sqlite3.Connection, found: Catalogue, problems: list[str]) -> None:
    """Apply the write-ahead log (embeddings_queue) to ``found``: adds, updates (merged) and deletes."""
    try:
        log = con.execute("SELECT seq_id, operation, id, metadata FROM embeddings_queue ORDER BY seq_id").fetchall()
    except sqlite3.DatabaseError as exc:
        log = []
        problems.append(f"写前日志无法读取（{exc}）")
    for _, op, emb_id, raw in log:
        if op == 3:  # delete
            found.pop(emb_id, None)
            continue
        try:
            md = json.loads(raw) if raw else {}
        except ValueError:
            continue
        if "meta_json" not in md:
            continue
        document = md.pop("chroma:document", None)
        if op == 1 and emb_id in found:  # update: merge
            old_md, old_doc = found[emb_id]
            found[emb_id] = ({**old_md, **md}, document if document is not None else old_doc)
        else:
            found[emb_id] = (md, document)
