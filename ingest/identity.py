"""Report identity: who issued a report, at which level, and which years it covers.

A government work report says who it is in a few fixed places, and this module reads them in
order of trust, keeping the rule and the words that decided every field:

1. the dateline under the title: "——2024年1月25日在XX市第十六届人民代表大会第二次会议上"
   (delivery date, session, and the congress's place = the issuer);
2. the title line: "2026年上海市政府工作报告", "关于XX街道办事处2022年工作情况的报告";
3. the opening: "我代表XX人民政府/管理委员会/国务院" (sometimes only "我代表省人民政府":
   then the level is known and the name comes from a later source);
4. the page's metadata fields (发布机构, 发布单位);
5. the file name ("2023年南山区政府工作报告_2023.txt");
6. the body: which level the report calls itself ("全省", "全区", "全镇"…) and, for the name,
   the division of that level it names most.
Places named in the body are never the issuer when a higher source names one; a town mentioned in
a district's report is inside that district, not its author. Anonymised issuers ("xx镇") stay
unknown. Names are resolved with the division gazetteer (rag.text.places): level and parent chain.

Years: see ingest.identity_years.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from ingest.identity_years import plan_spans, read_years
from rag.text.cues import NATIONAL_NAMES, SELF_LEVEL
from rag.text.numbers import cn_to_number
from rag.text.places import gazetteer, level_of_name, mentions_parent, pick, strip_suffix

CJK = r"\u4e00-\u9fff"
_CN_NUM = r"[一二三四五六七八九十]{1,4}"
_ISSUER_TAIL = r"(?:人民政府|管理委员会|管委会|办事处|政府)"

_DATELINE = re.compile(
    rf"(?:(?P<y>\d{{4}})\s*年\s*(?P<mo>\d{{1,2}})\s*月\s*(?P<d>\d{{1,2}})"
    rf"|(?P<ycn>[〇零一二三四五六七八九]{{4}})年(?P<mocn>[一二三四五六七八九十]{{1,3}})月(?P<dcn>[一二三四五六七八九十]{{1,3}}))"
    rf"\s*日\s*在\s*"
    rf"(?P<session>(?P<place>[{CJK}]{{0,20}}?)第?(?P<n>{_CN_NUM})届(?P<congress>[{CJK}]{{0,8}}?)"
    rf"人民代表大会(?:常务委员会)?第(?P<m>{_CN_NUM})次(?:全体)?会议)"
)
_TITLE_KIND = re.compile(r"(政府工作报告|工作报告|工作总结|工作情况的?报告|年度工作总结)")
_TITLE_NAME = re.compile(
    rf"^(?:\d{{4}}年)?(?:关于)?(?P<name>[{CJK}]{{2,16}}?){_ISSUER_TAIL}?(?:\d{{4}}年度?)?"
    rf"(?:政府)?(?:工作报告|工作总结|工作情况)"
)
_TITLE_REPORT_YEAR = re.compile(r"(\d{4})年(?:度)?[^\d年]{0,16}?政府工作报告|政府工作报告[（(](\d{4})[)）]")
_REPRESENT = re.compile(rf"我(?:谨)?代表(?P<who>国务院|[{CJK}]{{0,16}}?){_ISSUER_TAIL}?(?=[，,、向。在]|$)")
_PAGE_ISSUER = re.compile(rf"(?:发布机构|发布单位|发文机关|来源|信息来源)\s*[:：]\s*(?P<name>[{CJK}]{{2,20}}?){_ISSUER_TAIL}?\s*$",
                          re.M)
_FILE_NAME = re.compile(rf"(?P<name>[{CJK}]{{2,12}}?(?:特别行政区|自治区|自治州|自治县|省|市|新区|区|县|旗|镇|乡|街道))")
_SPEAKER = re.compile(
    rf"(?:总理|省长|市长|区长|县长|旗长|州长|镇长|乡长|主席|主任)[\s\u3000]*"
    rf"(?P<name>[{CJK}](?:[\s\u3000]{{0,2}}[{CJK}]){{1,3}}(?:·[{CJK}]{{1,8}})?)\s*$", re.M)
_ANON = re.compile(r"(?:(?<![xX×＊*])[xX×＊*]{2,}|某|〇〇)(?:镇|乡|街道|县|市|区)")


@dataclass(frozen=True)
class Identity:
    entity: str | None
    level: str | None
    parent: tuple[str, ...]
    anonymised: bool
    report_year: int | None
    period_reviewed: int | None
    period_planned: int | None
    reviewed_span: tuple[int, int] | None
    planned_span: tuple[int, int] | None
    title: str
    date: str | None
    speaker: str | None
    session: str | None
    provenance: dict[str, str] = field(default_factory=dict)


def _head(text: str, lines: int = 14, chars: int = 1500) -> str:
    out = []
    for line in text[:chars].split("\n"):
        if line.strip():
            out.append(line.strip())
        if len(out) >= lines:
            break
    return "\n".join(out)


def _issuer_name(raw: str) -> str:
    """"上海市" from "2026年上海市"; particles and years at the start are not part of a name."""
    raw = re.sub(r"^.*?\d{4}年度?", "", raw)
    raw = re.sub(r"^(关于|在|对)", "", raw)
    return raw.strip()


def _clean_title_line(line: str) -> str:
    line = re.sub(r"(?<=[\u4e00-\u9fff])[\s\u3000]+(?=[\u4e00-\u9fff])", "", line.strip())
    return re.split(r"[—─]{1,2}|\s*[（(]\d{4}年\d{1,2}月", line)[0].strip(" ：:")


# a notice issuing the report ("关于印发《XX镇2023年工作总结和2024年工作计划》的通知"): its title is the report's
_ISSUING_NOTICE = re.compile(r"^关于(?:印发|转发|下发)《(?P<title>[^》]{4,60})》的通知$")


def _title(head: str) -> tuple[str, str] | None:
    """The first line of the opening that is a report's title (it ends with 报告/总结, or with the
    coming year's 计划/打算/安排/思路/要点 a township's summary is paired with); a notice issuing the
    report is titled by the report it issues."""
    for line in head.split("\n"):
        cand = _clean_title_line(line)
        if notice := _ISSUING_NOTICE.match(cand):
            cand = notice.group("title")
        if not 4 <= len(cand) <= 60 or re.search(r"(我代表|各位代表|新华社|记者|摄|^现在|当前位置|[>＞»])", cand):
            continue
        if re.match(r"^(?:[一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十]{1,3}[)）])", cand):  # a section heading
            continue
        if _TITLE_KIND.search(cand) and re.search(r"(报告|总结|思路|计划|打算|安排|要点)$", cand):
            return cand, line
    return None


def _level_from_self(text: str) -> tuple[str | None, str]:
    counts = {lvl: len(pat.findall(text)) for lvl, pat in SELF_LEVEL}
    # "全国" occurs in every report; it names the issuer only when no lower self-reference does
    lower = {k: v for k, v in counts.items() if k != "national" and v}
    if lower:
        lvl = max(lower, key=lower.get)
        return lvl, f"正文自称以“{SELF_LEVEL[[k for k, _ in SELF_LEVEL].index(lvl)][1].pattern.split('|')[0]}”等为主（{lower[lvl]}次）"
    if counts["national"]:
        return "national", f"正文以“全国”自称（{counts['national']}次）"
    return None, "正文无自称"


def _most_named(text: str, level: str) -> tuple[str, int] | None:
    """The division of ``level`` the text names most (full or short name), for reports that
    name only their level in the opening ("我代表省人民政府")."""
    g = gazetteer()
    counts: Counter[str] = Counter()
    if level in ("province", "city"):
        for p in g.places:
            if p.level == level and len(p.alias) >= 2:
                n = text.count(p.alias)
                if n:
                    counts[p.name] += n
    else:
        for m in _FILE_NAME.finditer(text):
            name = m.group("name")
            for cut in range(0, max(1, len(name) - 2)):
                cand = name[cut:]
                if any(c.level == level for c in g.by_name.get(cand, ())):
                    counts[cand] += 1
                    break
    if not counts:
        return None
    return counts.most_common(1)[0]


def _resolve(entity: str, level_hint: str | None, context: str) -> tuple[str | None, tuple[str, ...], str]:
    """(level, parents, provenance) of an issuer name, through the gazetteer."""
    if entity in NATIONAL_NAMES:
        return "national", (), "国务院/全国"
    g = gazetteer()
    suffix_level = level_of_name(entity)
    cands = g.by_name.get(entity, [])
    if suffix_level and not cands:
        # a functional area or a renamed division: 坪山新区 -> 坪山区 (same short name, same level)
        cands = [c for c in g.by_alias.get(strip_suffix(entity), ()) if c.level == (level_hint or suffix_level)]
        if cands:
            c = pick(cands, context)
            return suffix_level, c.parents, f"区划库：同简称的“{c.name}”位于{''.join(c.parents)}"
        return suffix_level or level_hint, (), "区划库中未找到，级别按名称后缀"
    if not cands:
        return level_hint, (), "区划库中未找到"
    if len(cands) > 1 and not any(mentions_parent(c, context) for c in cands):
        # namesakes (城关街道 is in hundreds of counties) and the page names none of their parents:
        # the parent is unknown, never a guess
        level = cands[0].level if len({c.level for c in cands}) == 1 else (suffix_level or level_hint)
        # what all namesakes share is known all the same (两处固城乡 both lie in 河南省)
        shared = _shared_parents([c.parents for c in cands])
        if shared:
            return level, shared, f"区划库：同名{len(cands)}处，均在{''.join(shared)}，正文未提到更下一级的上级地名"
        return level, (), f"区划库：同名{len(cands)}处，正文未提到其上级地名，上级不详"
    c = pick(cands, context)
    level = c.level
    if entity in ("北京市", "上海市", "天津市", "重庆市"):
        level = "province"
    where = "".join(c.parents) or "（省级）"
    more = f"（同名{len(cands)}处，按正文提到的上级地名选定）" if len(cands) > 1 else ""
    return level, c.parents, f"区划库：{where}{c.name}{more}"


def _shared_parents(chains: list[tuple[str, ...]]) -> tuple[str, ...]:
    """The parents, from the top, that every chain holds at the same place."""
    shared: list[str] = []
    for names in zip(*chains):
        if len(set(names)) != 1:
            break
        shared.append(names[0])
    return tuple(shared)


def read_identity(text: str, header: str, file: str, *, years: dict, fallback_town: tuple,
                  headings: list[str] = ()) -> Identity:
    """The identity of one report. ``text``/``header`` are simplified Chinese; ``years`` is
    ingest.years's reading of the reviewed/planned year from the body; ``fallback_town`` is
    (town, anonymised, provenance) from the township rules, used when no stronger source names
    the issuer. The sources are read in order of trust; each names the issuer only if no earlier
    one did."""
    head = _head(text)
    top = "\n".join([header, head])
    stem = re.sub(r"\.[A-Za-z0-9]+$", "", file)
    r = _Reading()
    _from_dateline(r, top, text)
    title = _from_title(r, top)
    _from_opening(r, text)
    _from_page_fields(r, header)
    _from_file_name(r, stem, file)
    self_level, self_src = _level_from_self(text)
    _from_most_named(r, text)
    anonymised = _from_body_town(r, fallback_town, self_level)
    level, parent = _level_and_parents(r, self_level, self_src, context="\n".join([file, header, text[:20000]]))
    report_year, reviewed, planned = read_years(r.prov, years, headings, date=r.date, report_year=r.report_year,
                                                title=title, stem=stem, file=file)
    reviewed_span, planned_span = plan_spans(r.prov, text, head, reviewed, planned)
    speaker = _speaker(r.prov, top)
    title = title or _title_from_file_name(r.prov, stem, file, head, reads_as_report=bool(reviewed or planned))
    return Identity(
        entity=r.entity, level=level, parent=tuple(parent), anonymised=anonymised, report_year=report_year,
        period_reviewed=reviewed, period_planned=planned, reviewed_span=reviewed_span, planned_span=planned_span,
        title=title, date=r.date, speaker=speaker, session=r.session, provenance=r.prov,
    )


@dataclass
class _Reading:
    """What the sources read so far say about the issuer and the delivery, and why."""
    entity: str | None = None
    level_hint: str | None = None
    report_year: int | None = None
    date: str | None = None
    session: str | None = None
    prov: dict[str, str] = field(default_factory=dict)


def _from_dateline(r: _Reading, top: str, text: str) -> None:
    """1. The dateline: delivery date, session, and the congress's place (the issuer)."""
    # a dateline may be broken over lines by the page ("第十四届\n人民代表大会")
    dl = _DATELINE.search(top.replace("\n", "")) or _DATELINE.search(text[:3000].replace("\n", ""))
    if not dl:
        return
    if dl.group("y"):
        y, mo, d = int(dl.group("y")), int(dl.group("mo")), int(dl.group("d"))
    else:
        y = int("".join(str("〇一二三四五六七八九".index(c)) if c != "零" else "0" for c in dl.group("ycn")))
        mo, d = int(cn_to_number(dl.group("mocn")) or 0), int(cn_to_number(dl.group("dcn")) or 0)
    r.report_year = y
    r.date = f"{y:04d}-{mo:02d}-{d:02d}"
    r.session = re.sub(r"\s+", "", dl.group("session"))
    place = _issuer_name(dl.group("place") or "")
    if "全国" in (dl.group("congress") or ""):
        r.entity, r.level_hint = "国务院", "national"
    elif place and level_of_name(place):
        r.entity = place
    r.prov["date"] = r.prov["session"] = r.prov["report_year"] = f"题注：“{dl.group(0)}”"
    if r.entity:
        r.prov["entity"] = f"题注：“{dl.group(0)}”"


def _from_title(r: _Reading, top: str) -> str:
    """2. The title line: the issuer and the report year it names. Returns the title ('' if none)."""
    title_hit = _title(top)
    title = title_hit[0] if title_hit else ""
    if title_hit:
        r.prov["title"] = f"标题行：“{title_hit[1][:60]}”"
        m = _TITLE_NAME.search(title)
        name = _issuer_name(m.group("name")) if m else ""
        if not r.entity and name and (level_of_name(name) or gazetteer().is_division(name)) and not _ANON.search(title):
            r.entity = name
            r.prov["entity"] = f"标题：“{title}”"
        ym = _TITLE_REPORT_YEAR.search(title)
        if ym and not r.report_year:
            r.report_year = int(ym.group(1) or ym.group(2))
            r.prov["report_year"] = f"标题：“{title}”"
    return title


def _from_opening(r: _Reading, text: str) -> None:
    """3. The opening "我代表XX人民政府": the issuer, or only its level ("我代表省人民政府")."""
    rep = _REPRESENT.search(text[:4000])
    if not rep:
        return
    who = _issuer_name(rep.group("who"))
    if who == "国务院":
        r.level_hint = "national"
        if not r.entity:
            r.entity, r.prov["entity"] = "国务院", f"开场：“{rep.group(0)}”"
    elif who in ("省", "自治区", "市", "区", "县", "旗", "镇", "乡", "街道", "新区") or not who:
        r.level_hint = r.level_hint or level_of_name("某" + who) if who else r.level_hint
        r.prov["level"] = f"开场：“{rep.group(0)}”"
    elif not r.entity and not _ANON.search(who + "镇") and (level_of_name(who) or gazetteer().is_division(who)):
        r.entity, r.prov["entity"] = who, f"开场：“{rep.group(0)}”"


def _from_page_fields(r: _Reading, header: str) -> None:
    """4. The page's metadata fields (发布机构, 发布单位)."""
    if not r.entity:
        m = _PAGE_ISSUER.search(header)
        if m and (level_of_name(m.group("name")) or gazetteer().is_division(m.group("name"))):
            r.entity, r.prov["entity"] = m.group("name"), f"页面字段：“{m.group(0).strip()}”"


def _from_file_name(r: _Reading, stem: str, file: str) -> None:
    """5. The file name ("2023年南山区政府工作报告_2023.txt")."""
    if not r.entity:
        for seg in re.split(r"[\d_\-\s.()（）年]+", stem):
            if seg.startswith("国务院"):
                r.entity, r.prov["entity"] = "国务院", f"文件名：“{file}”"
                break
            m = _FILE_NAME.match(seg)
            if m and not _ANON.search(m.group("name")):
                r.entity, r.prov["entity"] = m.group("name"), f"文件名：“{file}”"
                break


def _from_most_named(r: _Reading, text: str) -> None:
    """6a. The body, when the opening named only the level: the division of that level it names most."""
    if not r.entity and r.level_hint in ("province", "city"):
        best = _most_named(text, r.level_hint)
        if best:
            r.entity, r.prov["entity"] = best[0], f"开场只写明级别，正文提到最多的{best[0]}（{best[1]}次）"


def _from_body_town(r: _Reading, fallback_town: tuple, self_level: str | None) -> bool:
    """6b. The body's town (the township rules), for a report that calls itself a township.
    Returns whether the issuer is anonymised."""
    anonymised = False
    town, town_anon, town_src = fallback_town
    if not r.entity:
        if town and (r.level_hint in (None, "township")) and self_level in (None, "township"):
            r.entity, r.prov["entity"] = town, town_src
        elif town_anon:
            anonymised = True
            r.prov["entity"] = town_src
    return anonymised


def _level_and_parents(r: _Reading, self_level: str | None, self_src: str, *,
                       context: str) -> tuple[str | None, tuple[str, ...]]:
    """The issuer's level and parents (the gazetteer), else the level the report shows."""
    level = None
    parent: tuple[str, ...] = ()
    if r.entity:
        _without_address(r)
        level, parent, r.prov["parent"] = _resolve(r.entity, r.level_hint, context)
        r.prov.setdefault("level", r.prov["parent"])
    if not level:
        level = r.level_hint or self_level
        r.prov["level"] = r.prov.get("level") or self_src
    return level, parent


def _without_address(r: _Reading) -> None:
    """An issuer written with its address ("在鹤峰县走马镇第十九届人民代表大会…") is the last division
    of it: the gazetteer reads the address as a chain whose last place ends the name (走马镇), and the
    places before it are its parents, which the context then names."""
    name = r.entity or ""
    if name in gazetteer().by_name:
        return
    place = gazetteer().resolve(name)
    if place is not None and place.name != name and name.endswith(place.name) and place.parents:
        r.prov["entity"] = r.prov.get("entity", "") + f"（地址“{name[: -len(place.name)]}”之后的{place.name}）"
        r.entity = place.name


def _speaker(prov: dict[str, str], top: str) -> str | None:
    """The signature under the title ("国务院总理 李克强")."""
    sp = _SPEAKER.search(top)
    if not sp:
        return None
    prov["speaker"] = f"署名：“{sp.group(0).strip()}”"
    return re.sub(r"\s", "", sp.group("name"))


_REPORT_OPENING = re.compile(r"(各位代表|政府工作|工作报告|工作总结|人民代表大会)")


def _title_from_file_name(prov: dict[str, str], stem: str, file: str, head: str = "", *,
                          reads_as_report: bool = True) -> str:
    """A report without a title line: the file name if it says what it is, else the convention. A
    document that does not read as a report (no year reviewed or planned, no "各位代表", no report
    named in its opening: a news item, a notice) is titled by its first line when that is a
    headline (short, not a sentence)."""
    if re.search(r"(工作报告|工作总结)", stem):
        prov["title"] = f"正文无标题行，取文件名“{file}”"
        return re.sub(r"[_\-](?:\d{4})年?$", "", stem)
    first = next((line.strip() for line in head.split("\n") if line.strip()), "")
    if not reads_as_report and not _REPORT_OPENING.search(head) and 4 <= len(first) <= 50 \
            and not re.search(r"[。；;]$", first):
        prov["title"] = "不像报告的文档：取正文首行（标题）"
        return first
    prov["title"] = "正文无标题行，按惯例"
    return "政府工作报告"
