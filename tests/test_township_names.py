"""Township names as people write them — table-driven: a 民族乡 by its place name, a county written
before a town as its address, a slogan in quotes, namesake towns whose shared parents are known."""

from __future__ import annotations

import pytest

from ingest.identity import _shared_parents
from rag.query import analyse_question
from rag.question_places import place_stem, unknown_places, written_parents
from rag.text import places
from rag.types import DocMeta


def _meta(doc_id, entity, parent, year):
    return DocMeta(doc_id=doc_id, file=f"{doc_id}.txt", title="政府工作报告", town=entity, town_anonymised=False,
                   region=parent[-1] if parent else None, year=year, period_reviewed=year - 1,
                   period_planned=year, doc_type="政府工作报告", entity=entity, level="township", parent=tuple(parent))


CATALOGUE = [
    _meta("qt2023", "桥头苗族壮族乡", ["云南省", "红河哈尼族彝族自治州", "河口瑶族自治县"], 2023),
    _meta("gc2022", "固城乡", ["河南省"], 2022),  # two 固城乡 in 河南: the county is not known
    _meta("sz2023", "升钟镇", ["四川省", "南充市", "南部县"], 2023),
    _meta("sz2024", "升钟镇", ["四川省", "南充市", "南部县"], 2024),
]


@pytest.mark.parametrize("name, short", [
    ("桥头苗族壮族乡", "桥头"), ("兴隆满族乡", "兴隆"), ("宁夏回族自治区", "宁夏"), ("河口瑶族自治县", "河口"),
    ("红河哈尼族彝族自治州", "红河"), ("麻涌镇", "麻涌"), ("南山区", "南山"), ("东区", "东区"),
])
def test_short_names(name, short):
    assert places.strip_suffix(name) == short


@pytest.mark.parametrize("name, stem", [("桥头苗族壮族乡", "桥头"), ("杜桥镇", "杜桥"), ("华舍街道", "华舍"), ("东区", "东区")])
def test_place_stems(name, stem):
    assert place_stem(name) == stem


@pytest.mark.parametrize("question, town", [
    ("桥头乡2022年香蕉种了多少亩？", "桥头苗族壮族乡"),
    ("桥头苗族壮族乡在边境线上设了多少个执勤点？", "桥头苗族壮族乡"),
    ("扶沟县固城乡到2021年底有多少座大棚？", "固城乡"),  # the county is the town's address
    ("升钟镇2023年报告讲“旅游兴镇”那一部分，分成了哪几个方面？", "升钟镇"),  # a slogan in quotes is no town
])
def test_the_town_is_found_and_nothing_else_is_unknown(question, town):
    plan = analyse_question(question, CATALOGUE)
    assert plan.towns == (town,)
    assert plan.unknown_places == ()


@pytest.mark.parametrize("question", [
    "玉洪这个瑶族乡2022年修了多少公里路？",          # the kind of township, no name
    "里面新建的那所幼儿园能多收多少个孩子？",        # 新建 (a county's short name) before 的 is a verb
    "2022年新建的嘎查柏油路有多长？",
])
def test_no_place_is_read_into_ordinary_words(question):
    assert analyse_question(question, CATALOGUE).unknown_places == ()


@pytest.mark.parametrize("question, unknown", [
    ("新建区的地区生产总值是多少？", "新建区"),          # with its suffix it is the district

    ("大兴镇2022年香蕉种了多少亩？", "大兴镇"),
    ("南部县大桥镇的粮食产量是多少？", "大桥镇"),
])
def test_other_towns_stay_unknown(question, unknown):
    plan = analyse_question(question, CATALOGUE)
    assert any(u.endswith(unknown) for u in plan.unknown_places)


def test_an_address_that_contradicts_the_report_is_another_place():
    assert "扶沟县" in written_parents("扶沟县固城乡有多少座大棚？", CATALOGUE, ["固城乡"])
    # 升钟镇 lies in 南部县: a 升钟镇 written under another county is not it
    assert written_parents("阆中市升钟镇有多少座大棚？", CATALOGUE, ["升钟镇"]) == set()


def test_a_tail_of_an_issuers_name_is_no_unknown_place():
    assert unknown_places("桥头苗族壮族乡有几个执勤点？", CATALOGUE, ["桥头苗族壮族乡"]) == []


@pytest.mark.parametrize("chains, shared", [
    ([("河南省", "信阳市", "淮滨县"), ("河南省", "周口市", "扶沟县")], ("河南省",)),
    ([("河南省", "周口市"), ("山东省", "临沂市")], ()),
    ([("广东省", "东莞市"), ("广东省", "东莞市")], ("广东省", "东莞市")),
])
def test_namesakes_share_what_they_share(chains, shared):
    assert _shared_parents(chains) == shared
