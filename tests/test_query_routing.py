"""Question routing at every level — table-driven: question -> resolved issuers, years, reports.

A catalogue of DocMeta written here (no index needed): the State Council, a province, a city,
two districts of it, a functional new area, and a town whose county also has no report.
"""

from __future__ import annotations

import pytest

from rag.query import analyse_question
from rag.types import DocMeta


def _meta(doc_id, entity, level, parent, year, town=None):
    return DocMeta(doc_id=doc_id, file=f"{doc_id}.txt", title="政府工作报告", town=town, town_anonymised=False,
                   region=parent[-1] if parent else None, year=year, period_reviewed=year - 1,
                   period_planned=year, doc_type="政府工作报告", entity=entity, level=level, parent=tuple(parent))


CATALOGUE = [
    _meta("gwy2016", "国务院", "national", [], 2016),
    _meta("gwy2017", "国务院", "national", [], 2017),
    _meta("gd2021", "广东省", "province", [], 2021),
    _meta("sz2023", "深圳市", "city", ["广东省"], 2023),
    _meta("sz2024", "深圳市", "city", ["广东省"], 2024),
    _meta("ns2023", "南山区", "county", ["广东省", "深圳市"], 2023),
    _meta("yt2023", "盐田区", "county", ["广东省", "深圳市"], 2023),
    _meta("dp2023", "大鹏新区", "county", ["广东省", "深圳市"], 2023),
    _meta("dj2023", "道滘镇", "township", ["广东省", "东莞市"], 2023, town="道滘镇"),
    _meta("nmg2026", "内蒙古自治区", "province", [], 2026),
]

CASES = [
    # question, expected issuers (plan.towns), data years, report years, expected doc_ids (None = all)
    ("深圳市2024年政府工作报告说GDP增长多少？", ["深圳市"], [], [2024], {"sz2024"}),
    # no target word: the outcome of 2023, from the report that reviews it (not the 2023 plan)
    ("深圳2023年的地区生产总值是多少？", ["深圳市"], [2023], [], {"sz2024"}),
    ("盐田区2022年规上工业增加值增长多少？", ["盐田区"], [2022], [], {"yt2023"}),
    ("盐田去年的财政收入", ["盐田区"], [], [], {"yt2023"}),
    ("大鹏新区的旅游收入", ["大鹏新区"], [], [], {"dp2023"}),
    ("内蒙古的粮食产量", ["内蒙古自治区"], [], [], {"nmg2026"}),
    ("2016年国务院政府工作报告里，2015年GDP增长了多少？", ["国务院"], [2015], [2016], {"gwy2016"}),
    ("全国2016年的经济增长目标", ["国务院"], [2016], [], {"gwy2016", "gwy2017"}),
    ("国家2016年计划新建改建多少公里农村公路？", ["国务院"], [2016], [], {"gwy2016", "gwy2017"}),  # 国家 before a year
    ("我国2016年粮食产量是多少？", ["国务院"], [2016], [], {"gwy2017"}),  # an outcome: the report reviewing it
    ("国家级专精特新企业有多少家？", [], [], [], None),  # 国家 in a word: no issuer
    ("国家级高新区有多少家？", [], [], [], None),  # a kind of zone, no place (the gazetteer holds several 高新区)
    ("深圳湾的建设进展", [], [], [], None),  # a word, not the city
    ("美国中期选举对外贸有什么影响？", [], [], [], None),
    ("亚洲杯在哪里举办？", [], [], [], None),
    ("南山区和盐田区的GDP分别是多少？", ["南山区", "盐田区"], [], [], {"ns2023", "yt2023"}),
    ("东莞的镇有哪些新举措", [], [], [], {"dj2023"}),  # a parent stands for its reports
    ("深圳市2019年政府工作报告提到什么", ["深圳市"], [], [2019], set()),  # that year's report is absent
    # 今年/去年/现在 with no year speak from today: the issuer's newest report
    ("深圳今年的GDP增长目标是多少？", ["深圳市"], [], [], {"sz2024"}),
    ("深圳去年GDP增长多少？", ["深圳市"], [], [], {"sz2024"}),
    ("深圳现在有多少家高新技术企业？", ["深圳市"], [], [], {"sz2024"}),
    ("深圳的GDP是多少？", ["深圳市"], [], [], {"sz2023", "sz2024"}),  # no time said: every report
    # this year's report names the report (the newest), not the part of it asked
    ("按今年的报告，深圳的GDP是多少？", ["深圳市"], [], [], {"sz2024"}),
    # no place named, the issuer called by its level ("该镇", "镇里", "本市"): that level's reports
    ("该镇去年新建了多少个口袋公园？", [], [], [], {"dj2023"}),
    ("镇里说哪几方面比以前好了？", [], [], [], {"dj2023"}),
    ("2023年镇政府工作报告里，准备帮企业省下多少成本？", [], [], [2023], {"dj2023"}),
    ("本市的GDP是多少？", [], [], [], {"sz2023", "sz2024"}),
    ("城镇居民人均可支配收入是多少？", [], [], [], None),  # 城镇: no issuer
    ("市场主体有多少户？", [], [], [], None),  # 市场: no issuer
]


@pytest.mark.parametrize("question,issuers,years,report_years,docs", CASES, ids=[c[0][:14] for c in CASES])
def test_question_routes_to_the_named_issuer(question, issuers, years, report_years, docs):
    plan = analyse_question(question, CATALOGUE)
    assert list(plan.towns) == issuers
    assert list(plan.years) == years
    assert list(plan.report_years) == report_years
    assert plan.unknown_places == ()
    if docs is None:
        assert plan.doc_ids is None
    else:
        assert set(plan.doc_ids) == docs


@pytest.mark.parametrize("question,unknown", [
    ("东莞麻涌镇2022年的工业总产值是多少？", "广东省东莞市麻涌镇"),
    ("珠海市2023年GDP是多少？", "广东省珠海市"),
    ("珠海2023年GDP是多少？", "广东省珠海市"),
    ("福田区的财政收入", "广东省深圳市福田区"),
    ("珠海和深圳的GDP各是多少？", "广东省珠海市"),  # joined to a place the library holds
])
def test_a_real_place_not_in_the_library_is_named_never_substituted(question, unknown):
    plan = analyse_question(question, CATALOGUE)
    assert unknown in plan.unknown_places


@pytest.mark.parametrize("question", [
    "道滘镇的报告里，政府自己承认镇里存在哪些问题？",   # a pronoun and a verb run into 镇里
    "道滘镇今年计划建成投用多少处镇级停车场？",         # a numeral and a measure word before 镇级
    "书记承认镇上还有哪些短板？",
    "道滘镇有多少户人家因为院子收拾得干净被镇里表彰？",  # a preposition governs 镇里
    "道滘镇2023年打算让农村老乡人均到手的收入涨多少？",   # 老乡: a word of its own, no town's suffix
    "道滘镇2022年在乡风文明方面开展了哪些评选活动？",     # 乡风: the word runs on past 乡
])
def test_a_sentence_running_into_the_word_town_names_no_town(question):
    assert analyse_question(question, CATALOGUE).unknown_places == ()


@pytest.mark.parametrize("name, stem", [
    ("用多少处", "处"),        # a numeral and what precedes it run into the 镇
    ("自己承认", "承认"),      # a pronoun
    ("中和", "中和"),          # a place word of the dictionary, though the segmenter cuts 中|和
    ("向阳", "向阳"),          # a lone character cuts nothing
])
def test_a_would_be_town_name_after_its_function_words(name, stem):
    from rag.question_places import _after_function_words

    assert _after_function_words(name) == stem


@pytest.mark.parametrize("question, compares", [
    ("南山区2023年报告承认了哪些比较突出的问题？", False),  # 比较 before an adjective: "rather"
    ("南山区比较薄弱的环节有哪些？", False),
    ("比较一下南山区2023年和2024年的GDP", True),           # the verb that compares
])
def test_bijiao_compares_only_as_a_verb(question, compares):
    assert analyse_question(question, CATALOGUE).comparison is compares


@pytest.mark.parametrize("question, towns", [
    ("工业机器人产量占全国多少？", []),          # 全国 as the yardstick of a share
    ("哪些指标居全国第一？", []),
    ("综合实力全国排第几？", []),                  # a rank among the nation's places
    ("全国的粮食产量是多少？", ["国务院"]),       # the nation asked about
    ("2016年国家定的经济增长目标是多少？", ["国务院"]),  # 国家 setting its own target
    ("国家级高新区有多少个？", []),               # 国家 in a name's rank: no issuer
])
def test_the_nation_as_a_yardstick_is_no_issuer(question, towns):
    assert list(analyse_question(question, CATALOGUE).towns) == towns


def test_place_as_topic_does_not_filter():
    plan = analyse_question("北京冬奥会期间深圳市做了哪些保障？", CATALOGUE)
    assert plan.towns == ("深圳市",) and plan.unknown_places == ()


def test_follow_up_keeps_the_issuer_and_report():
    first = analyse_question("南山区2023年政府工作报告中GDP是多少？", CATALOGUE)
    second = analyse_question("这个区的财政收入呢？", CATALOGUE, previous=first)
    assert second.towns == ("南山区",) and set(second.doc_ids) == {"ns2023"}
    third = analyse_question("盐田区呢？", CATALOGUE, previous=second)
    assert third.towns == ("盐田区",) and set(third.doc_ids) == {"yt2023"}


@pytest.mark.parametrize("topic, parts", [
    ("国家级高新技术企业总量超过多少家？全社会研发投入有多少？", ["国家级高新技术企业总量超过多少家", "全社会研发投入有多少"]),
    ("财政收入有多少？是涨是跌", ["财政收入有多少", "是涨是跌"]),
    ("工业产值是多少？", ["工业产值是多少？"]),            # one question
    ("工业产值是多少？多少", ["工业产值是多少？多少"]),      # a part too short to name anything
    ("新增就业多少；失业率多少", ["新增就业多少", "失业率多少"]),
])
def test_question_parts(topic, parts):
    from rag.question_asks import question_parts

    assert question_parts(topic) == parts


def _level_meta(entity, level):
    return DocMeta(doc_id=entity, file=f"{entity}.txt", title=f"{entity}政府工作报告", town=entity, town_anonymised=False,
                   region=None, year=2020, period_reviewed=2019, period_planned=2020, doc_type="report",
                   entity=entity, level=level)


@pytest.mark.parametrize("topic, entity, level, kept, dropped", [
    ("全区在教育上一共花了多少钱", "福田区", "county", "教育", "全区"),
    ("全省粮食产量多少", "吉林省", "province", "粮食产量", "全省"),
    ("全区地区生产总值多少", "内蒙古自治区", "province", "地区生产总值", "全区"),   # an autonomous region's own word
    ("在全市排第几", "福田区", "county", "全市", None),                           # a wider territory stays
    ("全镇工业产值多少", "杜桥镇", "township", "工业产值", "全镇"),
])
def test_a_reports_word_for_its_own_territory_is_not_the_topic(topic, entity, level, kept, dropped):
    from rag.query import without_self_reference

    got = without_self_reference(topic, [_level_meta(entity, level)])
    assert kept in got and (dropped is None or dropped not in got)


def test_a_side_whose_reports_do_not_cover_the_year_says_so():
    from rag.report_routing import town_sides

    catalogue = [_level_meta("深圳市", "city"), DocMeta(
        doc_id="ns", file="ns.txt", title="南山区2023年政府工作报告", town="南山区", town_anonymised=False, region=None,
        year=2023, period_reviewed=2022, period_planned=2023, doc_type="report", entity="南山区", level="county")]
    shenzhen, nanshan = town_sides(catalogue, ["深圳市", "南山区"], [2019], target=False)
    assert shenzhen.doc_ids == frozenset({"深圳市"}) and not shenzhen.missing
    assert nanshan.doc_ids == frozenset() and "2019年" in nanshan.missing and "2023年" in nanshan.missing
    # without a year asked, every report of the town is its side
    assert town_sides(catalogue, ["南山区"], [], target=False)[0].doc_ids == frozenset({"ns"})


def test_a_news_item_is_of_the_place_its_headline_names():
    from rag.report_routing import docs_for

    def news(doc_id, title, region):
        return DocMeta(doc_id=doc_id, file=f"{doc_id}.txt", title=title, town=None, town_anonymised=False,
                       region=region, year=None, period_reviewed=None, period_planned=None, doc_type="其他")

    catalogue = [news("gdp", "上海2023年经济运行数据出炉", None), news("expo", "首届进口博览会圆满落幕", "上海"),
                 news("tour", "春节假期旅游市场情况", None), _level_meta("深圳市", "city")]
    assert docs_for(catalogue, regions=["上海"]) == {"gdp", "expo"}
    # a report's place is its issuer's, never its title's words
    assert docs_for([DocMeta(doc_id="sz", file="sz.txt", title="深圳市政府工作报告（上海路片区）", town=None,
                             town_anonymised=False, region="广东", year=2023, period_reviewed=2022,
                             period_planned=2023, doc_type="report", entity="深圳市", level="city")],
                    regions=["上海"]) == set()


def test_a_report_the_library_lacks_is_asked_of_the_news_items():
    from rag.report_routing import route_doc_ids

    news = DocMeta(doc_id="story", file="story.txt", title="李强作政府工作报告", town=None, town_anonymised=False,
                   region=None, year=None, period_reviewed=None, period_planned=None, doc_type="其他")
    catalogue = [news, *CATALOGUE]
    ask = lambda years, cat: route_doc_ids(cat, {m.doc_id: m for m in cat}, towns=[], regions=[], years=[],  # noqa: E731
                                           report_years=years, described_docs=frozenset(), comparison=False,
                                           inherited_doc_ids=None, town_filter=(), year_filter=())
    assert ask([2030], catalogue) == {"story"}  # no report of 2030: the news story may tell of it
    assert ask([2030], CATALOGUE) == set()  # no news either: nothing, never another year's report
    assert "story" not in ask([2024], catalogue) and ask([2024], catalogue)  # the report held answers


def test_news_items_are_no_sides_of_a_ranking():
    def news(doc_id, title):
        return DocMeta(doc_id=doc_id, file=f"{doc_id}.txt", title=title, town=None, town_anonymised=False,
                       region=None, year=None, period_reviewed=None, period_planned=None, doc_type="其他")

    catalogue = [news("film", "国家电影局发布2023年电影市场数据"), news("trip", "2023年春节假期旅游市场情况")]
    plan = analyse_question("2023年全国票房最高的电影是哪一部？", catalogue)
    assert not plan.comparison  # the ranking is told inside an item, not across items
    plan = analyse_question("哪个区的GDP增速最高？", CATALOGUE)
    assert plan.comparison and len(plan.sides) >= 2  # across reports it still is one


@pytest.mark.parametrize("question,sides", [
    # the State Council named outright is a side beside the other issuers; an issuer without a
    # report of the year is an empty side (it says so), never filled from another year
    ("2017年国务院、深圳市、南山区的政府工作报告，各自的就业目标是多少？", [{"gwy2017"}, set(), set()]),
    # each issuer written with its own year: the year belongs to the issuer before it
    ("南山区2023年和深圳市2024年的政府工作报告里，各自的重点产业是什么？", [{"ns2023"}, {"sz2024"}]),
    ("南山区2022年和深圳市2023年，GDP各增长多少？", [{"ns2023"}, {"sz2024"}]),  # the years reviewed
])
def test_comparison_sides_by_issuer(question, sides):
    plan = analyse_question(question, CATALOGUE)
    assert plan.comparison
    assert [set(s.doc_ids) for s in plan.sides] == sides


def test_a_year_before_the_first_issuer_dates_them_all():
    plan = analyse_question("2023年南山区和深圳市的地区生产总值各是多少？", CATALOGUE)
    assert [s.label for s in plan.sides] == ["南山区", "深圳市"]
    assert list(plan.years) == [2023]


def test_counted_places_are_not_a_described_report():
    # "两区的报告" counts the places already named; it describes no report of its own
    plan = analyse_question("南山区、盐田区2022年GDP各增长多少？按2023年两区的政府工作报告。", CATALOGUE,
                            resolve_description=lambda text, exclude: "sz2023")
    assert [s.label for s in plan.sides] == ["南山区", "盐田区"]
    assert plan.described == ""


def test_a_year_in_brackets_after_a_described_report_dates_that_report():
    # "（2023年报告…）" after the description dates the described report, not the place named before it
    plan = analyse_question("道滘镇2022年和提到前海合作区的那个镇（2023年报告回顾的那一年）的GDP各增长多少？", CATALOGUE,
                            resolve_description=lambda text, exclude: "sz2023")
    assert plan.described and any(set(side.doc_ids) == {"sz2023"} for side in plan.sides)
    assert 2023 not in plan.report_years and list(plan.years) == [2022]


@pytest.mark.parametrize("question,issuers,within,docs", [
    # another issuer asked about inside the report named as the source: that report only
    ("深圳市2024年政府工作报告里，2023年南山区的地区生产总值是多少？", ["深圳市"], ("南山区",), {"sz2024"}),
    ("深圳2024年政府工作报告里，盐田的GDP是多少？", ["深圳市"], ("盐田区",), {"sz2024"}),
    # compared, or joined to the source: two subjects as before
    ("深圳市2024年政府工作报告和南山区2023年政府工作报告的GDP各是多少？", ["深圳市", "南山区"], (), None),
])
def test_a_place_inside_the_source_report(question, issuers, within, docs):
    plan = analyse_question(question, CATALOGUE)
    assert list(plan.towns) == issuers
    assert plan.within == within
    if docs is not None:
        assert set(plan.doc_ids) == docs


def test_only_a_sentence_naming_the_place_inside_answers():
    from rag.answer_weights import AnswerPolicy
    from rag.key_terms import KeyTerm
    from rag.sentence_choice import choose_sentences
    from rag.sentence_scoring import Sentence
    from rag.types import Passage

    plan = analyse_question("深圳市2024年政府工作报告里，2023年南山区PM2.5年均浓度是多少？", CATALOGUE)
    text = "PM2.5年均浓度降至18微克/立方米。"
    p = Passage(chunk_id="c", doc_id="sz2024", file="f", title="t", town="", region="", year=2024, section="",
                text=text, start=0, end=len(text), chunk_index=0)
    s = Sentence(p, 0, len(text), text)
    s.coverage, s.score = 1.0, 1.0
    terms = [KeyTerm("pm2.5", 1.0, ("pm2.5",))]
    assert choose_sentences(plan, [s], terms, AnswerPolicy(min_coverage=0.1, min_figure_coverage=0.0)) == []


def test_only_passages_naming_the_place_inside_are_evidence():
    # the same filter feeds every backend (the LLM never sees the source's own figure alone)
    from rag.evidence import naming_the_place_inside
    from rag.types import Passage

    plan = analyse_question("深圳市2024年政府工作报告里，2023年南山区PM2.5年均浓度是多少？", CATALOGUE)

    def passage(text):
        return Passage(chunk_id=text[:4], doc_id="sz2024", file="f", title="t", town="", region="", year=2024,
                       section="", text=text, start=0, end=len(text), chunk_index=0)

    evidence = [(plan.sides[0], [passage("全市PM2.5年均浓度降至18微克/立方米。"), passage("南山PM2.5降至17微克/立方米。")])]
    kept = naming_the_place_inside(plan, evidence)
    assert [p.text for p in kept[0][1]] == ["南山PM2.5降至17微克/立方米。"]


@pytest.mark.parametrize("question, data, report", [
    # a year named as the baseline of a change asked for is not the year asked about
    ("北京2026年政府工作报告里，地区生产总值比2020年增长了多少？", [], [2026]),
    ("那跟2020年比，“十四五”期间一共降了多少？", [], []),
    ("2025年PM2.5浓度较2020年下降了多少？", [2025], []),
    ("2020年与2019年相比增长了多少？", [2020], []),
    # no change asked: two years compared are both asked about
    ("2019年与2020年相比，哪年GDP更高？", [2019, 2020], []),
    ("深圳2018年和2019年的GDP分别是多少？", [2018, 2019], []),
    # a horizon beside the report named is that report's target horizon, not a year asked about
    ("坪山新区2016年工作报告提出的“十三五”时期（到2020年）发展目标有哪些？", [], [2016]),
    ("到2020年地区生产总值目标是多少？", [2020], []),  # no report named: the year the target is for
])
def test_a_baseline_year_is_not_a_year_asked(question, data, report):
    from rag.question_asks import question_years

    assert question_years(question) == (data, report)


@pytest.mark.parametrize("question, is_list", [
    ("今年的重点任务有哪些", True),
    ("稳就业有什么措施", True),
    ("主要有哪几项改革", True),
    ("重点工作是什么", True),
    # a list cue that is a noun, in a question counting: a figure, not a list
    ("考上重点本科的学生有多少人", False),
    ("重点项目有多少个", False),
    # a true list cue with a count still asks a list
    ("有哪些重点项目，一共多少个", True),
    ("要率先建成哪“四大教育示范区”", True),   # which of a group named in quotes
])
def test_a_list_asked(question, is_list):
    from rag.text.cues import asks_list

    assert asks_list(question) is is_list


@pytest.mark.parametrize("question, names, topic", [
    # an aside naming the source report is no part of what is asked
    ("提到产业园的那个镇（镇人民政府2023年政府工作报告），去年有多少起丧事从简办？", [], "提到产业园的那个镇 ， 有多少起丧事从简办？"),
    ("杜桥镇（2020年报告）的工业产值是多少？", ["杜桥镇"], "工业产值是多少？"),  # nor the particle left of it
    ("杜桥镇的高铁里程是多少？", ["杜桥镇"], "高铁里程是多少？"),
    ("光明区（不含新区）的人口是多少？", ["光明区"], "（不含新区）的人口是多少？"),  # an aside of the topic stays
    # brackets whose year was taken out hold nothing asked
    ("北京和四川今年（2026年）在减轻养孩子负担上各有什么举措？", ["北京", "四川"], "在减轻养孩子负担上各有什么举措？"),
])
def test_question_topic_leaves_out_the_report_named(question, names, topic):
    from rag.question_asks import question_topic

    assert question_topic(question, names) == topic


@pytest.mark.parametrize("question, towns", [
    ("2016年全国和深圳市定的GDP增长目标各是多少？", ["国务院", "深圳市"]),   # 全国 joined to an issuer
    ("深圳市和全国2016年的GDP增长目标各是多少？", ["国务院", "深圳市"]),
    ("2016年全国定的失业率目标和南山区的目标分别是多少？", ["国务院", "南山区"]),
    ("深圳市2023年GDP增速是否高于全国？", ["深圳市"]),                    # a yardstick
    ("南山区和全国平均水平相比，GDP增速高多少？", ["南山区"]),
])
def test_the_nation_joined_to_another_issuer_is_a_side(question, towns):
    plan = analyse_question(question, CATALOGUE)
    assert sorted(plan.towns) == sorted(towns)


def test_two_reports_of_one_issuer_are_compared():
    plan = analyse_question("深圳市2023年和2024年的政府工作报告里，GDP增长目标各定了多少？", CATALOGUE)
    assert plan.comparison and [set(s.doc_ids) for s in plan.sides] == [{"sz2023"}, {"sz2024"}]


@pytest.mark.parametrize("question, entities, regions", [
    ("东莞市道滘镇和深圳市2023年的GDP增长目标分别是多少？", ("道滘镇", "深圳市"), ()),  # the town's address
    ("深圳市各区2023年的GDP增长目标分别是多少？", (), ("深圳市",)),                     # a scope
])
def test_a_region_written_before_an_issuer_is_its_address(question, entities, regions):
    from rag.table_question import detect

    tq = detect(question, CATALOGUE)
    assert tq is not None and tuple(sorted(tq.entities)) == tuple(sorted(entities)) and tq.regions == regions


@pytest.mark.parametrize("question, kept", [
    ("东莞市道滘镇2023年在打造什么特色小镇？", False),          # the town's address
    ("道滘镇2023年获得了哪些东莞市级荣誉？", True),             # a region beside the town is part of the topic
])
def test_a_region_written_before_a_town_is_no_topic_word(question, kept):
    plan = analyse_question(question, CATALOGUE)
    assert ("东莞" in plan.topic) is kept


def _titled(doc_id, title, town=None):
    return DocMeta(doc_id=doc_id, file=f"{doc_id}.txt", title=title, town=town, town_anonymised=town is None,
                   region=None, year=2023, period_reviewed=2022, period_planned=2023, doc_type="政府工作报告",
                   entity=town, level="township", parent=("浙江省",))


TITLED = [_titled("anon", "镇人民政府2023年政府工作报告"), _titled("a", "镇2023年政府工作报告", "甲镇"),
          _titled("b", "镇2023年政府工作报告", "乙镇"), _meta("dq", "杜桥镇", "township", ["浙江省"], 2020, town="杜桥镇")]


@pytest.mark.parametrize("question, sides, years", [
    # a report named by its title is that report, its title's year is the report's, not the others'
    ("《镇人民政府2023年政府工作报告》里的那个xx镇和杜桥镇，工业产值各是多少？",
     ["杜桥镇", "《镇人民政府2023年政府工作报告》"], []),
    # a title two reports share names neither: never resolved by its words (the resolver would say "a")
    ("《镇2023年政府工作报告》里的那个镇和杜桥镇，工业产值各是多少？", ["杜桥镇"], []),
])
def test_a_report_named_by_its_title(question, sides, years):
    plan = analyse_question(question, TITLED, resolve_description=lambda text, exclude: "a")
    assert [s.label for s in plan.sides] == sides
    assert list(plan.years) == years
    assert "a" not in (plan.doc_ids or set())


@pytest.mark.parametrize("question, description", [
    ("提到京东区域总部的那个镇，去年地区生产总值是多少？", "提到京东区域总部"),
    # the report named by a place in it: "X所在的镇", with or without 那个, or "X所在镇"
    ("瓯江智慧供应链物流园所在的镇，今年计划新增多少家高新技术企业？", "瓯江智慧供应链物流园"),
    ("杜桥镇和林宅公园所在的那个镇，各新增多少家？", "林宅公园所在"),
    ("德力西产业园所在街道今年的目标是什么？", "德力西产业园"),
    ("杜桥镇所在的市是哪个？", None),  # a place above the town asked, no report described
    ("杜桥镇2019年工业产值是多少？", None),
])
def test_a_report_described_by_what_it_says(question, description):
    from rag.question_places import find_description

    found = find_description(question)
    assert (found[0] if found else None) == description


@pytest.mark.parametrize("question", [
    "城里人和乡下人平均每人一年到手的钱各有多少？",  # 人和乡 is a real township's name, read across words
    "深圳提出三年内新建和改扩建多少所学校？",  # 新建 (a district's short name) joined to a verb, not a place
])
def test_a_place_name_begins_a_word(question):
    assert analyse_question(question, CATALOGUE).unknown_places == ()


def _anonymised(doc_id, year, title):
    return DocMeta(doc_id=doc_id, file=f"{doc_id}.txt", title=title, town=None, town_anonymised=True, region=None,
                   year=year, period_reviewed=year - 1, period_planned=year, doc_type="政府工作报告", entity=None,
                   level="township", parent=())


@pytest.mark.parametrize("catalogue, question, doc", [
    # the only anonymised report is the one a placeholder place names
    ([_anonymised("anon", 2020, "镇人民政府2023年政府工作报告")], "xx镇去年新建了多少口袋公园？", "anon"),
    # among several, the year the question names picks — as the report dates itself, or as its title does
    ([_anonymised("anon", 2020, "镇人民政府2023年政府工作报告"), _anonymised("anon2", 2022, "镇政府工作报告")],
     "xx镇2023年报告里新建了多少口袋公园？", "anon"),
    ([_anonymised("anon", 2020, "镇人民政府2023年政府工作报告"), _anonymised("anon2", 2022, "镇政府工作报告")],
     "XX镇2022年的工业产值？", "anon2"),
    # several and no year to tell them apart: all of them, never a report naming its town
    ([_anonymised("anon", 2020, "镇人民政府2023年政府工作报告"), _anonymised("anon2", 2022, "镇政府工作报告")],
     "xx镇新建了多少口袋公园？", {"anon", "anon2"}),
    # a year none of them has: none is guessed
    ([_anonymised("anon", 2020, "镇人民政府2023年政府工作报告"), _anonymised("anon2", 2022, "镇政府工作报告")],
     "xx镇2015年新建了多少口袋公园？", None),
])
def test_a_placeholder_place_names_the_anonymised_report(catalogue, question, doc):
    plan = analyse_question(question, CATALOGUE + catalogue, resolve_description=lambda text, exclude: None)
    if doc is None:
        assert not plan.doc_ids or not {m.doc_id for m in catalogue} & set(plan.doc_ids)
    else:
        docs = doc if isinstance(doc, set) else {doc}
        assert set(plan.doc_ids) == docs and plan.described == question[:3]


def test_a_follow_up_asking_the_outcome_after_the_target_turns_to_the_next_report():
    # the target of 2016 is in the 2016 report; its outcome in the report reviewing 2016
    first = analyse_question("国务院2016年的报告计划那一年新建多少公里高速铁路？", CATALOGUE)
    assert set(first.doc_ids) == {"gwy2016"} and first.explicit_intent == "target"
    second = analyse_question("那最后实际建成了多少？", CATALOGUE, previous=first)
    assert second.years == (2016,) and set(second.doc_ids) == {"gwy2017"}
    # ... but one saying its own 今年 stays with the report it speaks from
    third = analyse_question("那今年实际完成了多少？", CATALOGUE, previous=first)
    assert set(third.doc_ids) == {"gwy2016"}


@pytest.mark.parametrize("question", [
    "2016年国家打算新建多少公里铁路，实际建成多少？",   # 国家 after the year, the subject of a plan
    "2016年国家承诺减税多少？实际减了多少？",             # a promise is a target
])
def test_the_nation_planning_a_year_is_asked_target_against_outcome(question):
    plan = analyse_question(question, CATALOGUE)
    assert plan.towns == ("国务院",) and plan.comparison
    assert [(s.label, set(s.doc_ids)) for s in plan.sides] == [("2016年目标", {"gwy2016"}), ("2016年实际", {"gwy2017"})]


ANONYMISED = CATALOGUE + [_anonymised("anon_a", 2020, "镇人民政府2023年政府工作报告"),
                          _anonymised("anon_b", 2022, "乡镇年度工作总结")]


def _describes(text, exclude):
    return None


def test_a_placeholder_beside_a_named_town_is_a_side_of_its_own():
    plan = analyse_question("新建文化礼堂的数量，xx镇和道滘镇的报告里各是多少？", ANONYMISED,
                            resolve_description=_describes)
    assert plan.comparison
    assert {frozenset(s.doc_ids) for s in plan.sides} == {frozenset({"dj2023"}), frozenset({"anon_a", "anon_b"})}


@pytest.mark.parametrize("question, level", [
    ("该镇去年新建了多少个口袋公园？", "township"),
    ("镇上着火的次数少了多少？", "township"),
    ("这份镇政府工作报告说了什么？", "township"),
    ("乡政府今年的重点工作", "township"),
    ("本市的GDP", "city"),
    ("市里今年准备办哪些实事？", "city"),
    ("县里的财政收入", "county"),
    ("该省的粮食产量", "province"),
    ("城镇新增就业多少人？", None),
    ("城市里的停车位", None),
    ("市场主体有多少户？", None),
    ("省里和市里分别投入多少？", None),  # two levels: none
])
def test_the_issuer_called_by_its_level(question, level):
    from rag.text.cues import issuer_level

    assert issuer_level(question) == level


@pytest.mark.parametrize("question, shift", [
    ("前一年呢？", -1), ("那上一年呢？", -1), ("下一年又打算新增多少？", 1), ("次年的目标呢？", 1),
    ("同一年安全隐患又排查出多少件？", 0), ("比上一年多了多少？", 0), ("较上一年增长多少", 0), ("那财政收入呢？", 0),
])
def test_a_follow_up_moving_the_year(question, shift):
    from rag.text.cues import year_shift

    assert year_shift(question) == shift


def test_a_follow_up_asking_the_year_before_moves_the_conversations_year():
    first = analyse_question("2017年国务院报告里中央预算内投资安排了多少？", CATALOGUE)
    follow = analyse_question("前一年呢？", CATALOGUE, previous=first)
    assert list(follow.report_years) == [2016]
    assert set(follow.doc_ids) == {"gwy2016"}


def test_another_subject_asked_the_same_question_keeps_its_year():
    first = analyse_question("南山区2022年GDP增长多少？", CATALOGUE)
    follow = analyse_question("那盐田区呢？", CATALOGUE, previous=first)
    assert list(follow.towns) == ["盐田区"]
    assert list(follow.years) == [2022]


def test_a_follow_up_naming_its_own_report_asks_the_year_that_report_reviews():
    first = analyse_question("2016年国务院报告里，2015年城镇新增就业多少人？", CATALOGUE)
    follow = analyse_question("到了2017年的报告，说的上一年这个数是多少？", CATALOGUE, previous=first)
    assert list(follow.report_years) == [2017] and list(follow.years) == []
    assert set(follow.doc_ids) == {"gwy2017"}
    assert follow.topic == first.topic  # "这个数": the figure asked before


@pytest.mark.parametrize("question, found", [
    ("到了2020年的报告，说的上一年这个数是多少？", None),  # a report named by its year: no description
    ("提到京东区域总部的那个镇今年GDP多少？", "提到京东区域总部"),
])
def test_a_report_described_by_what_it_says(question, found):
    from rag.question_places import find_description

    got = find_description(question)
    assert (got[0] if got else None) == found
