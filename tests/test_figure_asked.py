"""The figure asked for is the kind the sentence gives — table-driven (question topic, sentence -> fits)."""

from __future__ import annotations

import pytest

from rag.query_plan import QueryPlan
from rag.sentence_choice import fits_figure_asked

CASES = [
    ("GDP增长了多少", "地区生产总值增长5.2%", True),
    ("GDP增长了多少", "地区生产总值达到1.2万亿元", False),          # an amount does not answer a growth
    ("城镇调查失业率是多少", "城镇新增就业1351万人", False),          # a rate is a per cent
    ("地区生产总值总量是多少亿元", "全市地区生产总值增长4.8%", False),  # an amount is not a per cent
    ("地区生产总值总量是多少亿元", "地区生产总值5696亿元，增长5.4%", True),
    ("财政收入具体增长了百分之几", "一般公共预算收入突破500亿元，年均增长5.2%", False),  # a five-year average
    ("居民人均可支配收入实际增长了百分之多少", "居民人均可支配收入超过3万元", False),  # a per cent asked
    ("居民人均可支配收入实际增长了百分之多少", "居民人均可支配收入实际增长6.5%", True),
    ("“十四五”时期财政收入年均增长多少", "一般公共预算收入年均增长5.2%", True),
    ("社会消费品零售总额增长多少", "社会消费品零售总额增长6%", True),  # 总额 in a name asks no amount
    ("经济增速比全国高几个百分点", "全市经济增长5.6%，高于全国1.2个百分点", True),
    ("一年挖了多少亿吨煤", "累计提供“暖心煤”1亿吨，完成“煤改电”78万户", False),  # a span; 户 is no weight
    ("一年的财政收入是多少亿元", "一般公共预算收入累计完成3.7万亿元，5年增长18.7%", False),  # 5年 is no money
    ("一年的财政收入是多少亿元", "一般公共预算收入完成7600亿元，增长3%", True),
    ("新开了多少家公司", "新增商事主体29万户", True),                  # counting words are one dimension
    ("财政收入增长了多少", "5年增长18.7%", False),                      # arabic 5年 is a span like 五年
    ("一共接待了多少万人次游客", "游客人次、旅游花费分别增长2.5倍、3倍", False),  # 倍 is a change, not an amount
    ("共有多少个国家和地区参加", "第19届亚洲运动会闭幕式10月8日晚举行", False),  # an ordinal, a date: no count
    ("规上工业增加值在全国排第几", "规上工业增加值增幅居全国第7位", True),  # a rank asked: the ordinal answers
    ("中国队获得多少枚金牌", "中国体育代表团共获得201枚金牌，连续第11次位列金牌榜首位", True),
]


@pytest.mark.parametrize("topic,sentence,fits", CASES, ids=[c[0] for c in CASES])
def test_figure_kind(topic, sentence, fits):
    plan = QueryPlan(question=topic, standalone=topic, topic=topic)
    assert fits_figure_asked(plan, sentence) is fits


@pytest.mark.parametrize("text, level, share", [
    ("城镇登记失业率远低于全市3%控制线", "county", 1.0),        # the city's line in a district's report
    ("城市低保人均保障标准从796元/月提高至842元/月、城乡低保标准均超过全国平均水平", "province", 0.0),
    ("五年生产原煤65亿吨，占全国近三成", "province", 0.0),      # the scope word in another clause
    ("全区地区生产总值4759亿元", "county", 0.0),               # its own territory
    ("全国粮食产量1.3万亿斤", "national", 0.0),                # nothing is wider than the nation
    ("全省生产总值增长5%，全市增长6%", "city", 0.5),
    ("全市3%", None, 0.0),                                     # level unknown: no judgement
])
def test_wider_scope_share(text, level, share):
    from rag.sentence_choice import wider_scope_share

    assert wider_scope_share(text, level) == pytest.approx(share)


@pytest.mark.parametrize("text, level, question, wider", [
    ("城镇登记失业率远低于全市3%控制线", "county", "龙岗的失业率是多少", True),
    ("在全国综合实力千强镇中排名第128位", "township", "在全国综合实力千强镇里排第几", False),  # asked of the nation's list
    ("全区地区生产总值4759亿元", "county", "地区生产总值是多少", False),
])
def test_a_wider_territorys_figure_does_not_answer_for_the_report(text, level, question, wider):
    from rag.sentence_choice import _of_wider_territory

    assert _of_wider_territory(text, level, question) is wider


@pytest.mark.parametrize("opening, span", [
    ("五年来，全面深化改革开放", True),
    ("过去五年，我们坚持", True),
    ("“十四五”时期，全市", True),
    ("十三五期间，新区", True),
    ("这五年，我们深入践行", True),
    ("——这五年，综合实力大幅跃升", True),  # a paragraph led by a dash, as lists of the years are
    ("——这一年，我们", False),
    ("这一年，我们", False),
    ("过去一年，我们", False),
    ("2025年，全省", False),
    ("", False),
])
def test_a_paragraph_looking_back_on_years(opening, span):
    from rag.text.cues import SPAN_PARAGRAPH

    assert bool(SPAN_PARAGRAPH.match(opening)) is span


@pytest.mark.parametrize("question, opening, text, year, answers", [
    # a level reached at the end of the years looked back on is the last reviewed year's
    ("人均预期寿命是多少？", "五年来，民生保障扎实有力。", "新增医疗卫生机构床位6639张，人均预期寿命达到82.58岁", 2026, True),
    ("2025年人均预期寿命是多少？", "五年来，民生保障扎实有力。", "人均预期寿命达到82.58岁", 2026, True),
    ("2023年人均预期寿命是多少？", "五年来，民生保障扎实有力。", "人均预期寿命达到82.58岁", 2026, False),  # another year
    # a count over the span is the span's, however it is verbed
    ("新增就业岗位多少个？", "五年来，民生保障扎实有力。", "新增就业岗位达到300万个", 2026, False),
    # a paragraph looking ahead ("十三五时期") sets targets, it reached nothing
    ("外贸进出口总额是多少？", "“十三五”时期，要加快发展。", "到2020年，外贸进出口总额达到440亿美元以上", 2016, False),
])
def test_a_level_reached_at_a_spans_end(question, opening, text, year, answers):
    from rag.query import analyse_question
    from rag.sentence_choice import _level_at_span_end, figures_of_kind_asked
    from rag.sentence_scoring import Sentence
    from rag.types import Passage

    plan = analyse_question(question, [])
    p = Passage(chunk_id="c", doc_id="d", file="d.txt", title="", town="", region="", year=year, section="",
                text=text, start=0, end=len(text), chunk_index=1)
    s = Sentence(text=text, start=0, end=len(text), passage=p, opening=opening)
    assert _level_at_span_end(plan, s, figures_of_kind_asked(plan, text)) is answers


def test_a_sentence_knows_how_its_paragraph_opens():
    from rag.sentence_scoring import split_passage
    from rag.types import Passage

    doc = "一、回顾\n五年来，全面深化改革。实际使用外资263亿美元。\n过去一年，外资40亿美元。"
    start = doc.index("实际")
    p = Passage(chunk_id="c", doc_id="d", file="d.txt", title="", town="", region="", year=2026, section="",
                text=doc[start:], start=start, end=len(doc), chunk_index=3)
    sentences = split_passage(p, doc)
    assert [s.opening[:4] for s in sentences] == ["五年来，", "过去一年"]
    assert split_passage(p)[0].opening == ""   # without the report, a paragraph begun before the chunk is unknown


@pytest.mark.parametrize("doc, opening", [
    # a paragraph led by a one-sentence line of its own opens with that line
    ("一、回顾\n这五年，我们坚持以人民为中心，民生福祉得到新改善。\n一般公共预算支出3.4万亿元。城镇新增就业261.6万人。",
     "这五年，"),
    # a long paragraph before is not a lead: the paragraph opens with itself
    ("一、回顾\n这五年，" + "各项事业取得长足进步，" * 8 + "成绩来之不易。\n一般公共预算支出3.4万亿元。城镇新增就业261.6万人。",
     "一般公共"),
    # a heading line without a full stop leads nothing
    ("一、回顾\n五年来的主要工作\n一般公共预算支出3.4万亿元。城镇新增就业261.6万人。", "一般公共"),
])
def test_a_lead_line_opens_the_paragraph_after_it(doc, opening):
    from rag.sentence_scoring import split_passage
    from rag.types import Passage

    start = doc.index("城镇")
    p = Passage(chunk_id="c", doc_id="d", file="d.txt", title="", town="", region="", year=2026, section="",
                text=doc[start:], start=start, end=len(doc), chunk_index=3)
    assert split_passage(p, doc)[0].opening.startswith(opening)


@pytest.mark.parametrize("question, text, figures", [
    # an amount of money asked: the per cents are not of its kind, nor is a count of people
    ("城里人人均一年收入有多少钱", "城镇新增就业522万人、城乡居民人均可支配收入分别增长5.3%、7.1%", []),
    ("城里人人均一年收入有多少钱", "城镇新增就业522万人、城镇居民人均可支配收入52000元", ["52000"]),
    # a growth asked: per cents and 倍
    ("游客人次增长了多少", "游客人次增长2.5倍，旅游收入320亿元", ["2.5"]),
    # a total over five years answers no single year's amount
    ("一般公共预算收入一共多少", "一般公共预算收入累计完成3.7万亿元", []),
    # a run of figures joined by 、 shares the span marked before its first
    ("固定资产投资增长多少", "地区生产总值、固定资产投资分别年均增长16.3%、11.2%，当年增长3%", ["3%"]),
    # a change asked: also the amount written right after the change verb, not a level
    ("最低工资标准涨了多少", "最低工资标准每月提高183元，达到2100元", ["183"]),
    ("最低工资标准涨了多少", "最低工资标准提高到2100元", []),
    ("地区生产总值增长了多少", "地区生产总值5.67万亿元、增长5.4%", ["5.4%"]),
    # a growth rate asked: only a per cent
    ("最低工资标准的增幅是多少", "最低工资标准每月提高183元", []),
    # a share asked ("占多大比例", "比重是多少"): a per cent, not the amount beside it
    ("城里找不到工作的人占多大比例", "地区生产总值5.2万亿元，城镇调查失业率4.1%", ["4.1%"]),
    ("研发投入的比重是多少", "研发投入1200亿元，占地区生产总值比重3.1%", ["3.1%"]),
    # a size asked with 多大 is an amount, not a per cent
    ("经济规模有多大", "地区生产总值5.2万亿元、增长5.4%", ["5.2万亿"]),
    # a level asked: a per cent right after a verb of change is how much it changed, not the level
    ("PM2.5平均浓度是多少", "PM2.5年均浓度较“十三五”末改善16.5%", []),
    ("PM2.5平均浓度是多少", "PM2.5浓度31.3微克/立方米", ["31.3"]),
    ("PM2.5平均浓度是多少", "PM2.5平均浓度降到32.4微克/立方米", ["32.4"]),
    # ... a count after such a verb is what was done; a change asked keeps the per cent
    ("新建改造了多少座公共厕所", "新建和改造提升1200多座公共厕所", ["1200"]),
    ("流量资费要便宜多少", "移动网络流量资费年内至少降低30%", ["30%"]),
    # 几 with a measure word: a count written in words before the same word answers
    ("安全生产方面推行了几大作业票制度", "推行八大“作业票”制度", ["八"]),
    ("成立了几类专班", "成立三类工作专班", ["三"]),
    # how many in all: the year's additions do not answer, the total after them does
    ("一共累计建成了多少所村级文化礼堂", "新建村级文化礼堂20所", []),
    ("全市公园总数到了多少个", "新建公园117个、总数达1090个", ["1090"]),
    ("新建了多少个公园", "新建公园117个、总数达1090个", ["117", "1090"]),
    # a day's figure answers no year's total; it answers a question speaking of a day
    ("地铁全年客运总量是多少人次", "广州、深圳地铁线网单日最高客运量分别达1409万、1305万人次", []),
    ("地铁单日最高客运量是多少人次", "广州、深圳地铁线网单日最高客运量分别达1409万、1305万人次", ["1409万", "1305万"]),
    ("地铁全年客运总量是多少人次", "地铁全年客运量32亿人次，日均客流876万人次", ["32亿"]),
    # the number of a name written with Latin letters ("PM2.5", "C919") is no figure
    ("C919有多少个座位", "C919采用两舱布局，共设164个座位", ["164"]),
    ("PM2.5平均浓度是多少", "PM_2.5平均浓度创有监测记录以来最好水平", []),  # the name, however written
    # 规模以上 qualifies the indicator, it asks no size; a growth target asked is a per cent
    ("规模以上工业增加值的预期增长目标是多少", "规模以上工业增加值增长6%左右，工业投资1200亿元", ["6%"]),
    ("规模以上工业企业有多少家", "规模以上工业企业达到1200家，增长6%", ["1200"]),
    # a time asked: reports write short ones in Chinese numerals, which answer; an ordinal does not
    ("要在多长时间内取消省界收费站", "两年内基本取消全国高速公路省界收费站", ["两"]),
    ("要在多长时间内取消省界收费站", "第三年基本取消省界收费站", []),
    ("要在多长时间内取消省界收费站", "取消省界收费站，覆盖300个站点", []),
    # a share of a whole is a rate, whatever the whole is called (经济总量 holds 总量, 钱 is money)
    ("在研发上投的钱占经济总量的比重，各是多少？", "全社会研发投入占GDP比重11.2%，PCT国际专利申请量7504件", ["11.2%"]),
    # a question naming no year nor 今年/去年 asks no single year's figure: a plan's total over years answers
    ("打算拿出多少钱来搞人工智能", "三年安排450亿元支持以AI为引领的新质生产力发展", ["450亿"]),
    ("今年打算拿出多少钱来搞人工智能", "三年安排450亿元支持以AI为引领的新质生产力发展", []),
])
def test_figures_of_the_kind_asked(question, text, figures):
    from rag.query import analyse_question
    from rag.sentence_choice import figures_of_kind_asked

    got = figures_of_kind_asked(analyse_question(question, []), text)
    assert [q.text for q in got] == figures


@pytest.mark.parametrize("before, span", [
    ("五年累计完成", True),
    ("年均增长", True),
    ("平均每年新增", True),
    ("“十四五”期间", True),
    ("一般工商业电价平均降低", False),   # an average over users, not over years
    ("居民人均可支配收入增长", False),
])
def test_span_figure(before, span):
    from rag.text.cues import SPAN_FIGURE

    assert bool(SPAN_FIGURE.search(before)) is span


def test_a_follow_up_asks_what_the_previous_question_asked():
    from rag.query import analyse_question
    from rag.sentence_scoring import asked_text

    from dataclasses import replace

    plan = replace(analyse_question("那第二年呢？", []), context_topic="的GDP是多少？")
    assert "多少" in asked_text(plan)
    own = analyse_question("增长了多少？", [])
    assert asked_text(own) == (own.topic or own.question)


@pytest.mark.parametrize("question, text, kept", [
    # the same measure of another scope is a near indicator: its figure is not the asked one's
    ("2018年全国城镇登记失业率最后是多少？", "城镇新增就业1361万人、调查失业率稳定在5%左右的较低水平。", ["1361万"]),
    ("城镇居民人均可支配收入是多少元？", "农村居民人均可支配收入达到20793元。", []),
    # named only by a wider word the other indicator's name holds: kept
    ("失业率是多少？", "城镇登记失业率3.5%。", ["3.5%"]),
    # the asked indicator itself, or its growth: kept
    ("城镇调查失业率是多少？", "城镇调查失业率5.1%。", ["5.1%"]),
    ("地区生产总值增长了多少？", "地区生产总值5.2万亿元、增长5.4%。", ["5.2万亿", "5.4%"]),
    # an unrelated indicator is left to the other rules (no shared measure)
    ("地区生产总值是多少？", "社会消费品零售总额6169亿元。", ["6169亿"]),
    # a question naming no known indicator: nothing removed
    ("修了多少公里路？", "新改建农村公路4.2万公里。", ["4.2万"]),
    # an indicator measured per the asked one (energy per unit of GDP) is another measure
    ("国内生产总值增速是多少？", "单位国内生产总值能耗下降3.1%。", []),
    ("国内生产总值增速是多少？", "国内生产总值增长6.6%，总量突破90万亿元。", ["6.6%", "90万亿"]),
])
def test_a_near_indicators_figure_is_not_the_asked_ones(question, text, kept):
    from rag.sentence_choice import _not_of_a_near_indicator
    from rag.text.numbers import find_quantities

    got = _not_of_a_near_indicator(question, text, find_quantities(text))
    assert [q.text for q in got] == kept


@pytest.mark.parametrize("question, text, kept", [
    # a neighbouring quantity of the named indicator: another measure
    ("2025年城镇新增就业多少人？", "新培育认定乡村工匠2.7万人，农民就地就近就业856万人。", []),
    ("外贸进出口总额增长了多少？", "省内有进出口实绩的企业数量增长7%。", []),
    ("工业增加值是多少？", "全镇实现工业产值297.6亿元，同比增长6.4%。", []),
    # the sentence names the indicator (or a synonym of it): its figures stay for the other rules
    ("城镇新增就业多少人？", "城镇新增就业124.9万人，以工代赈带动就业16.4万人。", ["124.9万", "16.4万"]),
    ("社零总额增长多少？", "社会消费品零售总额增长7.2%。", ["7.2%"]),
    # with a qualifier of one character inside the name ("财政总收入" for 财政收入)
    ("这个镇的财政收入呢？", "财政总收入47.8亿元,增长5.1%。", ["47.8亿", "5.1%"]),
    # read as the indicator's by the extractor, without its full name ("进出口" is a surface of it)
    ("外贸进出口总额增长了多少？", "货物进出口增长6%。", ["6%"]),
    # a question naming no known indicator: nothing removed
    ("卖出去的消费品总额是多少亿元？", "进出口总额达到722.30亿元。", ["722.30亿"]),
])
def test_a_sentence_not_naming_the_asked_indicator_answers_only_with_its_figures(question, text, kept):
    from rag.sentence_choice import _of_the_named_indicator
    from rag.text.numbers import find_quantities

    got = _of_the_named_indicator(question, text, find_quantities(text))
    assert [q.text for q in got] == kept


@pytest.mark.parametrize("question, phrases", [
    ("进出口和实际使用外资各增长多少？", ["进出口", "实际使用外资"]),
    ("研发投入占GDP的比重是多少？", ["研发投入"]),  # what a share is taken of is not asked
    ("花在研发上的钱占GDP的比例", []),
])
def test_indicators_named(question, phrases):
    from rag.table_question import indicators_named

    assert [p for p, _ in indicators_named(question)] == phrases


@pytest.mark.parametrize("question, text, restated", [
    # the question's words and a verb: a headline restating what is asked
    ("2023年诺贝尔文学奖得主是谁？", "2023年诺贝尔文学奖揭晓", True),
    ("第19届亚运会在哪里举行？", "第19届亚运会举行", True),
    # the sentence names what is asked
    ("2023年诺贝尔文学奖得主是谁？", "瑞典学院宣布，将2023年诺贝尔文学奖授予挪威作家约恩·福瑟。", False),
    ("2022年世界杯冠军是哪支球队？", "阿根廷队夺得2022年世界杯冠军", False),
])
def test_a_sentence_restating_the_question(question, text, restated):
    from rag.sentence_measure import restates

    assert restates(question, text) is restated


@pytest.mark.parametrize("question, compares", [
    ("2023年诺贝尔文学奖得主是谁？", False),   # 谁 asks for a person
    ("两个镇的财政收入谁更高？", True),         # 谁 before a comparative compares
    ("三个区增速谁最快？", True),
    ("杜桥镇和大关镇分别是多少？", True),
])
def test_who_compares_only_before_a_comparative(question, compares):
    from rag.text import cues

    assert bool(cues.COMPARISON.search(question)) is compares


@pytest.mark.parametrize("question, asks", [
    ("三甲医院从多少家增加到多少家？", True),
    ("增值税税率从多少降到多少？", True),
    ("这个门槛是从多少提上来的？", True),
    ("高铁里程从多少公里增加到了多少公里？", True),
    ("高铁里程增加了多少公里？", False),
    ("公园从几座增加到了多少座？", True),   # 几 asks as 多少 does
    ("从哪一年开始实施？", False),
])
def test_a_question_asking_before_and_after_a_change(question, asks):
    from rag.text.cues import ASKS_FROM_TO

    assert bool(ASKS_FROM_TO.search(question)) is asks


@pytest.mark.parametrize("text, writes", [
    ("高铁里程由2110公里增至3055公里", True),
    ("起征点从月销售额3万元提高到10万元", True),
    ("人均预期寿命从2020年的82.4岁提升至83.9岁", True),
    ("高铁里程突破3400公里", False),  # the latest figure alone
    ("从源头到末端加强治理", False),
])
def test_a_sentence_writing_a_figure_before_and_after(text, writes):
    from rag.text.cues import FROM_TO

    assert bool(FROM_TO.search(text)) is writes


@pytest.mark.parametrize("text, spans", [
    # a clause opening with a span tells the clauses after it in the sentence
    ("能源保供彰显山西担当，五年生产原煤65亿吨，占全国近三成，为24个省份保供电煤20亿吨。", [True, True, True]),
    # … until one names a single year
    ("十四五期间，地区生产总值年均增长5.5%，2025年增长5.4%。", [True, False]),
    ("五年来，新增就业50万人，全年新增就业10万人。", [True, False]),
    # "累计" may total one year: it tells only its own clause
    ("累计排查安全隐患326件，下发整改通知单166个。", [True, False]),
    ("全年规上原煤产量13.05亿吨、增长2.1%。", [False, False]),
    # a clause giving averages over the years tells the clauses after it too
    ("工业、消费等年均增速高于全国，粮食总产稳定在1100亿斤以上。", [True]),
    ("工业、消费等年均增速高于全国，2025年粮食总产1150亿斤。", [False]),
    # 年均 before a noun is the yearly mean of a measure, one year's level; before a verb or a
    # noun of change it averages over the years
    ("空气质量稳居全国城市前列，PM2.5年均浓度降至24微克/立方米。", [False]),
    ("GDP、固定资产投资年均增长率分别达到13.21%和20.9%。", [True, True]),
    ("城乡居民收入年均增长6.5%，年均新增就业12万人。", [True, True]),
])
def test_the_figures_a_span_of_years_tells(text, spans):
    from rag.sentence_choice import _spans
    from rag.sentence_scoring import real_quantities

    assert _spans(text, real_quantities(text)) == spans


@pytest.mark.parametrize("doc, sentence, introduces", [
    # a short topic sentence opening a paragraph that goes on: its sentences are the items
    ("（六）民生\n扎实办好民生实事。提高农村低保标准。建设100个养老服务站点。\n着力稳就业。", "扎实办好民生实事。", True),
    ("基层治理方面。深化小组议事会制度。坚持和发展工作法。\n", "基层治理方面。", True),
    # a field's heading the page ran into one long paragraph, not its opening
    ("…建设平安乡村。基层治理方面。深化小组议事会制度。坚持和发展工作法。", "基层治理方面。", True),
    ("…建设平安乡村。基层治理方面。\n加强安全。", "基层治理方面。", False),  # its paragraph ends with it
    # the paragraph ends with it: nothing follows to list
    ("（六）民生\n扎实办好民生实事。\n着力稳就业。", "扎实办好民生实事。", False),
    # not the paragraph's opening sentence
    ("（六）民生\n全年工作有序推进。扎实办好民生实事。提高农村低保标准。\n", "扎实办好民生实事。", False),
    # a long sentence is no topic sentence
    ("坚持教育优先发展战略，全年教育投入72.9亿元。完成7个学校项目。\n", "坚持教育优先发展战略，全年教育投入72.9亿元。", False),
])
def test_a_sentence_introducing_a_list(doc, sentence, introduces):
    from rag.sentence_scoring import introduces_list, split_passage
    from rag.types import Passage

    p = Passage(chunk_id="c", doc_id="d", file="d.txt", title="", town="", region="", year=2026, section="",
                text=doc, start=0, end=len(doc), chunk_index=0)
    s = next(x for x in split_passage(p, doc) if x.text == sentence)
    assert introduces_list(s) is introduces


@pytest.mark.parametrize("question, asks", [
    ("2023年全国票房最高的电影是哪一部？", True),
    ("哪个产业增长最快？", True),
    ("谁的得分最多？", True),
    ("2023年电影总票房是多少？", False),
    ("最低工资标准是多少？", False),  # a name, no "which"
])
def test_a_question_asking_which_is_the_most(question, asks):
    from rag.text.cues import ASKS_TOP

    assert bool(ASKS_TOP.search(question)) is asks


@pytest.mark.parametrize("text, tells", [
    ("影片《满江红》以45.44亿元票房位列年度第一", True),
    ("经济总量继续位居全国城市首位", True),
    ("2023年春节档电影票房为67.58亿元", False),
    ("第一批项目开工", False),  # a batch, not a rank
])
def test_a_sentence_telling_the_first_of_an_order(text, tells):
    from rag.text.cues import TELLS_TOP

    assert bool(TELLS_TOP.search(text)) is tells


@pytest.mark.parametrize("token, asks", [
    ("哪一年", True), ("哪一部", True), ("哪家", True), ("多少", True), ("有哪些", True),
    ("哪吒", False),  # a name
    ("违章建筑", False),
    ("现在", True), ("目前", True), ("当前", True),  # the time of the report, like 今年: no topic
    ("这一块", True), ("一块", True),  # "农村这一块": the field is the word before it
    ("最后", True), ("打算", True), ("准备", True), ("定", True),  # they ask a target or an outcome ("定的目标", "最后实际降了多少")
    ("不同", True), ("三份", True), ("两份", True),  # "三份报告…有什么不同": the comparison asked, not its topic
    ("最终", False),  # kept: a news item's final figure against its forecast ("最终达到多少人次")
    ("各有", True), ("各是", True), ("各为", True), ("各达", True),  # "各有多少": each side asked, no topic
    ("几座", True), ("几处", True), ("几乎", False),  # 几 with its counting word asks
    ("回顾", True), ("已经", True), ("镇里", True), ("市里", True),  # the report's review, an adverb, the issuer: no topic
])
def test_a_question_word_however_cut(token, asks):
    from rag.text.cues import is_question_word

    assert is_question_word(token) is asks


@pytest.mark.parametrize("question, text, figures", [
    # the other half of a pair the question names one half of
    ("城里人人均一年到手收入是多少元", "城乡居民收入分别增长5.3%、7%，其中农村居民人均可支配收入达到20793元",
     ["5.3%", "7%"]),
    ("城镇居民人均可支配收入是多少元", "城镇居民人均可支配收入52000元，农村居民人均可支配收入20793元", ["52000"]),
    ("出口一共多少亿元", "进口17.99万亿元，下降0.3%", []),  # the change's clause is of the one before
    ("出口一共多少亿元", "进出口总额41.76万亿元", ["41.76万亿"]),  # 出口 inside 进出口 is no half
    ("居民人均可支配收入是多少元", "农村居民人均可支配收入20793元", ["20793"]),  # no half asked
    # the half asked under one of its names (农村; 乡村 is its other name): both halves' figures told
    ("农村居民平均每人一年到手的收入有多少", "城镇和农村常住居民人均可支配收入分别达到79668元和40450元",
     ["79668", "40450"]),
    ("农村居民人均可支配收入有多少", "城镇常住居民人均可支配收入达到79668元", []),
])
def test_a_figure_of_the_other_half_is_not_the_asked_ones(question, text, figures):
    from rag.query import analyse_question
    from rag.sentence_choice import _not_the_other_half
    from rag.sentence_scoring import real_quantities

    assert [q.text for q in _not_the_other_half(question, text, real_quantities(text))] == figures


@pytest.mark.parametrize("topic, asks", [
    ("首批投产发电的机组有几台？", True),   # 几 with any measure word asks a count
    ("获得了几枚金牌？", True),
    ("有几个街道？", True),
    ("重点工作分哪几类？", False),          # which ones: a list
    ("几月几日开幕？", False),              # a date: ASKS_WHEN's
    ("几点降落？", False),
    ("几乎所有村都通了公交吗？", False),
])
def test_a_count_asked_with_any_measure_word(topic, asks):
    from rag.sentence_scoring import asks_quantity

    assert asks_quantity(QueryPlan(question=topic, standalone=topic, topic=topic)) is asks


@pytest.mark.parametrize("question, text, kept", [
    # a figure per person asked: the whole's figure does not answer it
    ("2023年人均国内生产总值是多少？", "2023年国内生产总值1260582亿元，按不变价格计算，比上年增长5.2%", []),
    ("2023年人均国内生产总值是多少？", "全年人均国内生产总值89358元，比上年增长5.4%", ["89358", "5.4%"]),
    # a clause naming nothing of its own continues the figure before it
    ("人均GDP换算成美元是多少？", "全年人均国内生产总值70892元，按年平均汇率折算达到10276美元", ["70892", "10276"]),
    ("老百姓平均每人能花的钱有多少？", "全国居民人均可支配收入39218元", ["39218"]),
    ("火车平均每天运送多少旅客？", "全国铁路日均发送旅客1210万人次", ["1210万"]),  # per day is no per person
    ("国内生产总值是多少？", "人均国内生产总值89358元", ["89358"]),  # the reverse is left to the other rules
])
def test_a_figure_per_person_asked(question, text, kept):
    from rag.sentence_choice import _per_person_if_asked
    from rag.text.numbers import find_quantities

    assert [q.text for q in _per_person_if_asked(question, text, find_quantities(text))] == kept


@pytest.mark.parametrize("question, text, answers", [
    # a date asked outright: only a sentence telling a date or a time answers
    ("《七部曲》是哪一年出版的？", "他的代表作包括剧本《有人将至》和长篇小说《七部曲》等", False),
    ("港珠澳大桥是什么时候动工建设的？", "大桥于2009年12月动工建设", True),
    ("返程航班几点降落？", "航班于12时31分平稳降落", True),
    ("温塞特是哪一年获奖的？", "福瑟是继比约恩松、汉姆生和温塞特之后第四位获奖的挪威作家", False),
    ("这项工程什么时候完工？", "工程将于年底完工", True),
    # a duration is no date: "时间" alone does not ask when
    ("企业开办时间压缩到几天？", "企业开办时间压缩至1个工作日", None),
    ("2018年和2019年分别拆了多少违建？哪一年拆得多？", "", None),  # which of two years: compared
    ("两年的财政收入哪年更多？", "", None),
])
def test_a_date_asked_is_answered_by_a_sentence_telling_one(question, text, answers):
    from rag.text import cues

    if answers is None:
        assert not cues.ASKS_DATE.search(question)
    else:
        assert cues.ASKS_DATE.search(question) and bool(cues.TELLS_WHEN.search(text)) is answers


@pytest.mark.parametrize("question, span", [
    ("建区30年来公园从几座增加到了多少座？", True),  # a span of years in digits
    ("五年来财政收入增长了多少？", True),
    ("2023年公园有多少座？", False),  # a calendar year is no span
    ("2023年度考核排第几？", False),
])
def test_a_question_asking_over_a_span_of_years(question, span):
    from rag.text.cues import ASKS_SPAN

    assert bool(ASKS_SPAN.search(question)) is span



@pytest.mark.parametrize("question, text, kept", [
    # named by its own name, the indicator is not answered by a looser word the vocabulary lists for it
    ("城镇新增就业实际完成了多少人？", "提供11.2万个高校毕业生就业岗位，精准帮扶7.2万名就业困难人员实现就业。", []),
    ("城镇新增就业实际完成了多少人？", "城镇新增就业28.5万人，城镇调查失业率4.1%。", ["28.5万", "4.1%"]),
    # ... while a figure the indicator extractor reads as that indicator's still answers
    ("城镇新增就业实际完成了多少人？", "新增就业12万人。", ["12万"]),
])
def test_the_named_indicator_is_written_or_read(question, text, kept):
    from rag.sentence_choice import _of_the_named_indicator
    from rag.text.numbers import find_quantities

    got = _of_the_named_indicator(question, text, find_quantities(text))
    assert [q.text for q in got] == kept


@pytest.mark.parametrize("question, words, measured", [
    ("华立新能源在研发上投入了多少资金？", ["研发", "投入", "资金"], "投入"),  # a noun of money names no measure
    ("研发投入了多少经费？", ["研发", "投入", "经费"], "投入"),
    ("今年共获得多少枚银牌？", ["获得", "银牌"], "银牌"),
    ("旅客吞吐量是多少？", ["旅客", "吞吐量"], "吞吐量"),
    ("展会期间现场卖出了多少钱的商品？", ["展会", "卖出", "商品"], "卖出"),  # the money is measured, not what it buys
])
def test_what_a_question_measures(question, words, measured):
    from rag.key_terms import KeyTerm
    from rag.sentence_measure import measure_term

    term = measure_term(question, [KeyTerm(w, 2.0, (w,)) for w in words])
    assert (term.token if term else None) == measured


@pytest.mark.parametrize("text, units", [
    ("社会消费品零售总额58.06亿元，增长7.1%", {"亿元", "%"}),
    ("分别增长了2.46倍、1.76倍", {"倍"}),
    ("2019年新增企业40家", {"家"}),
    ("2019年至2021年", set()),
])
def test_the_units_a_sentences_figures_are_given_in(text, units):
    from rag.answer import figure_units

    assert figure_units(text) == units


@pytest.mark.parametrize("title, years", [
    ("镇人民政府2023年政府工作报告", {2023}), ("2021年—2025年规划纲要", set()), ("政府工作报告", set()),
])
def test_the_year_a_reports_title_prints(title, years):
    from rag.report_routing import title_years
    from rag.types import DocMeta

    meta = DocMeta(doc_id="d", file="d.txt", title=title, town=None, town_anonymised=True, region=None, year=2020,
                   period_reviewed=2019, period_planned=2020, doc_type="政府工作报告")
    assert title_years(meta) == years


@pytest.mark.parametrize("question, words, role", [
    ("2018年俄罗斯世界杯的季军是哪支球队？", ["世界杯", "季军", "球队"], "季军"),
    ("女子单打铜牌得主是谁？", ["女子", "单打", "铜牌", "得主"], "铜牌"),  # the winner of what comes before
    ("卡塔尔世界杯的金手套奖得主是谁？", ["卡塔尔", "世界杯", "手套", "奖得主"], None),
    ("郑钦文击败了哪位选手？", ["郑钦文", "击败", "选手"], "击败"),
    ("完成“帽子戏法”的球员是谁？", ["完成", "帽子", "戏法", "球员"], "戏法"),  # 球员: the kind of holder
    ("女子个人赛是谁笑到了最后？", ["女子", "个人赛", "笑到"], None),  # the role follows the question word
    ("最佳年轻球员奖由谁获得？", ["最佳", "年轻", "球员", "奖", "获得"], None),
    ("谁宣布开幕？", ["宣布", "开幕"], None),
])
def test_the_role_a_who_question_asks_the_holder_of(question, words, role):
    from rag.key_terms import KeyTerm
    from rag.sentence_measure import asked_role

    found = asked_role(question, [KeyTerm(w, 2.0, (w,)) for w in words])
    assert (found.token if found else None) == role


@pytest.mark.parametrize("before, news, span", [
    ("民航旅客运输量累计", True, False),  # a news item's 累计 totals the period it tells
    ("民航旅客运输量累计", False, True),  # a report's 累计 may run over years
    ("五年来累计新增", True, True),
    ("年均增长", True, True),
])
def test_a_total_over_the_period_a_news_item_tells(before, news, span):
    from rag.sentence_choice import _span_figure

    assert _span_figure(before, news) is span
