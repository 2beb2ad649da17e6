"""Take answers out: a conversation as Markdown or Word, its answer and comparison tables as CSV or Excel.

* Markdown: each turn's question, cited answer, comparison table and a 来源 list (report, section,
  quote) — the same text the OpenAI-compatible endpoint returns.
* Word (.docx, python-docx): every ``[n]`` becomes a real Word footnote holding the report, its
  issuer and year, the section and the quoted sentence; a citation used twice in a turn (in the
  answer and again in its comparison table) points at the same footnote with a NOTEREF field.
* CSV / Excel (.xlsx, openpyxl): one row per answer, or per side of a comparison, with its citations;
  the workbook adds a 来源 sheet with one row per citation. :func:`write_table_csv` and
  :func:`write_tables_xlsx` take any table (headers + rows), e.g. an indicator table.

Report text is data here too: Markdown-active characters are escaped, and spreadsheet cells that
begin like a formula (``= + - @``) stay text.
"""

from __future__ import annotations

import csv
import re
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from rag.types import Answer, Citation
from ui.cited_text import (
    answer_markdown,
    citation_entity,
    citation_line,
    citation_quote,
    citation_source,
    md_escape,
    md_escape_keep_marks,
    sources_markdown,
)

FORMATS = ("md", "docx", "csv", "xlsx")
TITLE = "政报问答 · 对话记录"
_MARK = re.compile(r"\[(\d{1,3})\]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")  # not allowed in XML 1.0


def _xml_text(text: str) -> str:
    return _NOT_XML.sub("", text or "")

ANSWER_HEADERS = ["轮次", "问题", "对象", "回答", "引用", "来源", "引用原文"]
CITATION_HEADERS = ["轮次", "问题", "编号", "发布单位", "报告年份", "标题", "文件", "章节", "引用原文", "doc_id",
                    "引用起", "引用止"]


def export_filename(fmt: str, when: float | None = None) -> str:
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(when or time.time()))
    return f"政报问答-对话-{stamp}.{fmt}"


def _by_n(answer: Answer) -> dict[int, Citation]:
    return {c.n: c for c in answer.citations}


# ---------------------------------------------------------------------------- tables
def answer_rows(answers: Sequence[Answer]) -> list[list[Any]]:
    """One row per answer, or one per side of a comparison, with the citations it uses."""
    rows: list[list[Any]] = []
    for turn, answer in enumerate(answers, 1):
        cites = _by_n(answer)
        parts = ([(r.side, r.answer, list(r.citations) or [int(n) for n in _MARK.findall(r.answer)])
                  for r in answer.comparison]
                 or [("", answer.answer, sorted({int(n) for n in _MARK.findall(answer.answer)}))])
        for side, text, ns in parts:
            used = [cites[n] for n in ns if n in cites]
            rows.append([turn, answer.question, side, text, " ".join(f"[{c.n}]" for c in used),
                         "\n".join(f"[{c.n}] {citation_line(c)}" for c in used),
                         "\n".join(f"[{c.n}] “{citation_quote(c)}”" for c in used)])
    return rows


def citation_rows(answers: Sequence[Answer]) -> list[list[Any]]:
    return [[turn, a.question, c.n, citation_entity(c), c.year or "", c.title, c.file, c.section, citation_quote(c),
             c.doc_id, c.span_start or c.start, c.span_end or c.end]
            for turn, a in enumerate(answers, 1) for c in a.citations]


def _csv_safe(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value  # would run as a formula in a spreadsheet
    return value


def write_table_csv(headers: Sequence[str], rows: Iterable[Sequence[Any]], path: str | Path) -> Path:
    """UTF-8 with BOM (Excel opens the Chinese correctly), cells that look like formulas quoted."""
    path = Path(path)
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(headers)
        for row in rows:
            writer.writerow([_csv_safe(v) for v in row])
    return path


def write_tables_xlsx(sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence[Any]]]], path: str | Path) -> Path:
    """One worksheet per (name, headers, rows): bold frozen header, wrapped text, every string kept as text."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.remove(wb.active)
    for name, headers, rows in sheets:
        ws = wb.create_sheet(title=name[:31])
        ws.append(list(headers))
        for cell in ws[1]:
            cell.font = Font(bold=True)
        widths = [max(6, len(str(h)) * 2) for h in headers]
        for r, row in enumerate(rows, start=2):
            for c, value in enumerate(row, start=1):
                if isinstance(value, str):
                    value = ILLEGAL_CHARACTERS_RE.sub("", value)
                cell = ws.cell(row=r, column=c, value=value)
                if isinstance(value, str):
                    cell.data_type = "s"  # never a formula, whatever the text starts with
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
                    widths[c - 1] = min(60, max(widths[c - 1], max(len(line) for line in value.split("\n") or [""]) * 2))
        for i, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = width
        ws.freeze_panes = "A2"
    wb.properties.title = TITLE
    wb.properties.creator = "政报问答 govqa"
    wb.save(path)
    return Path(path)


# ---------------------------------------------------------------------------- Markdown
def _md_cell(text: str) -> str:
    return md_escape_keep_marks(text).replace("|", "\\|").replace("\n", " ")


def conversation_markdown(answers: Sequence[Answer], *, title: str = TITLE, when: float | None = None) -> str:
    stamp = time.strftime("%Y-%m-%d %H:%M", time.localtime(when or time.time()))
    out = [f"# {title}", "",
           f"导出时间：{stamp}；共 {len(answers)} 轮。每轮回答中的 [n] 对应该轮“来源”中的同号条目（报告、章节、原文）。"]
    for turn, answer in enumerate(answers, 1):
        out += ["", f"## {turn}. {md_escape(answer.question)}", "", answer_markdown(answer, sources=False)]
        if answer.comparison:
            out += ["", "| 对象 | 报告中的说法 |", "| --- | --- |"]
            out += [f"| {_md_cell(r.side)} | {_md_cell(r.answer)} |" for r in answer.comparison]
        if answer.citations:
            out += ["", sources_markdown(answer.citations, title="**来源**")]
    return "\n".join(out) + "\n"


def write_markdown(answers: Sequence[Answer], path: str | Path, **kw) -> Path:
    path = Path(path)
    path.write_text(conversation_markdown(answers, **kw), encoding="utf-8")
    return path


# ---------------------------------------------------------------------------- Word
_FOOTNOTES_XML = (
    '<w:footnotes xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<w:footnote w:type="separator" w:id="-1"><w:p><w:pPr><w:spacing w:after="0" w:line="240" '
    'w:lineRule="auto"/></w:pPr><w:r><w:separator/></w:r></w:p></w:footnote>'
    '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr><w:spacing w:after="0" w:line="240" '
    'w:lineRule="auto"/></w:pPr><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>'
    "</w:footnotes>"
)
# settings.xml children that come after w:footnotePr in the schema's order
_AFTER_FOOTNOTE_PR = ("endnotePr", "compat", "docVars", "rsids", "mathPr", "attachedSchema", "themeFontLang",
                      "clrSchemeMapping", "doNotIncludeSubdocsInStats", "doNotAutoCompressPictures", "forceUpgrade",
                      "captions", "readModeInkLockDown", "smartTagType", "schemaLibrary", "shapeDefaults",
                      "doNotEmbedSmartTags", "decimalSymbol", "listSeparator")


def _run(text: str = "", *, bold: bool = False, superscript: bool = False, size_half_pt: int | None = None):
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    r = OxmlElement("w:r")
    if bold or superscript or size_half_pt:
        rpr = OxmlElement("w:rPr")
        if bold:
            rpr.append(OxmlElement("w:b"))
        if superscript:
            va = OxmlElement("w:vertAlign")
            va.set(qn("w:val"), "superscript")
            rpr.append(va)
        if size_half_pt:
            for tag in ("w:sz", "w:szCs"):
                sz = OxmlElement(tag)
                sz.set(qn("w:val"), str(size_half_pt))
                rpr.append(sz)
        r.append(rpr)
    if text:
        t = OxmlElement("w:t")
        t.set(qn("xml:space"), "preserve")
        t.text = _xml_text(text)
        r.append(t)
    return r


class _Footnotes:
    """A footnotes part for a python-docx document (python-docx reads them but cannot write them)."""

    def __init__(self, document):
        from docx.opc.constants import CONTENT_TYPE as CT
        from docx.opc.constants import RELATIONSHIP_TYPE as RT
        from docx.opc.packuri import PackURI
        from docx.opc.part import XmlPart
        from docx.oxml import OxmlElement, parse_xml
        from docx.oxml.ns import qn

        self.part = XmlPart(PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, parse_xml(_FOOTNOTES_XML),
                            document.part.package)
        document.part.relate_to(self.part, RT.FOOTNOTES)
        settings = document.settings.element
        if settings.find(qn("w:footnotePr")) is None:  # the separators, as Word writes them
            pr = OxmlElement("w:footnotePr")
            for fid in ("-1", "0"):
                ref = OxmlElement("w:footnote")
                ref.set(qn("w:id"), fid)
                pr.append(ref)
            after = next((child for child in settings if child.tag.split("}")[-1] in _AFTER_FOOTNOTE_PR), None)
            if after is not None:
                after.addprevious(pr)
            else:
                settings.append(pr)
        self.next_id = 1

    def add(self, parts: list[tuple[str, bool]]) -> int:
        """A footnote made of (text, bold) runs; returns its id (= its number, added in order)."""
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        fid = self.next_id
        self.next_id += 1
        note = OxmlElement("w:footnote")
        note.set(qn("w:id"), str(fid))
        p = OxmlElement("w:p")
        ref = _run(superscript=True, size_half_pt=18)
        ref.append(OxmlElement("w:footnoteRef"))
        p.append(ref)
        p.append(_run(" ", size_half_pt=18))
        for text, bold in parts:
            p.append(_run(text, bold=bold, size_half_pt=18))
        note.append(p)
        self.part.element.append(note)
        return fid


def _footnote_parts(c: Citation) -> list[tuple[str, bool]]:
    parts = [(citation_source(c), True)]
    if c.section:
        parts.append((f"；章节：{c.section}", False))
    parts.append((f"；文件：{c.file}", False))
    parts.append((f"；原文：“{citation_quote(c)}”", False))
    return parts


class _CitedWriter:
    """Writes text with [n] marks into paragraphs, turning each mark into a footnote reference."""

    def __init__(self, footnotes: _Footnotes):
        self.footnotes = footnotes
        self.placed: dict[tuple[int, int], tuple[int, str]] = {}  # (turn, n) -> (footnote id, bookmark)
        self._bookmark_id = 0

    def write(self, paragraph, text: str, turn: int, cites: dict[int, Citation]) -> None:
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        pieces = _MARK.split(text)
        for i, piece in enumerate(pieces):
            if i % 2 == 0:
                if piece:
                    paragraph.add_run(_xml_text(piece))
                continue
            n = int(piece)
            c = cites.get(n)
            if c is None:  # a mark with no citation (not produced by the validator): keep it as text
                paragraph.add_run(f"[{n}]")
                continue
            key = (turn, n)
            if key not in self.placed:
                fid = self.footnotes.add(_footnote_parts(c))
                self._bookmark_id += 1
                name = f"_RefGovqa{turn}_{n}"
                start = OxmlElement("w:bookmarkStart")
                start.set(qn("w:id"), str(self._bookmark_id))
                start.set(qn("w:name"), name)
                end = OxmlElement("w:bookmarkEnd")
                end.set(qn("w:id"), str(self._bookmark_id))
                ref = _run(superscript=True)
                fref = OxmlElement("w:footnoteReference")
                fref.set(qn("w:id"), str(fid))
                ref.append(fref)
                paragraph._p.append(start)
                paragraph._p.append(ref)
                paragraph._p.append(end)
                self.placed[key] = (fid, name)
            else:  # the same source again: a cross-reference to its footnote number
                fid, name = self.placed[key]
                field = OxmlElement("w:fldSimple")
                field.set(qn("w:instr"), f" NOTEREF {name} \\f \\h ")
                field.append(_run(str(fid), superscript=True))
                paragraph._p.append(field)


def write_docx(answers: Sequence[Answer], path: str | Path, *, title: str = TITLE, when: float | None = None) -> Path:
    from docx import Document
    from docx.oxml.ns import qn
    from docx.shared import Pt

    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.size = Pt(11)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "宋体")
    doc.core_properties.title = title
    doc.core_properties.author = "政报问答 govqa"
    footnotes = _Footnotes(doc)
    writer = _CitedWriter(footnotes)

    doc.add_heading(title, level=0)
    stamp = time.strftime("%Y-%m-%d %H:%M", time.localtime(when or time.time()))
    doc.add_paragraph(f"导出时间：{stamp}；共 {len(answers)} 轮。回答中的每个引用见页下脚注：报告（发布单位、年份、标题）、章节与原文。")
    for turn, answer in enumerate(answers, 1):
        doc.add_heading(_xml_text(f"{turn}. {answer.question}"), level=2)
        cites = _by_n(answer)
        for line in answer.answer.split("\n"):
            if line.strip():
                writer.write(doc.add_paragraph(), line, turn, cites)
        if answer.comparison:
            table = doc.add_table(rows=1, cols=2)
            table.style = "Table Grid"
            for cell, label in zip(table.rows[0].cells, ("对象", "报告中的说法")):
                cell.paragraphs[0].add_run(label).bold = True
            for row in answer.comparison:
                cells = table.add_row().cells
                cells[0].text = _xml_text(row.side)
                writer.write(cells[1].paragraphs[0], row.answer, turn, cites)
        for note in answer.notices:
            doc.add_paragraph().add_run(_xml_text(f"提示：{note}")).italic = True
        unused = [c for c in answer.citations if (turn, c.n) not in writer.placed]
        if unused:  # cited by the answer's data but not marked in its text: still listed, as footnotes
            p = doc.add_paragraph("另见：")
            writer.write(p, "".join(f"[{c.n}]" for c in unused), turn, cites)
    path = Path(path)
    doc.save(str(path))
    return path


# ---------------------------------------------------------------------------- one entry point
def export_conversation(answers: Sequence[Answer], fmt: str, path: str | Path) -> Path:
    """Write ``answers`` (a conversation's turns, in order) as md | docx | csv | xlsx."""
    fmt = fmt.lower().lstrip(".")
    if fmt == "md":
        return write_markdown(answers, path)
    if fmt == "docx":
        return write_docx(answers, path)
    if fmt == "csv":
        return write_table_csv(ANSWER_HEADERS, answer_rows(answers), path)
    if fmt == "xlsx":
        return write_tables_xlsx([("回答", ANSWER_HEADERS, answer_rows(answers)),
                                  ("来源", CITATION_HEADERS, citation_rows(answers))], path)
    raise ValueError(f"unknown export format {fmt!r}: choose one of {', '.join(FORMATS)}")
