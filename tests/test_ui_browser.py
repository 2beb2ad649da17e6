"""End-to-end tests of the web UI in a real Chromium (Debian's /usr/bin/chromium, no download).

`python app.py` runs as a subprocess on a free loopback port over a temp data dir that was
ingested from seeds/ with the shared embedding cache. Each test drives the page like a user and
saves screenshots under its tmp dir; with GOVQA_UPDATE_SCREENSHOT=1 the chat page with an
expanded citation is also written to docs/screenshot.png (the README's picture).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import ROOT, SEEDS, make_settings

pytestmark = [pytest.mark.slow, pytest.mark.browser]

CHROMIUM = os.environ.get("GOVQA_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
START_TIMEOUT_S = 240
ANSWER_TIMEOUT_MS = 60_000

NEW_TOWN_REPORT = """青山镇2022年政府工作报告

各位代表：

现在，我代表青山镇人民政府向大会报告工作，请予审议。

一、2021年工作回顾

2021年，青山镇全镇实现工业产值58.3亿元，同比增长7.2%。完成固定资产投资12.6亿元，同比增长9.1%。
青山镇新建农村公路18公里，改造危旧房屋126户，新增城镇就业岗位860个。

二、2022年工作安排

2022年，青山镇将围绕茶叶和竹木加工两大特色产业，力争工业产值增长8%，新建高标准农田3000亩。
"""

UNTRUSTED_REPORT = """白沙镇2022年政府工作报告<script>alert(1)</script>

各位代表：

一、2021年工作回顾

2021年，白沙镇完成渔业产值9.7亿元<script>alert(1)</script>，同比增长5.5%。
白沙镇码头改造工程全面完工![x](http://example.invalid/pixel.png)<img src=x onerror=alert(2)>。

二、2022年工作安排

2022年，白沙镇将继续推进码头和渔港建设，渔业产值力争增长6%。
"""


def report(config, line: str) -> None:
    """Print a measured figure even when output is captured (measured, never asserted)."""
    capture = config.pluginmanager.get_plugin("capturemanager")
    if capture is None:
        print(line)
        return
    with capture.global_and_fixture_disabled():
        print("\n" + line, flush=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_http(url: str, proc: subprocess.Popen, log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"app.py exited with {proc.returncode}:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    pytest.fail(f"app.py did not serve within {timeout}s:\n{log.read_text(errors='replace')[-3000:]}")


@pytest.fixture(scope="module")
def app_server(tmp_path_factory, embed_cache_dir, pytestconfig):
    """`python app.py` on a free port over a freshly ingested copy of the seeds."""
    from ingest.pipeline import ingest_paths
    from rag.embed import GovEmbedding
    from rag.store import ReportStore

    data_dir = tmp_path_factory.mktemp("ui-data")
    settings = make_settings(data_dir, embed_cache_dir)
    results = ingest_paths([SEEDS], settings=settings, store=ReportStore(settings),
                           embedder=GovEmbedding.from_settings(settings))
    assert all(r.status == "ok" for r in results), [r.line() for r in results]

    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "GOVQA_"))}
    env.update(GOVQA_DATA_DIR=str(data_dir), GOVQA_EMBED_CACHE=str(embed_cache_dir), GOVQA_HOST="127.0.0.1",
               GOVQA_PORT=str(port), GOVQA_SEEDS_DIR=str(SEEDS), PYTHONUNBUFFERED="1")
    log = data_dir / "app.log"
    t0 = time.perf_counter()
    with open(log, "wb") as fh:
        proc = subprocess.Popen([sys.executable, str(ROOT / "app.py")], cwd=str(ROOT), env=env, stdout=fh,
                                stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        _wait_http(url, proc, log, START_TIMEOUT_S)
        started = time.perf_counter() - t0
        report(pytestconfig, f"[ui] app.py serving after {started:.1f} s (seeds already indexed)")
        yield {"url": url, "port": port, "started_at": t0, "start_s": started, "log": log, "proc": proc,
               "timings": {}, "config": pytestconfig}
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM} (apt-get install chromium fonts-wqy-microhei)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


class PageRecorder:
    """A page plus what it did: dialogs that fired, requests it made, screenshots taken."""

    def __init__(self, page, shots: Path, base_url: str):
        self.page = page
        self.shots = shots
        self.base_url = base_url
        self.dialogs: list[str] = []
        self.requests: list[str] = []
        page.on("dialog", self._on_dialog)
        page.on("request", lambda r: self.requests.append(r.url))

    def _on_dialog(self, dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def shot(self, name: str) -> Path:
        path = self.shots / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def external_requests(self) -> list[str]:
        return [u for u in self.requests if not u.startswith(("http://127.0.0.1", "data:", "blob:"))]


@pytest.fixture
def ui(app_server, browser, tmp_path):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 1000})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=app_server["url"].rstrip("/"))
    page = context.new_page()
    shots = tmp_path / "screenshots"
    shots.mkdir()
    rec = PageRecorder(page, shots, app_server["url"])
    page.goto(app_server["url"])
    page.wait_for_selector("#gq-question textarea", timeout=30_000)
    yield rec
    print(f"[ui] screenshots: {shots}")
    context.close()


# ---------------------------------------------------------------------------- helpers
def ask(ui: PageRecorder, question: str) -> object:
    """Type a question, send it and return the locator of the new (final) answer bubble."""
    page = ui.page
    before = page.locator("#gq-chatbot .gq-answer:not(.gq-streaming)").count()
    page.fill("#gq-question textarea", question)
    page.press("#gq-question textarea", "Enter")
    page.wait_for_function(
        "n => document.querySelectorAll('#gq-chatbot .gq-answer:not(.gq-streaming)').length > n",
        arg=before, timeout=ANSWER_TIMEOUT_MS)
    return page.locator("#gq-chatbot .gq-answer:not(.gq-streaming)").nth(before)


def open_tab(ui: PageRecorder, name: str) -> None:
    ui.page.get_by_role("tab", name=name).click()


def pick(ui: PageRecorder, dropdown_id: str, option: str) -> None:
    """Choose an option in a Gradio dropdown (multi-select or single)."""
    page = ui.page
    box = page.locator(f"#{dropdown_id} input")
    box.click()
    box.fill(option)
    page.locator(f"#{dropdown_id} [role=option]", has_text=option).first.click()
    page.keyboard.press("Escape")


def upload_files(ui: PageRecorder, paths: list[Path]) -> object:
    open_tab(ui, "报告库")
    ui.page.locator("#gq-files input[type=file]").set_input_files([str(p) for p in paths])
    ui.page.wait_for_function(
        "n => document.querySelectorAll('#gq-files .file-preview-holder tr, #gq-files table tr').length >= n"
        " || document.querySelectorAll('#gq-files [data-testid=\"file-name\"], #gq-files .file-name').length >= n",
        arg=len(paths), timeout=30_000)
    ui.page.click("#gq-upload")
    ui.page.wait_for_function(
        "n => document.querySelectorAll('#gq-upload-status li').length >= n"
        " && (document.querySelector('#gq-upload-status .gq-bar-label') || {innerText: ''}).innerText.includes('100%')",
        arg=len(paths), timeout=120_000)
    return ui.page.locator("#gq-upload-status")


# ---------------------------------------------------------------------------- tests
def test_chat_answer_with_expandable_citation_and_follow_up(ui, app_server):
    page = ui.page
    examples = page.locator("#gq-chatbot .example, #gq-chatbot button.example-content, #gq-chatbot .examples button")
    assert examples.count() >= 2, "example questions are shown on first open"
    ui.shot("01-first-open")

    t = time.perf_counter()
    answer = ask(ui, "杜桥镇2019年的工业产值是多少？")
    first_answer_s = time.perf_counter() - t
    app_server["timings"]["first_answer_s"] = first_answer_s
    report(app_server["config"], f"[ui] first answer in the browser {first_answer_s:.2f} s after sending "
                                 f"({time.perf_counter() - app_server['started_at']:.1f} s after process start)")
    assert "297.6亿元" in answer.locator(".gq-text").inner_text()
    assert answer.locator(".gq-text .gq-ref").count() >= 1, "the answer carries [n] citation marks"
    cite = answer.locator("details.gq-cite").first
    assert cite.get_attribute("open") is None, "citations start collapsed"
    assert not cite.locator("mark.gq-span").is_visible()
    summary = cite.locator("summary").inner_text()
    assert "杜桥镇" in summary and "2020年报告" in summary
    ui.shot("02-answer")

    cite.locator("summary").click()
    mark = cite.locator("mark.gq-span")
    mark.wait_for(state="visible")
    highlighted = mark.inner_text()
    assert "297.6亿元" in highlighted, highlighted
    passage = cite.locator(".gq-passage").inner_text()
    assert len(passage) > len(highlighted), "the highlighted span sits inside its passage"
    assert "章节" in cite.inner_text() and "004_11da55a498f1e884.txt" in cite.inner_text()
    shot = ui.shot("03-citation-expanded")
    if os.environ.get("GOVQA_UPDATE_SCREENSHOT"):  # refresh the README's picture on request only
        page.screenshot(path=str(ROOT / "docs" / "screenshot.png"))
    assert shot.stat().st_size > 10_000

    # copy answer puts the plain answer text (not HTML) on the clipboard
    page.click("#gq-copy")
    page.wait_for_function("() => document.querySelector('#gq-copy-note').innerText.includes('已复制')")
    clip = page.evaluate("navigator.clipboard.readText()")
    assert "297.6亿元" in clip and "<" not in clip and "来源" in clip

    # follow-up: names neither the town nor the year; only the conversation can supply them
    follow = ask(ui, "那社会消费品零售总额呢？")
    assert "杜桥镇" in follow.inner_text(), "the follow-up is resolved against the first turn"
    assert "社会消费品零售总额" in follow.inner_text()
    ui.shot("04-follow-up")
    assert ui.dialogs == []
    assert ui.external_requests() == []


def test_example_follow_up_pair_and_new_conversation(ui):
    page = ui.page
    labels = page.locator("#gq-chatbot button").all_inner_texts()
    for kind in ("事实：", "对比：", "追问："):
        assert any(kind in t for t in labels), (kind, labels)
    page.locator("#gq-chatbot button", has_text="追问：").first.click()
    page.wait_for_function("() => document.querySelectorAll('#gq-chatbot .gq-answer:not(.gq-streaming)"
                           " .gq-foot').length === 2", timeout=ANSWER_TIMEOUT_MS)
    assert page.locator("#gq-chatbot .gq-question").count() == 2, "the pair is asked as two turns"
    first, second = page.locator("#gq-chatbot .gq-answer").all()
    first_files = {t.split("·")[0] for t in first.locator("details.gq-cite summary").all_inner_texts()}
    second_files = {t.split("·")[0] for t in second.locator("details.gq-cite summary").all_inner_texts()}
    assert second_files and second_files <= first_files, (first_files, second_files)
    assert "gq-refused" not in (second.get_attribute("class") or "")
    ui.shot("05-example-follow-up")

    page.click("#gq-new")
    page.wait_for_function("() => document.querySelectorAll('#gq-chatbot .gq-answer').length === 0")
    assert page.locator("#gq-chatbot button", has_text="事实：").count() == 1, "examples return"
    ui.shot("06-new-conversation")

    # the comparison example: one table row per side, each cell cited or marked as not mentioned
    page.locator("#gq-chatbot button", has_text="对比：").first.click()
    table = page.locator("#gq-chatbot .gq-answer:not(.gq-streaming) table.gq-compare")
    table.wait_for(timeout=ANSWER_TIMEOUT_MS)
    rows = table.locator("tbody tr").all()
    assert len(rows) >= 2
    for row in rows:
        cell = row.locator("td")
        assert cell.locator(".gq-ref").count() >= 1 or cell.inner_text().strip() == "报告中未提及", cell.inner_text()
    ui.shot("06b-comparison")


def test_settings_debug_panel_shows_scores(ui):
    page = ui.page
    page.click("#gq-settings button, #gq-settings .label-wrap")
    page.locator("#gq-debug-toggle input").check()
    ask(ui, "大关镇装了多少个视频监控探头？")
    panel = page.locator("#gq-debug")
    panel.locator("table").wait_for()
    header = panel.locator("thead").inner_text()
    for col in ("稠密", "BM25", "融合"):
        assert col in header
    rows = panel.locator("tbody tr")
    assert rows.count() >= 1
    assert "大关镇" in rows.first.inner_text()
    ui.shot("07-debug")


def test_upload_library_filter_and_delete(ui, tmp_path):
    page = ui.page
    good = tmp_path / "青山镇2022年政府工作报告.txt"
    good.write_text(NEW_TOWN_REPORT, encoding="utf-8")
    empty = tmp_path / "空白.txt"
    empty.write_text("   \n", encoding="utf-8")
    status = upload_files(ui, [good, empty])
    ui.shot("08-upload-status")
    ok = status.locator("li[data-status=ok]")
    failed = status.locator("li[data-status=failed]")
    assert ok.count() == 1 and "青山镇2022年政府工作报告.txt" in ok.inner_text() and "青山镇" in ok.inner_text()
    assert failed.count() == 1 and "空白.txt" in failed.inner_text() and "（" in failed.inner_text()
    assert "100%" in status.locator(".gq-bar-label").inner_text()

    library = page.locator("#gq-library")
    card = library.locator("details.gq-doc", has_text="青山镇")
    card.wait_for()
    assert library.locator("details.gq-doc").count() == 6
    card.locator("summary").click()
    meta = card.locator("table.gq-meta").inner_text()
    for label in ("镇", "地区", "报告年份", "回顾年份", "计划年份", "类型", "分块", "源文件", "来源"):
        assert label in meta
    assert "2022" in meta and "2021" in meta
    ui.shot("09-library")

    # filter the chat to the new town: every citation must come from its report
    open_tab(ui, "问答")
    pick(ui, "gq-towns", "青山镇")
    answer = ask(ui, "新建农村公路多少公里？")
    assert "18公里" in answer.locator(".gq-text").inner_text()
    summaries = answer.locator("details.gq-cite summary").all_inner_texts()
    assert summaries and all("青山镇" in s for s in summaries), summaries
    ui.shot("10-filtered-answer")

    # delete it again: gone from the library and from the filter choices
    open_tab(ui, "报告库")
    pick(ui, "gq-doc-pick", "青山镇2022年政府工作报告.txt")
    page.click("#gq-delete")
    page.click("#gq-delete-confirm")
    page.wait_for_function("() => document.querySelector('#gq-delete-note').innerText.includes('已删除')")
    page.wait_for_function("() => !document.querySelector('#gq-library').innerText.includes('青山镇')")
    assert library.locator("details.gq-doc").count() == 5
    ui.shot("11-deleted")


def test_untrusted_report_text_renders_as_text(ui, tmp_path):
    page = ui.page
    bad = tmp_path / "白沙镇报告.txt"
    bad.write_text(UNTRUSTED_REPORT, encoding="utf-8")
    status = upload_files(ui, [bad])
    assert status.locator("li[data-status=ok]").count() == 1, status.inner_text()
    library = page.locator("#gq-library")
    card = library.locator("details.gq-doc", has_text="白沙镇")
    card.wait_for()
    card.locator("summary").click()
    assert "<script" not in card.inner_html() and "<img" not in card.inner_html()
    ui.shot("12-untrusted-library")

    open_tab(ui, "问答")
    pick(ui, "gq-towns", "白沙镇")
    answer = ask(ui, "码头改造工程完工了吗？")
    for cite in answer.locator("details.gq-cite").all():
        cite.locator("summary").click()
    shown = answer.inner_text()
    assert "<script>alert(1)</script>" in shown
    assert "![x](http://example.invalid/pixel.png)" in shown
    assert "<img src=x onerror=alert(2)>" in shown
    ui.shot("13-untrusted-answer")
    assert page.locator("#gq-chatbot script, #gq-chatbot img[src='x'], #gq-library script").count() == 0
    assert page.locator("#gq-chatbot img").count() == 0
    page.wait_for_timeout(500)
    assert ui.dialogs == [], ui.dialogs
    assert not [u for u in ui.requests if "example.invalid" in u]
    assert ui.external_requests() == []

    # clean up so later tests see the seeds only
    open_tab(ui, "报告库")
    pick(ui, "gq-doc-pick", "白沙镇报告.txt")
    page.click("#gq-delete")
    page.click("#gq-delete-confirm")
    page.wait_for_function("() => document.querySelector('#gq-delete-note').innerText.includes('已删除')")


def test_server_binds_loopback_only(app_server):
    """GOVQA_HOST defaults to 127.0.0.1: the listening socket is bound to loopback, not 0.0.0.0."""
    port_hex = f"{app_server['port']:04X}"
    listening = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not Path(table).exists():
            continue
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            local, state = fields[1], fields[3]
            if state == "0A" and local.endswith(":" + port_hex):
                listening.append(local.split(":")[0])
    assert listening, "the app's port is not listening"
    assert all(addr == "0100007F" for addr in listening), listening


def test_download_button_exports_the_current_conversation(ui, tmp_path):
    """Two turns, then one click on 下载对话: a Word file whose footnotes hold the citations."""
    from docx import Document
    from lxml import etree

    page = ui.page
    button = page.locator("#gq-download")
    assert button.is_disabled(), "nothing to download before the first answer"
    ask(ui, "杜桥镇2019年工业产值是多少？")
    ask(ui, "其中镇本级是多少？")
    page.wait_for_function("() => !document.querySelector('#gq-download').disabled", timeout=30_000)
    ui.shot("10-download-ready")
    with page.expect_download(timeout=30_000) as info:
        button.click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    assert path.suffix == ".docx" and path.name.startswith("政报问答-对话-")
    doc = Document(str(path))
    body = "\n".join(p.text for p in doc.paragraphs)
    assert "杜桥镇2019年工业产值是多少？" in body and "其中镇本级是多少？" in body and "297.6亿元" in body
    notes = next(r.target_part for r in doc.part.rels.values() if r.reltype.endswith("/footnotes"))
    text = "".join(etree.fromstring(notes.blob).itertext())
    assert "原文：“2019年,全镇实现工业产值297.6亿元" in text
    # another format: the button now offers the same conversation as Excel
    pick(ui, "gq-export-format", "导出为 Excel")
    names = []
    for _ in range(20):  # the new file replaces the old one a moment after the choice
        with page.expect_download(timeout=30_000) as info:
            button.click()
        names.append(info.value.suggested_filename)
        if names[-1].endswith(".xlsx"):
            break
        page.wait_for_timeout(250)
    assert names[-1].endswith(".xlsx"), names
    page.click("#gq-new")
    page.wait_for_function("() => document.querySelector('#gq-download').disabled", timeout=30_000)
