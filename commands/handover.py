"""`govqa mcp | serve | eval`: handing over to the MCP server, the web app and the eval runner."""

from __future__ import annotations

import sys

from commands.common import qa_service, settings_from_args


def cmd_mcp(args) -> int:
    from ui.mcp_server import serve

    settings = settings_from_args(args)
    service = qa_service(settings)
    if args.http:
        print(f"MCP（streamable HTTP）：http://127.0.0.1:{args.http}/mcp  按 Ctrl+C 停止。", file=sys.stderr)
    serve(service, http_port=args.http)
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
