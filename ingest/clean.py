"""Turn a raw scrape into report text: normalise characters, drop site furniture.

The rules are generic (what portals and document-sharing sites put around a report), never
tuned to one site: navigation/breadcrumb lines, key-value page headers (索引号, 发布单位 …),
share/print/visit-counter widgets, "read more" and legal-notice tails, pagination titles.

Cleaning works on whole lines and never edits inside a body sentence beyond character
normalisation (``normalize_text``), so every sentence of the body survives verbatim (after
the same normalisation) — the tests check exactly that.
"""

from __future__ import annotations

import re

from rag.text.normalize import normalize_text
from rag.types import CleanDoc

# --- furniture detection -------------------------------------------------------------------

# Page header fields: "索引号: …  公开方式: …"; kept aside for metadata, never in the body.
_HEADER_KEYS = (
    "索引号|公开方式|公开范围|公开时限|文号|发文字号|文件编号|成文日期|发文日期|发布日期|发布时间|发布机构|发布单位|"
    "发文机关|信息来源|来源|日期|时间|作者|责任编辑|编辑|审核|校对|浏览次数|浏览量|阅读量|阅读数|点击数|点击量|访问量|"
    "主题分类|主题词|体裁分类|所属机构|生成日期|有效性|字号|分享到|分享|信息分类|组配分类|服务对象"
)
_HEADER_LINE = re.compile(rf"^[•·\-*\s]*({_HEADER_KEYS})\s*[:：]")

# Widgets and navigation: short lines made of these words only.
_WIDGET_WORDS = (
    "举报|收藏|分享|打印|关闭|打印本页|关闭窗口|返回顶部|返回|顶部|字号|大|中|小|默认|保存|纠错|评论|点赞|"
    "上一篇|下一篇|上一页|下一页|首页|尾页|更多|登录|注册|搜索|无障碍|长辈版|老年模式|进入老年模式|退出老年模式|"
    "展开阅读全文|阅读全文|展开全文|查看全文|资源描述|相关搜索|相关阅读|相关推荐|相关文章|相关链接|扫一扫|"
    "在手机上查看|手机版|电脑版|微信|微博|QQ|扫码|下载|在线预览|立即下载|文档|收起|分享到"
)
_WIDGET_LINE = re.compile(rf"^(?:(?:{_WIDGET_WORDS})[\s|｜/、:：>·•\-]*)+$")
_NAV_PREFIX = re.compile(r"^(当前位置|您的位置|你的位置|您现在的位置|所在位置|位置)\s*[:：]")
_PREV_NEXT = re.compile(r"^(上一篇|下一篇|上一条|下一条|上篇|下篇)\s*[:：]")
_LEGAL = re.compile(
    r"(版权所有|Copyright|©|ICP备|ICP证|经营许可证|公网安备|网站标识码|网站地图|联系我们|主办单位|承办单位|"
    r"技术支持|建议使用.{0,20}浏览器|分辨率)",
    re.I,
)
# Notice blocks of document-sharing sites: a short marker line, then disclaimer sentences.
_NOTICE_MARKER = re.compile(r"^(温馨提示|免责声明|特别声明|声明|版权声明|侵权投诉|下载说明)\s*[:：]?\s*$")
_DISCLAIMER_WORDS = re.compile(r"(上传|下载|版权|授权|侵权|转载|仅供.{0,6}(学习|参考|交流)|网友|用户|本站|本网|平台)")
_PAGINATED_TITLE = re.compile(r"[-—_|｜]\s*\d+\s*篇|[（(]\s*第\s*\d+\s*/\s*\d+\s*页\s*[)）]")
_BREADCRUMB_SEP = re.compile(r"\s*(?:>|＞|»|›|/)\s*")
_SENTENCE_END = re.compile(r"[。！？!?；;]")
# An inline heading glued onto the previous text with a space (common in one-line scrapes).
_INLINE_HEADING = re.compile(r"(?<=\S) +(?=(?:[一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十]{1,3}[)）])\S)")


def _is_breadcrumb(line: str) -> bool:
    if _NAV_PREFIX.match(line):
        return True
    parts = [p for p in _BREADCRUMB_SEP.split(line) if p]
    if line.startswith((">", "＞", "»")) and len(line) <= 120 and not _SENTENCE_END.search(line):
        return True
    if len(parts) >= 3 and all(len(p) <= 14 for p in parts) and not _SENTENCE_END.search(line):
        return True
    return False


_WIDGET_START = re.compile(r"^(扫一扫|扫码|分享到|打印本页|关闭窗口|返回顶部|收藏本页|设为首页|加入收藏|字号|【字号)")
_MENU_SEP = re.compile(r"\s*[|｜丨·•/]\s*|\s{2,}")


def _is_menu(line: str) -> bool:
    """A navigation bar: several very short items separated by bars or wide gaps."""
    parts = [p for p in _MENU_SEP.split(line) if p]
    return len(parts) >= 3 and all(len(p) <= 6 for p in parts) and not _SENTENCE_END.search(line)


def _is_bracket_widgets(line: str) -> bool:
    """"【字号：大 中 小】【打印】【关闭】" — a row of bracketed controls."""
    groups = re.findall(r"[【\[]([^】\]]{1,16})[】\]]", line)
    rest = re.sub(r"[【\[][^】\]]{1,16}[】\]]", "", line).strip()
    return bool(groups) and not rest and all(
        re.search(_WIDGET_WORDS, g) for g in groups)


def classify_line(line: str) -> str | None:
    """Return why a line is site furniture ("header", "widget", …) or None for body text."""
    s = line.strip()
    if not s:
        return None
    if _HEADER_LINE.match(s) and len(s) <= 160:
        return "header"
    if len(s) <= 60 and (_WIDGET_LINE.match(s) or _is_bracket_widgets(s)):
        return "widget"
    if len(s) <= 24 and _WIDGET_START.match(s):
        return "widget"
    if len(s) <= 80 and _is_menu(s):
        return "menu"
    if _PREV_NEXT.match(s) and len(s) <= 80:
        return "navigation"
    if _is_breadcrumb(s):
        return "breadcrumb"
    if _LEGAL.search(s) and len(s) <= 160 and len(_SENTENCE_END.findall(s)) <= 1:
        return "legal"
    if _NOTICE_MARKER.match(s):
        return "notice"
    return None


def clean_report_text(raw: str) -> CleanDoc:
    """Normalise characters and remove site furniture; returns the cleaned text."""
    text = normalize_text(raw)
    lines = text.split("\n")
    keep: list[str] = []
    removed: list[str] = []
    header: list[str] = []
    in_notice = False
    for line in lines:
        kind = classify_line(line)
        if kind is None and in_notice:
            # the disclaimer sentences following a notice marker
            if _DISCLAIMER_WORDS.search(line) and len(line) <= 200:
                kind = "notice"
            elif line.strip():
                in_notice = False
        if kind == "notice":
            in_notice = True
        if kind is None:
            keep.append(line)
            continue
        removed.append(line)
        if kind in ("header", "breadcrumb"):
            header.append(line)

    # pagination titles of listing sites ("…报告-42篇(第61/122页)"): keep the title part aside
    body_lines: list[str] = []
    for i, line in enumerate(keep):
        if _PAGINATED_TITLE.search(line) and len(line) <= 80 and not _SENTENCE_END.search(line):
            removed.append(line)
            header.append(_PAGINATED_TITLE.sub("", line).strip())
            continue
        body_lines.append(line)

    body = "\n".join(body_lines)
    body = _INLINE_HEADING.sub("\n", body)
    body = re.sub(r"\n{3,}", "\n\n", body).strip()
    return CleanDoc(text=body, removed=tuple(removed), header="\n".join(header))
