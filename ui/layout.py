"""The page: a chat tab and a report-library tab, wired to :class:`ui.handlers.Handlers`."""

from __future__ import annotations

from types import SimpleNamespace

import gradio as gr

from ui import indicators_tab
from ui.examples import Example
from ui.handlers import Handlers

COPY_JS = """
(text) => {
  const done = () => "<span class='gq-note'>已复制到剪贴板</span>";
  if (!text) { return "<span class='gq-note'>还没有可复制的回答</span>"; }
  const fallback = () => {
    const area = document.createElement("textarea");
    area.value = text; document.body.appendChild(area); area.select();
    try { document.execCommand("copy"); } finally { area.remove(); }
  };
  try {
    if (navigator.clipboard && window.isSecureContext) { navigator.clipboard.writeText(text).catch(fallback); }
    else { fallback(); }
  } catch (e) { fallback(); }
  return done();
}
"""


EXPORT_CHOICES = [("导出为 Word（引用为脚注）", "docx"), ("导出为 Markdown", "md"),
                  ("导出为 Excel（回答与对比表、来源）", "xlsx"), ("导出为 CSV（回答与对比表）", "csv")]


def _backend_choices(settings) -> list[tuple[str, str]]:
    choices = [("离线抽取式（无需模型，逐句摘自报告）", "extractive")]
    if settings.answer.llm_configured:
        choices.append((f"大模型接口（{settings.answer.llm_model}）", "llm"))
    return choices


def _conversation_column(examples: list[Example]) -> SimpleNamespace:
    """The chat itself: the conversation, the question box and the buttons under it."""
    chatbot = gr.Chatbot(
        label="对话", height=600, render_markdown=False, sanitize_html=True,
        latex_delimiters=[], allow_tags=False, feedback_options=None, buttons=[],
        elem_id="gq-chatbot", autoscroll=True,
        placeholder="<b>请提问</b>：可以问单个数据、比较不同地区/单位或年份，也可以接着追问。"
                    "下面是几个示例，点击即可提问。",
        examples=[e.as_chatbot_example() for e in examples],
    )
    with gr.Row():
        question = gr.Textbox(show_label=False, scale=6, elem_id="gq-question", lines=1,
                              max_lines=4, placeholder="输入问题，按回车发送")
        send = gr.Button("发送", variant="primary", scale=1, elem_id="gq-send")
    with gr.Row():
        new_chat = gr.Button("新对话", size="sm", elem_id="gq-new")
        copy = gr.Button("复制回答", size="sm", elem_id="gq-copy")
        copy_note = gr.HTML("", elem_id="gq-copy-note")
    with gr.Row():
        export_format = gr.Dropdown(EXPORT_CHOICES, value="docx", show_label=False, scale=2,
                                    elem_id="gq-export-format", container=False)
        download = gr.DownloadButton("下载对话", size="sm", interactive=False, scale=1,
                                     elem_id="gq-download")
    copy_text = gr.Textbox(visible=False, elem_id="gq-copy-text")
    return SimpleNamespace(chatbot=chatbot, question=question, send=send, new_chat=new_chat, copy=copy,
                           copy_note=copy_note, export_format=export_format, download=download, copy_text=copy_text)


def _scope_column(settings) -> SimpleNamespace:
    """The side column: which reports to search, and the answer settings."""
    gr.HTML("<b>检索范围</b>（不选则检索全部报告）")
    towns = gr.Dropdown(label="地区/单位", multiselect=True, choices=[], elem_id="gq-towns",
                        info="只在这些地区/单位的报告中检索（括号内为级别）")
    years = gr.Dropdown(label="报告年份", multiselect=True, choices=[], elem_id="gq-years")
    with gr.Accordion("设置", open=False, elem_id="gq-settings"):
        backend = gr.Radio(_backend_choices(settings), label="回答方式",
                           value=settings.answer.backend if settings.answer.llm_configured else "extractive",
                           elem_id="gq-backend")
        if not settings.answer.llm_configured:
            gr.HTML('<span class="gq-note">未配置大模型接口：设置 OPENAI_BASE_URL / '
                    "OPENAI_API_KEY（或 GOVQA_LLM_*）后重启即可选择。</span>")
        top_k = gr.Slider(1, 20, value=settings.retrieval.top_k, step=1, label="检索段落数（top-k）",
                          elem_id="gq-topk")
        debug = gr.Checkbox(False, label="显示检索调试信息（稠密 / BM25 / 融合得分）",
                            elem_id="gq-debug-toggle")
    return SimpleNamespace(towns=towns, years=years, backend=backend, top_k=top_k, debug=debug)


def _chat_tab(settings, examples: list[Example]) -> SimpleNamespace:
    with gr.Row():
        with gr.Column(scale=3):
            chat = _conversation_column(examples)
        with gr.Column(scale=1, min_width=260):
            scope = _scope_column(settings)
    debug_panel = gr.HTML("", elem_id="gq-debug")
    return SimpleNamespace(**vars(chat), **vars(scope), debug_panel=debug_panel)


def _library_tab(settings) -> SimpleNamespace:
    """Uploading reports, the list of reports, deleting one (with a confirmation)."""
    allowed = "、".join(s.lstrip(".") for s in settings.limits.allowed_suffixes)
    gr.HTML(f"<b>上传报告</b>：支持 {allowed}，可一次选择多个文件；单个文件不超过 "
            f"{settings.ui.upload_max_mb:g} MB。导入后即可在问答中检索。")
    files = gr.File(label="拖入或选择报告文件", file_count="multiple", elem_id="gq-files",
                    file_types=list(settings.limits.allowed_suffixes))
    upload = gr.Button("导入", variant="primary", elem_id="gq-upload")
    upload_status = gr.HTML("", elem_id="gq-upload-status")
    library = gr.HTML("", elem_id="gq-library")
    with gr.Row():
        doc_pick = gr.Dropdown(label="选择要删除的报告", choices=[], elem_id="gq-doc-pick", scale=4)
        delete = gr.Button("删除报告", variant="stop", elem_id="gq-delete", scale=1)
    with gr.Row(visible=False) as confirm_row:
        confirm = gr.Button("确认删除", variant="stop", elem_id="gq-delete-confirm")
        cancel = gr.Button("取消", elem_id="gq-delete-cancel")
    delete_note = gr.HTML("", elem_id="gq-delete-note")
    return SimpleNamespace(files=files, upload=upload, upload_status=upload_status, library=library,
                           doc_pick=doc_pick, delete=delete, confirm_row=confirm_row, confirm=confirm,
                           cancel=cancel, delete_note=delete_note)


def _wire_events(handlers: Handlers, demo: gr.Blocks, conversation: gr.State, c: SimpleNamespace,
                 lib: SimpleNamespace) -> None:
    """What each control does: chat turns, export, copy, debug view, upload, delete, first load."""
    library_outputs = [lib.library, lib.doc_pick, c.towns, c.years, lib.delete_note]
    chat_inputs = [c.question, c.chatbot, conversation, c.towns, c.years, c.backend, c.top_k, c.debug]
    chat_outputs = [c.chatbot, conversation, c.question, c.debug_panel, c.copy_text]
    export_args = dict(fn=handlers.export_file, inputs=[conversation, c.export_format], outputs=[c.download],
                       api_visibility="private", show_progress="hidden", queue=False)
    for trigger in (c.question.submit, c.send.click):
        trigger(handlers.chat, chat_inputs, chat_outputs, api_visibility="private",
                show_progress="hidden").then(**export_args)
    c.chatbot.example_select(handlers.chat_example, chat_inputs[1:], chat_outputs, api_visibility="private",
                             show_progress="hidden").then(**export_args)
    c.export_format.change(**export_args)
    c.new_chat.click(handlers.new_conversation, None, chat_outputs, api_visibility="private").then(**export_args)
    c.chatbot.clear(handlers.new_conversation, None, chat_outputs, api_visibility="private").then(**export_args)
    c.copy.click(None, [c.copy_text], [c.copy_note], js=COPY_JS, api_visibility="private")
    c.debug.change(lambda on: gr.update() if on else "", [c.debug], [c.debug_panel], api_visibility="private")
    lib.upload.click(handlers.upload, [lib.files, c.towns, c.years],
                     [lib.upload_status, lib.files, *library_outputs[:4], lib.delete_note],
                     api_name="upload", api_visibility="undocumented", show_progress="hidden")
    lib.delete.click(handlers.delete_request, [lib.doc_pick], [lib.confirm_row, lib.delete_note],
                     api_visibility="private")
    lib.confirm.click(handlers.delete_confirm, [lib.doc_pick, c.towns, c.years], [lib.confirm_row, *library_outputs],
                      api_visibility="private")
    lib.cancel.click(handlers.delete_cancel, None, [lib.confirm_row, lib.delete_note], api_visibility="private")
    demo.load(handlers.refresh, [c.towns, c.years], library_outputs, api_visibility="private")


def build_demo(handlers: Handlers, examples: list[Example]) -> gr.Blocks:
    settings = handlers.settings
    with gr.Blocks(title="政报问答") as demo:
        conversation = gr.State(None)
        gr.HTML('<div class="gq-header"><h1>政报问答</h1><p>政府工作报告问答：每句回答都标注出处，点开即可核对原文。'
                '默认完全离线运行。</p></div>')
        with gr.Tabs():
            with gr.Tab("问答", id="chat"):
                chat = _chat_tab(settings, examples)
            with gr.Tab("报告库", id="library"):
                lib = _library_tab(settings)
            with gr.Tab("指标", id="indicators") as ind_tab:
                indicators_tab.build(handlers, ind_tab)
        _wire_events(handlers, demo, conversation, chat, lib)
        gr.api(api_ask_fn(handlers), api_name="ask")
    return demo


def api_ask_fn(handlers: Handlers):
    def ask(question: str, history: list | None = None, town: str | None = None, year: str | None = None,
            k: int | None = None) -> dict:
        """问一个问题，返回与 `govqa ask --json` 相同的 JSON。history：此前的问题列表；town/year：检索范围（可用逗号分隔多个）；k：检索段落数。"""
        return handlers.api_ask(question, history, town, year, k)

    return ask
