"""`govqa ask | export`: questions from the command line, answered as text, JSON lines, batches or a file."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from commands.common import qa_service, settings_from_args


def _print_answer(answer) -> None:
    print(answer.answer)
    for note in answer.notices:
        print(f"（提示：{note}）")
    if answer.citations:
        print("\n来源：")
        for c in answer.citations:
            where = " · ".join(x for x in (c.town or (f"《{c.title}》" if c.title else "未署名报告"), f"{c.year}年报告" if c.year else "", c.section) if x)
            print(f"  [{c.n}] {c.file}｜{where}")
            print(f"      “{c.quote or c.text[:120]}”")
    print()


def _batch_request(line: str, n: int) -> tuple[dict, str | None]:
    """One line of `ask --batch`: a JSON string, {"question": …} or {"turns": [...]} (or plain text).

    Returns ({"id"?, "turns"}, None), or ({"id"?}, the reason the line is bad)."""
    text = line.strip()
    if text[:1] in ('"', "{", "["):
        try:
            value = json.loads(text)
        except json.JSONDecodeError as err:
            return {}, f"line {n}: invalid JSON ({err.msg}, column {err.colno})"
    else:
        value = text  # a plain-text question
    if isinstance(value, str):
        return ({"turns": [value]}, None) if value.strip() else ({}, f"line {n}: empty question")
    if not isinstance(value, dict):
        return {}, f"line {n}: expected a question string or an object with \"question\" or \"turns\""
    req = {"id": value["id"]} if "id" in value else {}
    if "turns" in value:
        turns = value["turns"]
        if not isinstance(turns, list) or not turns or not all(isinstance(t, str) and t.strip() for t in turns):
            return req, f"line {n}: \"turns\" must be a non-empty list of non-empty strings"
        return {**req, "turns": turns}, None
    if "question" in value:
        q = value["question"]
        if not isinstance(q, str) or not q.strip():
            return req, f"line {n}: \"question\" must be a non-empty string"
        return {**req, "turns": [q]}, None
    return req, f"line {n}: object has neither \"question\" nor \"turns\""


def cmd_ask_batch(args, service) -> int:
    """`ask --batch FILE`: independent lines, one JSON object out per line (bad lines too)."""
    from rag.chat import Conversation

    try:
        lines = (sys.stdin.read() if args.batch == "-" else Path(args.batch).read_text(encoding="utf-8-sig")).splitlines()
    except (OSError, UnicodeDecodeError) as err:
        print(f"错误：无法读取 {args.batch}（{err}）", file=sys.stderr)
        return 2
    failed = 0
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        req, problem = _batch_request(line, n)
        out = {"id": req["id"]} if "id" in req else {}
        if problem is None:
            try:
                conversation = Conversation()  # one per line: the turns of a line share it, lines do not
                for turn in req["turns"]:
                    answer = service.ask(turn, conversation, towns=tuple(args.town or ()), years=tuple(args.year or ()),
                                         k=args.k, backend=args.backend)
                out.update(answer.to_json(include_passages=args.debug))
            except Exception as exc:  # noqa: BLE001 - one failing line is reported, the rest go on
                problem = f"line {n}: {type(exc).__name__}: {exc}"
        if problem is not None:
            out["error"] = problem
            failed += 1
        print(json.dumps(out, ensure_ascii=False), flush=True)
    return 1 if failed else 0


def _undecodable(text: str) -> str:
    """'' for valid text; else the bytes that were not UTF-8 (Python hands argv bytes it could not
    decode over as lone surrogates)."""
    bad = [c for c in text if 0xD800 <= ord(c) <= 0xDFFF]
    if not bad:
        return ""
    return " ".join(f"0x{ord(c) - 0xDC00:02x}" if 0xDC80 <= ord(c) <= 0xDCFF else f"U+{ord(c):04X}" for c in bad[:4])


NO_REPORTS = ("还没有导入任何报告：请先运行 `govqa ingest <报告文件或目录>`（示例报告：`govqa ingest seeds/`），"
              "或启动 `govqa serve` 后在网页上传。")


def cmd_ask(args) -> int:
    from rag.chat import Conversation
    from rag.chroma_client import chroma_sqlite_path

    if bool(args.batch) == bool(args.questions):
        print("错误：请给出问题，或用 --batch FILE 批量提问（二者选一）。", file=sys.stderr)
        return 2
    for i, text in enumerate([*args.questions, *(args.town or ())], start=1):
        bad = _undecodable(text)
        if bad:
            what = f"第 {i} 个问题" if i <= len(args.questions) else "--town 的值"
            print(f"错误：{what}不是有效的 UTF-8 文本（含无法解码的字节 {bad}）。请检查终端或脚本的编码"
                  f"（例如 LANG=zh_CN.UTF-8）后重试。", file=sys.stderr)
            return 2
    settings = settings_from_args(args)
    if not settings.store.chroma_host and not chroma_sqlite_path(settings).exists():
        # no index yet: say so, and create nothing (ten `ask` at once must not race to create one;
        # the sample reports are imported only by the app's first start, never by `ask`)
        from rag.types import Answer

        for question in args.questions:
            answer = Answer(question=question, answer=NO_REPORTS, refused=True, citations=[], backend="none",
                            timings_ms={})
            print(json.dumps(answer.to_json(), ensure_ascii=False) if args.json else NO_REPORTS, flush=True)
        return 0
    service = qa_service(settings)
    if args.batch:
        return cmd_ask_batch(args, service)
    conversation = Conversation()
    for question in args.questions:
        answer = service.ask(question, conversation, towns=tuple(args.town or ()), years=tuple(args.year or ()),
                             k=args.k, backend=args.backend)
        if args.json:
            print(json.dumps(answer.to_json(include_passages=args.debug), ensure_ascii=False), flush=True)
        else:
            if len(args.questions) > 1:
                print(f"问：{question}")
            _print_answer(answer)
    return 0


def cmd_export(args) -> int:
    from rag.chat import Conversation
    from ui.export import FORMATS, export_conversation

    out = Path(args.out)
    fmt = args.format or out.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        print(f"错误：无法确定导出格式（--format {'|'.join(FORMATS)}，或用这些扩展名作 --out）。", file=sys.stderr)
        return 2
    settings = settings_from_args(args)
    service = qa_service(settings)
    conversation = Conversation()
    for question in args.questions:
        service.ask(question, conversation, towns=tuple(args.town or ()), years=tuple(args.year or ()), k=args.k,
                    backend=args.backend)
    answers = [turn.answer for turn in conversation.turns]
    if out.parent and not out.parent.exists():
        out.parent.mkdir(parents=True, exist_ok=True)
    export_conversation(answers, fmt, out)
    cited = sum(len(a.citations) for a in answers)
    print(f"已导出 {len(answers)} 轮问答、{cited} 条引用到 {out}（{fmt}）。")
    return 0
