"""`govqa` command line: ingest | docs | rm | stats | ask | export | indicators | eval | serve | mcp | doctor.

Argument parsing and printing only; the work is done by ingest/, rag/ and eval/.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from rag.config import Settings, disable_phone_home


def _settings(args) -> Settings:
    overrides = {}
    if getattr(args, "data_dir", None):
        overrides["data_dir"] = Path(args.data_dir)
    return Settings.from_env(**overrides)


def _service(settings: Settings):
    from rag.chat import QAService

    return QAService(settings)


def _progress_bar(total_hint: str):
    from tqdm import tqdm

    bar = tqdm(total=1000, desc=total_hint, unit="‰", leave=False, disable=not sys.stderr.isatty())

    def on_event(event) -> None:
        if event.stage in ("wait", "repair"):  # said once, on its own line, with or without a terminal
            bar.clear()
            print(event.detail, file=sys.stderr, flush=True)
            return
        bar.n = int(event.fraction * 1000)
        bar.set_postfix_str(f"{event.file[:24]} {event.stage} {event.detail}")
        bar.refresh()

    return bar, on_event


def cmd_ingest(args) -> int:
    from ingest.pipeline import ingest_paths, upgrade_outdated
    from rag.embed import GovEmbedding
    from rag.store import ReportStore

    settings = _settings(args)
    store = ReportStore(settings)
    embedder = GovEmbedding.from_settings(settings)
    for r in upgrade_outdated(settings=settings, store=store, embedder=embedder):
        print(r.line())
    bar, on_event = _progress_bar("导入")
    results = ingest_paths(args.paths, settings=settings, store=store, embedder=embedder, on_event=on_event)
    bar.close()
    for r in results:
        print(r.line())
    failed = sum(r.status == "failed" for r in results)
    ok = sum(r.status in ("ok", "replaced") for r in results)
    print(f"完成：新导入/更新 {ok}，未变化/重复 {len(results) - ok - failed}，失败 {failed}。共 {len(store.list_docs())} 份报告。")
    return 1 if failed and not ok and not (len(results) - failed) else 0


def cmd_docs(args) -> int:
    from rag.store import ReportStore

    store = ReportStore(_settings(args))
    docs = store.list_docs()
    if args.json:
        for m in docs:
            d = m.to_dict()
            d.pop("sections", None)
            print(json.dumps(d, ensure_ascii=False))
        return 0
    if not docs:
        print("还没有导入任何报告。")
        return 0
    from ingest.pipeline import display_name

    for m in docs:
        rec = store.get_doc(m.doc_id)
        print(f"{m.doc_id}  {display_name(m.file)}")
        print(f"    标题：{m.title}")
        print(f"    地区/单位：{m.display_entity}（{m.level_label or '级别不详'}）  上级：{' > '.join(m.parent) or '—'}  "
              f"年份：{m.year or '—'}  "
              f"时期：{m.period or '—'}  类型：{m.doc_type}  分块：{rec.n_chunks if rec else '?'}")
        extra = [f"{k}：{v}" for k, v in (("发布单位", m.publisher), ("日期", m.date), ("索引号", m.index_no)) if v]
        if extra:
            print("    " + "  ".join(extra))
        if args.why:
            for key, src in m.provenance.items():
                print(f"      · {key} ← {src}")
    return 0


def cmd_rm(args) -> int:
    from rag.store import ReportStore

    store = ReportStore(_settings(args))
    code = 0
    for doc_id in args.doc_ids:
        matches = [m for m in store.list_docs() if m.doc_id.startswith(doc_id) or m.file == doc_id]
        if len(matches) != 1:
            print(f"{doc_id}: {'找不到该报告' if not matches else '匹配到多份报告，请写完整的 doc_id'}")
            code = 1
            continue
        store.remove_document(matches[0].doc_id)
        print(f"已删除 {matches[0].file}（{matches[0].doc_id}）")
    store.bm25()
    return code


def cmd_stats(args) -> int:
    from rag.store import ReportStore

    settings = _settings(args)
    store = ReportStore(settings)
    docs = store.list_docs()
    chunks = store.chunks.count()
    chars = sum(len(store.get_doc_text(m.doc_id) or "") for m in docs)
    where = f"Chroma 服务器 {settings.chroma_host}:{settings.chroma_port}" if settings.chroma_host else str(settings.data_dir)
    print(f"存储：{where}  集合：{settings.collection_name}")
    print(f"报告：{len(docs)}  分块：{chunks}  字符：{chars}  BM25 版本：{store.bm25().version}")
    entities = sorted({m.entity for m in docs if m.entity})
    print(f"地区/单位：{'、'.join(entities) or '—'}；未署名报告：{sum(1 for m in docs if not m.entity)}")
    return 0


def _print_answer(answer) -> None:
    print(answer.answer)
    for note in answer.notices:
        print(f"（提示：{note}）")
    if answer.citations:
        print("\n来源：")
        for c in answer.citations:
            where = " · ".join(x for x in (c.town or "未署名报告", f"{c.year}年报告" if c.year else "", c.section) if x)
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
    from rag.store import chroma_sqlite_path

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
    settings = _settings(args)
    if not settings.chroma_host and not chroma_sqlite_path(settings).exists():
        # no index yet: say so, and create nothing (ten `ask` at once must not race to create one;
        # the sample reports are imported only by the app's first start, never by `ask`)
        from rag.types import Answer

        for question in args.questions:
            answer = Answer(question=question, answer=NO_REPORTS, refused=True, citations=[], backend="none",
                            timings_ms={})
            print(json.dumps(answer.to_json(), ensure_ascii=False) if args.json else NO_REPORTS, flush=True)
        return 0
    service = _service(settings)
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
    settings = _settings(args)
    service = _service(settings)
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


def cmd_mcp(args) -> int:
    from ui.mcp_server import serve

    settings = _settings(args)
    service = _service(settings)
    if args.http:
        print(f"MCP（streamable HTTP）：http://127.0.0.1:{args.http}/mcp  按 Ctrl+C 停止。", file=sys.stderr)
    serve(service, http_port=args.http)
    return 0


def cmd_doctor(args) -> int:
    from rag.store import (
        ReportStore, StoreCorruptError, chroma_sqlite_path, explain_store_failure, sqlite_integrity,
    )

    settings = _settings(args)
    damage = sqlite_integrity(settings)  # damaged index files: the store itself cannot be trusted
    store, problems = None, []
    if not damage:
        try:
            store = ReportStore(settings)
            problems = store.check()
            store.chunks.get(include=["documents"])  # read every stored text once: damage surfaces here
            store.docs.get(include=["documents"])
        except Exception as exc:  # noqa: BLE001 - a damaged page can surface on open or on the first read
            err = explain_store_failure(settings, exc)
            if err is None:
                raise
            if not isinstance(err, StoreCorruptError):
                print(f"错误：{err}")
                return 2
            damage = [str(err)]
    if damage:
        for p in damage:
            print(f"问题：{p}")
        if not args.repair:
            print("索引文件损坏。运行 `govqa doctor --repair`：读出其中仍可读取的报告，用缓存的向量重建索引"
                  "（损坏的文件移到一旁，不删除）；读不出的报告再用 `govqa ingest <报告文件或目录>` 重新导入。")
            return 2
        return _rebuild_damaged(settings, chroma_sqlite_path(settings))
    if not problems:
        fixed = store.check_bm25()  # test-queries the BM25 side index; rebuilds it on any error
        if fixed:
            print(f"修复：{fixed}，已从目录重建 BM25 索引。")
        print(f"一致：{len(store.list_docs())} 份报告，{store.chunks.count()} 个分块，BM25 已同步。")
        return 0
    for p in problems:
        print(f"问题：{p}")
    if args.repair:
        for done in store.repair():
            print(f"修复：{done}")
        fixed = store.check_bm25()
        if fixed:
            print(f"修复：{fixed}，已从目录重建 BM25 索引。")
        left = store.check()
        for p in left:
            print(f"仍有问题：{p}")
        print("已修复。需要时请重新运行 `govqa ingest` 补回被删除的报告。")
        return 0
    print("运行 `govqa doctor --repair` 修复（删除不完整的数据，然后重新导入）。")
    return 1


def cmd_indicators(args) -> int:
    from rag.indicators_export import (
        VS_COLUMNS, filter_rows, resolve_names, text_table, to_csv, to_json_lines, vs_records, write_csv, write_xlsx,
    )
    from rag.indicators_table import table_for
    from rag.store import ReportStore
    from rag.table_targets import targets_vs_outcomes
    from rag.types import LEVEL_LABELS

    fmt = args.format or (Path(args.out).suffix.lstrip(".").lower() if args.out else "table")
    if fmt not in ("table", "csv", "xlsx", "json"):
        print(f"错误：不支持的格式 {fmt}（table|csv|xlsx|json）", file=sys.stderr)
        return 2
    if fmt == "xlsx" and not args.out:
        print("错误：--format xlsx 需要 --out 文件名", file=sys.stderr)
        return 2
    snap = table_for(ReportStore(_settings(args))).snapshot()
    if args.indicator and not resolve_names(args.indicator):
        print(f"错误：不认识的指标 {'、'.join(args.indicator)}（可用名称或常用说法，如 地区生产总值增长、GDP增速、财政收入）",
              file=sys.stderr)
        return 2
    filters = dict(entities=args.entity or (), indicators=args.indicator or (), years=args.year or (),
                   kinds=args.kind or (), levels=args.level or ())
    rows = filter_rows(snap, **filters)
    pairs = None
    if args.vs:
        pairs = targets_vs_outcomes(snap, entities=args.entity or None,
                                    indicators=resolve_names(args.indicator) if args.indicator else None,
                                    years=args.year or None)
    out = Path(args.out) if args.out else None
    if fmt == "xlsx":
        write_xlsx(rows, out, vs=pairs)
    elif fmt == "csv":
        if pairs is not None:
            import csv
            import io

            buf = io.StringIO()
            w = csv.DictWriter(buf, fieldnames=VS_COLUMNS)
            w.writeheader()
            w.writerows(vs_records(pairs))
            text = buf.getvalue()
        else:
            text = to_csv(rows)
        if out:
            out.write_text(text, encoding="utf-8-sig") if pairs is not None else write_csv(rows, out)
        else:
            sys.stdout.write(text)
    elif fmt == "json":
        text = (json.dumps(vs_records(pairs), ensure_ascii=False, indent=1) + "\n") if pairs is not None \
            else to_json_lines(rows)
        if out:
            out.write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text)
    else:
        if pairs is not None:
            recs = vs_records(pairs)
            text = text_table(VS_COLUMNS, [[r[h] for h in VS_COLUMNS] for r in recs], limit=36)
            summary = f"{len(recs)} 组目标与实际"
        else:
            headers = ["地区/单位", "级别", "报告年份", "指标", "类型", "数据年份", "原文数值", "原文"]
            text = text_table(headers, [[r.entity, LEVEL_LABELS.get(r.level, r.level), r.report_year, r.indicator,
                                         r.kind_label, r.year, r.raw, r.passage] for r in rows], limit=36)
            summary = f"{len(rows)} 行（{len({r.doc_id for r in rows})} 份报告）"
        if out:
            out.write_text(text + "\n", encoding="utf-8")
        else:
            print(text)
        print(summary, file=sys.stderr)
    if out:
        print(f"已写入 {out}（{len(rows) if pairs is None or fmt == 'xlsx' else len(pairs)} 行）", file=sys.stderr)
    return 0


def _rebuild_damaged(settings, db) -> int:
    """`doctor --repair` on damaged index files: read every catalogue record still readable, move
    the damaged index aside (nothing is deleted), and rebuild the reports from their stored text
    and the embedding cache."""
    from ingest.pipeline import display_name, rebuild_reports
    from rag.embed import GovEmbedding
    from rag.store import ReportStore, forget_chroma_system, mark_data_dir_used, quarantine_chroma, read_catalogue_file

    recovered, notes = read_catalogue_file(db) if db.is_file() else ({}, [])
    for note in notes[:5]:
        print(f"读取损坏的索引：{note}")
    moved = quarantine_chroma(settings)
    forget_chroma_system(settings)  # forget this process's handle on the moved files
    mark_data_dir_used(settings, "repaired")
    print(f"修复：已将损坏的索引移到 {moved}（未删除），并新建了索引。")
    store = ReportStore(settings)
    restored, lost = [], []
    if recovered:
        restored, lost = rebuild_reports(recovered, settings=settings, store=store,
                                         embedder=GovEmbedding.from_settings(settings))
    print(f"修复：从损坏的索引中读出 {len(recovered)} 份报告的记录，重建了 {len(restored)} 份"
          f"（分块按保存的正文重做，向量来自缓存）。")
    for file in restored:
        print(f"  已恢复 {display_name(file)}")
    for line in lost:
        print(f"  未能恢复 {line}")
    if lost or not restored:
        print("请用 `govqa ingest <报告文件或目录>` 重新导入未恢复的报告（向量来自缓存，很快）。")
    return 0


def cmd_serve(args) -> int:
    import app

    return app.main([]) or 0


def cmd_eval(args) -> int:
    from eval.run import main as eval_main

    rest = list(args.rest)
    if args.data_dir and rest[:1] not in (["validate"], ["draft"]) and "--data-dir" not in rest:
        rest += ["--data-dir", args.data_dir]  # `govqa --data-dir D eval …`
    return eval_main(rest)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="govqa", description="政报问答：政府工作报告问答（离线，带引用）")
    parser.add_argument("--data-dir", help="数据目录（默认 GOVQA_DATA_DIR 或 ./.govqa）")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ingest", help="导入报告文件或目录（txt/md/html/pdf/docx）")
    p.add_argument("paths", nargs="+")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("docs", help="列出已导入的报告及其元数据")
    p.add_argument("--json", action="store_true")
    p.add_argument("--why", action="store_true", help="显示每个字段的来源")
    p.set_defaults(func=cmd_docs)

    p = sub.add_parser("rm", help="删除报告（doc_id 或文件名）")
    p.add_argument("doc_ids", nargs="+")
    p.set_defaults(func=cmd_rm)

    p = sub.add_parser("stats", help="索引统计")
    p.set_defaults(func=cmd_stats)

    p = sub.add_parser("ask", help="提问（多个问题构成一次对话）")
    p.add_argument("questions", nargs="*")
    p.add_argument("--batch", metavar="FILE", help="批量提问：每行一个问题字符串、{\"question\": …} 或 {\"turns\": […]}"
                   "（一次对话，输出最后一轮）；各行互相独立，每行输出一个 JSON 对象（- 为标准输入）")
    p.add_argument("--json", action="store_true", help="每轮输出一行 JSON（--batch 总是输出 JSON）")
    p.add_argument("--town", action="append", help="只在这个地区/单位的报告中检索（可重复），如 杜桥镇、南山区、广东省")
    p.add_argument("--year", action="append", type=int, help="只在这一年的报告中检索（可重复）")
    p.add_argument("-k", type=int, default=None, help="检索段落数")
    p.add_argument("--backend", choices=["extractive", "llm"], default=None)
    p.add_argument("--debug", action="store_true", help="JSON 中附带检索到的段落及得分")
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("export", help="提问并导出对话（Markdown / Word，回答与对比表 CSV / Excel）")
    p.add_argument("questions", nargs="+", help="一个或多个问题（构成一次对话）")
    p.add_argument("--out", required=True, help="输出文件，如 对话.docx")
    p.add_argument("--format", choices=["md", "docx", "csv", "xlsx"], default=None,
                   help="导出格式（默认按 --out 的扩展名）")
    p.add_argument("--town", action="append", help="只在这个镇/单位的报告中检索（可重复）")
    p.add_argument("--year", action="append", type=int, help="只在这一年的报告中检索（可重复）")
    p.add_argument("-k", type=int, default=None, help="检索段落数")
    p.add_argument("--backend", choices=["extractive", "llm"], default=None)
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("mcp", help="MCP 服务器（默认 stdio；--http PORT 为 127.0.0.1 上的 streamable HTTP）")
    p.add_argument("--http", type=int, metavar="PORT", default=None, help="改用 streamable HTTP，监听 127.0.0.1:PORT/mcp")
    p.set_defaults(func=cmd_mcp)

    p = sub.add_parser("doctor", help="检查并修复存储一致性")
    p.add_argument("--repair", action="store_true")
    p.set_defaults(func=cmd_doctor)

    p = sub.add_parser("indicators", help="指标库：各报告的指标数值（可筛选、导出 CSV/Excel/JSON）")
    p.add_argument("--entity", action="append", help="地区/单位（可重复），如 广东省、深圳市")
    p.add_argument("--indicator", action="append", help="指标名称或常用说法（可重复），如 地区生产总值增长、GDP增速、财政收入")
    p.add_argument("--year", action="append", type=int, help="数据所属年份（可重复）")
    p.add_argument("--kind", action="append", choices=["actual", "target", "expected", "plan-period", "实际", "目标", "预计",
                                                       "规划期"], help="类型（可重复）")
    p.add_argument("--level", action="append", help="级别（可重复）：national|province|city|county|township 或 省级/市级…")
    p.add_argument("--vs", action="store_true", help="目标与实际对照：N年目标（N年报告）与N年实际（N+1年报告）")
    p.add_argument("--format", choices=["table", "csv", "xlsx", "json"], default=None,
                   help="输出格式（默认按 --out 的扩展名，否则 table）")
    p.add_argument("--out", help="写入文件（xlsx 必须指定）")
    p.set_defaults(func=cmd_indicators)

    p = sub.add_parser("serve", help="启动网页界面（同 python app.py）")
    p.set_defaults(func=cmd_serve)

    # no option prefix: every argument after `eval` (even a leading --help) goes to eval.run.main
    p = sub.add_parser("eval", help="评测：govqa eval DATASET.jsonl [...]（govqa eval --help）", add_help=False,
                       prefix_chars="\0")
    p.add_argument("rest", nargs=argparse.REMAINDER)
    p.set_defaults(func=cmd_eval)
    return parser


def main(argv: list[str] | None = None) -> int:
    disable_phone_home()
    parser = build_parser()
    args = parser.parse_args(argv)
    from rag.config import ConfigError
    from rag.store import StoreError

    try:
        return args.func(args)
    except (StoreError, ConfigError) as err:
        print(f"错误：{err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `govqa … | head`: the reader left; nothing more to say
        try:
            sys.stdout = open(os.devnull, "w")  # no second error when Python flushes stdout at exit
        except OSError:
            pass
        return 141
    except Exception as exc:  # a damaged page met by a query: explain it like a failed open
        from rag.store import explain_store_failure

        try:
            err = explain_store_failure(_settings(args), exc)
        except ConfigError:
            err = None
        if err is None:
            if os.environ.get("GOVQA_DEBUG"):
                raise
            # never a raw traceback: one line naming the error (GOVQA_DEBUG=1 shows the traceback)
            detail = str(exc).splitlines()[0][:300] if str(exc) else ""
            print(f"错误：{type(exc).__name__}: {detail}（内部错误；设置 GOVQA_DEBUG=1 可查看详细信息，"
                  f"运行 `govqa doctor` 检查数据目录）", file=sys.stderr)
            return 2
        print(f"错误：{err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
