"""`govqa` command line: ingest | docs | rm | stats | config | ask | export | indicators | eval | serve | mcp | doctor.

Argument parsing and dispatch only; the sub-commands' bodies are in commands/, the work is done by
ingest/, rag/ and eval/.
"""

from __future__ import annotations

import argparse
import os
import sys

from commands.ask import cmd_ask, cmd_export
from commands.common import settings_from_args
from commands.doctor import cmd_doctor
from commands.handover import cmd_eval, cmd_mcp, cmd_serve
from commands.indicators import cmd_indicators
from commands.library import cmd_docs, cmd_ingest, cmd_rm, cmd_stats
from commands.settings import cmd_config
from rag.config import disable_phone_home


def _add_library_parsers(sub) -> None:
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

    p = sub.add_parser("config", help="设置表（环境变量、默认值、说明）；--current 显示当前生效的值")
    p.add_argument("--current", action="store_true", help="当前生效的值（密钥隐藏）")
    p.set_defaults(func=cmd_config)


def _add_ask_parsers(sub) -> None:
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


def _add_mcp_and_doctor_parsers(sub) -> None:
    p = sub.add_parser("mcp", help="MCP 服务器（默认 stdio；--http PORT 为 127.0.0.1 上的 streamable HTTP）")
    p.add_argument("--http", type=int, metavar="PORT", default=None, help="改用 streamable HTTP，监听 127.0.0.1:PORT/mcp")
    p.set_defaults(func=cmd_mcp)

    p = sub.add_parser("doctor", help="检查并修复存储一致性")
    p.add_argument("--repair", action="store_true")
    p.set_defaults(func=cmd_doctor)


def _add_indicators_parser(sub) -> None:
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


def _add_serve_and_eval_parsers(sub) -> None:
    p = sub.add_parser("serve", help="启动网页界面（同 python app.py）")
    p.set_defaults(func=cmd_serve)

    # no option prefix: every argument after `eval` (even a leading --help) goes to eval.run.main
    p = sub.add_parser("eval", help="评测：govqa eval DATASET.jsonl [...]（govqa eval --help）", add_help=False,
                       prefix_chars="\0")
    p.add_argument("rest", nargs=argparse.REMAINDER)
    p.set_defaults(func=cmd_eval)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="govqa", description="政报问答：政府工作报告问答（离线，带引用）")
    parser.add_argument("--data-dir", help="数据目录（默认 GOVQA_DATA_DIR 或 ./.govqa）")
    sub = parser.add_subparsers(dest="command", required=True)
    _add_library_parsers(sub)
    _add_ask_parsers(sub)
    _add_mcp_and_doctor_parsers(sub)
    _add_indicators_parser(sub)
    _add_serve_and_eval_parsers(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    disable_phone_home()
    parser = build_parser()
    args = parser.parse_args(argv)
    from rag.config import ConfigError
    from rag.store_errors import StoreError

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
        from rag.store_errors import explain_store_failure

        try:
            err = explain_store_failure(settings_from_args(args), exc)
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
