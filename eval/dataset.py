"""Eval datasets: loading with schema validation, and the check that every evidence string is verbatim.

A dataset is JSONL, one question per line (schema in ARCHITECTURE.md):
``{"id", "type", "question", "turns"?, "answer", "must_include", "sources": [{"file", "evidence"}]}``.
Report-level sets add optional fields: ``level`` (national|province|city|county|township),
``entity`` (a name, a list of names or a "、"-joined string), ``report_year`` (a year or a list),
``paraphrased`` (bool), ``distractor`` (``{"file", "evidence", "note"?}``: the figure an
unanswerable item tempts one to give) and ``split`` (tune|check, added by the builder). A
conversation item may leave out ``question``: its last turn is the question.

``validate_dataset`` checks the schema and that every evidence string (distractors' too) is a
verbatim substring of its file. ``draft_questions`` (eval/draft.py) proposes candidate rows from the
sentences of a report that carry figures; they are written out for a person to edit and carry a
``needs_review`` field that the validator rejects, so a draft can never enter a dataset without a human edit.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from eval.library import find_source_file
from rag.text.cues import NOT_FOUND

TYPES = ("fact", "list", "comparison", "unanswerable", "disambiguation", "conversation", "target_vs_actual")
TYPE_LABELS = {"fact": "事实", "list": "列举", "comparison": "比较", "unanswerable": "无答案",
               "disambiguation": "指代消歧", "conversation": "多轮对话", "target_vs_actual": "目标与实际"}
LEVELS = ("national", "province", "city", "county", "township")
LEVEL_LABELS = {"national": "国家", "province": "省", "city": "市", "county": "县区", "township": "乡镇街道"}
SPLITS = ("tune", "check")
KEYS = {"id", "type", "question", "turns", "answer", "must_include", "sources",
        "level", "entity", "report_year", "paraphrased", "distractor", "split"}
YEAR_RANGE = (1949, 2100)
REVIEW_KEY = "needs_review"
NOT_FOUND_PREFIX = NOT_FOUND


class DatasetError(ValueError):
    """The dataset cannot be used; ``problems`` lists every problem found (one line each)."""

    def __init__(self, path: str, problems: list[str]):
        super().__init__(f"{path}: {len(problems)} 个问题\n" + "\n".join(problems))
        self.path = path
        self.problems = problems


@dataclass(frozen=True)
class Source:
    file: str
    evidence: str


@dataclass(frozen=True)
class Distractor:
    """What an unanswerable item tempts one to answer with (another year's or place's figure)."""

    file: str
    evidence: str
    note: str = ""


@dataclass(frozen=True)
class EvalItem:
    id: str
    type: str
    question: str
    answer: str
    must_include: tuple[str, ...] = ()
    sources: tuple[Source, ...] = ()
    turns: tuple[str, ...] = ()
    line: int = 0
    level: str | None = None
    entity: str | tuple[str, ...] | None = None
    report_year: int | tuple[int, ...] | None = None
    paraphrased: bool | None = None
    distractor: Distractor | None = None
    split: str | None = None

    @property
    def entities(self) -> tuple[str, ...]:
        """The entity names (a list, or a "、"-joined string, gives several)."""
        if self.entity is None:
            return ()
        if isinstance(self.entity, tuple):
            return self.entity
        return tuple(e.strip() for e in self.entity.split("、") if e.strip())

    @property
    def files(self) -> list[str]:
        """Every report file the item refers to: its sources' and its distractor's."""
        out = [s.file for s in self.sources]
        if self.distractor is not None:
            out.append(self.distractor.file)
        return list(dict.fromkeys(out))

    @property
    def all_turns(self) -> list[str]:
        """The user turns to ask in order (a single question for non-conversation items)."""
        return list(self.turns) if self.turns else [self.question]

    @property
    def expects_refusal(self) -> bool:
        """Unanswerable items, and any item whose gold answer is itself a "not in the reports"."""
        if self.type == "unanswerable":
            return True
        return not self.must_include and self.answer.strip().startswith(NOT_FOUND_PREFIX)

    @property
    def source_pairs(self) -> list[tuple[str, str]]:
        return [(s.file, s.evidence) for s in self.sources]

    def to_dict(self) -> dict:
        d = {"id": self.id, "type": self.type, "question": self.question}
        if self.turns:
            d["turns"] = list(self.turns)
        d.update(answer=self.answer, must_include=list(self.must_include),
                 sources=[{"file": s.file, "evidence": s.evidence} for s in self.sources])
        for key in ("level", "entity", "report_year", "paraphrased", "split"):
            value = getattr(self, key)
            if value is not None:
                d[key] = list(value) if isinstance(value, tuple) else value
        if self.distractor is not None:
            d["distractor"] = {"file": self.distractor.file, "evidence": self.distractor.evidence}
            if self.distractor.note:
                d["distractor"]["note"] = self.distractor.note
        return d


def _is_str_list(value) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def check_row(row, where: str) -> list[str]:
    """Schema problems of one parsed row (empty list = fine)."""
    if not isinstance(row, dict):
        return [f"{where}: 每行必须是一个 JSON 对象"]
    problems = []
    if REVIEW_KEY in row:
        problems.append(f"{where}: 草稿条目（含 {REVIEW_KEY} 字段）——请人工核对问题、答案和证据后删除该字段")
    unknown = sorted(set(row) - KEYS - {REVIEW_KEY})
    if unknown:
        problems.append(f"{where}: 未知字段 {', '.join(unknown)}")
    typ = row.get("type")
    # a conversation's question is its last turn, so it may be left out
    required = ("id", "answer") if typ == "conversation" and "question" not in row else ("id", "question", "answer")
    for key in required:
        if not isinstance(row.get(key), str) or not row.get(key, "").strip():
            problems.append(f"{where}: 缺少或为空的字段 {key}（应为非空字符串）")
    if typ not in TYPES:
        problems.append(f"{where}: type={typ!r} 无效，应为 {'|'.join(TYPES)}")
    if not _is_str_list(row.get("must_include")):
        problems.append(f"{where}: must_include 应为字符串列表")
    elif any(not t.strip() for t in row["must_include"]):
        problems.append(f"{where}: must_include 中有空字符串")
    elif typ == "unanswerable" and row["must_include"]:
        problems.append(f"{where}: unanswerable 条目的 must_include 应为空")
    elif typ == "target_vs_actual" and not row["must_include"]:
        problems.append(f"{where}: target_vs_actual 条目的 must_include 不能为空（目标与实际的数字）")
    sources = row.get("sources")
    if not isinstance(sources, list):
        problems.append(f"{where}: sources 应为列表")
    else:
        for i, s in enumerate(sources):
            if not isinstance(s, dict) or set(s) != {"file", "evidence"} or not all(
                isinstance(s.get(k), str) and s.get(k).strip() for k in ("file", "evidence")
            ):
                problems.append(f"{where}: sources[{i}] 应为 {{\"file\": 非空字符串, \"evidence\": 非空字符串}}")
    turns = row.get("turns")
    if typ == "conversation":
        if not _is_str_list(turns) or len(turns) < 2 or any(not t.strip() for t in turns):
            problems.append(f"{where}: conversation 条目需要 turns（至少两轮非空的用户提问）")
        elif "question" in row and turns[-1] != row.get("question"):
            problems.append(f"{where}: turns 的最后一轮必须与 question 相同")
    elif turns is not None:
        if not _is_str_list(turns) or not turns or turns[-1] != row.get("question"):
            problems.append(f"{where}: turns 必须是字符串列表，且最后一轮与 question 相同")
    problems += _report_field_problems(row, where, typ)
    return problems


def _is_year(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and YEAR_RANGE[0] <= value <= YEAR_RANGE[1]


def _report_field_problems(row: dict, where: str, typ) -> list[str]:
    """The optional fields of report-level sets: each, when present, must be well formed."""
    problems = []
    if "level" in row and row["level"] not in LEVELS:
        problems.append(f"{where}: level={row['level']!r} 无效，应为 {'|'.join(LEVELS)}")
    if "entity" in row:  # "" = a report that does not name its place (anonymised)
        entity = row["entity"]
        if not (isinstance(entity, str) or (_is_str_list(entity) and entity and all(e.strip() for e in entity))):
            problems.append(f"{where}: entity 应为字符串（报告未署名时为空串）或非空字符串列表")
    if "report_year" in row:
        year = row["report_year"]
        if not (_is_year(year) or (isinstance(year, list) and year and all(_is_year(y) for y in year))):
            problems.append(f"{where}: report_year 应为年份整数（{YEAR_RANGE[0]}–{YEAR_RANGE[1]}）或年份整数列表")
    if "paraphrased" in row and not isinstance(row["paraphrased"], bool):
        problems.append(f"{where}: paraphrased 应为 true 或 false")
    if "split" in row and row["split"] not in SPLITS:
        problems.append(f"{where}: split={row['split']!r} 无效，应为 {'|'.join(SPLITS)}")
    if "distractor" in row:
        d = row["distractor"]
        if typ != "unanswerable":
            problems.append(f"{where}: distractor 只用于 unanswerable 条目")
        if not isinstance(d, dict) or not {"file", "evidence"} <= set(d) or set(d) - {"file", "evidence", "note"} or not all(
            isinstance(d.get(k), str) and d.get(k).strip() for k in ("file", "evidence")
        ) or not isinstance(d.get("note", ""), str):
            problems.append(f"{where}: distractor 应为 {{\"file\": 非空字符串, \"evidence\": 非空字符串, \"note\"?: 字符串}}")
    return problems


def _item_from_row(row: dict, line: int) -> EvalItem:
    turns = tuple(row.get("turns") or ())
    entity = row.get("entity")
    year = row.get("report_year")
    d = row.get("distractor")
    return EvalItem(
        id=row["id"], type=row["type"], question=row.get("question") or turns[-1], answer=row["answer"],
        must_include=tuple(row["must_include"]),
        sources=tuple(Source(s["file"], s["evidence"]) for s in row["sources"]),
        turns=turns, line=line, level=row.get("level"),
        entity=tuple(entity) if isinstance(entity, list) else entity,
        report_year=tuple(year) if isinstance(year, list) else year,
        paraphrased=row.get("paraphrased"),
        distractor=Distractor(d["file"], d["evidence"], d.get("note", "")) if d else None,
        split=row.get("split"),
    )


def read_rows(path: str | Path) -> tuple[list[tuple[int, object]], list[str]]:
    """Parsed JSON rows with their line numbers, and JSON syntax problems."""
    path = Path(path)
    rows, problems = [], []
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise DatasetError(str(path), [f"{path}: 文件不存在"]) from None
    except UnicodeDecodeError:
        raise DatasetError(str(path), [f"{path}: 不是 UTF-8 编码"]) from None
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            rows.append((n, json.loads(line)))
        except json.JSONDecodeError as err:
            problems.append(f"第{n}行: JSON 格式错误（{err.msg}，第{err.colno}列）")
    return rows, problems


def schema_problems(path: str | Path) -> tuple[list[EvalItem], list[str]]:
    rows, problems = read_rows(path)
    items: list[EvalItem] = []
    seen: dict[str, int] = {}
    for n, row in rows:
        where = f"第{n}行" + (f"（{row.get('id')}）" if isinstance(row, dict) and row.get("id") else "")
        row_problems = check_row(row, where)
        if isinstance(row, dict) and isinstance(row.get("id"), str):
            if row["id"] in seen:
                row_problems.append(f"{where}: id 与第{seen[row['id']]}行重复")
            else:
                seen[row["id"]] = n
        problems.extend(row_problems)
        if not row_problems:
            items.append(_item_from_row(row, n))
    if not rows and not problems:
        problems.append(f"{path}: 数据集为空")
    return items, problems


def load_dataset(path: str | Path) -> list[EvalItem]:
    """The dataset's items; raises :class:`DatasetError` listing every schema problem."""
    items, problems = schema_problems(path)
    if problems:
        raise DatasetError(str(path), problems)
    return items


def evidence_problems(items: list[EvalItem], docs_dirs: Iterable[Path]) -> list[str]:
    """Every evidence string (a distractor's too) must be a verbatim substring of its file's text."""
    from rag.text.normalize import normalize_text
    from ingest.load import LoadError, load_file

    docs_dirs = list(docs_dirs)
    texts: dict[str, str | None] = {}
    problems = []
    for item in items:
        checked = [(f"sources[{i}]", s) for i, s in enumerate(item.sources)]
        if item.distractor is not None:
            checked.append(("distractor", item.distractor))
        for label, s in checked:
            if s.file not in texts:
                path = find_source_file(s.file, docs_dirs)
                try:
                    texts[s.file] = load_file(path).text if path else None
                except LoadError as err:
                    problems.append(f"{item.id}: 无法读取 {s.file}（{err.reason}）")
                    texts[s.file] = None
                    continue
                if path is None:
                    where = "、".join(str(d) for d in docs_dirs)
                    problems.append(f"{item.id}: 找不到来源文件 {s.file}（在 {where} 中）")
            text = texts[s.file]
            if text is None:
                continue
            if s.evidence not in text:
                hint = "（规范化字符后能找到：请照原文的全角/半角与标点抄写）" if (
                    normalize_text(s.evidence) in normalize_text(text)) else ""
                problems.append(f"{item.id}: {label} 的证据不是 {s.file} 原文的子串：{s.evidence[:40]!r}{hint}")
    return problems


def validate_dataset(path: str | Path, docs_dirs: Iterable[Path]) -> tuple[list[EvalItem], list[str]]:
    items, problems = schema_problems(path)
    problems += evidence_problems(items, docs_dirs)
    return items, problems
