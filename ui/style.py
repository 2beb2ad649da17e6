"""Theme and CSS (passed to ``launch()`` in Gradio 6). Local fonts only: the page loads nothing external."""

from __future__ import annotations

import gradio as gr

FONTS = ["WenQuanYi Micro Hei", "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "sans-serif"]
MONO = ["WenQuanYi Micro Hei Mono", "monospace"]


def make_theme() -> gr.themes.Base:
    return gr.themes.Soft(primary_hue="red", secondary_hue="amber", neutral_hue="slate", font=FONTS, font_mono=MONO)


CSS = """
.gq-header h1 { margin: 0; font-size: 1.6rem; }
.gq-header p { margin: .2rem 0 0; color: var(--body-text-color-subdued); }
.gq-question { white-space: pre-wrap; }
.gq-pending { color: var(--body-text-color-subdued); font-style: italic; }
.gq-text { line-height: 1.7; }
.gq-ref { color: var(--color-accent); font-weight: 600; margin: 0 1px; }
.gq-refused .gq-text { color: var(--body-text-color-subdued); }
.gq-notice { margin-top: .4rem; font-size: .85em; color: #92400e; }
.gq-error { color: #b91c1c; }
.gq-sources { margin-top: .6rem; border-top: 1px solid var(--border-color-primary); padding-top: .4rem; }
.gq-sources-title { font-size: .8em; color: var(--body-text-color-subdued); margin-bottom: .2rem; }
.gq-cite { margin: .25rem 0; border: 1px solid var(--border-color-primary); border-radius: 6px; padding: .25rem .5rem; }
.gq-cite > summary { cursor: pointer; font-size: .9em; }
.gq-cite .gq-n { color: var(--color-accent); font-weight: 700; }
.gq-section, .gq-file { font-size: .8em; color: var(--body-text-color-subdued); margin: .25rem 0; }
.gq-passage { white-space: pre-wrap; font-size: .9em; line-height: 1.7; margin: .3rem 0; }
mark.gq-span { background: #fde68a; color: inherit; padding: 0 1px; border-radius: 2px; }
.gq-compare { border-collapse: collapse; margin: .6rem 0; font-size: .9em; }
.gq-compare caption { text-align: left; font-weight: 600; }
.gq-compare th, .gq-compare td { border: 1px solid var(--border-color-primary); padding: .3rem .5rem; vertical-align: top; }
.gq-compare td.gq-missing { color: var(--body-text-color-subdued); font-style: italic; }
.gq-foot { margin-top: .4rem; font-size: .75em; color: var(--body-text-color-subdued); }
.gq-debug table { border-collapse: collapse; font-size: .8em; width: 100%; }
.gq-debug th, .gq-debug td { border: 1px solid var(--border-color-primary); padding: 2px 4px; }
.gq-preview { max-width: 28rem; }
.gq-library .gq-count { margin-bottom: .4rem; color: var(--body-text-color-subdued); }
.gq-doc { border: 1px solid var(--border-color-primary); border-radius: 6px; padding: .4rem .6rem; margin: .3rem 0; }
.gq-doc > summary { cursor: pointer; }
.gq-docfile, .gq-docid { font-size: .8em; color: var(--body-text-color-subdued); }
.gq-meta { border-collapse: collapse; width: 100%; margin-top: .3rem; font-size: .85em; }
.gq-meta th, .gq-meta td { border: 1px solid var(--border-color-primary); padding: 2px 6px; text-align: left; vertical-align: top; }
.gq-prov { color: var(--body-text-color-subdued); }
.gq-bar { height: 12px; background: var(--background-fill-secondary); border-radius: 6px; overflow: hidden; }
.gq-bar-fill { height: 100%; background: var(--color-accent); transition: width .3s; }
.gq-bar-label { font-size: .85em; margin: .2rem 0; }
.gq-status { list-style: none; padding-left: 0; margin: .3rem 0; }
.gq-status li { margin: .15rem 0; }
.gq-badge { display: inline-block; font-size: .75em; padding: 0 .4rem; border-radius: 4px; margin-right: .3rem; }
.gq-st-ok .gq-badge { background: #dcfce7; color: #166534; }
.gq-st-skip .gq-badge { background: #e0e7ff; color: #3730a3; }
.gq-st-fail .gq-badge { background: #fee2e2; color: #991b1b; }
.gq-note { font-size: .9em; }
"""
