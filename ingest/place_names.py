"""The town and the region a report names, read from its own wording (never from a list of towns)."""

from __future__ import annotations

import re
from collections import Counter

from ingest.snippet import snippet
from rag.text.cues import TOWNSHIP_SELF_REFERENCE

CJK = r"\u4e00-\u9fff"

# ------------------------------------------------------------------ towns and regions

# a run of x is matched once, from its start (the lookbehind): retrying it from every position
# inside a long run would be quadratic
_ANON = r"(?:(?<![xX×＊*])[xX×＊*]{2,}|某|〇〇|ＸＸ)"
_ANON_TOWN = re.compile(rf"{_ANON}\s*(?:镇|乡|街道)")
_ANON_ANY = re.compile(rf"(?:{_ANON})(?:市|县|区|镇|乡|街道|村)|(?<![{CJK}a-zA-Z])[xX]{{2,}}")
_GENERIC_STEM_ENDINGS = (
    "全", "本", "我", "该", "各", "每", "乡", "城", "小", "集", "村", "强", "名", "县", "市", "区", "省",
    "示范", "卫生", "文明", "森林", "园林", "文化", "特色", "百强", "千强", "重点", "中心", "建制", "旅游",
    "美丽", "生态", "历史", "智慧", "数字", "星级", "乡村", "城乡", "产业", "工业", "商贸", "农业", "古", "新",
    "一个", "个", "和", "与", "及", "等", "的", "在", "为", "是", "到", "从", "对", "全国", "全省", "全市",
    "基本无违建", "无违建", "体育", "教育", "森林城", "园林城", "卫生城", "代表", "谨代表", "未来", "美丽乡",
)
_NOT_FIRST = set("在的是对向从到把让将于给经")
_STRONG_TOWN = (
    (re.compile(rf"(?:发布单位|发布机构|来源|信息来源)\s*[:：]\s*([{CJK}]{{2,6}}?(?:镇|乡|街道))"), "页面字段"),
    (re.compile(rf"我代表([{CJK}]{{2,4}}?(?:镇|乡|街道))人民政府"), "“我代表…人民政府”"),
    (re.compile(rf"([{CJK}]{{2,4}}?(?:镇|乡|街道))第[{CJK}\d]{{1,4}}届人民代表大会"), "人民代表大会届次"),
    (re.compile(rf"([{CJK}]{{2,4}}?(?:镇|乡))人民政府"), "“…人民政府”"),
)
# a report refers to itself by its stem: "幸福杜桥", "推动道滘…", "建设平安大关"
_SELF_SLOT_BEFORE = r"(?:推动|支持|建设|和美|美丽|幸福|平安|和谐|数字|魅力|活力|看到|把|让|使|打造|发展|关心|书写|展现|奋力|现代化)"
_SELF_SLOT_AFTER = r"(?:发展|经济|人民|篇章|作为|建设|更多|凭借|各界|全域|镇域|特色|样板|力量|故事|高质量)"
_GENERIC_PLACE = re.compile(
    r"(文明|园林|卫生|森林|智慧|海绵|生态|全国|全省|国家|省级|市级|美丽|宜居|示范)?(城市|全市|本市|上市|超市|都市|门市|股市|夜市|市级|省级|县级|城区|市区|园区|社区|小区|街区|景区|片区|新区|"
    r"开发区|功能区|示范区|保护区|自贸区|试验区|先行区|核心区|辖区|山区|老区|湾区|库区|矿区|城乡|专区|集聚区|"
    r"农区|牧区|灾区|校区|厂区|商区|港区|产区|镇区)"
)


def _stem_ok(stem: str) -> bool:
    from rag.text.tokens import is_function_word

    if any(stem.endswith(g) for g in _GENERIC_STEM_ENDINGS) or re.search(r"[xX×*]", stem):
        return False
    if any(ch in _NOT_FIRST for ch in stem):
        return False  # "日在青石": a particle inside is a sentence, not a name
    # "按照镇党委", "其中镇本级": function words stand before 镇 but never name a town ("山河镇" does)
    return not is_function_word(stem) and not is_function_word(stem[:2])


def _dict_freq(word: str) -> int:
    import jieba

    if not jieba.dt.initialized:
        jieba.dt.initialize()
    return jieba.dt.FREQ.get(word, 0) or 0


def detect_town(text: str, header: str, title: str) -> tuple[str | None, bool, str]:
    """Return (town, anonymised, provenance)."""
    haystack = "\n".join([header, title, text])
    return (_town_from_title(title) or _town_from_strong_rules(haystack) or _town_most_mentioned(text)
            or _town_anonymised(haystack, title) or _town_by_self_reference(text)
            or (None, False, "正文未出现镇/乡/街道名称"))


def _town_from_title(title: str) -> tuple[str, bool, str] | None:
    """A title that starts with the town: "XX镇2023年政府工作报告"."""
    m = re.match(rf"^\s*([{CJK}]{{2,4}}?(?:镇|乡|街道))(?:人民政府|政府|办事处)?[^。]{{0,12}}(?:报告|总结)", title)
    if m and _stem_ok(re.sub(r"(镇|乡|街道)$", "", m.group(1))):
        return m.group(1), False, f"标题：“{title}”"
    return None


def _town_from_strong_rules(haystack: str) -> tuple[str, bool, str] | None:
    """Page fields, "我代表XX镇人民政府", the congress's session, "XX镇人民政府"."""
    for pat, why in _STRONG_TOWN:
        for m in pat.finditer(haystack):
            name = m.group(1)
            stem = re.sub(r"(镇|乡|街道)$", "", name)
            # the name starts after the last particle swallowed by the pattern ("日在青石镇")
            stem = re.split(r"[在的是对向从到把让将于给经和与及]", stem)[-1]
            if len(stem) < 2:
                continue
            if _stem_ok(stem):
                suffix = name[len(re.sub(r"(镇|乡|街道)$", "", name)):]
                return stem + suffix, False, f"{why}：“{snippet(haystack, m.start(), m.end())}”"
    return None


def _town_mentions(text: str) -> tuple[Counter[str], dict[str, str]]:
    """"XX镇" mentions counted by their 2-, 3- and 4-character stems, and each stem's suffix."""
    counts: Counter[str] = Counter()
    suffixes: dict[str, str] = {}
    for m in re.finditer(rf"([{CJK}]{{2,4}}?)(?:镇|乡(?![村镇土亲贤风情愁间里音])|街道)(?![村街域区级])|(镇|乡|街道)", text):
        end = m.end(1) if m.group(1) else None
        if end is None:
            continue
        suffix = text[end: m.end()]
        before = text[max(0, end - 4): end]
        seen = set()
        for size in (2, 3, 4):
            stem = before[-size:]
            if len(stem) < size or not re.fullmatch(rf"[{CJK}]+", stem) or stem[0] in _NOT_FIRST or stem in seen:
                continue
            seen.add(stem)
            if _stem_ok(stem):
                counts[stem] += 1
                suffixes.setdefault(stem, suffix)
    return counts, suffixes


def _town_most_mentioned(text: str) -> tuple[str, bool, str] | None:
    # count "XX镇" mentions by their 2-, 3- and 4-character stems; the longest stem that is
    # (nearly) as frequent as the most frequent one is the name ("负载测试镇", not "测试镇")
    counts, suffixes = _town_mentions(text)
    if counts:
        best, top = counts.most_common(1)[0]
        extensions = [st for st, c in counts.items() if st.endswith(best) and c >= 0.8 * top]
        stem = max(extensions, key=len)
        n = counts[stem]
        standalone = len(re.findall(stem, text))
        if n >= 2 or standalone >= 3:
            return stem + suffixes[stem], False, f"“{stem}{suffixes[stem]}”在正文出现{n}次"
    return None


def _town_anonymised(haystack: str, title: str) -> tuple[None, bool, str] | None:
    """A report whose town is written as xx: anonymised, and no name is guessed."""
    anonymised_marker = _ANON_TOWN.search(haystack)
    nameless_title = re.match(r"^\s*(?:镇|乡|街道)(?:人民政府)?\d{0,4}年?", title)
    if nameless_title and (anonymised_marker or _ANON_ANY.search(haystack)):
        return None, True, f"匿名化：标题“{title}”缺少镇名，正文以xx代替地名（不猜测真实名称）"
    if anonymised_marker or _ANON_ANY.search(haystack):
        m = anonymised_marker or _ANON_ANY.search(haystack)
        return None, True, f"匿名化：“{snippet(haystack, m.start(), m.end())}”（不猜测真实名称）"
    return None


def _town_by_self_reference(text: str) -> tuple[str, bool, str] | None:
    # a report that calls itself a town but only names itself by stem ("推动道滘…")
    self_ref = TOWNSHIP_SELF_REFERENCE.findall(text)
    if self_ref:
        stems: Counter[str] = Counter()
        for m in re.finditer(rf"{_SELF_SLOT_BEFORE}([{CJK}]{{2}})|([{CJK}]{{2}}){_SELF_SLOT_AFTER}", text):
            stem = m.group(1) or m.group(2)
            if _stem_ok(stem) and _dict_freq(stem) == 0:
                stems[stem] += 1
        if stems:
            stem, n = stems.most_common(1)[0]
            total = len(re.findall(stem, text))
            if n >= 2 and total >= 3:
                kind = "乡" if "乡" in "".join(self_ref) and "镇" not in "".join(self_ref) else (
                    "街道" if "街道" in "".join(self_ref) else "镇")
                return stem + kind, False, (
                    f"正文以“{stem}”自称{total}次，且自称“{self_ref[0]}”")
    return None


def detect_region(text: str, header: str, town: str | None) -> tuple[str | None, str]:
    """The county/city (or province) the report names most: place words found by jieba."""
    import jieba.posseg as pseg

    counts: Counter[str] = Counter()
    shown: dict[str, str] = {}
    # dictionary place words only (HMM off): regions are known places, and it is 5x faster
    for word, flag in pseg.cut("\n".join([header, text]), HMM=False):
        if flag != "ns" or not 2 <= len(word) <= 6 or word in _NOT_REGIONS:
            continue
        stem = re.sub(r"(省|市|县|区|自治州|自治县)$", "", word) if len(word) > 2 else word
        if len(stem) < 2 or _GENERIC_PLACE.fullmatch(word) or re.search(r"[xX×*]", word):
            continue
        if town and (stem in town or town.startswith(stem)):
            continue
        counts[stem] += 1
        if word != stem or stem not in shown:
            shown[stem] = word
    for stem in list(counts):
        if shown[stem] == stem and re.search(r"[江山湖河路桥港湾岛岭口园城镇村乡街]$", stem):
            del counts[stem]  # rivers, hills, roads … are places but not administrative regions
    if not counts:
        return None, "正文未出现县/市/省名称"
    # the most frequent; ties go to a named 市/县 and then to the better-known name
    def rank(kv):
        stem, n = kv
        level = 0 if re.search(r"(市|县|区)$", shown[stem]) else (1 if shown[stem].endswith("省") else 2)
        return (-n, level, -_dict_freq(stem))

    ranked = sorted(counts.items(), key=rank)
    stem, n = ranked[0]
    if n < 2 and shown[stem] == stem:
        return None, f"地名“{stem}”只出现1次，不足以判断"
    return shown[stem], f"地名“{shown[stem]}”在正文出现{n}次"


_NOT_REGIONS = {"中国", "城市", "美丽", "城镇", "镇村", "南", "北", "东", "西", "新建", "宜居", "新城", "英雄",
                "上市", "全国", "全省", "粤港澳", "长三角", "珠三角", "大湾", "镇街", "乡村", "农村", "水乡"}
