"""Documents that are no report (news items, notices) beside or instead of reports: end-to-end over
real files (a few news items of the news dev set, ingested into a fresh index), and the rules that
keep their answers to the year, the quantity and the subject asked — table-driven."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.key_terms import KeyTerm

ROOT = Path(__file__).resolve().parent.parent
NEWS = ROOT / "eval" / "datasets" / "news"


@pytest.fixture(scope="module")
def news_service(tmp_path_factory, embed_cache_dir):
    """A fresh index of seven news items (two years of one award, the close of one Olympic games,
    two years of one company's results, a statistics release, an airport's opening) and one seed
    report."""
    from conftest import SEEDS, make_settings
    from ingest.pipeline import ingest_paths
    from rag.chat import QAService
    from rag.embed import GovEmbedding
    from rag.store import ReportStore

    settings = make_settings(tmp_path_factory.mktemp("news"), embed_cache_dir)
    store = ReportStore(settings)
    files = [NEWS / f for f in ("a01.txt", "a02.txt", "a05.txt", "b01.txt", "b02.txt", "b03.txt", "b06.txt")]
    files.append(sorted(SEEDS.glob("*.txt"))[0])
    results = ingest_paths(files, settings=settings, store=store, embedder=GovEmbedding.from_settings(settings))
    assert all(r.status == "ok" for r in results), [r.line() for r in results]
    return QAService(settings)


def test_a_news_item_is_titled_by_its_headline_and_is_no_report(news_service):
    metas = {m.file: m for m in news_service.catalogue()}
    assert metas["a01.txt"].title == NEWS.joinpath("a01.txt").read_text(encoding="utf-8").splitlines()[0].strip()
    assert not metas["a01.txt"].is_report and metas["a01.txt"].year is None
    assert all(m.is_report for f, m in metas.items() if f[:1] not in "ab")


def test_the_answer_names_who_not_the_headline_restating_the_question(news_service):
    a = news_service.ask("2023年诺贝尔文学奖授予了谁？")
    assert not a.refused and "福瑟" in a.answer
    assert a.citations and all(c.file == "a01.txt" for c in a.citations)


def test_a_year_no_news_item_speaks_of_is_refused(news_service):
    a = news_service.ask("比亚迪2021年营业收入是多少？")  # the items tell of 2022 and 2023
    assert a.refused, a.answer


@pytest.mark.parametrize("question, file", [
    ("比亚迪2023年营业收入是多少？", "b01.txt"),
    ("比亚迪2022年营业收入是多少？", "b02.txt"),
])
def test_each_year_from_its_own_item(news_service, question, file):
    a = news_service.ask(question)
    assert not a.refused and a.citations and {c.file for c in a.citations} == {file}, a.answer


def test_a_place_no_report_is_about_is_asked_of_the_news_items_never_of_a_report(news_service):
    a = news_service.ask("北京大兴国际机场位于什么地方？")
    assert not a.refused and {c.file for c in a.citations} == {"b06.txt"}, a.answer


def test_a_figure_beside_other_words_does_not_answer_what_is_measured(news_service):
    a = news_service.ask("2019年全国居民人均消费支出是多少？")  # the item gives 人均可支配收入 only
    assert a.refused, a.answer


def test_a_sentence_on_another_team_does_not_answer(news_service):
    a = news_service.ask("东京奥运会美国队获得了多少枚铜牌？")  # the item counts 中国体育代表团's medals
    assert a.refused, a.answer


@pytest.mark.parametrize("question, text, matched, answers", [
    ("东京奥运会美国队获得了多少枚铜牌？", "中国体育代表团以38枚金牌、32枚银牌、18枚铜牌共88枚奖牌的成绩位列金牌榜第二",
     {"铜牌"}, False),
    ("东京奥运会美国队获得了多少枚铜牌？", "美国队以39枚金牌、41枚银牌、33枚铜牌位列第一", {"美国队", "铜牌"}, True),
    ("东京奥运会闭幕 中国体育代表团获得多少枚金牌？", "以38枚金牌的成绩位列金牌榜第二", {"金牌"}, True),  # the headline's
    # every word of the name: the sentence on 中国体育代表团 does not answer for 日本代表团
    ("东京奥运会日本代表团获得多少枚银牌？", "中国体育代表团获得32枚银牌", {"代表团", "银牌"}, False),
    ("东京奥运会日本代表团获得多少枚银牌？", "日本代表团获得14枚银牌", {"日本", "代表团", "银牌"}, True),
])
def test_a_news_sentence_names_what_the_question_names(question, text, matched, answers):
    from rag.sentence_measure import names_asked_in
    from rag.text.tokens import proper_names
    from rag.sentence_scoring import Sentence
    from rag.types import Passage

    passage = Passage(chunk_id="n:0", doc_id="n", file="n.txt", title="东京奥运会闭幕 中国体育代表团圆满收官", town="",
                      region="", year=0, section="", text=text, start=0, end=len(text), chunk_index=0)
    terms = [KeyTerm(w, 1.0, (w,)) for w in ("东京", "奥运会", "美国队", "中国体育代表团", "日本", "代表团", "金牌",
                                              "铜牌", "银牌")]
    s = Sentence(passage, 0, len(text), text, matched=frozenset(matched))
    assert names_asked_in(s, proper_names(question), terms) is answers


@pytest.mark.parametrize("text, names", [
    ("东京奥运会美国队获得了多少枚铜牌？", ["美国队"]),
    ("2018年世界杯谁拿了金球奖？", ["世界杯", "金球奖"]),
    ("2019年中国人均GDP是多少？", []),  # a country is often the unwritten subject: not a name required
    ("2023年杭州亚运会日本代表团获得多少枚银牌？", ["日本代表团"]),  # a place's delegation is a name
])
def test_names_a_question_asks_of(text, names):
    from rag.text.tokens import proper_names

    assert proper_names(text) == names


@pytest.mark.parametrize("text, name", [
    ("美国队同样获得40枚金牌，另有44枚银牌", "美国队"),  # names its own subject
    ("比亚迪全年营业收入4240.61亿元", "比亚迪"),
    ("全市在建工地有1万多个", ""),  # no name: the subject carries over
    ("我们向大家表示诚恳歉意", ""),
    ("射击选手杨倩在女子10米气步枪比赛中夺冠", ""),  # the name is not the opening word
    ("福田区全年拆除违建72万平方米", ""),  # a place is no name here (often the unwritten subject)
])
def test_the_name_a_sentence_opens_with(text, name):
    from rag.text.tokens import opening_name

    assert opening_name(text) == name


def test_a_sentence_naming_its_own_subject_does_not_borrow_the_one_before():
    from rag.query_plan import QueryPlan
    from rag.sentence_scoring import score_sentences
    from rag.types import Passage

    text = ("中国体育代表团以40枚金牌、27枚银牌、24枚铜牌共91枚奖牌的成绩收官。"
            "美国队同样获得40枚金牌，另有44枚银牌和42枚铜牌。")
    passage = Passage(chunk_id="n:0", doc_id="n", file="n.txt", title="巴黎奥运会落下帷幕", town="", region="",
                      year=0, section="", text=text, start=0, end=len(text), chunk_index=0)
    q = "中国体育代表团获得了多少枚银牌？"
    plan = QueryPlan(question=q, standalone=q, topic=q, wants_number=True)
    scored = score_sentences(plan, [passage], _terms("中国体育代表团", "获得", "银牌"), {})
    assert scored[0].text.startswith("中国体育代表团"), [s.text for s in scored]
    other = next(s for s in scored if s.text.startswith("美国队"))
    assert "中国体育代表团" not in other.matched


@pytest.mark.parametrize("text, question, names", [
    ("射击选手杨倩在女子10米气步枪比赛中夺得首金", "东京奥运会首金是谁拿的？", ("杨倩",)),
    ("将2024年诺贝尔文学奖授予韩国作家韩江", "2024年诺贝尔文学奖授予了哪位作家？", ("韩江",)),
    ("金牌数追平了2012年伦敦奥运会创造的最佳战绩", "东京奥运会首金是谁拿的？", ()),  # a place as a modifier
    # the only name is the one the question gives: no one is named who answers
    ("中国体育代表团以38枚金牌的成绩位列金牌榜第二", "中国体育代表团的最后一枚金牌是谁获得的？", ()),
])
def test_the_names_a_sentence_gives_beyond_the_question(text, question, names):
    from rag.text.tokens import names_beyond

    assert names_beyond(text, question) == names


@pytest.mark.parametrize("text, answers", [
    ("中国体育代表团以40枚金牌的成绩收官，金牌数创造了境外参赛的最好成绩。", False),  # names no one new
    ("射击选手黄雨婷和盛李豪在混合团体10米气步枪比赛中获得首枚金牌。", True),
])
def test_who_in_a_news_item_is_answered_by_a_sentence_naming_someone(text, answers):
    from rag.answer_weights import AnswerPolicy
    from rag.query import analyse_question
    from rag.sentence_choice import choose_sentences
    from rag.sentence_scoring import Sentence
    from rag.types import Passage

    plan = analyse_question("巴黎奥运会中国体育代表团的首枚金牌是由谁获得的？", [])
    p = Passage(chunk_id="n:0", doc_id="n", file="n.txt", title="巴黎奥运会落下帷幕", town="", region="", year=0,
                section="", text=text, start=0, end=len(text), chunk_index=0)
    s = Sentence(p, 0, len(text), text, matched=frozenset({"中国体育代表团", "金牌"}))
    s.coverage, s.score = 1.0, 1.0
    terms = _terms("中国体育代表团", "首枚", "金牌", "获得")
    chosen = choose_sentences(plan, [s], terms, AnswerPolicy(min_coverage=0.1, min_figure_coverage=0.0),
                              not_reports=frozenset({"n"}))
    assert bool(chosen) is answers


def test_a_target_is_not_the_outcome_asked(news_service):
    a = news_service.ask("北京大兴国际机场实际完成的旅客吞吐量是多少？")  # only a design target for 2025
    assert a.refused, a.answer


def _terms(*words):
    return [KeyTerm(w, 1.0, (w,)) for w in words]


@pytest.mark.parametrize("question, words, measure", [
    ("北京大兴国际机场实际完成的旅客吞吐量是多少？", ("大兴", "机场", "旅客", "吞吐量"), "吞吐量"),
    ("中国体育代表团获得了多少枚银牌？", ("中国", "代表团", "银牌"), "银牌"),  # after the unit
    ("去年一共打了多少斤粮食？", ("打", "粮食"), "粮食"),
    ("净利润增长了多少？", ("净利润",), "净利润"),  # a change's verb is skipped
    ("天津人现在平均能活到多少岁？", ("现在", "平均"), None),  # no key term beside the question word
])
def test_what_a_question_measures(question, words, measure):
    from rag.sentence_measure import measure_term

    got = measure_term(question, _terms(*words))
    assert (got.token if got else None) == measure


def test_a_light_word_after_the_question_word_is_no_measure():
    from rag.sentence_measure import measure_term

    # "多少钱": money is the dimension asked, not what is measured (light words weigh 0.3)
    terms = [KeyTerm("华为", 2.4, ("华为",)), KeyTerm("赚", 0.3, ("赚", "净利润")), KeyTerm("钱", 0.3, ("钱",))]
    assert measure_term("华为2022年到底赚了多少钱？", terms) is None
    terms = [KeyTerm("进口", 2.0, ("进口",)), KeyTerm("钱", 0.3, ("钱",))]
    assert measure_term("进口一共是多少钱？", terms).token == "进口"


@pytest.mark.parametrize("text, measure, near", [
    ("机场按照2025年旅客吞吐量7200万人次的目标设计。", "吞吐量", True),
    ("大兴国际机场距天安门广场直线距离约46公里。", "吞吐量", False),
    ("全年全国居民人均可支配收入30733元。", "支出", False),
    ("营业收入6023.15亿元，同比增长42.04%；", "收入", True),
])
def test_the_measure_written_beside_a_figure(text, measure, near):
    from rag.sentence_measure import measure_near_figure
    from rag.text.numbers import find_quantities

    assert measure_near_figure(text, KeyTerm(measure, 1.0, (measure,)), find_quantities(text)) is near


@pytest.mark.parametrize("text, years, dated_elsewhere", [
    ("机场按照2025年旅客吞吐量7200万人次的目标设计", (2023,), True),
    ("2023年营业收入6023.15亿元", (2023,), False),
    ("营业收入6023.15亿元，比2022年增长42%", (2023,), False),  # a baseline year dates nothing
    ("营业收入6023.15亿元", (2023,), False),  # no year in the figure's clause
    # a clause stating only the change is of the clause before it
    ("报告回顾说，2023年国内生产总值超过126万亿元，增长5.2%", (2024,), True),
    ("2023年国内生产总值超过126万亿元，增长5.2%", (2023,), False),
    ("2023年国内生产总值超过126万亿元，城镇新增就业1244万人", (2024,), False),  # a clause of its own
])
def test_a_figure_dated_to_another_year_by_its_clause(text, years, dated_elsewhere):
    from rag.sentence_choice import _dated_elsewhere
    from rag.sentence_scoring import real_quantities

    q = real_quantities(text)[-1]
    assert _dated_elsewhere(text, q, years) is dated_elsewhere


@pytest.mark.parametrize("question, found", [
    ("比亚迪2023年第四季度的净利润是多少？", "四季度"),
    ("上半年GDP增长多少？", "上半年"),
    ("前三季度进出口总额多少？", "前三季度"),
    ("2023年净利润是多少？", None),
])
def test_part_of_a_year_asked(question, found):
    from rag.text import cues

    m = cues.PART_OF_YEAR.search(question)
    assert (m.group(1) if m else None) == found


@pytest.mark.parametrize("question, asks", [
    ("大兴机场什么时候投入运营？", True), ("哪一天开幕？", True), ("旅客吞吐量是多少？", False),
])
def test_a_date_answers_only_when_asked(question, asks):
    from rag.text import cues

    assert bool(cues.ASKS_WHEN.search(question)) is asks


@pytest.mark.parametrize("title, is_report, dropped", [
    ("北京大兴国际机场投入运营", False, {"大兴", "机场"}),  # a news item's headline words: what it is about
    ("北京大兴国际机场投入运营", True, set()),  # a report's title is left to the report rules
    ("大兴机场", False, set()),  # every word of the question in the headline: all kept
])
def test_a_news_items_headline_words_do_not_count_in_coverage(title, is_report, dropped):
    from rag.sentence_scoring import _without_headline_words
    from rag.types import DocMeta

    terms = _terms("大兴", "机场", "吞吐量") if title != "大兴机场" else _terms("大兴", "机场")
    meta = DocMeta(doc_id="d", file="d.txt", title=title, town=None, town_anonymised=False, region=None, year=None,
                   period_reviewed=None, period_planned=None, doc_type="政府工作报告" if is_report else "其他")
    got = _without_headline_words({t.token: 1.0 for t in terms}, terms, meta)
    assert {k for k, v in got.items() if v == 0.0} == dropped


@pytest.mark.parametrize("entity, doc_type, year, reviewed, is_report", [
    (None, "其他", None, None, False),  # a news item
    (None, "政府工作报告", None, None, True),  # an anonymised report
    ("杜桥镇", "其他", None, None, True),  # an issuer named
    (None, "其他", 2024, 2023, True),  # a report that names no kind but reviews a year
])
def test_what_is_a_report(entity, doc_type, year, reviewed, is_report):
    from rag.types import DocMeta

    meta = DocMeta(doc_id="d", file="d.txt", title="", town=None, town_anonymised=False, region=None, year=year,
                   period_reviewed=reviewed, period_planned=None, doc_type=doc_type, entity=entity)
    assert meta.is_report is is_report


@pytest.mark.parametrize("question, words, phrase", [
    ("2022年我国户籍人口城镇化率是多少？", ("我国", "户籍", "人口", "城镇化率"), ["城镇化率", "人口", "户籍"]),
    ("2023年国庆档电影票房是多少？", ("国庆", "档", "电影票房"), ["电影票房", "国庆"]),  # 档 is light
    # the scope ends it: what comes before is the time or the place
    ("2023年春节假期全国国内旅游收入是多少？", ("春节", "假期", "全国", "国内", "旅游收入"), ["旅游收入"]),
    ("2019年人均GDP换算成美元大约有多少？", ("人均gdp", "换算", "美元"), ["美元"]),  # a verb ends it
    ("中国体育代表团获得了多少枚银牌？", ("中国体育代表团", "获得", "银牌"), []),  # measured after the question word
    # a verb written right onto the measured word names its kind; so does what qualifies the two
    ("2019年全国死亡人口是多少？", ("全国", "死亡", "人口"), ["人口", "死亡"]),
    ("2024年春运期间全国民航发送旅客多少人次？", ("春运期间", "全国", "民航", "发送", "旅客"), ["旅客", "发送", "民航"]),
    # ... not a verb ending in its result, nor one linked by 的, nor a verb the question word follows
    ("人均GDP换算成美元是多少？", ("人均gdp", "换算", "成", "美元"), ["美元"]),
    ("去年卖掉的汽车是多少？", ("去年", "卖掉", "汽车"), ["汽车"]),
])
def test_the_words_naming_what_is_measured(question, words, phrase):
    from rag.sentence_measure import measured_phrase

    terms = [KeyTerm(w, 0.3 if len(w) == 1 else 2.0, (w,)) for w in words]
    assert [t.token for t in measured_phrase(question, terms)] == phrase


def test_a_figure_of_a_differently_qualified_measure_does_not_answer(news_service):
    # the item gives the company's 新能源汽车销量 only, never one of its 燃油汽车
    a = news_service.ask("比亚迪2022年燃油汽车销量是多少辆？")
    assert a.refused, a.answer


@pytest.mark.parametrize("question, told, kept", [
    ("第19届亚运会中国代表团获得多少枚金牌？", "第18届亚运会在雅加达闭幕。中国代表团获得132枚金牌。", False),
    ("第十九届亚运会中国代表团获得多少枚金牌？", "第19届亚运会在杭州闭幕。中国代表团获得201枚金牌。", True),
    ("第二届进博会的意向成交额是多少？", "首届进博会圆满落幕，累计意向成交578.3亿美元。", False),
    ("第一届进博会的意向成交额是多少？", "首届进博会圆满落幕，累计意向成交578.3亿美元。", True),
    ("第二届进博会的意向成交额是多少？", "进博会意向成交711.3亿美元。", True),  # names no edition: kept
])
def test_an_item_of_another_edition_is_no_evidence(question, told, kept):
    from rag.evidence import of_the_edition_asked
    from rag.types import DocMeta, Passage

    meta = DocMeta(doc_id="n", file="n.txt", title="闭幕", town=None, town_anonymised=False, region=None, year=None,
                   period_reviewed=None, period_planned=None, doc_type="其他")
    p = Passage(chunk_id="n:0", doc_id="n", file="n.txt", title="闭幕", town="", region="", year=0, section="",
                text=told, start=0, end=len(told), chunk_index=0)
    out = of_the_edition_asked(question, [(None, [p])], {"n": meta}, lambda d: told)
    assert bool(out[0][1]) is kept


def test_which_is_the_most_is_answered_by_the_first_of_an_order():
    from rag.answer_weights import AnswerPolicy
    from rag.query import analyse_question
    from rag.sentence_choice import choose_sentences
    from rag.sentence_scoring import Sentence
    from rag.types import Passage

    plan = analyse_question("2023年全国票房最高的电影是哪一部？", [])
    texts = ["从档期看，2023年春节档电影票房为67.58亿元。", "影片《满江红》以45.44亿元票房位列年度第一。"]
    doc = "".join(texts)
    p = Passage(chunk_id="n:0", doc_id="n", file="n.txt", title="电影市场数据", town="", region="", year=0,
                section="", text=doc, start=0, end=len(doc), chunk_index=0)
    sentences = []
    for score, text in zip((2.0, 1.0), texts):  # the one restating the question scores higher
        s = Sentence(p, doc.index(text), doc.index(text) + len(text), text)
        s.coverage, s.score = 1.0, score
        sentences.append(s)
    chosen = choose_sentences(plan, sentences, _terms("票房", "电影"), AnswerPolicy(min_coverage=0.1, min_figure_coverage=0.0))
    assert [s.text for s in chosen] == [texts[1]]


@pytest.mark.parametrize("title, text, doc_type", [
    ("十四届全国人大二次会议开幕 李强作政府工作报告", "新华社北京3月5日电 第十四届全国人民代表大会第二次会议开幕，"
     "国务院总理李强向大会作政府工作报告。", "其他"),  # a news story about a report
    ("2024年政府工作报告", "各位代表：现在，我代表国务院，向大会报告政府工作。", "政府工作报告"),
    ("某镇2023年工作总结", "2023年，全镇上下…", "工作总结"),
])
def test_a_news_story_about_a_report_is_no_report(title, text, doc_type):
    from ingest.meta import detect_doc_type

    assert detect_doc_type(title, text)[0] == doc_type


@pytest.mark.parametrize("title, answers", [
    ("白鹤滩水电站全部机组投产发电", True),  # the headline names the station: the sentence need not
    ("我国水电装机容量稳居世界第一", False),  # then the sentence must name it itself
])
def test_a_qualifier_the_headline_names_need_not_be_repeated(title, answers):
    from rag.answer_weights import AnswerPolicy
    from rag.query import analyse_question
    from rag.sentence_choice import choose_sentences
    from rag.sentence_scoring import Sentence
    from rag.types import Passage

    plan = analyse_question("白鹤滩水电站多年平均发电量是多少？", [])
    text = "电站全部投产后，多年平均发电量可达624.43亿千瓦时。"
    p = Passage(chunk_id="n:0", doc_id="n", file="n.txt", title=title, town="", region="", year=0,
                section="", text=text, start=0, end=len(text), chunk_index=0)
    s = Sentence(p, 0, len(text), text, matched=frozenset({"多年", "平均", "发电量"}))
    s.coverage, s.score = 1.0, 1.0
    terms = _terms("白鹤滩", "水电站", "多年", "平均", "发电量")
    chosen = choose_sentences(plan, [s], terms, AnswerPolicy(min_coverage=0.1, min_figure_coverage=0.0),
                              not_reports=frozenset({"n"}))
    assert bool(chosen) is answers


@pytest.mark.parametrize("text, years", [
    ("2023年全国居民人均可支配收入39218元，比2022年增长6.3%", {2023}),  # the year measured against is no figure's
    ("按可比口径较2019年同期增长19.0%", set()),
    ("恢复至2019年同期的73.1%", set()),
    ("恢复到2019年的水平", set()),
    ("2019年以来累计减少贫困人口1000万", set()),  # the year counted from
    ("报告提出，2024年经济社会发展主要预期目标是：城镇调查失业率5.5%左右", {2024}),
    ("2019年至2023年年均增长5%", {2019, 2023}),
    ("上世纪90年代以来", set()),
])
def test_the_years_a_sentence_tells_figures_of(text, years):
    from rag.text.indicators_time import years_told

    assert years_told(text) == years


@pytest.mark.parametrize("question, text, fits", [
    # another year's figure in a news item: its sentence names only a year not asked
    ("2023年全国城镇调查失业率是多少？", "报告提出，2024年主要预期目标是：城镇调查失业率5.5%左右", False),
    ("2023年全国城镇调查失业率是多少？", "2023年全国城镇调查失业率平均值为5.2%", True),
    ("2023年春节假期国内旅游收入是多少？", "实现国内旅游收入3758.43亿元，恢复至2019年同期的73.1%", True),
    ("福瑟是哪一年出生的？", "福瑟1959年出生于挪威", True),  # a date asked: the year is the answer
    # a forecast is never the outcome asked
    ("2024年春运期间跨区域人员流动量实际达到多少人次？", "交通运输部此前预计，2024年春运40天跨区域人员流动量约90亿人次", False),
    ("2024年春运期间跨区域人员流动量实际达到多少人次？", "2024年春运40天跨区域人员流动量累计84亿人次", True),
    # nor is an outcome the target asked
    ("2023年国内生产总值增长的预期目标是多少？", "2023年国内生产总值1260582亿元，比上年增长5.2%", False),
    ("2023年国内生产总值增长的预期目标是多少？", "2023年国内生产总值增长的预期目标为5%左右", True),
])
def test_a_news_item_answers_the_year_and_the_outcome_asked(question, text, fits):
    from rag.query import analyse_question
    from rag.sentence_scoring import _fits_period
    from rag.types import DocMeta

    meta = DocMeta(doc_id="n", file="n.txt", title="新闻", town=None, town_anonymised=False, region=None, year=None,
                   period_reviewed=None, period_planned=None, doc_type="其他")
    assert not meta.is_report
    plan = analyse_question(question, [meta])
    assert _fits_period(plan, meta, False, False, text) is fits
