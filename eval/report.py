"""The eval report: a self-contained report.html, a markdown summary, and a screenshot helper.

report.html has no external resources: CSS inline, the per-type chart a base64 PNG drawn with
matplotlib's Agg backend. Every piece of text from the dataset, the answers or the reports is
HTML-escaped.
"""

from __future__ import annotations

import base64
import html
import io
from pathlib import Path

from eval.dataset import LEVEL_LABELS, TYPE_LABELS
from eval.metrics import METRICS, STAGES

HEADLINE = ["answer_accuracy", "must_include", "hit_at_k", "mrr_at_k", "citation_precision", "citation_recall",
            "faithfulness", "refusal", "false_refusal", "distractor_answered"]
# the columns of the per-split / per-level tables
SPLIT_METRICS = ["answer_accuracy", "hit_at_k", "citation_precision", "faithfulness", "refusal", "false_refusal",
                 "distractor_answered"]
SPLIT_LABELS = {"tune": "tune（调参）", "check": "check（检验）"}
ITEM_MARKS = [("answer_accuracy", "准确"), ("must_include", "要点"), ("hit_at_k", "命中"), ("citation_precision", "引P"),
              ("citation_recall", "引R"), ("faithfulness", "忠实")]


def _fmt(value, pct: bool = True) -> str:
    if value is None:
        return "—"
    return f"{value * 100:.1f}%" if pct else f"{value:.3f}"


def _type_label(t: str) -> str:
    return f"{TYPE_LABELS.get(t, t)}（{t}）"


# ------------------------------------------------------------------ markdown

def markdown_summary(results: dict) -> str:
    configs = list(results["configs"].values())
    head = "| 指标 | " + " | ".join(c["name"] for c in configs) + " |"
    sep = "|---|" + "---:|" * len(configs)
    rows = [f"### 评测摘要：{results['dataset']}（{results['items']} 题）", "", head, sep]
    for key, (label, _) in METRICS.items():
        values = [c["summary"].get(key) for c in configs]
        if all(v is None for v in values):
            continue
        rows.append(f"| {label} | " + " | ".join(_fmt(v) for v in values) + " |")
    for stage in ("retrieve", "total"):
        vals = [c["latency_ms"].get(stage) for c in configs]
        if any(vals):
            rows.append(f"| 延迟 {stage} p50/p95 (ms) | " + " | ".join(
                f"{v['p50']:.0f}/{v['p95']:.0f}" if v else "—" for v in vals) + " |")
    rows.append("| 用时 (s) | " + " | ".join(f"{c['seconds']:.1f}" for c in configs) + " |")
    first = configs[0]
    rows += ["", f"按题型（{first['name']}）：回答准确率 / hit@k", ""]
    rows.append("| 题型 | n | 准确率 | hit@k |")
    rows.append("|---|---:|---:|---:|")
    for t, s in first["by_type"].items():
        rows.append(f"| {t} | {s['n']} | {_fmt(s['answer_accuracy'])} | {_fmt(s['hit_at_k'])} |")
    if first.get("by_split"):
        rows += _markdown_splits(first)
    errors = sum(c["errors"] for c in configs)
    if errors:
        rows.append(f"\n注意：{errors} 个条目运行出错（见 results.json 的 error 字段）。")
    return "\n".join(rows)


def _level_label(level: str) -> str:
    return f"{LEVEL_LABELS[level]}（{level}）" if level in LEVEL_LABELS else level


def _markdown_splits(res: dict) -> list[str]:
    """Per split (all, then each level), per type × split, and paraphrased vs literal."""
    keys = [k for k in SPLIT_METRICS if any(
        s["summary"].get(f"{k}_n") for s in res["by_split"].values())]
    rows = ["", f"按划分与层级（{res['name']}）", "",
            "| 划分 | 层级 | n | " + " | ".join(METRICS[k][0] for k in keys) + " |",
            "|---|---|---:|" + "---:|" * len(keys)]

    def line(split: str, level: str, s: dict) -> str:
        return f"| {split} | {level} | {s['n']} | " + " | ".join(
            _fmt(s.get(k)) + (f" ({s[f'{k}_n']})" if k in ("refusal", "distractor_answered") and s.get(k) is not None
                              else "") for k in keys) + " |"

    for split, block in res["by_split"].items():
        rows.append(line(f"**{split}**", "**全部**", block["summary"]))
        for level, s in block["by_level"].items():
            rows.append(line(split, level, s))
    splits = list(res["by_split"])
    rows += ["", "按题型 × 划分：回答准确率（n）", "",
             "| 题型 | " + " | ".join(splits) + " | 全部 |", "|---|" + "---:|" * (len(splits) + 1)]
    for t, s in res["by_type"].items():
        cells = []
        for split in splits:
            st = res["by_split"][split]["by_type"].get(t)
            cells.append(f"{_fmt(st['answer_accuracy'])} ({st['n']})" if st else "—")
        rows.append(f"| {t} | " + " | ".join(cells) + f" | {_fmt(s['answer_accuracy'])} ({s['n']}) |")
    if res.get("by_paraphrased"):
        parts = [f"{'改写问法' if k == 'paraphrased' else '原文问法'} {_fmt(s['answer_accuracy'])}（{s['n']} 题）"
                 for k, s in res["by_paraphrased"].items()]
        rows += ["", "问法：" + "；".join(parts)]
    if any(s["summary"].get("distractor_answered") is not None for s in res["by_split"].values()):
        rows += ["", "答出干扰数字：无答案题的回答中出现干扰证据（另一年份/地区的同类数字）中数字的比例，越低越好；括号内为题数。"]
    return rows


# ------------------------------------------------------------------ chart

def _cjk_font() -> str | None:
    from matplotlib import font_manager

    names = {f.name for f in font_manager.fontManager.ttflist}
    for cand in ("WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "Noto Sans CJK SC", "Noto Sans SC",
                 "Source Han Sans SC", "SimHei", "Microsoft YaHei", "PingFang SC"):
        if cand in names:
            return cand
    return None


def chart_png(results: dict) -> bytes:
    """Grouped bars per question type (and overall): answer accuracy and hit@k, one bar per config."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    font = _cjk_font()
    configs = list(results["configs"].values())
    types = sorted({t for c in configs for t in c["by_type"]})
    groups = ["overall"] + types
    labels = [("全部" if g == "overall" else TYPE_LABELS.get(g, g)) if font else g for g in groups]
    rc = {"font.sans-serif": [font, "DejaVu Sans"], "axes.unicode_minus": False} if font else {}
    with plt.rc_context(rc):
        fig, axes = plt.subplots(2, 1, figsize=(11, 5.2), dpi=110, sharex=True)
        width = 0.8 / max(len(configs), 1)
        cmap = plt.get_cmap("tab10")
        for ax, (metric, title) in zip(axes, (("answer_accuracy", "回答准确率" if font else "answer accuracy"),
                                              ("hit_at_k", "检索命中 hit@k" if font else "hit@k"))):
            for i, c in enumerate(configs):
                vals = []
                for g in groups:
                    s = c["summary"] if g == "overall" else c["by_type"].get(g, {})
                    v = s.get(metric)
                    vals.append(v if v is not None else 0.0)
                xs = [x + (i - (len(configs) - 1) / 2) * width for x in range(len(groups))]
                ax.bar(xs, vals, width=width * 0.95, label=c["name"], color=cmap(i % 10))
            ax.set_ylim(0, 1.05)
            ax.set_ylabel(title)
            ax.grid(axis="y", alpha=0.3)
            ax.set_axisbelow(True)
        axes[1].set_xticks(range(len(groups)))
        axes[1].set_xticklabels(labels)
        axes[0].legend(ncol=min(len(configs), 5), fontsize=8, loc="upper center", bbox_to_anchor=(0.5, 1.28))
        fig.tight_layout()
        buf = io.BytesIO()
        fig.savefig(buf, format="png")
        plt.close(fig)
    return buf.getvalue()


# ------------------------------------------------------------------ html

_CSS = """
body{font-family:"WenQuanYi Micro Hei","Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;margin:24px;color:#222;}
h1{font-size:22px;margin:0 0 4px} h2{font-size:18px;margin-top:28px;border-bottom:1px solid #ddd;padding-bottom:4px}
.meta{color:#666;font-size:13px} table{border-collapse:collapse;font-size:13px;margin-top:8px}
th,td{border:1px solid #ddd;padding:4px 8px;vertical-align:top} th{background:#f4f6f8;text-align:left}
td.num{text-align:right;font-variant-numeric:tabular-nums} td.best{font-weight:bold;background:#eaf6ea}
.ok{color:#1a7f37;font-weight:bold} .bad{color:#c62828;font-weight:bold} .na{color:#aaa}
tr.fail td:first-child{border-left:4px solid #c62828} tr.pass td:first-child{border-left:4px solid #1a7f37}
.items td{max-width:360px} .small{font-size:12px;color:#555} details summary{cursor:pointer;color:#0b5cad}
blockquote{margin:4px 0;padding:2px 8px;border-left:3px solid #bbb;background:#fafafa;white-space:pre-wrap}
.ans{white-space:pre-wrap} .gate-ok{color:#1a7f37} .gate-bad{color:#c62828} img.chart{max-width:100%;border:1px solid #eee}
"""


def _e(text) -> str:
    return html.escape(str(text if text is not None else ""), quote=True)


def _mark(value) -> str:
    if value is None:
        return '<span class="na">—</span>'
    if value >= 0.999:
        return '<span class="ok">✓</span>'
    if value <= 0.001:
        return '<span class="bad">✗</span>'
    return f'<span class="bad">{value:.2f}</span>'


def _summary_table(configs: list[dict]) -> str:
    out = ["<table><tr><th>指标</th>" + "".join(f"<th>{_e(c['name'])}<div class='small'>{_e(c['label'])}</div></th>"
                                               for c in configs) + "</tr>"]
    for key, (label, higher) in METRICS.items():
        values = [c["summary"].get(key) for c in configs]
        if all(v is None for v in values):
            continue
        present = [v for v in values if v is not None]
        best = (max if higher else min)(present) if len(configs) > 1 else None
        n = max(c["summary"].get(f"{key}_n", 0) for c in configs)
        cells = "".join(
            f"<td class='num{' best' if best is not None and v == best else ''}'>{_fmt(v)}</td>" for v in values)
        out.append(f"<tr><td>{_e(label)} <span class='small'>n={n}</span></td>{cells}</tr>")
    for stage in STAGES:
        vals = [c["latency_ms"].get(stage) for c in configs]
        if any(vals):
            cells = "".join(f"<td class='num'>{v['p50']:.0f} / {v['p95']:.0f}</td>" if v else "<td>—</td>" for v in vals)
            out.append(f"<tr><td>延迟 {stage} p50 / p95（毫秒）</td>{cells}</tr>")
    out.append("<tr><td>k / 后端</td>" + "".join(f"<td>{c['k']} / {_e(c['backend'])}</td>" for c in configs) + "</tr>")
    out.append("<tr><td>运行用时（秒）</td>" + "".join(f"<td class='num'>{c['seconds']:.1f}</td>" for c in configs) + "</tr>")
    out.append("</table>")
    return "\n".join(out)


def _by_type_table(configs: list[dict]) -> str:
    types = sorted({t for c in configs for t in c["by_type"]})
    out = ["<table><tr><th>题型</th><th>n</th><th>指标</th>" + "".join(f"<th>{_e(c['name'])}</th>" for c in configs)
           + "</tr>"]
    for t in types:
        n = configs[0]["by_type"].get(t, {}).get("n", 0)
        keys = [k for k in HEADLINE if any(c["by_type"].get(t, {}).get(k) is not None for c in configs)]
        for j, key in enumerate(keys):
            first = f"<td rowspan='{len(keys)}'>{_e(_type_label(t))}</td><td rowspan='{len(keys)}'>{n}</td>" if j == 0 else ""
            cells = "".join(f"<td class='num'>{_fmt(c['by_type'].get(t, {}).get(key))}</td>" for c in configs)
            out.append(f"<tr>{first}<td>{_e(METRICS[key][0])}</td>{cells}</tr>")
    out.append("</table>")
    return "\n".join(out)


def _split_table(configs: list[dict]) -> str:
    """Rows: each split (all, then each level); columns: the main config's metrics, then the
    answer accuracy of every other config."""
    main, others = configs[0], configs[1:]
    keys = [k for k in SPLIT_METRICS if any(s["summary"].get(f"{k}_n") for s in main["by_split"].values())]
    out = ["<table><tr><th>划分</th><th>层级</th><th>n</th>"
           + "".join(f"<th>{_e(METRICS[k][0])}</th>" for k in keys)
           + "".join(f"<th>{_e(c['name'])} 准确率</th>" for c in others) + "</tr>"]
    for split, block in main["by_split"].items():
        groups = [("全部", block["summary"])] + list(block["by_level"].items())
        for j, (level, s) in enumerate(groups):
            first = f"<td rowspan='{len(groups)}'>{_e(SPLIT_LABELS.get(split, split))}</td>" if j == 0 else ""
            label = "<b>全部</b>" if level == "全部" else _e(_level_label(level))
            cells = "".join(
                f"<td class='num'>{_fmt(s.get(k))}<span class='small'> n={s.get(f'{k}_n', 0)}</span></td>"
                if k in ("refusal", "distractor_answered") and s.get(k) is not None
                else f"<td class='num'>{_fmt(s.get(k))}</td>" for k in keys)
            for c in others:
                ob = c.get("by_split", {}).get(split, {})
                os_ = ob.get("summary") if level == "全部" else ob.get("by_level", {}).get(level)
                cells += f"<td class='num'>{_fmt((os_ or {}).get('answer_accuracy'))}</td>"
            out.append(f"<tr>{first}<td>{label}</td><td class='num'>{s['n']}</td>{cells}</tr>")
    out.append("</table>")
    splits = list(main["by_split"])
    out.append("<table><tr><th>题型</th>" + "".join(f"<th>{_e(SPLIT_LABELS.get(x, x))}</th>" for x in splits)
               + "<th>全部</th></tr>")
    for t, s in main["by_type"].items():
        cells = ""
        for split in splits:
            st = main["by_split"][split]["by_type"].get(t)
            cells += f"<td class='num'>{_fmt(st['answer_accuracy'])} <span class='small'>n={st['n']}</span></td>" if st \
                else "<td>—</td>"
        out.append(f"<tr><td>{_e(_type_label(t))}</td>{cells}<td class='num'>{_fmt(s['answer_accuracy'])} "
                   f"<span class='small'>n={s['n']}</span></td></tr>")
    out.append("</table>")
    if main.get("by_paraphrased"):
        parts = [f"{'改写问法' if k == 'paraphrased' else '原文问法'} {_fmt(s['answer_accuracy'])}（{s['n']} 题）"
                 for k, s in main["by_paraphrased"].items()]
        out.append(f"<p class='small'>回答准确率按问法：{_e('；'.join(parts))}</p>")
    return "\n".join(out)


def _item_rows(configs: list[dict]) -> str:
    main = configs[0]
    others = configs[1:]
    by_id = {c["name"]: {r["id"]: r for r in c["items"]} for c in others}
    ordered = sorted(main["items"], key=lambda r: ((r["metrics"].get("answer_accuracy") or 0) >= 0.999, r["type"], r["id"]))
    head = ("<table class='items'><tr><th>题目</th><th>问题</th><th>参考答案</th><th>回答（" + _e(main["name"]) + "）</th>"
            + "".join(f"<th>{_e(lbl)}</th>" for _, lbl in ITEM_MARKS)
            + "<th>引用的段落</th>" + ("<th>其他配置</th>" if others else "") + "</tr>")
    rows = [head]
    for r in ordered:
        ok = (r["metrics"].get("answer_accuracy") or 0) >= 0.999
        q = _e(r["question"])
        if r.get("turns") and len(r["turns"]) > 1:
            earlier = "".join(f"<li>{_e(t['question'])}<div class='small'>→ {_e(t['answer'][:120])}</div></li>"
                              for t in r.get("earlier_turns", []))
            q = f"<ol class='small'>{earlier}</ol><b>{q}</b>"
        gold = _e(r["gold"]["answer"])
        if r["gold"]["must_include"]:
            gold += "<div class='small'>必含：" + "、".join(_e(x) for x in r["gold"]["must_include"]) + "</div>"
        answer = f"<div class='ans'>{_e(r['answer'])}</div>"
        if r.get("error"):
            answer += f"<div class='bad'>出错：{_e(r['error'])}</div>"
        if r["refused"]:
            answer += "<div class='small'>（拒答）</div>"
        marks = "".join(f"<td>{_mark(r['metrics'].get(k))}</td>" for k, _ in ITEM_MARKS)
        cited = "".join(
            f"<details><summary>[{c['n']}] {_e(c['file'])} {_e(c['town'])}</summary>"
            f"<blockquote>{_e(c['quote'] or c['text'])}</blockquote><div class='small'>{_e(c['section'])}</div></details>"
            for c in r["citations"]) or "<span class='na'>无</span>"
        other = ""
        if others:
            parts = []
            for c in others:
                o = by_id[c["name"]].get(r["id"])
                if o is None:
                    continue
                mark = _mark(o["metrics"].get("answer_accuracy"))
                parts.append(f"<details><summary>{_e(c['name'])} {mark}</summary><div class='ans small'>{_e(o['answer'])}</div></details>")
            other = f"<td>{''.join(parts)}</td>"
        where = " · ".join(_e(r[k]) for k in ("split", "level") if r.get(k))
        where = f"<div class='small'>{where}</div>" if where else ""
        if r.get("distractor"):
            d = r["distractor"]
            gold += (f"<div class='small'>干扰：{_e(d['file'])}「{_e(d['evidence'])}」"
                     f"{_mark(1 - r['metrics']['distractor_answered']) if r['metrics'].get('distractor_answered') is not None else ''}</div>")
        rows.append(f"<tr class='{'pass' if ok else 'fail'}'><td>{_e(r['id'])}<div class='small'>{_e(r['type'])}</div>{where}</td>"
                    f"<td>{q}</td><td>{gold}</td><td>{answer}</td>{marks}<td>{cited}</td>{other}</tr>")
    rows.append("</table>")
    return "\n".join(rows)


def render_report(results: dict) -> str:
    configs = list(results["configs"].values())
    png = base64.b64encode(chart_png(results)).decode("ascii")
    main = configs[0]
    fails = sum(1 for r in main["items"] if (r["metrics"].get("answer_accuracy") or 0) < 0.999)
    gate = ""
    if results.get("gate", {}).get("passed") is not None:
        g = results["gate"]
        if g["passed"]:
            gate = f"<p class='gate-ok'>回归门禁通过（容差 {g['tolerance']:.3f}）。</p>"
        else:
            gate = "<p class='gate-bad'>回归门禁未通过：</p><ul>" + "".join(f"<li>{_e(x)}</li>" for x in g["regressions"]) + "</ul>"
    notes = "".join(f"<li>{_e(n)}</li>" for n in results.get("build_notes", []))
    splits = ""
    if main.get("by_split"):
        splits = (f"<h2>按划分与层级（{_e(main['name'])}；本次 split={_e(results.get('split', 'all'))}）</h2>\n"
                  f"{_split_table(configs)}\n<p class='small'>tune 的报告用于调参；check 的报告调参时不看，用来检验。"
                  "答出干扰数字：无答案题的回答（含拒答说明）中出现其干扰证据（另一年份或地区的同类数字）里数字的比例，越低越好。</p>\n")
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>政报问答评测报告</title><style>{_CSS}</style></head>
<body>
<h1>政报问答评测报告</h1>
<div class="meta">数据集 {_e(results['dataset'])}（{results['items']} 题） · 生成于 {_e(results['created'])} ·
报告 {len(results.get('documents', []))} 份：{_e('、'.join(results.get('documents', [])))}</div>
{gate}
<h2>汇总（各配置并列）</h2>
{_summary_table(configs)}
<p class="small">回答准确率：有答案的题须不拒答且包含全部“必含”要点（数字按数值比较：全角/半角、千分位、万/亿、百分之六=6%）；无答案的题须拒答。
检索指标：段落在规范化后包含参考证据即为相关。引用精确率：引用段落含参考证据或含回答中的数字；数字忠实度：回答中的数字出现在所引段落中的比例（不计年份）。</p>
<p class="small">延迟：查询向量在各配置间共享、只计算一次，所以第一个配置的检索延迟包含查询向量的计算，其余配置的不包含。</p>
{('<ul class="small">' + notes + '</ul>') if notes else ''}
{splits}<h2>按题型</h2>
<img class="chart" alt="按题型的回答准确率与检索命中率" src="data:image/png;base64,{png}">
<details><summary>按题型的全部指标（表格）</summary>
{_by_type_table(configs)}
</details>
<h2>逐题结果（{_e(main['name'])}；未通过的 {fails} 题在前）</h2>
{_item_rows(configs)}
</body></html>
"""


def write_report(results: dict, out_dir: Path) -> Path:
    path = Path(out_dir) / "report.html"
    path.write_text(render_report(results), encoding="utf-8")
    return path


# ------------------------------------------------------------------ screenshot

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]


def screenshot(html_path: Path, png_path: Path, *, width: int = 1400, height: int = 2000,
               executable: str = CHROMIUM) -> Path:
    """A PNG of the top of report.html rendered by the system Chromium (never downloads a browser)."""
    from playwright.sync_api import sync_playwright

    png_path = Path(png_path)
    png_path.parent.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            page.goto(Path(html_path).resolve().as_uri())
            page.wait_for_load_state("load")
            page.screenshot(path=str(png_path), full_page=False)
        finally:
            browser.close()
    return png_path
