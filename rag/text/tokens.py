"""Token counting (tiktoken, offline) and search tokens (jieba over simplified Chinese)."""

from __future__ import annotations

import functools
import os
import re


_WORD = re.compile(r"[\u4e00-\u9fff]+|[A-Za-z]+|\d+(?:\.\d+)?%?")
STOPWORDS = frozenset(
    "怎么样 怎样 咋样 如何 搞 搞得 做 做了 干 干了 情况 状况 具体 哪 哪儿 有多 多大 是多少 为多少 分别是 到底 "
    "一共 共 总共 大概 大约 左右 这方面 方面 相关 有关 关于 主要 都 还有 另外 以及 之类 等等 啥 么 吗 呢 "
    "镇 乡 街道 全镇 该镇 这个镇 那个镇 本镇 我镇 内容 数据 数字 指标 提出 提 讲 说到 谈到 介绍 "
    "的 了 和 与 及 以及 或 在 是 为 把 被 对 从 向 由 于 等 之 其 该 这 那 这个 那个 哪个 哪些 什么 多少 几 几个 "
    "怎么 怎样 如何 吗 呢 吧 啊 呀 么 请问 请 告诉 一下 我 我们 你 你们 他 她 它 有 有没有 没有 是否 "
    "哪 哪里 里 中 上 下 个 年 今年 去年 明年 报告 政府 工作 工作报告 提到 提及 说 讲 情况 方面 一 也 都 就 还 "
    "多 少 大 小 呢 吗 、 ， 。 ？ ！ ； ： “ ” ‘ ’ （ ） ( ) , . ? ! ; : \" '".split()
)


def offline_tiktoken_cache() -> None:
    """Point tiktoken at the encoding files shipped inside llama-index-core (never a download)."""
    if "TIKTOKEN_CACHE_DIR" in os.environ:
        return
    import importlib.util

    spec = importlib.util.find_spec("llama_index.core")
    if spec and spec.submodule_search_locations:
        cache = os.path.join(list(spec.submodule_search_locations)[0], "_static", "tiktoken_cache")
        if os.path.isdir(cache):
            os.environ["TIKTOKEN_CACHE_DIR"] = cache


@functools.lru_cache(maxsize=4)
def _encoding(name: str):
    offline_tiktoken_cache()
    import tiktoken

    cache = os.environ.get("TIKTOKEN_CACHE_DIR")
    if not cache or not os.path.isdir(cache):
        raise RuntimeError(
            "tiktoken has no offline encoding file: TIKTOKEN_CACHE_DIR is not set to "
            "llama_index/core/_static/tiktoken_cache (is llama-index-core installed?)"
        )
    return tiktoken.get_encoding(name)


def count_tokens(text: str, encoding: str = "cl100k_base") -> int:
    return len(_encoding(encoding).encode(text, disallowed_special=()))


def truncate_tokens(text: str, max_tokens: int, encoding: str = "cl100k_base") -> tuple[str, bool]:
    enc = _encoding(encoding)
    ids = enc.encode(text, disallowed_special=())
    if len(ids) <= max_tokens:
        return text, False
    cut = enc.decode(ids[:max_tokens])
    return cut.rstrip("\ufffd"), True


@functools.lru_cache(maxsize=1)
def _jieba():
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.dt.initialize()
    return jieba


@functools.lru_cache(maxsize=65536)
def to_simplified(text: str) -> str:
    import zhconv

    return zhconv.convert(text, "zh-cn")


def search_tokens(text: str, *, keep_stopwords: bool = False, bigrams: bool = True) -> list[str]:
    """Tokens for BM25: simplified Chinese, jieba words plus CJK bigrams of longer words.

    Bigrams of multi-character words let "生产总值" match "地区生产总值" and keep recall when
    jieba segments a query and a passage differently.
    """
    jieba = _jieba()
    text = to_simplified(text).lower()
    out: list[str] = []
    for piece in _WORD.findall(text):
        if piece[0] >= "\u4e00":
            for word in jieba.lcut(piece, HMM=True):
                if not keep_stopwords and word in STOPWORDS:
                    continue
                out.append(word)
                if bigrams and len(word) >= 3:
                    out.extend(word[i: i + 2] for i in range(len(word) - 1))
        else:
            out.append(piece)
    return out


_FUNCTION_TAGS = frozenset("p c u d r ad m q f t y e o uj ul uv uz ug ud zg mq rr rz".split())


def is_function_word(word: str) -> bool:
    """Prepositions, pronouns, adverbs, numerals… (jieba's part-of-speech dictionary): words
    that can stand before 镇 in a sentence ("按照镇党委", "其中镇本级") but never name a town."""
    import jieba.posseg as pseg

    _jieba()
    tag = pseg.dt.word_tag_tab.get(word)
    return tag in _FUNCTION_TAGS


def degree_adverb_at(text: str, at: int) -> bool:
    """The word at ``at`` (比较, 相当…) is a degree adverb: an adjective follows it ("比较突出的问题",
    "比较薄弱"), or the segmenter reads it as part of one ("比较突出"); not the verb that compares
    ("比较一下", "比较两个镇")."""
    import jieba.posseg as pseg

    _jieba()
    words = pseg.lcut(to_simplified(text[at: at + 8]))
    if not words:
        return False
    first = words[0]
    if len(first.word) > 2 and first.flag in ("n", "a", "ad", "an", "z"):
        return True
    nxt = words[1] if len(words) > 1 else None
    return bool(nxt) and nxt.flag in ("a", "ad", "an", "z")


def names_a_measure(text: str) -> bool:
    """The text opens with a plain noun (jieba's tag n): after 年均 it names the yearly mean of a
    measure ("年均浓度", "年均气温") — one year's level —, not a change averaged over years
    ("年均增长", "年均增长率", "年均新增", "年均投资增长")."""
    return _opens_with_plain_noun(text[:8])


@functools.lru_cache(maxsize=4096)
def _opens_with_plain_noun(text: str) -> bool:
    # cached: a sentence's span check asks it again for every figure after the same 年均
    import jieba.posseg as pseg

    _jieba()
    words = pseg.lcut(to_simplified(text))
    # a noun of change ("增长率", "增速", "降幅") averages the change over the years
    return bool(words) and words[0].flag == "n" and not re.search(r"[增涨降减幅速]", words[0].word)


def in_dictionary(word: str) -> bool:
    """The segmenter's dictionary has the word (else its statistical model guessed it across a
    seam of two words: "多少人|新找到" read as "人新")."""
    return bool(_jieba().dt.FREQ.get(word))


def nouns(text: str) -> list[str]:
    """The nouns of a text of two characters or more (jieba's part-of-speech tags n*, vn): what a
    question names as its topic ("招商引资", "疫情防控"), not its verbs, pronouns or time words."""
    import jieba.posseg as pseg

    _jieba()
    return [w for w, flag in pseg.lcut(to_simplified(text)) if len(w) >= 2 and (flag.startswith("n") or flag == "vn")]


_NAME_TAGS = frozenset({"nr", "nt", "nz"})


def proper_names(text: str) -> list[str]:
    """The names of a text (jieba's part-of-speech tags nr person, nt organisation, nz other proper
    name) of two characters or more: "美国队", "金球奖", "中国体育代表团". Not places (ns): a
    country or a region is often the unwritten subject of what is told of it ("全国", "我国") —
    unless a team or delegation word follows it ("日本代表团")."""
    import jieba.posseg as pseg

    _jieba()
    words = pseg.lcut(to_simplified(text))
    out = []
    for i, (w, flag) in enumerate(words):
        if flag == "ns" and i + 1 < len(words) and _ORGANISATION_HEAD.match(words[i + 1].word):
            out.append(w + words[i + 1].word)  # a place's team or delegation is a name ("日本代表团")
        elif len(w) >= 2 and flag in _NAME_TAGS:
            out.append(w)
    return out


# the head nouns that make a place's name an organisation's ("日本代表团", "韩国女足", "广东队")
_ORGANISATION_HEAD = re.compile(r"^(?:代表团|队|国家队|女足|男足|女排|男排|女篮|男篮|政府|集团)$")


@functools.lru_cache(maxsize=65536)
def names_beyond(text: str, question: str) -> tuple[str, ...]:
    """The names a text writes that the question does not: what a sentence answering "谁" must give.
    jieba's nr person in every variant, nt organisation, nz other proper name; a place (ns) only as
    the head of its phrase, not as a modifier of the noun after it ("伦敦奥运会", "韩国作家"): a
    person's name is sometimes read as a place ("作家韩江")."""
    import jieba.posseg as pseg

    _jieba()
    asked = to_simplified(question)
    words = pseg.lcut(to_simplified(text))
    out = []
    for i, (w, flag) in enumerate(words):
        if len(w) < 2 or w in asked or flag[:2] not in ("nr", "nt", "nz", "ns"):
            continue
        if flag.startswith("ns") and i + 1 < len(words) and (words[i + 1].flag[:1] in ("n", "j") or words[i + 1].flag == "vn"):
            continue
        out.append(w)
    return tuple(out)


@functools.lru_cache(maxsize=65536)
def opening_name(text: str) -> str:
    """The proper name a sentence opens with, as its own subject ("美国队同样获得…", "比亚迪全年…"),
    else "": a sentence naming its own subject does not carry over the one before it."""
    import jieba.posseg as pseg

    _jieba()
    head = to_simplified(text.lstrip())[:12]
    for w, flag in pseg.lcut(head):
        return w if len(w) >= 2 and flag in _NAME_TAGS else ""
    return ""


# Coordinate compounds: two opposite morphemes joined name the combined quantity ("进出口" =
# 进口 + 出口, "存贷款" = 存款 + 贷款, "中小学" = 中学 + 小学). A word that begins with the second
# morpheme, found right after the first, is part of the combined name, not the word itself.
_COORDINATE_PAIRS = frozenset({"进出", "存贷", "中小", "收支", "产销", "供销"})


def occurs_as_word(word: str, text: str) -> bool:
    """``word`` occurs in ``text`` other than as the tail of a coordinate compound ("出口" in
    "其中出口增长10.8%", not in "进出口总额")."""
    start = text.find(word)
    while start >= 0:
        if not (start > 0 and text[start - 1] + word[0] in _COORDINATE_PAIRS):
            return True
        start = text.find(word, start + 1)
    return False


_MEASURE_NOUNS = frozenset("产量 产值 面积 总额 收入 人数 数量".split())


def written_apart(name: str, text: str) -> bool:
    """A four-character term of two words written apart, its subject first ("粮食播种面积3.1万亩，
    总产量1.35万吨" for 粮食产量); the subject counts only as a word of its own (not "出口" in
    "进出口总额" for 出口总额)."""
    if len(name) != 4 or name[2:] not in _MEASURE_NOUNS:
        return False  # only a measure is written after its subject so ("…，总产量…"), not 外贸…出口
    head, tail = name[:2], name[2:]
    start = text.find(head)
    while start >= 0:
        if not (start > 0 and text[start - 1] + head[0] in _COORDINATE_PAIRS) and tail in text[start + 2:]:
            return True
        start = text.find(head, start + 1)
    return False


def char_pairs(text: str) -> set[str]:
    """The pairs of adjacent Chinese characters of a text (simplified; figures and punctuation left out)."""
    t = to_simplified(text)
    return {t[k: k + 2] for k in range(len(t) - 1) if all("\u4e00" <= ch <= "\u9fff" for ch in t[k: k + 2])}


def shared_wording(a: str, b: str) -> int:
    """How many characters of ``a`` a text ``b`` repeats in runs of two or more Chinese characters
    (simplified; each run once, in order; none starting inside a coordinate compound): how much of
    a question's own wording a sentence writes verbatim ("地方一般公共预算收入" whole, not only word
    by word through synonyms)."""
    from difflib import SequenceMatcher

    x = re.sub(r"[^\u4e00-\u9fff]", "\x00", to_simplified(a))
    y = re.sub(r"[^\u4e00-\u9fff]", "\x01", to_simplified(b))
    blocks = SequenceMatcher(None, x, y, autojunk=False).get_matching_blocks()
    # a run starting inside a coordinate compound ("出口增长" in "进出口增长") repeats another word
    return sum(m.size for m in blocks if m.size >= 2 and not (m.b > 0 and y[m.b - 1: m.b + 1] in _COORDINATE_PAIRS))


@functools.lru_cache(maxsize=1024)
def word_starts(text: str) -> frozenset[int]:
    """The offsets at which jieba starts a word in ``text``."""
    return frozenset(start for _, start, _ in _jieba().tokenize(text))
