"""The "指标" tab: the indicator table (指标库) of every report, filterable; each value opens the
statement it was read from; targets beside their outcomes; a year-over-year chart; CSV / Excel.

Thin: rows come from :mod:`rag.indicators_table` (through the store the chat uses), filters and
exports from :mod:`rag.indicators_export`, targets vs outcomes from :mod:`rag.table_targets`.
Every string from a report goes through :func:`ui.render.esc`.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
from pathlib import Path

import gradio as gr

from rag.indicators_export import filter_rows, resolve_names, vs_records, write_csv, write_xlsx
from rag.indicators_table import KIND_LABELS, IndicatorRow, table_for
from rag.table_cite import value_text
from rag.table_scope import best_row
from rag.table_targets import targets_vs_outcomes
from rag.types import LEVEL_LABELS, Citation
from ui import render

MAX_SHOWN = 300  # rows drawn in the page; downloads always hold every filtered row
MAX_CHART_ENTITIES = 8
DEFAULT_INDICATOR = "地区生产总值增长"
STYLE = """<style>
#gq-ind-table table { width: 100%; }
#gq-ind-table details.gq-ind-cell > summary { cursor: pointer; color: var(--color-accent); font-weight: 600; }
#gq-ind-table details.gq-ind-cell[open] { min-width: 22rem; }
#gq-ind-table .gq-kind-target { color: #9a3412; }
#gq-ind-table .gq-kind-actual { color: #166534; }
#gq-ind-vs .gq-met { color: #166534; } #gq-ind-vs .gq-notmet { color: #b91c1c; }
#gq-ind-vs .gq-unknown { color: var(--body-text-color-subdued); }
</style>"""


def _label_level(level: str) -> str:
    return LEVEL_LABELS.get(level, level or "")


class IndicatorsView:
    """What the tab shows, computed from the store's indicator table."""

    def __init__(self, handlers):
        self.handlers = handlers
        self._exports: list[Path] = []
        self._lock = threading.Lock()

    @property
    def store(self):
        return self.handlers.store

    def snapshot(self):
        return table_for(self.store).snapshot()

    def warm(self) -> None:
        """Read the table once in the background at start: the first table answer (in the chat or
        this tab) then only reads what changed since."""
        try:
            self.snapshot()
        except Exception:  # noqa: BLE001 - only a warm-up; the first use reads it again
            pass

    # ------------------------------------------------------------------ choices
    def choices(self) -> dict[str, list]:
        snap = self.snapshot()
        rows = snap.rows
        return {
            "entity": sorted({r.entity for r in rows}),
            "level": [LEVEL_LABELS[k] for k in LEVEL_LABELS if any(r.level == k for r in rows)],
            "year": [str(y) for y in sorted({r.year for r in rows if r.year}, reverse=True)],
            "indicator": sorted({r.indicator for r in rows}),
            "kind": [KIND_LABELS[k] for k in KIND_LABELS if any(r.kind == k for r in rows)],
        }

    def rows(self, entities=None, levels=None, years=None, indicators=None, kinds=None) -> list[IndicatorRow]:
        return filter_rows(self.snapshot(), entities=entities or (), levels=levels or (),
                           years=[int(y) for y in years or ()], indicators=indicators or (), kinds=kinds or ())

    # ------------------------------------------------------------------ html
    @staticmethod
    def cell_html(r: IndicatorRow) -> str:
        """The value; opening it shows the statement inside its sentence, and where it is."""
        c = Citation(n=0, doc_id=r.doc_id, file=r.file, title="", town=r.entity, year=int(r.report_year or 0),
                     section="", text=r.passage, start=r.passage_start, end=r.passage_start + len(r.passage),
                     span_start=r.start, span_end=r.end, quote=r.passage[r.start - r.passage_start:r.end - r.passage_start])
        return (f'<details class="gq-ind-cell" data-doc="{render.esc(r.doc_id)}" data-start="{r.start}">'
                f"<summary>{render.esc(value_text(r))}</summary>{render.passage_html(c)}"
                f'<div class="gq-file">{render.esc(r.entity)} {render.esc(r.report_year or "")}年报告 · 文件：'
                f"{render.esc(r.file)} · 原文第 {r.start}–{r.end} 字 · 置信度 {r.confidence:g}</div></details>")

    def table_html(self, rows: list[IndicatorRow]) -> str:
        if not rows:
            return f'{STYLE}<div class="gq-note">没有符合条件的指标。</div>'
        body = []
        for r in rows[:MAX_SHOWN]:
            body.append(
                f'<tr class="gq-ind-row"><td>{render.esc(r.entity)}</td><td>{render.esc(_label_level(r.level))}</td>'
                f"<td>{render.esc(r.report_year or '')}</td><td>{render.esc(r.indicator)}</td>"
                f'<td class="gq-kind-{render.esc(r.kind)}">{render.esc(r.kind_label)}</td>'
                f"<td>{render.esc(r.year or '')}</td><td>{self.cell_html(r)}</td></tr>")
        head = "".join(f"<th>{h}</th>" for h in ("地区/单位", "级别", "报告年份", "指标", "类型", "数据年份",
                                                 "数值（点击查看原文）"))
        return (f'{STYLE}<table class="gq-compare gq-ind"><thead><tr>{head}</tr></thead>'
                f'<tbody>{"".join(body)}</tbody></table>')

    @staticmethod
    def note_html(rows: list[IndicatorRow]) -> str:
        reports = len({r.doc_id for r in rows})
        shown = f"，页面显示前 {MAX_SHOWN} 行（下载包含全部）" if len(rows) > MAX_SHOWN else ""
        return (f'<div class="gq-note" data-rows="{len(rows)}">共 {len(rows)} 行，来自 {reports} 份报告{shown}。'
                "目标与实际分列，不混排；点击数值查看原文。</div>")

    def vs_html(self, entities, years, indicators) -> str:
        """Targets beside outcomes for the indicators filtered (only then: the view is per indicator)."""
        names = resolve_names(indicators or ())
        if not names:
            return ""
        pairs = targets_vs_outcomes(self.snapshot(), entities=entities or None, indicators=names,
                                    years=[int(y) for y in years or ()] or None)
        if not pairs:
            return ""
        cls = {"met": "gq-met", "not met": "gq-notmet"}
        body = []
        for x, rec in zip(pairs, vs_records(pairs)):
            target = self.cell_html(x.target) if x.target else ""
            outcome = self.cell_html(x.outcome) if x.outcome else ""
            body.append(f'<tr><td>{render.esc(x.entity)}</td><td>{render.esc(x.indicator)}</td><td>{x.year}</td>'
                        f"<td>{target}</td><td>{outcome}</td>"
                        f'<td class="{cls.get(x.status, "gq-unknown")}">{render.esc(rec["结论"])}</td>'
                        f"<td>{render.esc(x.note)}</td></tr>")
        head = "".join(f"<th>{h}</th>" for h in ("地区/单位", "指标", "年份", "目标（当年报告）", "实际（次年报告）",
                                                 "结论", "说明"))
        return (f'<table class="gq-compare gq-ind-vs"><caption>目标与实际对照</caption><thead><tr>{head}</tr></thead>'
                f'<tbody>{"".join(body)}</tbody></table>')

    # ------------------------------------------------------------------ exports
    def export(self, rows: list[IndicatorRow]) -> tuple[str, str]:
        """CSV and Excel files of the rows (fresh files; older exports of this view are removed)."""
        folder = Path(tempfile.mkdtemp(prefix="govqa-indicators-"))
        csv_path = write_csv(rows, folder / "指标.csv")
        xlsx_path = write_xlsx(rows, folder / "指标.xlsx")
        with self._lock:
            self._exports.append(folder)
            while len(self._exports) > 16:
                shutil.rmtree(self._exports.pop(0), ignore_errors=True)
        return str(csv_path), str(xlsx_path)

    # ------------------------------------------------------------------ chart
    def chart(self, indicator, entities):
        """Year-over-year values of one indicator: outcomes solid, targets dashed with open markers
        (a range drawn as a bar), expected values dotted."""
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        names = resolve_names([indicator] if indicator else [])
        name = names[0] if names else None
        snap = self.snapshot()
        entities = list(entities or [])[:MAX_CHART_ENTITIES]
        plt.rcParams["font.sans-serif"] = ["WenQuanYi Micro Hei", "Noto Sans CJK SC", "DejaVu Sans"]
        plt.rcParams["axes.unicode_minus"] = False
        fig, ax = plt.subplots(figsize=(8, 4.2), dpi=100)
        drawn = 0
        unit = ""
        if name and entities:
            colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
            for i, entity in enumerate(entities):
                color = colors[i % len(colors)]
                rows = snap.query(entities=[entity], indicators=[name])
                for kind, style in (("actual", dict(linestyle="-", marker="o")),
                                    ("expected", dict(linestyle=":", marker="s")),
                                    ("target", dict(linestyle="--", marker="^", markerfacecolor="white"))):
                    points = []
                    for year in sorted({r.year for r in rows if r.kind == kind and r.year}):
                        cands = [r for r in rows if r.kind == kind and r.year == year]
                        # the report that states it first-hand: a target in its year's report, an
                        # outcome in the next year's
                        own = [r for r in cands if r.report_year == (year if kind == "target" else year + 1)]
                        r = best_row(own or cands)
                        if r is not None:
                            points.append(r)
                    if not points:
                        continue
                    unit = points[0].unit
                    xs = [r.year for r in points]
                    ys = [r.value for r in points]
                    ax.plot(xs, ys, color=color, label=f"{entity} {KIND_LABELS[kind]}", **style)
                    for r in points:
                        if r.value_high is not None:
                            ax.vlines(r.year, r.value, r.value_high, color=color, linewidth=3, alpha=.5)
                    drawn += len(points)
        if drawn:
            ax.set_title(f"{name}（{unit}）逐年变化：实线为实际，虚线空心为目标，点线为预计")
            ax.set_xlabel("年份")
            ax.xaxis.get_major_locator().set_params(integer=True)
            ax.grid(alpha=.3)
            ax.legend(fontsize=8, ncol=2)
        else:
            ax.set_axis_off()
            ax.text(.5, .5, "请选择一个指标和至少一个地区/单位" if not (name and entities) else "所选地区没有这项指标的数据",
                    ha="center", va="center", transform=ax.transAxes)
        fig.tight_layout()
        plt.close(fig)
        return fig

    def chart_entities(self, indicator) -> list[str]:
        """Who has the indicator, those with the most years first."""
        names = resolve_names([indicator] if indicator else [])
        if not names:
            return []
        counts: dict[str, set] = {}
        for r in self.snapshot().query(indicators=names[:1]):
            counts.setdefault(r.entity, set()).add((r.year, r.kind))
        return sorted(counts, key=lambda e: (-len(counts[e]), e))

    # ------------------------------------------------------------------ events
    def refresh(self, entities, levels, years, indicators, kinds):
        """Outputs: note, table, CSV button, Excel button, targets-vs-outcomes."""
        rows = self.rows(entities, levels, years, indicators, kinds)
        csv_path, xlsx_path = self.export(rows)
        return (self.note_html(rows), self.table_html(rows), gr.update(value=csv_path), gr.update(value=xlsx_path),
                self.vs_html(entities, years, indicators))

    def refresh_with_chart(self, entities, levels, years, indicators, kinds, chart_indicator, chart_entities):
        """A filter changed: the table, and the chart follows the filter's indicator and issuers."""
        names = resolve_names(indicators or ())
        ind = names[0] if names else chart_indicator
        who = self.chart_entities(ind)
        chosen = [e for e in (entities or []) if e in who][:MAX_CHART_ENTITIES] or \
            [e for e in (chart_entities or []) if e in who] or who[:4]
        return (*self.refresh(entities, levels, years, indicators, kinds),
                gr.update(value=ind), gr.update(choices=who, value=chosen), self.chart(ind, chosen))

    def load(self, entities, levels, years, indicators, kinds, chart_indicator, chart_entities):
        """Opening the tab: choices from the current library (kept selections stay), the table, the chart."""
        ch = self.choices()

        def keep(values, allowed):
            return [v for v in (values or []) if v in allowed]

        sel = [keep(entities, ch["entity"]), keep(levels, ch["level"]), keep(years, ch["year"]),
               keep(indicators, ch["indicator"]), keep(kinds, ch["kind"])]
        chart_ind = chart_indicator if chart_indicator in ch["indicator"] else (
            DEFAULT_INDICATOR if DEFAULT_INDICATOR in ch["indicator"] else (ch["indicator"][0] if ch["indicator"] else None))
        who = self.chart_entities(chart_ind)
        chart_ents = keep(chart_entities, who) or who[:4]
        updates = [gr.update(choices=ch[k], value=v) for k, v in zip(("entity", "level", "year", "indicator", "kind"), sel)]
        return (*updates, *self.refresh(*sel), gr.update(choices=ch["indicator"], value=chart_ind),
                gr.update(choices=who, value=chart_ents), self.chart(chart_ind, chart_ents))

    def on_chart_indicator(self, indicator, entities):
        who = self.chart_entities(indicator)
        keep = [e for e in (entities or []) if e in who] or who[:4]
        return gr.update(choices=who, value=keep), self.chart(indicator, keep)


def build(handlers, tab) -> IndicatorsView:
    """The tab's components and events (called inside ``with gr.Tab("指标") as tab``)."""
    view = IndicatorsView(handlers)
    threading.Thread(target=view.warm, name="indicator-table-warm", daemon=True).start()
    gr.HTML('<b>指标库</b>：各报告中每个指标数值一行，均可点开查看原文；目标（当年报告）与实际（次年报告）分列对照。')
    with gr.Row():
        entity = gr.Dropdown(label="地区/单位", multiselect=True, choices=[], elem_id="gq-ind-entity", scale=2)
        level = gr.Dropdown(label="级别", multiselect=True, choices=[], elem_id="gq-ind-level", scale=1)
        year = gr.Dropdown(label="数据年份", multiselect=True, choices=[], elem_id="gq-ind-year", scale=1)
        indicator = gr.Dropdown(label="指标", multiselect=True, choices=[], elem_id="gq-ind-indicator", scale=2)
        kind = gr.Dropdown(label="类型", multiselect=True, choices=[], elem_id="gq-ind-kind", scale=1)
    with gr.Row():
        note = gr.HTML("", elem_id="gq-ind-note")
        csv_btn = gr.DownloadButton("下载 CSV", elem_id="gq-ind-csv", size="sm", scale=0)
        xlsx_btn = gr.DownloadButton("下载 Excel", elem_id="gq-ind-xlsx", size="sm", scale=0)
    vs = gr.HTML("", elem_id="gq-ind-vs")
    table = gr.HTML("", elem_id="gq-ind-table")
    with gr.Accordion("逐年变化图", open=True, elem_id="gq-ind-chart-box"):
        with gr.Row():
            chart_indicator = gr.Dropdown(label="指标", choices=[], elem_id="gq-ind-chart-indicator", scale=1)
            chart_entities = gr.Dropdown(label=f"地区/单位（最多 {MAX_CHART_ENTITIES} 个）", multiselect=True, choices=[],
                                         max_choices=MAX_CHART_ENTITIES, elem_id="gq-ind-chart-entities", scale=3)
        plot = gr.Plot(label="逐年变化", elem_id="gq-ind-chart", format="png")

    filters = [entity, level, year, indicator, kind]
    outputs = [note, table, csv_btn, xlsx_btn, vs]
    chart_outputs = [chart_indicator, chart_entities, plot]
    for f in filters:
        f.input(view.refresh_with_chart, [*filters, chart_indicator, chart_entities], outputs + chart_outputs,
                api_visibility="private", show_progress="hidden")
    chart_indicator.input(view.on_chart_indicator, [chart_indicator, chart_entities], [chart_entities, plot],
                          api_visibility="private")
    chart_entities.input(view.chart, [chart_indicator, chart_entities], [plot], api_visibility="private")
    tab.select(view.load, [*filters, chart_indicator, chart_entities],
               [*filters, *outputs, chart_indicator, chart_entities, plot], api_visibility="private",
               show_progress="hidden")
    return view
