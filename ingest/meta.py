"""Document metadata: title, town, region, years, type, page fields, and the section tree.

Every value is recorded with its provenance (the rule and the text that produced it) so the
UI can show why the tool believes, say, that a report reviews 2019. The rules are generic:
they read what any township report says about itself, never a list of known towns.
"""

from __future__ import annotations

import re
from collections import Counter

from ingest.identity import read_identity
from rag.types import CleanDoc, DocMeta, Section

CJK = r"\u4e00-\u9fff"

# ------------------------------------------------------------------ section tree

_HEADING_PATTERNS: tuple[tuple[int, re.Pattern], ...] = (
    (1, re.compile(r"^[一二三四五六七八九十]{1,3}、")),
    (2, re.compile(r"^[（(][一二三四五六七八九十]{1,3}[)）]")),
    (3, re.compile(r"^\d{1,2}[.．、](?!\d)")),
    (4, re.compile(r"^[（(]\d{1,2}[)）]")),
    (4, re.compile(r"^(?:一|二|三|四|五|六|七|八|九|十)是")),
    # an unnumbered part title on its own line: "2023年工作安排", "今后五年工作思路"
    (0, re.compile(r"^(?:(?:20\d\d|今|明|上|去)年|今后[一二三四五]年|下一?阶段|下一步)?[^。；;，,:：]{0,8}"
                   r"(?:工作安排|工作思路|工作打算|目标任务|工作计划|工作回顾|工作总结|主要目标)$")),
)
_HEADING_END = re.compile(r"[。！？!?；;：:]")


def _heading_text(line: str) -> str:
    """The heading itself: up to the first sentence end or a gap before running text."""
    m = _HEADING_END.search(line)
    head = line[: m.start()] if m else line
    gap = head.find(" ", 4)
    if gap > 0:
        head = head[:gap]
    return head.strip()[:40]


def extract_sections(text: str) -> tuple[Section, ...]:
    """Headings 一、 / （一） / 1. / （1） / 一是 at line starts, as a tree flattened in order."""
    found: list[tuple[int, str, int]] = []
    pos = 0
    for line in text.split("\n"):
        stripped = line.lstrip()
        offset = pos + (len(line) - len(stripped))
        pos += len(line) + 1
        for level, pat in _HEADING_PATTERNS:
            if pat.match(stripped):
                heading = _heading_text(stripped)
                # a numbered footnote list ("1.瞪羚企业:指…") or a long sentence is not a heading
                if level >= 3 and len(heading) > 30:
                    break
                if level == 1 and len(stripped) > 60 and not _HEADING_END.search(stripped[:40]):
                    heading = stripped[:40]
                found.append((level, heading, offset))
                break
    # one pass: a section ends where the next heading of the same or a higher level starts
    ends = [len(text)] * len(found)
    open_: list[int] = []  # indices of sections not yet closed
    for i, (level, _, start) in enumerate(found):
        while open_ and found[open_[-1]][0] >= level:
            ends[open_.pop()] = start
        open_.append(i)
    sections: list[Section] = []
    stack: list[tuple[int, str]] = []
    for i, (level, heading, start) in enumerate(found):
        while stack and stack[-1][0] >= level:
            stack.pop()
        stack.append((level, heading))
        path = " > ".join(h for _, h in stack)
        sections.append(Section(level=level, heading=heading, start=start, end=ends[i], path=path))
    return tuple(sections)


def section_path_at(sections: tuple[Section, ...], offset: int) -> str:
    """The heading path of the innermost section containing ``offset``."""
    best: Section | None = None
    for s in sections:
        if s.start <= offset < s.end and (best is None or s.level >= best.level):
            best = s
    return best.path if best else ""


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
_TOWN_SUFFIX = re.compile(rf"(?=([{CJK}]{{2,4}})(镇|乡(?![村镇土亲贤风情愁间里音])|街道)(?![村街域区级]))")
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
_SELF_REFERENCE = re.compile(r"全镇|我镇|本镇|镇党委|镇人大|镇政府|全乡|我乡|乡党委|乡人大|街道党工委|全街道")
_REGION = re.compile(rf"([{CJK}]{{2,3}}?)(省|自治区|市|县|区)")
_GENERIC_REGION = {
    "城", "全", "本", "上", "我", "该", "各", "市", "城市", "超", "都", "夜", "股", "门", "开发", "园", "功能", "社",
    "小", "集", "新", "老", "景", "城区", "市区", "辖", "片", "园区", "街", "全省", "全市", "全县", "示范", "功能区",
    "水乡功能", "上级", "省级", "市级", "县级", "地", "湾", "行政", "经济", "保护", "风景", "试验", "先行", "自贸",
    "生态", "商业", "工业", "核心", "重点", "农业", "贫困", "欠发达", "发达", "民族", "老区", "革命",
}
_GENERIC_PLACE = re.compile(
    r"(文明|园林|卫生|森林|智慧|海绵|生态|全国|全省|国家|省级|市级|美丽|宜居|示范)?(城市|全市|本市|上市|超市|都市|门市|股市|夜市|市级|省级|县级|城区|市区|园区|社区|小区|街区|景区|片区|新区|"
    r"开发区|功能区|示范区|保护区|自贸区|试验区|先行区|核心区|辖区|山区|老区|湾区|库区|矿区|城乡|专区|集聚区|"
    r"农区|牧区|灾区|校区|厂区|商区|港区|产区|镇区)"
)
_REGION_BAD_FIRST = set("在和与及的为是到从对向把让将由于等了创获入选荣暨由建设")


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
    m = re.match(rf"^\s*([{CJK}]{{2,4}}?(?:镇|乡|街道))(?:人民政府|政府|办事处)?[^。]{{0,12}}(?:报告|总结)", title)
    if m and _stem_ok(re.sub(r"(镇|乡|街道)$", "", m.group(1))):
        return m.group(1), False, f"标题：“{title}”"
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
                return stem + suffix, False, f"{why}：“{_context(haystack, m.start(), m.end())}”"
    # count "XX镇" mentions by their 2-, 3- and 4-character stems; the longest stem that is
    # (nearly) as frequent as the most frequent one is the name ("负载测试镇", not "测试镇")
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
    anonymised_marker = _ANON_TOWN.search(haystack)
    nameless_title = re.match(r"^\s*(?:镇|乡|街道)(?:人民政府)?\d{0,4}年?", title)
    if counts:
        best, top = counts.most_common(1)[0]
        extensions = [st for st, c in counts.items() if st.endswith(best) and c >= 0.8 * top]
        stem = max(extensions, key=len)
        n = counts[stem]
        standalone = len(re.findall(stem, text))
        if n >= 2 or standalone >= 3:
            return stem + suffixes[stem], False, f"“{stem}{suffixes[stem]}”在正文出现{n}次"
    if nameless_title and (anonymised_marker or _ANON_ANY.search(haystack)):
        return None, True, f"匿名化：标题“{title}”缺少镇名，正文以xx代替地名（不猜测真实名称）"
    if anonymised_marker or _ANON_ANY.search(haystack):
        m = anonymised_marker or _ANON_ANY.search(haystack)
        return None, True, f"匿名化：“{_context(haystack, m.start(), m.end())}”（不猜测真实名称）"
    # a report that calls itself a town but only names itself by stem ("推动道滘…")
    self_ref = _SELF_REFERENCE.findall(text)
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
    return None, False, "正文未出现镇/乡/街道名称"


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


# ------------------------------------------------------------------ years

# National calendar anchors: a report that says "新中国成立70周年" is about 2019, whatever its page says.
_ANCHORS: tuple[tuple[re.Pattern, int, str], ...] = (
    (re.compile(r"(新中国|中华人民共和国)成立\s*70\s*周年|建国\s*70\s*周年"), 2019, "新中国成立70周年"),
    (re.compile(r"(新中国|中华人民共和国)成立\s*60\s*周年"), 2009, "新中国成立60周年"),
    (re.compile(r"改革开放\s*40\s*周年"), 2018, "改革开放40周年"),
    (re.compile(r"改革开放\s*30\s*周年"), 2008, "改革开放30周年"),
    (re.compile(r"(建党|中国共产党(成立|迎来)?)\s*(100|一百)\s*周年|百年华诞"), 2021, "建党百年"),
    (re.compile(r"[“\"]?十四五[”\"]?(规划)?的?开局之年"), 2021, "“十四五”开局之年"),
    (re.compile(r"[“\"]?十三五[”\"]?(规划)?的?(收官之年|决胜之年)"), 2020, "“十三五”收官之年"),
    (re.compile(r"[“\"]?十三五[”\"]?(规划)?的?开局之年"), 2016, "“十三五”开局之年"),
    (re.compile(r"[“\"]?十五五[”\"]?(规划)?的?开局之年"), 2026, "“十五五”开局之年"),
    (re.compile(r"党的二十大(召开)?之年|喜迎党的二十大"), 2022, "党的二十大召开之年"),
    (re.compile(r"全面贯彻(落实)?党的二十大精神的开局之年"), 2023, "贯彻二十大精神开局之年"),
)
_REVIEW_PATTERNS = (
    re.compile(r"(20\d\d)年(以来)?(的)?(工作)?(回顾|总结)"),
    re.compile(r"(?:过去的|刚刚过去的|回顾|回首)(20\d\d)年"),
    re.compile(r"(20\d\d)年是[^。]{0,40}?(周年|一年|之年)"),
    re.compile(r"(20\d\d)年[，,]?\s*(全镇|全乡|我镇|我乡|全街道)"),
)
_PLAN_PATTERNS = (
    re.compile(r"(20\d\d)年(的)?(工作)?(安排|打算|思路|目标任务|主要目标|计划|重点工作|主要预期目标)"),
    re.compile(r"(?:今年|明年)是[^。]{0,30}?(20\d\d)"),
)
_DATE_IN_TEXT = re.compile(r"(20\d\d)年\d{1,2}月\d{1,2}日")


def _year_mentions(patterns, text: str) -> list[tuple[int, int, str]]:
    found = []
    for pat in patterns:
        for m in pat.finditer(text):
            year = next(int(g) for g in m.groups() if g and re.fullmatch(r"20\d\d", g))
            found.append((m.start(), year, _context(text, m.start(), m.end())))
    return sorted(found)


def detect_years(text: str, title: str) -> dict[str, tuple[int | None, str]]:
    """period_reviewed, period_planned and the report year — each with provenance.

    The plan year comes from headings like "2023年工作安排"; the reviewed year from
    "2019年以来工作回顾", "刚刚过去的2022年" … ; a national-calendar anchor ("新中国成立70周年")
    placed before the plan part overrides a contradicting year in the text (scraped pages
    sometimes carry a wrong year), and then the plan year follows it.
    """
    plans = _year_mentions(_PLAN_PATTERNS, text)
    planned, plan_src, plan_pos = (plans[0][1], plans[0][2], plans[0][0]) if plans else (None, "", len(text))
    reviews = [r for r in _year_mentions(_REVIEW_PATTERNS, text) if planned is None or r[1] < planned]
    reviewed, rev_src = (reviews[0][1], reviews[0][2]) if reviews else (None, "")
    for pat, year, label in _ANCHORS:
        m = pat.search(text)
        if not m or m.start() > plan_pos or year == planned:
            continue
        if reviewed != year:
            claimed = ""
            near = re.search(r"(20\d\d)年", text[max(0, m.start() - 25): m.start()])
            if near and int(near.group(1)) != year:
                claimed = f"（文中写作{near.group(1)}年，与此矛盾，以时代标志为准）"
                if planned is not None and planned >= int(near.group(1)):
                    planned, plan_src = None, ""
            reviewed = year
            rev_src = f"时代标志“{label}”→{year}年{claimed}：“{_context(text, m.start(), m.end())}”"
        break
    if reviewed and planned and planned <= reviewed:
        planned, plan_src = None, ""
    if reviewed and not planned:
        planned, plan_src = reviewed + 1, f"回顾{reviewed}年的报告，计划年按次年推定"
    if planned and not reviewed:
        reviewed, rev_src = planned - 1, f"部署{planned}年工作的报告，回顾年按上一年推定"
    out: dict[str, tuple[int | None, str]] = {
        "period_reviewed": (reviewed, rev_src or "未找到"),
        "period_planned": (planned, plan_src or "未找到"),
    }
    if planned:
        out["year"] = (planned, f"报告年份＝部署工作的年份{planned}（回顾{reviewed}年）")
    else:
        m = re.search(r"(20\d\d)", title)
        out["year"] = (int(m.group(1)) if m else None, f"标题“{title}”" if m else "未找到")
    return out


# ------------------------------------------------------------------ title, type, page fields


def detect_title(clean: CleanDoc, file: str) -> tuple[str, str]:
    for line in clean.header.split("\n") + clean.text.split("\n")[:5]:
        s = line.strip()
        if 4 <= len(s) <= 80 and re.search(r"(报告|总结|工作|讲话|计划|思路)", s) and not re.match(
            r"^(索引号|发布|来源|日期|当前位置|>)", s
        ) and not re.search(r"[>＞»]", s):
            return s, "首个像标题的行"
    first = next((line.strip() for line in clean.text.split("\n") if line.strip()), "")
    if first and len(first) <= 80:
        return first, "正文首行"
    return file, "文件名"


def detect_doc_type(title: str, text: str) -> tuple[str, str]:
    head = title + "\n" + text[:400]
    for kind in ("政府工作报告", "工作总结", "工作报告", "工作计划", "讲话"):
        if kind in head:
            return kind, f"标题或开头含“{kind}”"
    if "各位代表" in text[:2000]:
        return "政府工作报告", "开头称“各位代表”（人代会报告）"
    return "其他", "未识别"


_PAGE_FIELDS = {
    "date": re.compile(r"(?:成文日期|发文日期|发布日期|发布时间|日期)\s*[:：]\s*(20\d\d[-./年]\d{1,2}[-./月]\d{1,2}日?)"),
    "publisher": re.compile(rf"(?:发布单位|发布机构|发文机关)\s*[:：]\s*([{CJK}A-Za-z0-9（）()]{{2,30}})"),
    "index_no": re.compile(r"索引号\s*[:：]\s*([A-Za-z0-9\-/_.]{4,60})"),
}


_REVIEW_HEAD = re.compile(r"(回顾|成就|总结|过去|成绩|以来工作|工作情况)")
_PLAN_HEAD = re.compile(r"(安排|任务|目标|思路|打算|要求|部署|重点工作|主要工作|政策取向|举措|建议|展望|计划|今后|下一步|下阶段)")
_FYP_HEAD = re.compile(r"十([一二三四五六七八九])五")
_PLAN_OPENING = re.compile(r"^(?:各位代表[!！，,：:]\s*)?(?:今年|{y}年)(?:是|政府工作|经济社会发展|的?主要|工作的总体要求|将|要)|"
                           r"^(?:做好|今年)[^。]{{0,12}}(?:政府工作|主要预期目标|总体要求)")
_PLAN_OPENING_WORDS = re.compile(r"(今年[^。]{0,6}(工作|目标|任务)|指导思想|总体要求|总体部署)")


def _heading_years(heading: str) -> set[int]:
    return {int(y) for y in re.findall(r"(20\d\d)年", heading)}


def detect_plan_start(text: str, sections: tuple[Section, ...], planned: int | None = None) -> tuple[int | None, str]:
    """Where a report turns from the year reviewed to the year ahead.

    Reports review first and plan second. The plan part starts at the first top-level heading
    that speaks of the year ahead — the planned year, "今年", a five-year plan not yet begun, or
    planning words (安排/任务/目标/部署…) without review words (回顾/成就/总结…); or where the
    top-level numbering starts again at 一 (a review with its own 一、二、三 followed by the plan's);
    or, in a report whose review has no heading, at the first heading after it. Failing headings,
    at the first paragraph that opens on the year ahead ("今年是…", "做好今年政府工作…").
    """
    from rag.text.numbers import cn_to_number
    from rag.text.tokens import to_simplified

    tops = [s for s in sections if s.level <= 1]
    reviewed = planned - 1 if planned else None
    if tops and tops[0].start > len(text) * 0.2 and not _REVIEW_HEAD.search(to_simplified(tops[0].heading)) \
            and re.search(r"(过去一年|一年来|回顾)", text[: tops[0].start]):
        return tops[0].start, f"无标题的回顾之后的第一个部分：“{tops[0].heading}”"
    for i, s in enumerate(tops):
        head = to_simplified(s.heading)
        years = _heading_years(head)
        future_plan = any(
            planned and 1966 + 5 * (10 + int(cn_to_number(m.group(1)) or 0) - 3) >= planned
            for m in _FYP_HEAD.finditer(head))
        review = bool(_REVIEW_HEAD.search(head)) or (reviewed in years and planned not in years)
        if s.start > 0 and (future_plan or (planned in years and not review) or (
                "今年" in head and not review) or (_PLAN_HEAD.search(head) and not review and not years)):
            if i > 0 or future_plan or planned in years or "今年" in head:
                return s.start, f"第一个讲今后工作的部分：“{head}”"
        opening = to_simplified(text[s.start: s.start + 120])
        if i > 0 and not _REVIEW_HEAD.search(head) and _PLAN_OPENING_WORDS.search(opening):
            return s.start, f"开头讲今年工作的部分：“{head}”"
        if i > 0 and s.level == 1 and head.startswith("一、") and any(t.heading.startswith("一、") for t in tops[:i]):
            return s.start, f"顶层编号重新从“一、”开始：“{head}”"
    pattern = re.compile(_PLAN_OPENING.pattern.format(y=planned or "20\\d\\d"), re.M)
    for m in pattern.finditer(text):
        if m.start() > len(text) * 0.2:
            return m.start(), f"第一个讲今年的段落：“{_context(text, m.start(), m.end())}”"
    return None, "未找到部署今后工作的部分"


def _context(text: str, start: int, end: int, width: int = 12) -> str:
    return text[max(0, start - width): min(len(text), end + width)].replace("\n", " ").strip()


def extract_metadata(clean: CleanDoc, *, doc_id: str, file: str) -> DocMeta:
    """Metadata of one report. Names and years are read from a simplified-Chinese copy (a
    traditional-character report is recognised too; names are stored simplified, the form
    users type); sections and offsets come from the text as stored."""
    from rag.text.tokens import to_simplified

    simple = CleanDoc(text=to_simplified(clean.text), removed=clean.removed, header=to_simplified(clean.header))
    old_title, _ = detect_title(clean, file)
    town_guess = detect_town(simple.text, simple.header, to_simplified(old_title))
    years = detect_years(simple.text, to_simplified(old_title))
    sections = extract_sections(clean.text)
    headings = [to_simplified(x.heading) for x in sections if x.level <= 1]
    ident = read_identity(simple.text, simple.header, to_simplified(file), years=years, fallback_town=town_guess,
                          headings=headings)
    title = ident.title
    town = ident.entity if ident.level == "township" else None
    anonymised = ident.anonymised or (ident.entity is None and town_guess[1])
    if ident.parent:
        region, region_src = ident.parent[-1], ident.provenance.get("parent", "")
    elif ident.level in (None, "township"):
        region, region_src = detect_region(simple.text, simple.header, town)
    else:
        region, region_src = None, "上级不详"
    doc_type, type_src = detect_doc_type(to_simplified(title), simple.text)
    page: dict[str, str | None] = {}
    provenance = {
        **ident.provenance, "town": ident.provenance.get("entity", town_guess[2]), "region": region_src,
        "doc_type": type_src, "year": ident.provenance.get("report_year", years["year"][1]),
    }
    for key, pat in _PAGE_FIELDS.items():
        m = pat.search(clean.header) or pat.search(clean.text[:300])
        page[key] = m.group(1) if m else None
        provenance[key] = f"页面字段：“{m.group(0)}”" if m else "页面未列出"
    if ident.date:
        page["date"] = ident.date
    if not page["date"]:
        m = _DATE_IN_TEXT.search(clean.text[:600])
        if m:
            page["date"] = m.group(0)
            provenance["date"] = f"开头的日期：“{_context(clean.text, m.start(), m.end())}”"
    plan_start, provenance["plan_start"] = detect_plan_start(to_simplified(clean.text), sections, ident.period_planned)
    masked = len(re.findall(r"[xX×]{2,}|[xX]\.[xX]", clean.text))
    provenance["masked_per_1000"] = f"{masked * 1000 / max(len(clean.text), 1):.1f}（以 x 代替的数字或名称，每千字）"
    return DocMeta(
        doc_id=doc_id, file=file, title=title, town=town, town_anonymised=anonymised, region=region,
        year=ident.report_year, period_reviewed=ident.period_reviewed,
        period_planned=ident.period_planned, doc_type=doc_type, publisher=page["publisher"],
        date=page["date"], index_no=page["index_no"], plan_start=plan_start, provenance=provenance,
        sections=sections, entity=ident.entity, level=ident.level, parent=ident.parent,
        reviewed_span=ident.reviewed_span, planned_span=ident.planned_span, speaker=ident.speaker,
        session=ident.session,
    )
