"""Document metadata: title, town, region, years, type, page fields, and the section tree.

Every value is recorded with its provenance (the rule and the text that produced it) so the
UI can show why the tool believes, say, that a report reviews 2019. The rules are generic:
they read what any township report says about itself, never a list of known towns. This module
puts the readings together; the rules live in ingest.sections, ingest.place_names, ingest.years,
ingest.plan_start and ingest.identity.
"""

from __future__ import annotations

import re

from ingest.identity import read_identity
from ingest.place_names import CJK, detect_region, detect_town
from ingest.plan_start import detect_plan_start
from ingest.sections import extract_sections
from ingest.snippet import snippet
from ingest.years import detect_years
from rag.text.cues import MASKED_IN_TEXT
from rag.types import CleanDoc, DocMeta

_DATE_IN_TEXT = re.compile(r"(20\d\d)年\d{1,2}月\d{1,2}日")


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


# a news dateline ("新华社北京3月5日电", "财新网3月28日讯"): the page is a news story, maybe about a
# report ("李强作政府工作报告"), not the report (a report's full text is still one by the years it reviews)
_NEWS_DATELINE = re.compile(r"[0-9０-９]{1,2}月[0-9０-９]{1,2}日(?:电|讯)")


def detect_doc_type(title: str, text: str) -> tuple[str, str]:
    if m := _NEWS_DATELINE.search(text[:200]):
        return "其他", f"新闻电头“{m.group(0)}”：新闻报道，不是报告本身"
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
            provenance["date"] = f"开头的日期：“{snippet(clean.text, m.start(), m.end())}”"
    plan_start, provenance["plan_start"] = detect_plan_start(to_simplified(clean.text), sections, ident.period_planned)
    masked = len(MASKED_IN_TEXT.findall(clean.text))
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
