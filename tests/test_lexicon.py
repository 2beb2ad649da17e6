"""Everyday words -> the official terms of the reports (rag/text/lexicon.py), table-driven."""

import pytest

from rag.text.lexicon import expand_terms, synonyms_in
from rag.text.tokens import occurs_as_word


@pytest.mark.parametrize("question, official", [
    ("老百姓在商场超市一共买了多少钱的东西", "社会消费品零售总额"),
    ("今年挖煤的量要保持在多少", "原煤"),
    ("平均寿命提高到多少岁", "人均预期寿命"),
    ("找不到工作的人比例控制在多少", "失业率"),
    ("每年新找到工作的人有多少", "新增就业"),
    ("给企业减税减了多少", "减税降费"),
    ("存款加贷款规模多大", "存贷款"),
    ("老手艺传承得怎么样", "技艺"),
    ("乱停车怎么治理", "违停"),
    ("雾霾浓度降了多少", "细颗粒物"),
    ("城里人平均一年到手的收入", "城镇居民"),
    ("城里人平均一年到手的收入", "可支配收入"),
    ("天津人平均能活到多少岁", "预期寿命"),
    ("财政一年花出去多少钱", "支出"),
    ("农村有多少人出去打工", "转移就业"),
    ("来旅游的人有多少", "游客"),
    ("GDP多少", "地区生产总值"),             # from the indicator vocabulary
    ("研发投入占GDP的比重", "研发投入强度"),   # the possessive 的 is optional
    # statistics releases and company results
    ("这家公司去年赚了多少钱", "净利润"),
    ("新车一共卖出去多少辆", "销量"),
    ("从国外买回来的东西值多少钱", "进口"),
    ("去年出生了多少新生宝宝", "出生人口"),
    ("过年放假那几天出门游玩的人次", "春节"),
    ("过年放假那几天出门游玩的人次", "假期"),
    ("春运期间火车拉了多少乘客", "铁路"),
    ("春运期间火车拉了多少乘客", "旅客"),
    # the everyday words mined from the reports (everyday_terms.json)
    ("去年出事故死了多少人", "死亡人数"),
    ("老破小改了多少个", "老旧小区"),
    ("臭水沟治理了几条", "黑臭水体"),
    ("托儿所的名额有多少", "托育"),
    # 平均 said of a person, a year or a day; both halves of 城乡
    ("北京人的平均寿命提高到了多少岁", "人均预期寿命"),
    ("五年里平均每年涨多少", "年均"),
    ("春运平均每天发送多少旅客", "日均"),
    ("城里人和农村人到手的收入分别是多少", "城乡居民"),
    # the second mined round: the resident's names of the figures reports give
    ("2019年新开公司有多少家", "新设立企业"),
    ("乡医院建了几家", "乡镇卫生院"),
])
def test_everyday_words_expand_to_the_reports_terms(question, official):
    assert official in expand_terms(question)


@pytest.mark.parametrize("question, key, official", [
    # the economy said to grow or to be so big is measured by the 地区生产总值
    ("三地2025年经济各涨了多少", "经济", "地区生产总值"),
    ("上海2023年的经济盘子大了百分之几", "经济盘子", "地区生产总值"),
    ("经济增速目标是多少", "经济", "生产总值"),
    # ... but one sector's economy is not
    ("数字经济增长多少", None, None),
    ("经济社会发展主要目标", None, None),
    # a verb with the spoken result complement 掉 is the written verb with 除
    ("拆掉了多少违章建筑", "拆掉", "拆除"),
    ("免掉了多少费用", "免掉", "免除"),
    # money taken out for something is what the reports write as arranged or invested
    ("打算拿出多少钱来搞人工智能", "拿出", "安排"),
    ("掏了多少钱修路", "掏了", "投入"),
    ("在教育上一共砸了多少钱", "砸了", "投入"),
    ("拿出了多少人", None, None),
    ("经济块头有多大", "经济块头", "地区生产总值"),
])
def test_words_read_in_context(question, key, official):
    from rag.text.lexicon import _context_synonyms

    found = dict(_context_synonyms(question.lower()))
    if key is None:
        assert not found
    else:
        assert official in found[key]


@pytest.mark.parametrize("question", ["地区生产总值增长多少", "新建学校几所"])
def test_an_official_term_is_not_repeated(question):
    assert not any(term in question for term in expand_terms(question))


def test_synonyms_in_names_the_everyday_word():
    found = dict(synonyms_in("挖煤的量"))
    assert "挖煤" in found and "原煤" in found["挖煤"]


def test_no_everyday_word_is_listed_twice():
    import ast
    import collections
    from pathlib import Path

    import rag.text.lexicon as lexicon

    tree = ast.parse(Path(lexicon.__file__).read_text(encoding="utf-8"))
    table = next(n.value for n in tree.body if isinstance(n, ast.AnnAssign) and n.target.id == "SYNONYMS")
    counts = collections.Counter(k.value for k in table.keys)
    assert not [k for k, c in counts.items() if c > 1]


@pytest.mark.parametrize("word,text,found", [
    ("出口", "进出口增长14.2%", False),                  # the combined name of 进口 and 出口
    ("出口", "进出口总额4.51万亿元，其中出口增长10.8%", True),
    ("贷款", "存贷款规模达314.8亿元", False),
    ("贷款", "全年新增贷款20.7亿元", True),
    ("小学", "新建中小学3所", False),
    ("出口", "外贸出口增长9%", True),                    # a modifier, not a coordinate morpheme
    ("失业率", "调查失业率稳定在5%左右", True),
])
def test_occurs_as_word(word, text, found):
    assert occurs_as_word(word, text) is found


@pytest.mark.parametrize("word,text,credit", [
    ("出口额", "完成进出口总额6500亿元", 0.0),     # 出口 only inside 进出口: no partial credit either
    ("出口额", "出口额增长9%", 1.0),
    ("刑事案件", "刑事发案数下降12%", 0.6),        # a paraphrase sharing most characters keeps credit
])
def test_partial_credit_respects_combined_names(word, text, credit):
    from rag.key_terms import KeyTerm, term_credit

    assert term_credit(KeyTerm(word, 1.0, (word,)), text) == pytest.approx(credit)


def test_a_guess_across_a_word_seam_is_no_key_term():
    # jieba's model reads "多少人新找到工作" as 多少|人新|找到|工作: "人新" is no word at all
    from rag.key_terms import _reread_unknown

    class Index:
        def idf(self, w):
            return -1.0 if w in ("人新", "挖煤") else 1.0

    assert _reread_unknown(["人新", "找到"], Index()) == ["找到"]
    assert _reread_unknown(["挖煤"], Index()) == ["挖煤"]  # a dictionary word the reports do not use stays


@pytest.mark.parametrize("table, problems", [
    ({"老破小": ["老旧小区"]}, 0),                 # in two reports, the everyday word in none
    ({"老破小": ["老旧小区改造三年行动"]}, 1),        # the official term in fewer than two reports
    ({"老旧小区": ["老旧小区"]}, 1),               # the "everyday" word is the reports' own word
    ({"破": ["老旧小区"]}, 1),                     # one character matches anything
])
def test_the_mined_table_check(table, problems):
    from eval.lexicon_check import violations

    texts = ["推进老旧小区改造，改造老旧小区120个。", "完成城镇老旧小区改造三年行动任务。", "老旧小区加装电梯。"]
    assert len(violations(table, texts)) == problems


def test_the_mined_table_holds_on_the_reports():
    import json

    from eval.lexicon_check import TABLE, report_texts, violations
    from eval.library import default_docs_dirs

    texts = report_texts(default_docs_dirs())
    if len(texts) < 10:
        pytest.skip("the report corpus (../shared/corpus) is not here")
    assert violations(json.loads(TABLE.read_text(encoding="utf-8"))["terms"], texts) == []


@pytest.mark.parametrize("question, kept, not_kept", [
    # a question word does not glue to the word it asks about
    ("全镇拆掉了多大面积的违章建筑", "违章建筑", "大面积"),
    ("多少张病床", "病床", None),
])
def test_question_words_are_cut_out_before_segmenting(question, kept, not_kept):
    from rag.key_terms import _terms_for

    class Index:
        def idf(self, w):
            return 2.0

    tokens = [t.token for t in _terms_for(question, Index(), 1.0)]
    assert kept in tokens and (not_kept is None or not_kept not in tokens)


class _EveryWordUsed:
    def idf(self, w):
        return 2.0


@pytest.mark.parametrize("question, token, weight, alternative", [
    # a linking word marks a part of the previous topic, and weighs little
    ("其中出口呢？", "其中", 0.3, None),
    ("其中出口呢？", "出口", 2.0, None),
    # a number the reports know by other words is a term
    ("打12345反映问题，有多大比例解决了？", "12345", 2.0, "服务热线"),
    # a share asked in words is what the reports write as the verb's rate
    ("打12345反映问题，有多大比例解决了？", "解决", 2.0, "解决率"),
    ("财政赤字占经济总量的比例定在多少", "财政赤字", 2.0, "赤字率"),
    ("财政赤字是多少", "财政赤字", 2.0, None),
])
def test_key_terms_read_from_the_question(question, token, weight, alternative):
    from rag.key_terms import _terms_for

    terms = {t.token: t for t in _terms_for(question, _EveryWordUsed(), 1.0)}
    assert terms[token].weight == weight
    if alternative:
        assert alternative in terms[token].alternatives
    else:
        assert not any(a.endswith("率") for a in terms[token].alternatives)


@pytest.mark.parametrize("question, filler", [("有多大比例真正给解决了", "真正"), ("到底究竟涨了多少", "究竟")])
def test_a_spoken_intensifier_is_no_term(question, filler):
    from rag.key_terms import _terms_for

    assert filler not in [t.token for t in _terms_for(question, _EveryWordUsed(), 1.0)]


@pytest.mark.parametrize("question, text, shared", [
    # the report's term written as the question writes it, against its older name matched by synonyms
    ("地方一般公共预算收入各是多少", "地方一般公共预算收入3538.4亿元、增长6.2%", 10),
    ("地方一般公共预算收入各是多少", "辖区公共财政收入9102.4亿元、增长5.5%", 4),
    # runs of two or more characters, each counted once
    ("2023年上海市地区生产总值是多少？", "2023年上海市实现地区生产总值47218.66亿元", 10),
    ("2023年上海市地区生产总值是多少？", "2023年，北京市地区生产总值为43760.7亿元", 7),
    # a run starting inside a coordinate compound repeats another word (出口 in 进出口)
    ("全国出口增长了多少", "进出口增长14.2%", 0),
    ("全国出口增长了多少", "出口增长10.8%", 4),
    ("没有共同的字", "完全不同", 0),
])
def test_shared_wording(question, text, shared):
    from rag.text.tokens import shared_wording

    assert shared_wording(question, text) == shared


@pytest.mark.parametrize("question, token, also", [
    ("各自提出要坚持和发展什么经验或工作法", "经验", "工作法"),   # the word after 或 is an alternative
    ("镇里的公园或者广场有多少个", "公园", "广场"),
])
def test_words_joined_by_or_are_alternatives(question, token, also):
    from rag.key_terms import _terms_for

    class Index:
        def idf(self, w):
            return 2.0

    terms = {t.token: t for t in _terms_for(question, Index(), 1.0)}
    assert also in terms[token].alternatives


@pytest.mark.parametrize("question, key, found", [
    ("山西规模以上煤矿一共挖出了多少煤？", "挖煤", True),    # verb and object apart: aspect, result, question word
    ("四川一共卖出的猪有多少头？", "卖猪", True),
    ("宁夏一共住着多少人？", "住人", True),
    ("挖掘机械产值增长了多少？挖了一个煤坑", "挖煤", False),  # other words between: not the phrase
    ("帮企业减了多少负担？", "减负", False),                   # 负 begins a word of its own (负担)
])
def test_a_spoken_verb_and_object_found_apart(question, key, found):
    from rag.text.lexicon import synonyms_in

    assert (key in dict(synonyms_in(question))) is found


def test_an_everyday_phrase_cut_in_fragments_is_one_term():
    from rag.key_terms import _terms_for

    class Index:
        def idf(self, w):
            return 2.0

    tokens = [t.token for t in _terms_for("一年交的税总共各有多少", Index(), 1.0)]
    assert "交" not in tokens and "税" not in tokens
    assert [t for t in tokens if "交" in t and "税" in t]


def test_money_asked_is_no_object_of_the_verb():
    from rag.text.lexicon import synonyms_in

    assert "花钱" not in dict(synonyms_in("大家在网上买东西一共花了多少钱？"))


@pytest.mark.parametrize("question, kept, dropped", [
    # how far apart the compared sides are is asked of the figures found, no topic word
    ("北京和天津的人均预期寿命差距有多大？", "寿命", "差距"),
    ("两地GDP相差多少？", "gdp", "相差"),
    # ... while a gap that is the topic stays ("城乡收入差距缩小到多少")
    ("城乡收入差距缩小到多少？", "差距", None),
])
def test_the_gap_between_sides_is_no_topic_word(question, kept, dropped):
    from rag.key_terms import _terms_for

    tokens = [t.token for t in _terms_for(question, _EveryWordUsed(), 1.0)]
    assert any(kept in t for t in tokens) and (dropped is None or dropped not in tokens)
