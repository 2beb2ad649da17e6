"""The "指标" tab in a real Chromium: it loads, filters, a value opens its statement, the chart renders,
and the CSV and Excel downloads hold the filtered rows (read back with csv and openpyxl).

`python app.py` serves a library of four provincial 2026 reports and 深圳's 2019–2021 reports
(embeddings from the shared cache: GOVQA_EMBED_CACHE, else the test cache).
"""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT, make_settings
from test_ui_browser import PageRecorder, _free_port, _wait_http, browser, open_tab, pick, report  # noqa: F401

pytestmark = [pytest.mark.slow, pytest.mark.browser]

CORPUS = ROOT.parent / "shared" / "corpus"
FILES = [CORPUS / "provinces_2026" / f"2026_{p}_政府工作报告.txt" for p in ("广东省", "江苏省", "浙江省", "西藏自治区")] + \
    [CORPUS / "city" / f"深圳市政府工作报告_{y}年.txt" for y in (2019, 2020, 2021)]
WAIT_MS = 60_000


@pytest.fixture(scope="module")
def ind_server(tmp_path_factory, embed_cache_dir, pytestconfig):
    from ingest.pipeline import ingest_paths
    from rag.embed import GovEmbedding
    from rag.store import ReportStore

    if not all(f.is_file() for f in FILES):
        pytest.skip(f"corpus not found under {CORPUS}")
    cache = Path(os.environ.get("GOVQA_EMBED_CACHE") or embed_cache_dir)
    if not (cache / "embeddings.sqlite").is_file():
        cache = embed_cache_dir
    data_dir = tmp_path_factory.mktemp("ui-ind-data")
    settings = make_settings(data_dir, cache)
    results = ingest_paths(FILES, settings=settings, store=ReportStore(settings),
                           embedder=GovEmbedding.from_settings(settings))
    assert all(r.status == "ok" for r in results), [r.line() for r in results]
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "GOVQA_"))}
    env.update(GOVQA_DATA_DIR=str(data_dir), GOVQA_EMBED_CACHE=str(cache), GOVQA_HOST="127.0.0.1",
               GOVQA_PORT=str(port), GOVQA_SEEDS_DIR=str(ROOT / "seeds"), PYTHONUNBUFFERED="1")
    log = data_dir / "app.log"
    with open(log, "wb") as fh:
        proc = subprocess.Popen([sys.executable, str(ROOT / "app.py")], cwd=str(ROOT), env=env, stdout=fh,
                                stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        _wait_http(url, proc, log, 240)
        yield {"url": url, "config": pytestconfig}
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture
def ui(ind_server, browser, tmp_path):  # noqa: F811
    context = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    shots = tmp_path / "screenshots"
    shots.mkdir()
    rec = PageRecorder(page, shots, ind_server["url"])
    page.goto(ind_server["url"])
    page.wait_for_selector("#gq-question textarea", timeout=30_000)
    yield rec
    context.close()


def _rows(page) -> list[list[str]]:
    return [[td.inner_text().strip() for td in tr.locator("> td").all()[:6]]
            for tr in page.locator("#gq-ind-table tr.gq-ind-row").all()]


def _count(page) -> int:
    return int(page.locator("#gq-ind-note [data-rows]").get_attribute("data-rows"))


def _wait_count_change(page, before: int) -> int:
    page.wait_for_function(
        "n => { const e = document.querySelector('#gq-ind-note [data-rows]');"
        " return e && Number(e.dataset.rows) !== n; }", arg=before, timeout=WAIT_MS)
    return _count(page)


def test_indicators_tab_filters_opens_passages_charts_and_downloads(ui, ind_server):
    from openpyxl import load_workbook

    page = ui.page
    t = time.perf_counter()
    open_tab(ui, "指标")
    page.wait_for_selector("#gq-ind-table tr.gq-ind-row", timeout=WAIT_MS)
    report(ind_server["config"], f"[ui-ind] tab loaded in {time.perf_counter() - t:.2f} s")
    total = _count(page)
    assert total > 100
    assert {r[0] for r in _rows(page)} >= {"广东省", "深圳市"}
    ui.shot("ind-01-loaded")

    # filter: one issuer, one indicator
    pick(ui, "gq-ind-entity", "深圳市")
    n = _wait_count_change(page, total)
    pick(ui, "gq-ind-indicator", "地区生产总值增长")
    n = _wait_count_change(page, n)
    rows = _rows(page)
    assert len(rows) == n and n >= 4
    assert all(r[0] == "深圳市" and r[1] == "市级" and r[3] == "地区生产总值增长" for r in rows), rows
    assert {("2019", "目标"), ("2020", "目标"), ("2018", "实际"), ("2019", "实际")} <= {(r[5], r[4]) for r in rows}
    ui.shot("ind-02-filtered")

    # targets beside outcomes: 2019's 7%左右 (2019 report) against 6.7% (2020 report)
    vs = page.locator("#gq-ind-vs table")
    vs.wait_for(timeout=WAIT_MS)
    row2019 = vs.locator("tbody tr", has_text="2019").first
    assert "未达到目标" in row2019.inner_text()

    # a value opens its statement, the figure highlighted inside its sentence
    i = next(i for i, r in enumerate(rows) if (r[4], r[5], r[2]) == ("目标", "2019", "2019"))
    cell = page.locator("#gq-ind-table tr.gq-ind-row").nth(i).locator("details.gq-ind-cell")
    assert cell.get_attribute("open") is None
    cell.locator("summary").click()
    mark = cell.locator("mark.gq-span")
    mark.wait_for(state="visible")
    assert "7%左右" in mark.inner_text() and "地区生产总值" in mark.inner_text()
    assert "主要预期目标" in cell.locator(".gq-passage").inner_text()
    assert "深圳市政府工作报告_2019年.txt" in cell.locator(".gq-file").inner_text()
    ui.shot("ind-03-passage")

    # the chart follows the filter (深圳市's GDP growth: outcomes and targets); adding an issuer redraws it
    chart_entities = page.locator("#gq-ind-chart-entities")
    page.wait_for_function("() => document.querySelector('#gq-ind-chart-entities').innerText.includes('深圳市')",
                           timeout=WAIT_MS)
    img = page.locator("#gq-ind-chart img")
    img.wait_for(timeout=WAIT_MS)
    page.wait_for_function("() => { const i = document.querySelector('#gq-ind-chart img');"
                           " return i && i.complete && i.naturalWidth > 300; }", timeout=WAIT_MS)
    before = img.get_attribute("src")
    pick(ui, "gq-ind-chart-entities", "广东省")
    page.wait_for_function("s => { const i = document.querySelector('#gq-ind-chart img');"
                           " return i && i.getAttribute('src') !== s && i.complete && i.naturalWidth > 300; }",
                           arg=before, timeout=WAIT_MS)
    assert "广东省" in chart_entities.inner_text() and "深圳市" in chart_entities.inner_text()
    ui.shot("ind-04-chart")

    # downloads hold exactly the filtered rows
    with page.expect_download(timeout=WAIT_MS) as dl:
        page.click("#gq-ind-csv")
    path = Path(dl.value.path())
    got = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert len(got) == n
    assert {r["地区/单位"] for r in got} == {"深圳市"} and {r["指标"] for r in got} == {"地区生产总值增长"}
    assert any(r["原文数值"] == "7%左右" and r["类型"] == "目标" and r["数据年份"] == "2019" for r in got)

    with page.expect_download(timeout=WAIT_MS) as dl:
        page.click("#gq-ind-xlsx")
    assert dl.value.suggested_filename.endswith(".xlsx")
    saved = ui.shots / dl.value.suggested_filename
    dl.value.save_as(saved)
    sheet = load_workbook(saved)["指标"]
    header = [c.value for c in sheet[1]]
    xrows = [dict(zip(header, [c.value for c in r])) for r in sheet.iter_rows(min_row=2)]
    assert len(xrows) == n and {r["地区/单位"] for r in xrows} == {"深圳市"}
    assert any(r["原文数值"] == "6.7%" and r["类型"] == "实际" and r["数据年份"] == 2019 and r["报告年份"] == 2020
               for r in xrows)
    assert ui.dialogs == [] and ui.external_requests() == []
