"""Load test of the web UI: concurrent chat sessions through the Gradio queue (gradio_client).

    .venv/bin/python benchmarks/load_chat.py                  # starts app.py on a free port
    .venv/bin/python benchmarks/load_chat.py --url http://127.0.0.1:7860/
    .venv/bin/python benchmarks/load_chat.py --upload         # plus one upload while chatting

Each session is its own gradio_client Client (its own Gradio session) and holds a conversation
of up to --turns questions through the `ask` endpoint (earlier questions passed as history), taken
from eval/datasets/dev.jsonl. Bounded in sessions, turns and --max-seconds; prints p50/p95
latency for one user alone and for --sessions users at once. Prints, never asserts.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rag.config import disable_phone_home  # noqa: E402

disable_phone_home()

UPLOAD_REPORT = """{town}2022年政府工作报告

一、2021年工作回顾

2021年，{town}全镇实现工业产值{value}亿元，同比增长7.2%。完成固定资产投资12.6亿元。
{town}新建农村公路18公里，改造危旧房屋126户，新增城镇就业岗位860个。
""" + "\n".join(f"{n}. 推进第{n}项重点工作，完善基础设施，提升公共服务水平，壮大村级集体经济。" for n in range(1, 60))


def conversations(limit: int, turns: int) -> list[list[str]]:
    """Conversations from the dev set: conversation items as they are, facts/comparisons as 1-turn chats."""
    items = [json.loads(line) for line in (ROOT / "eval" / "datasets" / "dev.jsonl").read_text("utf-8").splitlines()
             if line.strip()]
    convs = [it["turns"][:turns] for it in items if it.get("turns")]
    singles = [it["question"] for it in items if not it.get("turns") and it["type"] in ("fact", "comparison", "list")]
    while singles and len(convs) < limit:
        convs.append(singles[: max(1, turns)])
        singles = singles[max(1, turns):]
    return convs[:limit]


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(q * (len(s) - 1))))]


def run_session(url: str, turns: list[str], deadline: float, out: list, errors: list) -> None:
    from gradio_client import Client

    client = Client(url, verbose=False)
    for i, question in enumerate(turns):
        if time.monotonic() > deadline:
            return
        t = time.perf_counter()
        try:
            got = client.predict(question, turns[:i], None, None, None, api_name="/ask")
            assert isinstance(got, dict) and "answer" in got
            out.append(time.perf_counter() - t)
        except Exception as exc:  # noqa: BLE001 - counted and reported
            errors.append(f"{type(exc).__name__}: {exc}")


def run_upload(url: str, deadline: float, report: dict) -> None:
    from gradio_client import Client, handle_file

    client = Client(url, verbose=False)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"负载测试镇{int(time.time())}.txt"
        path.write_text(UPLOAD_REPORT.format(town="负载测试镇", value=58.3), encoding="utf-8")
        t = time.perf_counter()
        try:
            job = client.submit([handle_file(str(path))], [], [], api_name="/upload")
            while not job.done() and time.monotonic() < deadline:
                time.sleep(0.2)
            result = job.result(timeout=max(1.0, deadline - time.monotonic()))
            report["status"] = "完成" if "已导入" in str(result[0]) else str(result[0])[:200]
        except Exception as exc:  # noqa: BLE001
            report["status"] = f"失败 {type(exc).__name__}: {exc}"
        report["seconds"] = time.perf_counter() - t
        report["file"] = path.name


def scenario(url: str, convs: list[list[str]], deadline: float, upload: bool = False) -> dict:
    lat: list[float] = []
    errors: list[str] = []
    upload_report: dict = {}
    t = time.perf_counter()
    threads = []
    if upload:
        th = threading.Thread(target=run_upload, args=(url, deadline, upload_report))
        th.start()
        threads.append(th)
    with ThreadPoolExecutor(max_workers=max(1, len(convs))) as pool:
        for conv in convs:
            pool.submit(run_session, url, conv, deadline, lat, errors)
    for th in threads:
        th.join()
    wall = time.perf_counter() - t
    return {"lat": lat, "errors": errors, "wall": wall, "upload": upload_report}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_app(timeout: float, data_dir: str | None = None) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = dict(os.environ, GOVQA_HOST="127.0.0.1", GOVQA_PORT=str(port))
    if data_dir:
        env["GOVQA_DATA_DIR"] = data_dir
    proc = subprocess.Popen([sys.executable, str(ROOT / "app.py")], cwd=str(ROOT), env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise SystemExit(f"app.py exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return proc, url
        except OSError:
            time.sleep(0.5)
    proc.terminate()
    raise SystemExit("app.py did not start in time")


def row(name: str, res: dict) -> str:
    lat = [x * 1000 for x in res["lat"]]
    n = len(lat)
    rate = n / res["wall"] if res["wall"] else 0
    return (f"| {name} | {n} | {pct(lat, .5):.0f} | {pct(lat, .95):.0f} | {max(lat) if lat else float('nan'):.0f} | "
            f"{statistics.fmean(lat) if lat else float('nan'):.0f} | {rate:.2f} | {len(res['errors'])} |")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--url", help="a running app (default: start app.py on a free port with the GOVQA_* env)")
    ap.add_argument("--sessions", type=int, default=20)
    ap.add_argument("--turns", type=int, default=2, help="questions per session")
    ap.add_argument("--max-seconds", type=float, default=300, help="stop starting requests after this long")
    ap.add_argument("--upload", action="store_true", help="also upload one report while the sessions chat")
    args = ap.parse_args(argv)

    proc = None
    url = args.url
    scratch = None
    if not url:
        data_dir = None
        if args.upload:  # the upload must not stay in the user's library: work on a copy of the data dir
            from rag.config import Settings

            scratch = tempfile.TemporaryDirectory(prefix="govqa-load-")
            source = Settings.from_env().store.data_dir
            data_dir = str(Path(scratch.name) / "data")
            if source.is_dir():
                shutil.copytree(source, data_dir)
        t = time.perf_counter()
        proc, url = start_app(timeout=600, data_dir=data_dir)
        print(f"app.py serving at {url} after {time.perf_counter() - t:.1f} s")
    elif args.upload:
        print("注意：--url 模式下上传的“负载测试镇”报告会留在报告库中，可在报告库页或用 `govqa rm` 删除。")
    try:
        convs = conversations(args.sessions, args.turns)
        deadline = time.monotonic() + args.max_seconds
        # one user alone: the same conversations, one after another
        single = {"lat": [], "errors": [], "wall": 0.0, "upload": {}}
        for conv in convs[: min(5, len(convs))]:
            r = scenario(url, [conv], deadline)
            single["lat"] += r["lat"]
            single["errors"] += r["errors"]
            single["wall"] += r["wall"]
        many = scenario(url, convs, deadline)
        results = [("1 用户（顺序 5 个会话）", single), (f"{len(convs)} 个并发会话", many)]
        if args.upload:
            results.append((f"{len(convs)} 个并发会话 + 同时上传 1 份报告", scenario(url, convs, deadline, upload=True)))
        print(f"\n每会话最多 {args.turns} 轮；延迟为客户端测得的单次 /ask 往返（毫秒）")
        print("| 场景 | 请求数 | p50 | p95 | 最大 | 平均 | 吞吐 (次/秒) | 错误 |")
        print("|---|---|---|---|---|---|---|---|")
        for name, res in results:
            print(row(name, res))
        for name, res in results:
            if res["upload"]:
                up = res["upload"]
                print(f"上传 {up.get('file')}：{up.get('status')}，用时 {up.get('seconds', 0):.1f} s")
            for err in res["errors"][:3]:
                print(f"错误（{name}）：{err}")
        if time.monotonic() > deadline:
            print(f"（达到 --max-seconds {args.max_seconds:g} s 上限，部分请求未发出）")
    finally:
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
        if scratch is not None:
            scratch.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
