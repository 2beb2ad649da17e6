"""The ingest behaviours (issue 2) through `govqa` (cli.main) and the pipeline on real files:
docs/stats on the seeded index, idempotent re-ingest, a changed file replacing its old version,
HTML and PDF reports written by the test, and `govqa rm`.
"""

from __future__ import annotations

import io
import json
import re

import pytest

from tests.cli_util import run_cli
from tests.conftest import SEEDS

REPORT_V1 = """桐溪镇2024年政府工作报告
——在桐溪镇第十八届人民代表大会第四次会议上
一、2023年工作回顾
2023年，全镇实现地区生产总值36.4亿元，同比增长7.1%。新建农村公路14.2公里，完成危房改造52户。
全年引进亿元以上项目6个，茶园面积达到2800亩。
二、2024年工作安排
2024年，力争地区生产总值增长6.5%，新建污水管网7公里，建成村级养老服务站3个。
"""
REPORT_V2 = REPORT_V1.replace("建成村级养老服务站3个。", "建成村级养老服务站5个，新增公共停车位420个。")


def _seed_files() -> list[str]:
    return sorted(p.name for p in SEEDS.iterdir() if p.is_file())


# --- on the shared seeded index (read-only use) -----------------------------------------------

def test_docs_shows_town_year_and_period_for_the_seeds(seeded_settings, monkeypatch, capsys):
    code, out, err = run_cli(monkeypatch, capsys, seeded_settings, "docs")
    assert code == 0, err
    blocks = re.split(r"\n(?=[0-9a-f]{16}  )", out.strip())
    assert len(blocks) == len(_seed_files())
    by_file = {}
    for block in blocks:
        head = block.splitlines()[0]
        doc_id, file = head.split(None, 1)
        by_file[file.strip()] = block
        assert "标题：" in block
        m = re.search(r"地区/单位：(\S+)（(\S+)）\s+上级：(.+?)\s+年份：(\d{4})\s+时期：回顾(\d{4})，计划(\d{4})", block)
        assert m, block
        assert m.group(2) == "乡镇街道"
        year, reviewed, planned = int(m.group(4)), int(m.group(5)), int(m.group(6))
        assert planned == year and reviewed == year - 1
        assert re.search(r"分块：\d+", block)
    assert sorted(by_file) == _seed_files()
    towns = re.findall(r"地区/单位：(\S+?)（", out)
    for town in ("道滘镇", "大关镇", "杜桥镇"):
        assert town in towns
    assert "年份：2023" in by_file["001_10a2659bde270cd6.txt"]
    assert "年份：2020" in by_file["004_11da55a498f1e884.txt"]
    # --json: one object per report with the same fields
    code, out, _ = run_cli(monkeypatch, capsys, seeded_settings, "docs", "--json")
    rows = [json.loads(line) for line in out.splitlines()]
    assert sorted(r["file"] for r in rows) == _seed_files()
    for r in rows:
        assert r["year"] and r["period"].startswith("回顾")
        assert "sections" not in r
        # report identity fields (every level), beside the older ones
        assert r["level"] == "township" and r["report_year"] == r["year"]
        assert r["period_reviewed"] == r["report_year"] - 1 and r["period_planned"] == r["report_year"]
        assert isinstance(r["parent"], list) and "entity" in r
    named = {r["file"]: r for r in rows}
    assert named["004_11da55a498f1e884.txt"]["entity"] == "杜桥镇"
    assert named["004_11da55a498f1e884.txt"]["parent"] == ["浙江省", "台州市", "临海市"]


def test_stats_prints_counts(seeded_settings, monkeypatch, capsys):
    from rag.store import ReportStore

    store = ReportStore(seeded_settings)
    code, out, _ = run_cli(monkeypatch, capsys, seeded_settings, "stats")
    assert code == 0
    m = re.search(r"报告：(\d+)\s+分块：(\d+)\s+字符：(\d+)", out)
    assert m, out
    assert int(m.group(1)) == len(_seed_files())
    assert int(m.group(2)) == store.chunks.count() == sum(store.chunk_doc_counts().values())
    assert int(m.group(3)) == sum(len(store.get_doc_text(d.doc_id)) for d in store.list_docs())
    assert "道滘镇" in out and "未署名报告：" in out


def test_reingest_of_the_seeds_is_a_no_op(seeded_settings, monkeypatch, capsys):
    from rag.store import ReportStore

    store = ReportStore(seeded_settings)
    version, chunks = store.version(), store.chunks.count()
    code, out, err = run_cli(monkeypatch, capsys, seeded_settings, "ingest", str(SEEDS))
    assert code == 0, out + err
    lines = out.strip().splitlines()
    file_lines = lines[:-1]
    assert sorted(ln.split(":")[0] for ln in file_lines) == _seed_files()
    assert all("未变化，跳过" in ln for ln in file_lines), out
    assert "新导入/更新 0" in lines[-1] and f"未变化/重复 {len(_seed_files())}" in lines[-1]
    assert store.version() == version and store.chunks.count() == chunks


# --- on a fresh data dir per test ---------------------------------------------------------------

def _store(settings):
    from rag.store import ReportStore

    return ReportStore(settings)


def _search_texts(settings, question: str, k: int = 5) -> list[str]:
    from rag.embed import GovEmbedding
    from rag.retrieve import retrieve

    store = _store(settings)
    res = retrieve(question, store=store, embedder=GovEmbedding.from_settings(settings), k=k,
                   config=settings.retrieval)
    return [p.text for p in res.passages]


def test_changed_file_replaces_its_old_version(fresh_settings, tmp_path, monkeypatch, capsys):
    path = tmp_path / "桐溪镇报告.txt"
    path.write_text(REPORT_V1, encoding="utf-8")
    code, out, _ = run_cli(monkeypatch, capsys, fresh_settings, "ingest", str(path))
    assert code == 0 and "已导入" in out, out
    store = _store(fresh_settings)
    (old,) = store.list_docs()
    path.write_text(REPORT_V2, encoding="utf-8")
    code, out, _ = run_cli(monkeypatch, capsys, fresh_settings, "ingest", str(path))
    assert code == 0 and "已更新" in out.splitlines()[0], out
    docs = store.list_docs()
    assert len(docs) == 1 and docs[0].doc_id != old.doc_id and docs[0].file == path.name
    assert store.get_doc(old.doc_id) is None and store.get_doc_text(old.doc_id) is None
    counts = store.chunk_doc_counts()
    assert old.doc_id not in counts
    assert counts[docs[0].doc_id] == store.get_doc(docs[0].doc_id).n_chunks
    assert store.check() == []
    texts = _search_texts(fresh_settings, "桐溪镇新增公共停车位多少个？")
    assert any("420" in t for t in texts)
    assert not any("建成村级养老服务站3个" in t for t in texts)
    code, out, _ = run_cli(monkeypatch, capsys, fresh_settings, "stats")
    assert re.search(r"报告：1\s+分块：%d" % counts[docs[0].doc_id], out), out


def _pdf_bytes(lines: list[str]) -> bytes:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    y = 800
    for line in lines:
        if y < 60:
            c.showPage()
            y = 800
        c.setFont("STSong-Light", 11)
        # long lines wrap like a real PDF layout: the loader must glue them back
        while line:
            c.drawString(40, y, line[:38])
            line = line[38:]
            y -= 18
    c.showPage()
    c.save()
    return buf.getvalue()


HTML_PAGE = """<!DOCTYPE html><html><head><meta charset="gbk"><title>云岭镇2024年政府工作报告</title>
<script>var _hmt = []; document.write('统计');</script><style>.nav{color:red}</style></head>
<body><div class="nav"><a href="/">首页</a> &gt; <a href="/zwgk">政务公开</a> &gt; 规划计划</div>
<div class="info">发布日期：2024-01-15　来源：云岭镇人民政府　浏览次数：312</div>
<article><h1>云岭镇2024年政府工作报告</h1><p>——在云岭镇第十届人民代表大会第三次会议上</p>
<h2>一、2023年工作回顾</h2>
<p>2023年，全镇完成固定资产投资18.6亿元，同比增长9.3%。新建高标准农田4500亩，新增就业岗位860个。</p>
<p>全年接待游客126万人次，实现旅游收入5.2亿元。</p>
<h2>二、2024年工作安排</h2>
<p>2024年，计划新建高标准农田3000亩，改造老旧小区4个，新增就业岗位1000个以上。</p></article>
<div class="footer">版权所有：云岭镇人民政府 ICP备05012345号 网站标识码：1234567890</div></body></html>"""

PDF_LINES = [
    "白沙镇2024年政府工作报告",
    "——在白沙镇第十七届人民代表大会第五次会议上",
    "一、2023年工作回顾",
    "2023年，全镇实现规模以上工业总产值72.8亿元，同比增长11.4%，新增规上企业9家，完成技改投资3.6亿元。",
    "全年新建农村供水管网26公里，完成河道清淤18条。",
    "二、2024年工作安排",
    "2024年，力争规模以上工业总产值突破80亿元，新建标准厂房12万平方米。",
]


def test_html_and_pdf_reports_are_ingested_and_searchable(fresh_settings, tmp_path, monkeypatch, capsys):
    from rag.chat import QAService

    html = tmp_path / "云岭镇 报告.html"
    html.write_bytes(HTML_PAGE.encode("gbk"))
    pdf = tmp_path / "白沙镇报告.pdf"
    pdf.write_bytes(_pdf_bytes(PDF_LINES))
    code, out, err = run_cli(monkeypatch, capsys, fresh_settings, "ingest", str(html), str(pdf))
    assert code == 0, out + err
    lines = out.strip().splitlines()
    assert lines[0].startswith("云岭镇 报告.html: 已导入") and "云岭镇" in lines[0] and "2024" in lines[0], out
    assert lines[1].startswith("白沙镇报告.pdf: 已导入") and "白沙镇" in lines[1] and "2024" in lines[1], out
    store = _store(fresh_settings)
    by_file = {m.file: m for m in store.list_docs()}
    html_text = store.get_doc_text(by_file[html.name].doc_id)
    assert "全镇完成固定资产投资18.6亿元" in html_text
    assert "document.write" not in html_text and "ICP备" not in html_text and "浏览次数" not in html_text
    pdf_text = store.get_doc_text(by_file[pdf.name].doc_id)
    # the line breaks of the PDF layout are glued back: the sentence and its numbers are whole
    assert "全镇实现规模以上工业总产值72.8亿元，同比增长11.4%，新增规上企业9家，完成技改投资3.6亿元。" in pdf_text
    assert store.get_doc(by_file[pdf.name].doc_id).fmt == "pdf"
    assert store.get_doc(by_file[html.name].doc_id).fmt == "html"
    code, out, _ = run_cli(monkeypatch, capsys, fresh_settings, "docs")
    assert "云岭镇" in out and "白沙镇" in out and "时期：回顾2023，计划2024" in out

    assert any("126万人次" in t for t in _search_texts(fresh_settings, "云岭镇2023年接待游客多少万人次？"))
    assert any("26公里" in t for t in _search_texts(fresh_settings, "白沙镇新建农村供水管网多少公里"))
    service = QAService(fresh_settings)
    a = service.ask("云岭镇全年接待游客多少万人次？")
    assert "126万" in a.answer and a.citations[0].file == html.name, a.answer
    b = service.ask("白沙镇新建农村供水管网多少公里？")
    assert "26公里" in b.answer and b.citations[0].file == pdf.name, b.answer
    for ans in (a, b):
        for c in ans.citations:
            assert store.get_doc_text(c.doc_id)[c.start:c.end] == c.text


def test_rm_removes_a_report(fresh_settings, tmp_path, monkeypatch, capsys):
    path = tmp_path / "桐溪镇报告.txt"
    path.write_text(REPORT_V1, encoding="utf-8")
    run_cli(monkeypatch, capsys, fresh_settings, "ingest", str(path), str(SEEDS / "002_716500822ba63ab8.txt"))
    store = _store(fresh_settings)
    target = next(m for m in store.list_docs() if m.file == path.name)
    assert any("14.2公里" in t for t in _search_texts(fresh_settings, "桐溪镇新建农村公路多少公里"))

    code, out, _ = run_cli(monkeypatch, capsys, fresh_settings, "rm", target.doc_id[:8])
    assert code == 0 and f"已删除 {path.name}" in out, out
    assert [m.file for m in store.list_docs()] == ["002_716500822ba63ab8.txt"]
    assert target.doc_id not in store.chunk_doc_counts()
    assert store.check() == []
    assert not any("14.2公里" in t for t in _search_texts(fresh_settings, "桐溪镇新建农村公路多少公里"))
    code, out, _ = run_cli(monkeypatch, capsys, fresh_settings, "rm", "no-such-report")
    assert code == 1 and "找不到" in out
    code, out, _ = run_cli(monkeypatch, capsys, fresh_settings, "stats")
    assert re.search(r"报告：1\s", out), out
    # re-ingesting the removed file brings it back
    code, out, _ = run_cli(monkeypatch, capsys, fresh_settings, "ingest", str(path))
    assert "已导入" in out
    assert {m.file for m in store.list_docs()} == {path.name, "002_716500822ba63ab8.txt"}


def test_docs_on_an_empty_data_dir(fresh_settings, monkeypatch, capsys):
    code, out, _ = run_cli(monkeypatch, capsys, fresh_settings, "docs")
    assert code == 0 and "还没有导入任何报告" in out
    code, out, _ = run_cli(monkeypatch, capsys, fresh_settings, "stats")
    assert code == 0 and re.search(r"报告：0\s+分块：0", out)


@pytest.mark.parametrize("args", [["ingest"], ["rm"], ["nonsense-command"]])
def test_cli_usage_errors_are_messages(fresh_settings, monkeypatch, capsys, args):
    with pytest.raises(SystemExit) as exc:
        run_cli(monkeypatch, capsys, fresh_settings, *args)
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "usage" in err and "Traceback" not in err
