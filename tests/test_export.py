"""Exports read back with real readers: python-docx, openpyxl, csv — every answer, citation and row."""

from __future__ import annotations

import csv
import re

import pytest
from cli_util import run_cli
from lxml import etree

from rag.types import Answer, Citation, ComparisonRow

QUESTIONS = ["杜桥镇2019年的工业产值是多少？", "那社会消费品零售总额呢？", "杜桥镇和道滘镇的社会消费品零售总额各是多少？",
             "火星上有多少个镇？"]
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
FOOTNOTES_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"
MARK = re.compile(r"\[\d+\]")


@pytest.fixture(scope="module")
def answers(service) -> list[Answer]:
    from rag.chat import Conversation

    conv = Conversation()
    for q in QUESTIONS:
        service.ask(q, conv)
    got = [t.answer for t in conv.turns]
    assert any(a.comparison for a in got) and any(a.citations for a in got)
    return got


def _footnotes(doc) -> dict[int, str]:
    part = next(rel.target_part for rel in doc.part.rels.values() if rel.reltype == FOOTNOTES_REL)
    root = etree.fromstring(part.blob)
    return {int(fn.get(f"{W}id")): "".join(t.text or "" for t in fn.iter(f"{W}t"))
            for fn in root.iter(f"{W}footnote") if int(fn.get(f"{W}id")) > 0}


def _body_text(doc) -> str:
    parts = [p.text for p in doc.paragraphs]
    parts += [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    return "\n".join(parts)


# ---------------------------------------------------------------------------- Word
def test_docx_holds_every_answer_and_every_citation_as_a_footnote(answers, tmp_path):
    from docx import Document

    from ui.export import write_docx

    path = write_docx(answers, tmp_path / "对话.docx")
    doc = Document(str(path))
    body = _body_text(doc)
    notes = _footnotes(doc)
    for a in answers:
        assert a.question in body
        for line in a.answer.split("\n"):
            assert MARK.sub("", line).strip() in body
        for c in a.citations:  # report, section and quote in one footnote
            assert any(c.quote in text and c.section in text and c.file in text and f"{c.year}年报告" in text
                       for text in notes.values()), c
    assert "[1]" not in body  # marks became footnote references
    xml = doc.element.xml
    refs = [int(x) for x in re.findall(r'<w:footnoteReference w:id="(\d+)"', xml)]
    assert sorted(refs) == sorted(notes) == list(range(1, len(notes) + 1))
    assert len(notes) == sum(len(a.citations) for a in answers)
    # a citation used again (the comparison table repeats the answer's sources) points at its footnote
    bookmarks = set(re.findall(r'<w:bookmarkStart w:id="\d+" w:name="([^"]+)"', xml))
    noterefs = re.findall(r'w:instr=" NOTEREF (\S+) ', xml)
    assert noterefs and set(noterefs) <= bookmarks


def test_docx_comparison_table_has_every_row(answers, tmp_path):
    from docx import Document

    from ui.export import write_docx

    doc = Document(str(write_docx(answers, tmp_path / "c.docx")))
    compared = [a for a in answers if a.comparison]
    assert len(doc.tables) == len(compared)
    for table, a in zip(doc.tables, compared):
        rows = [[cell.text for cell in row.cells] for row in table.rows]
        assert rows[0] == ["对象", "报告中的说法"]
        assert rows[1:] == [[r.side, MARK.sub("", r.answer)] for r in a.comparison]


# ---------------------------------------------------------------------------- Excel / CSV / Markdown
def test_xlsx_holds_every_answer_row_and_every_citation(answers, tmp_path):
    from openpyxl import load_workbook

    from ui.export import (
        ANSWER_HEADERS,
        CITATION_HEADERS,
        answer_rows,
        export_conversation,
    )

    wb = load_workbook(export_conversation(answers, "xlsx", tmp_path / "t.xlsx"))
    assert wb.sheetnames == ["回答", "来源"]
    rows = list(wb["回答"].iter_rows(values_only=True))
    assert list(rows[0]) == ANSWER_HEADERS
    expected = answer_rows(answers)
    assert [[v if v is not None else "" for v in r] for r in rows[1:]] == expected
    for a in answers:
        for r in a.comparison:  # every row of every comparison table
            assert any(row[1] == a.question and row[2] == r.side and row[3] == r.answer for row in rows[1:])
    cites = list(wb["来源"].iter_rows(values_only=True))
    assert list(cites[0]) == CITATION_HEADERS
    assert len(cites) - 1 == sum(len(a.citations) for a in answers)
    quotes = {row[8] for row in cites[1:]}
    assert all(c.quote in quotes for a in answers for c in a.citations)


def test_csv_holds_every_answer_row(answers, tmp_path):
    from ui.export import ANSWER_HEADERS, answer_rows, export_conversation

    path = export_conversation(answers, "csv", tmp_path / "t.csv")
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ANSWER_HEADERS
    assert rows[1:] == [[str(v) for v in r] for r in answer_rows(answers)]


def test_markdown_holds_answers_tables_and_sources(answers, tmp_path):
    from ui.export import export_conversation

    md = export_conversation(answers, "md", tmp_path / "t.md").read_text(encoding="utf-8")
    for i, a in enumerate(answers, 1):
        assert f"## {i}. {a.question}" in md
        for line in a.answer.split("\n"):
            assert line in md
        for r in a.comparison:
            assert f"| {r.side} | {r.answer} |" in md
        for c in a.citations:
            assert c.quote in md and c.section in md


def test_report_text_stays_data_in_every_format(tmp_path):
    """A formula-like quote stays text in Excel/CSV; a Markdown image in a report is not live."""
    from docx import Document
    from openpyxl import load_workbook

    from ui.export import export_conversation

    quote = '=HYPERLINK("http://example.invalid","点我")'
    c = Citation(n=1, doc_id="d", file="青山镇.txt", title="青山镇政府工作报告", town="青山镇", year=2024,
                 section="一、回顾", text=f"前文。{quote}后文", start=0, end=40, quote=quote)
    a = Answer(question="=1+1\x00\x07", answer="![x](http://example.invalid/a.png)<script>x</script>数据[1]", refused=False,
               citations=[c], backend="extractive", comparison=[ComparisonRow("青山镇", "-5%[1]", [1])])
    ws = load_workbook(export_conversation([a], "xlsx", tmp_path / "x.xlsx"))["来源"]
    cell = ws.cell(row=2, column=9)
    assert cell.value == quote and cell.data_type == "s"
    with export_conversation([a], "csv", tmp_path / "x.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[1][1] == "'=1+1\x00\x07" and rows[1][3] == "'-5%[1]"
    md = export_conversation([a], "md", tmp_path / "x.md").read_text(encoding="utf-8")
    assert "![x](" not in md and not re.search(r"(?<!\\)<", md) and "数据[1]" in md  # escaped: shown as text
    doc = Document(str(export_conversation([a], "docx", tmp_path / "x.docx")))
    assert any(quote in text for text in _footnotes(doc).values())
    assert doc.paragraphs[2].text == "1. =1+1"  # characters XML cannot hold are dropped, not a crash


def test_unknown_format_is_refused(answers, tmp_path):
    from ui.export import export_conversation

    with pytest.raises(ValueError, match="md, docx, csv, xlsx"):
        export_conversation(answers, "pdf", tmp_path / "x.pdf")


# ---------------------------------------------------------------------------- CLI and UI
def test_cli_export_asks_the_questions_as_one_conversation(monkeypatch, capsys, seeded_settings, tmp_path):
    from docx import Document

    out = tmp_path / "简报" / "对话.docx"
    code, stdout, err = run_cli(monkeypatch, capsys, seeded_settings, "export", "--format", "docx", "--out", str(out),
                                QUESTIONS[0], QUESTIONS[1])
    assert code == 0, err
    assert "已导出 2 轮问答" in stdout
    doc = Document(str(out))
    body = _body_text(doc)
    assert QUESTIONS[1] in body and "297.6亿元" in body and _footnotes(doc)
    md = tmp_path / "对话.md"
    code, _, _ = run_cli(monkeypatch, capsys, seeded_settings, "export", "--out", str(md), QUESTIONS[0])
    assert code == 0 and re.search(r"297\.6亿元[^\n]*\[1\]", md.read_text(encoding="utf-8"))  # format from the suffix
    code, _, err = run_cli(monkeypatch, capsys, seeded_settings, "export", "--out", str(tmp_path / "x.pdf"), "问题")
    assert code == 2 and "导出格式" in err


def test_ui_download_button_gets_the_current_conversation(service, seeded_settings, answers):
    from openpyxl import load_workbook

    from rag.chat import Conversation, Turn
    from ui.handlers import Handlers

    empty = Handlers.export_file(None, "docx")
    assert empty["value"] is None and empty["interactive"] is False
    conv = Conversation([Turn(a.question, None, a) for a in answers])
    update = Handlers(service, seeded_settings).export_file(conv, "xlsx")
    assert update["interactive"] is True and update["value"].endswith(".xlsx")
    rows = list(load_workbook(update["value"])["回答"].iter_rows(values_only=True))
    assert {r[1] for r in rows[1:]} == set(QUESTIONS)
