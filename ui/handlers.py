"""Event handlers: thin adapters from Gradio values to the rag / ingest functions.

No question answering or ingestion logic lives here: chat calls ``QAService.stream``, uploads call
``ingest.pipeline.iter_ingest``, the library reads and deletes through ``ReportStore``.
"""

from __future__ import annotations

import html

import tempfile
from pathlib import Path
from typing import Any, Iterator

import gradio as gr

from ingest.pipeline import iter_ingest
from ingest.results import FileResult
from rag.chat import Conversation, QAService
from rag.config import Settings
from rag.limits import (  # noqa: F401 - re-exported for the UI's callers
    MAX_FILTER_VALUES, MAX_HISTORY_TURNS, MAX_K, MAX_QUESTION_CHARS, InputError, cap_k, cap_question, check_text,
)
from rag.types import Answer
from ui import render
from ui.examples import FOLLOW_UP_SEPARATOR
from ui.filters import parse_years, split_values  # noqa: F401 - also imported from here


def history_questions(history: Any) -> list[str]:
    """Earlier user questions from a history given as strings, [q, a] pairs or role/content messages."""
    out: list[str] = []
    for item in history or []:
        if isinstance(item, str):
            q = item
        elif isinstance(item, dict):
            if item.get("role", "user") != "user":
                continue
            q = item.get("content") or item.get("question") or ""
        elif isinstance(item, (list, tuple)) and item:
            q = item[0]
        else:
            continue
        if isinstance(q, str) and q.strip():
            out.append(q.strip())
    return out


def remove_upload(path: Path) -> None:
    """Delete an uploaded file from Gradio's upload folder (and its per-upload folder when empty);
    a path outside that folder (a local file given to the handler directly) is never touched."""
    try:
        from gradio.utils import get_upload_folder

        root = Path(get_upload_folder()).resolve()
        resolved = path.resolve()
        if root not in resolved.parents:
            return
        resolved.unlink(missing_ok=True)
        parent = resolved.parent
        if parent != root and not any(parent.iterdir()):
            parent.rmdir()
    except OSError:
        pass


class Handlers:
    def __init__(self, service: QAService, settings: Settings):
        self.service = service
        self.settings = settings

    @property
    def store(self):
        return self.service.store

    # ------------------------------------------------------------------ chat
    def chat(self, question, history, conversation, towns, years, backend, k, debug) -> Iterator[tuple]:
        """Stream one turn. Outputs: chatbot, conversation, question box, debug panel, copy text."""
        q = (question or "").strip()
        history = list(history or [])
        if not q:
            yield history, conversation, "", gr.update(), gr.update()
            return
        try:
            q = cap_question(q, [])
            k = cap_k(k, [])
            years_list = tuple(parse_years(years))
        except InputError as err:
            history.append({"role": "user", "content": render.user_html(q.encode("utf-8", "replace").decode())})
            history.append({"role": "assistant", "content": render.error_html(str(err))})
            yield history, conversation, "", gr.update(), gr.update()
            return
        conversation = conversation if isinstance(conversation, Conversation) else Conversation()
        history.append({"role": "user", "content": render.user_html(q)})
        history.append({"role": "assistant", "content": render.pending_html()})
        yield history, conversation, "", gr.update(), gr.update()
        partial = ""
        answer: Answer | None = None
        try:
            for event in self.service.stream(
                q, conversation, towns=tuple(split_values(towns)), years=years_list,
                k=k, backend=backend or None,
            ):
                if isinstance(event, Answer):
                    answer = event
                else:
                    partial += event
                    history[-1] = {"role": "assistant", "content": render.streaming_html(partial)}
                    yield history, conversation, "", gr.update(), gr.update()
        except Exception as exc:  # noqa: BLE001 - the page must survive any failure of one turn
            history[-1] = {"role": "assistant", "content": render.error_html(f"{type(exc).__name__}: {exc}")}
            yield history, conversation, "", gr.update(), gr.update()
            return
        assert answer is not None
        history[-1] = {"role": "assistant", "content": render.answer_html(answer)}
        yield (history, conversation, "", render.debug_html(answer) if debug else "",
               render.answer_plain_text(answer))

    def chat_example(self, evt: gr.SelectData, history, conversation, towns, years, backend, k, debug):
        """A clicked example: one question, or a follow-up pair asked turn after turn."""
        value = evt.value if isinstance(evt.value, dict) else {"text": str(evt.value)}
        turns = [t for t in str(value.get("text", "")).split(FOLLOW_UP_SEPARATOR) if t.strip()]
        last = (history, conversation, "", gr.update(), gr.update())
        for turn in turns:
            for last in self.chat(turn, history, conversation, towns, years, backend, k, debug):
                yield last
            history, conversation = last[0], last[1]

    @staticmethod
    def new_conversation():
        return [], None, "", "", ""

    # ------------------------------------------------------------------ export
    @staticmethod
    def export_file(conversation, fmt):
        """The download button's file: the current conversation in the chosen format (a fresh file
        after every turn, so one click downloads it); nothing to download before the first answer."""
        from ui.export import export_conversation, export_filename

        turns = conversation.turns if isinstance(conversation, Conversation) else []
        if not turns:
            return gr.update(value=None, interactive=False)
        fmt = fmt or "docx"
        path = Path(tempfile.mkdtemp(prefix="govqa-export-")) / export_filename(fmt)
        export_conversation([t.answer for t in turns], fmt, path)
        return gr.update(value=str(path), interactive=True)

    # ------------------------------------------------------------------ library
    def filter_choices(self) -> tuple[list[str], list[str]]:
        docs = self.store.list_docs()
        towns = sorted({m.entity for m in docs if m.entity})
        years = sorted({str(m.year) for m in docs if m.year}, reverse=True)
        return towns, years

    def library_outputs(self, towns_value=None, years_value=None, note: str = "") -> tuple:
        """library html, delete dropdown, town filter, year filter, delete note."""
        records = sorted(self.store.records().values(), key=lambda r: r.meta.file)
        towns, years = self.filter_choices()
        docs = [(render.doc_option_label(r.meta), r.meta.doc_id) for r in records]
        keep_towns = [t for t in split_values(towns_value) if t in towns]
        keep_years = [y for y in split_values(years_value) if y in years]
        return (
            render.library_html(records),
            gr.update(choices=docs, value=None),
            gr.update(choices=towns, value=keep_towns),
            gr.update(choices=years, value=keep_years),
            note,
        )

    def refresh(self, towns_value=None, years_value=None):
        return self.library_outputs(towns_value, years_value)

    def delete_request(self, doc_id):
        rec = self.store.get_doc(doc_id) if doc_id else None
        if rec is None:
            return gr.update(visible=False), "请先在下拉框中选择要删除的报告。"
        return (gr.update(visible=True),
                f"确认删除 {render.esc(rec.meta.file)}（{render.esc(rec.meta.display_town)} {rec.meta.year or ''}）？"
                "删除后将无法在问答中检索到它。")

    def delete_confirm(self, doc_id, towns_value, years_value):
        rec = self.store.get_doc(doc_id) if doc_id else None
        if rec is None:
            note = "没有选择报告，未删除任何内容。"
        else:
            self.store.remove_document(doc_id)
            self.store.bm25()  # rebuild the sparse index now, not on the next question
            note = f"已删除 {render.esc(rec.meta.file)}。"
        return (gr.update(visible=False), *self.library_outputs(towns_value, years_value, note))

    @staticmethod
    def delete_cancel():
        return gr.update(visible=False), "已取消。"

    # ------------------------------------------------------------------ upload
    def check_upload(self, path: Path) -> str:
        """Reason a file is refused before ingestion ('' when acceptable)."""
        suffix = path.suffix.lower()
        if suffix not in self.settings.limits.allowed_suffixes:
            allowed = "、".join(s.lstrip(".") for s in self.settings.limits.allowed_suffixes)
            return f"不支持的文件类型 {suffix or '（无扩展名）'}，仅支持 {allowed}"
        size_mb = path.stat().st_size / 1048576
        if size_mb > self.settings.ui.upload_max_mb:
            return f"文件过大（{size_mb:.1f} MB，上限 {self.settings.ui.upload_max_mb:g} MB）"
        return ""

    def upload(self, files, towns_value, years_value):
        """Ingest uploaded files. Outputs: status html, file box, then the library outputs."""
        paths = [Path(f if isinstance(f, str) else getattr(f, "name", f)) for f in (files or [])]
        keep = (gr.update(),) * 6
        if not paths:
            yield ('<div class="gq-ingest">请先选择或拖入报告文件。</div>', *keep)
            return
        results: list[FileResult] = []
        sources: list[tuple[str, bytes]] = []
        for p in paths:
            try:
                reason = self.check_upload(p)
                if not reason:
                    sources.append((p.name, p.read_bytes()))
            except OSError as exc:
                reason = f"无法读取上传的文件：{exc.strerror or exc}"
            if reason:
                results.append(FileResult(p.name, "failed", reason))
            remove_upload(p)  # its bytes are read (or it is refused): never left in the temp dir
        yield (render.ingest_status_html(0.0, f"准备导入 {len(sources)} 个文件…", results), *keep)
        if sources:
            try:
                for event in iter_ingest(sources, settings=self.settings, store=self.store,
                                         embedder=self.service.embedder):
                    if event.result is not None:
                        results.append(event.result)
                    current = f"{event.file}：{render.stage_label(event.stage)} {event.detail}".strip()
                    yield (render.ingest_status_html(event.fraction, current, results), *keep)
                self.store.bm25()
            except Exception as exc:  # noqa: BLE001 - keep what was ingested, report the rest
                results.append(FileResult("（导入中断）", "failed", f"{type(exc).__name__}: {exc}"))
        ok = sum(r.status in ("ok", "replaced") for r in results)
        failed = sum(r.status == "failed" for r in results)
        summary = f"完成：新导入/更新 {ok} 个，跳过 {len(results) - ok - failed} 个，失败 {failed} 个。"
        lib = self.library_outputs(towns_value, years_value)
        yield (render.ingest_status_html(1.0, summary, results), None, *lib[:4], "")

    # ------------------------------------------------------------------ API
    def api_ask(self, question: str, history: list | None = None, town: str | list | None = None,
                year: str | int | list | None = None, k: int | None = None) -> dict:
        """The `ask` API: same JSON as `govqa ask --json`; history = earlier questions of the conversation.

        Every input is checked and capped (question length, history turns, k, filter values); a
        value that cannot be used, and any failure, is a gr.Error whose message reaches the caller
        (never ``{"error": null}``)."""
        from rag.store_errors import StoreError

        try:
            notices: list[str] = []
            q = cap_question(question, notices)
            k_value = cap_k(k, notices)
            towns = tuple(check_text(t, "镇名") for t in split_values(town)[:MAX_FILTER_VALUES])
            years = tuple(parse_years(split_values(year)[:MAX_FILTER_VALUES]))
            earlier = history_questions(history)
            if len(earlier) > MAX_HISTORY_TURNS:
                notices.append(f"对话历史有 {len(earlier)} 轮，只使用了最近 {MAX_HISTORY_TURNS} 轮。")
                earlier = earlier[-MAX_HISTORY_TURNS:]
            earlier = [cap_question(e, []) for e in earlier]
            conversation = Conversation()
            for e in earlier:
                self.service.ask(e, conversation, towns=towns, years=years, k=k_value)
            answer = self.service.ask(q, conversation, towns=towns, years=years, k=k_value)
            answer.notices = [*notices, *answer.notices]
            return answer.to_json()
        except gr.Error:
            raise
        except (InputError, StoreError) as err:  # gr.Error messages may be shown as HTML: escaped
            raise gr.Error(html.escape(str(err)), print_exception=False) from None
        except Exception as exc:  # noqa: BLE001 - the caller gets a message, not {"error": null}
            raise gr.Error(html.escape(f"内部错误：{type(exc).__name__}: {str(exc)[:300]}")) from exc
