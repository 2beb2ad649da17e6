"""政报问答 web UI: `python app.py` (or `govqa serve`).

Builds the settings from the environment (GOVQA_HOST / GOVQA_PORT / GOVQA_AUTH / GOVQA_DATA_DIR …),
ingests the bundled seeds/ on first run with visible progress, then serves the Gradio app.
The page layout and handlers live in the ui/ package; all the work is done by rag/ and ingest/.
"""

from __future__ import annotations

import argparse
import sys
import time

from rag.config import Settings, disable_phone_home

disable_phone_home()  # before gradio is imported anywhere

UPLOAD_HARD_CAP = 5  # Gradio refuses uploads over 5x the size limit before they reach the handler


def _print(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def seed_if_empty(service) -> None:
    """First start in a new, empty data dir: ingest seeds/ with a progress line per step (never
    into a data dir that was used, repaired or emptied by the user: rag.data_dir_marker.seeds_allowed)."""
    from ingest.pipeline import ensure_seeded
    from rag.data_dir_marker import mark_data_dir_used, seeds_allowed

    if not service.store.is_empty() or not seeds_allowed(service.settings):
        if not service.store.is_empty():
            from ingest.reprocess import upgrade_outdated

            mark_data_dir_used(service.settings, "found in use")
            redone = upgrade_outdated(settings=service.settings, store=service.store, embedder=service.embedder)
            if redone:
                _print(f"已按新版规则重新处理 {len(redone)} 份报告（地区/单位、年份等）。")
        return
    _print(f"首次启动：正在导入示例报告 {service.settings.store.seeds_dir} …")
    last = {"line": ""}

    def on_event(event) -> None:
        line = f"[{event.fraction * 100:5.1f}%] {event.file} {event.stage} {event.detail}".rstrip()
        if event.result is not None:
            line = f"[{event.fraction * 100:5.1f}%] {event.result.line()}"
        if line != last["line"]:
            last["line"] = line
            _print(line)

    results = ensure_seeded(settings=service.settings, store=service.store, embedder=service.embedder,
                            on_event=on_event)
    ok = sum(r.status in ("ok", "replaced") for r in results)
    _print(f"示例报告导入完成：{ok}/{len(results)} 份。")


def warm_up_server(url: str) -> None:
    """Send one question through the running server: Gradio initialises its queue path lazily on the
    first event (≈2 s), which would otherwise land on the first user's first answer."""
    import json
    import urllib.request

    base = url.rstrip("/") + "/gradio_api/call/ask"
    try:
        body = json.dumps({"data": ["工作报告的主要内容是什么？", None, None, None, None]}).encode()
        req = urllib.request.Request(base, data=body, headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=30) as resp:
            event_id = json.load(resp)["event_id"]
        with urllib.request.urlopen(f"{base}/{event_id}", timeout=60) as resp:
            resp.read()
    except Exception as exc:  # noqa: BLE001 - only a warm-up
        _print(f"（预热请求失败，不影响使用：{type(exc).__name__}: {exc}）")


def launch(demo, service, settings: Settings) -> None:
    """Serve the page and, on the same server (host, port, process, service), the OpenAI-compatible
    API of ui/openai_api.py (its routes are handed to Gradio's FastAPI app before it starts)."""
    from ui.openai_api import openai_routes
    from ui.style import CSS, make_theme

    demo.launch(
        server_name=settings.ui.host, server_port=settings.ui.port, auth=settings.ui.auth,
        auth_message="请输入账号和密码" if settings.ui.auth else None,
        # hard cap against runaway uploads; files over upload_max_mb but under it get a clear Chinese message
        theme=make_theme(), css=CSS, max_file_size=int(settings.ui.upload_max_mb * UPLOAD_HARD_CAP * 1048576),
        show_error=False, ssr_mode=False, footer_links=["api"], inbrowser=False, quiet=True,
        enable_monitoring=False, prevent_thread_lock=True,
        app_kwargs={"routes": openai_routes(service, settings, workers=settings.ui.concurrency)},
    )


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="app.py", description="政报问答网页界面")
    parser.add_argument("--host", help="监听地址（默认 GOVQA_HOST 或 127.0.0.1）")
    parser.add_argument("--port", type=int, help="端口（默认 GOVQA_PORT 或 7860）")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    overrides = {k: v for k, v in (("host", args.host), ("port", args.port)) if v}
    from rag.config import ConfigError, exposure_problem

    try:
        settings = Settings.from_env(**overrides)
    except ConfigError as err:
        _print(f"错误：{err}")
        return 2
    exposed = exposure_problem(settings)
    if exposed and not settings.ui.allow_no_auth:
        _print(f"错误：拒绝启动。{exposed}")
        return 2
    if exposed:
        _print("!" * 72 + f"\n警告：{exposed}\n（已设置 GOVQA_ALLOW_NO_AUTH=1，仍按要求无密码开放。）\n" + "!" * 72)
    t0 = time.perf_counter()

    from rag.chat import QAService
    from rag.store_errors import StoreError

    try:
        service = QAService(settings)
        seed_if_empty(service)
    except StoreError as err:
        _print(f"错误：{err}")
        return 2
    from ui.examples import compute_examples
    from ui.handlers import Handlers
    from ui.layout import build_demo

    _print("正在准备示例问题并预热模型 …")
    examples = compute_examples(service)
    demo = build_demo(Handlers(service, settings), examples)
    demo.queue(default_concurrency_limit=settings.ui.concurrency, max_size=200)
    _print(f"准备用时 {time.perf_counter() - t0:.1f} s；地址 http://{settings.ui.host}:{settings.ui.port}"
           f"（OpenAI 兼容接口：http://{settings.ui.host}:{settings.ui.port}/v1）")
    launch(demo, service, settings)
    if not settings.ui.auth:
        warm_up_server(f"http://127.0.0.1:{settings.ui.port}/" if settings.ui.host in ("0.0.0.0", "::") else demo.local_url)
    _print("已就绪。按 Ctrl+C 停止。")
    try:
        demo.block_thread()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
