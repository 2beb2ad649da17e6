"""eval/metrics.py: every metric on hand-worked examples (Chinese numbers and units included)."""

from __future__ import annotations

import pytest

from eval import metrics as M

# ------------------------------------------------------------------ folding and numbers


def test_fold_text_normalises_width_separators_and_punctuation():
    assert M.fold_text("全年救助１，０３４户。") == "全年救助1034户"
    assert M.fold_text("增长６．４％，") == "增长6.4%"
    assert M.fold_text("“慈善一日捐”活动") == "慈善一日捐活动"
    # a decimal point is not a separator: 1.5 stays different from 15
    assert M.fold_text("1.5亿") != M.fold_text("15亿")
    assert M.fold_text("35,600") == "35600"
    assert M.fold_text("增长6.4%,全年") == "增长6.4%全年"


def test_canonical_numbers_compares_values_across_units_and_scripts():
    same = M.canonical_numbers
    assert same("297.6亿元") == same("2976000万元") == same("29760000000元")
    assert same("百分之六") == same("6%") == same("６％")
    assert same("9.0%") == same("9%")
    assert same("1,034人") == same("1034人")
    assert same("三个") == same("3个")
    assert same("第十三位") == same("第13位")
    assert same("两万元") == same("20000元")
    assert same("三点五亿元") == same("3.5亿元")
    assert same("4家") != same("40家")
    assert same("6.5%") != same("6%")


@pytest.mark.parametrize("answer, term, expected", [
    ("全镇实现工业产值2976000万元[1]", "297.6亿元", True),
    ("同比增长6%", "百分之六", True),
    ("增长百分之六", "6%", True),
    ("全年救助1034户", "1,034户", True),
    ("新增高新技术企业40家", "4家", False),  # 4 is not 40
    ("新认定高新技术企业4家", "4家", True),
    ("地区生产总值增长不低于5.5%,力争超6%", "不低于5.5%", True),
    ("增长6%", "6.5%", False),
    ("排名从115名上升至113名", "113名", True),
    ("排名全国第十三位", "第13位", True),
    ("推进城市品质现代化", "城市品质", True),
    ("推进城市现代化", "城市品质", False),
    ("获评“桐城好人”", "桐城好人", True),
])
def test_includes_term(answer, term, expected):
    assert M.includes_term(answer, term) is expected


def test_must_include_score_is_the_share_of_terms_present():
    answer = "服务业增加值68.9亿元[1]"
    assert M.must_include_score(answer, ["68.9亿元", "6.14%"]) == 0.5
    assert M.must_include_score(answer + "，同比增长百分之6.14", ["68.9亿元", "6.14%"]) == 1.0
    assert M.must_include_score(answer, []) is None


def test_answer_numbers_skip_marks_ordinals_and_years():
    text = "1. 2019年实现工业产值297.6亿元[1]\n2. 同比增长6.4%[2]"
    assert M.answer_numbers(text) == {M.canonical_numbers("297.6亿"), M.canonical_numbers("6.4%")}


# ------------------------------------------------------------------ retrieval


def test_hit_and_mrr_at_k():
    ranked = [False, False, True, False]
    assert M.hit_at_k(ranked, 2) == 0.0
    assert M.hit_at_k(ranked, 3) == 1.0
    assert M.mrr_at_k(ranked, 3) == pytest.approx(1 / 3)
    assert M.mrr_at_k(ranked, 2) == 0.0
    assert M.mrr_at_k([True, True], 5) == 1.0
    assert M.hit_at_k([], 5) == 0.0 and M.mrr_at_k([], 5) == 0.0


def test_passage_relevance_normalises_cleaned_passages_and_raw_evidence():
    # the store holds cleaned text (full-width comma here), the dataset quotes the raw file (ASCII comma)
    passages = [("a.txt", "(一)经济。全镇实现工业产值２９７．６亿元，同比增长6.4%。"),
                ("b.txt", "全镇实现工业产值297.6亿元,同比增长6.4%"),
                ("a.txt", "无关的段落")]
    sources = [("a.txt", "全镇实现工业产值297.6亿元,同比增长6.4%")]
    assert M.passage_relevance(passages, sources) == [True, False, False]  # b.txt is another report
    assert M.passage_relevance(passages, [("", "同比增长6.4%")]) == [True, True, False]


def test_source_recall_of_a_comparison():
    passages = [("a.txt", "拆除违章建筑51.7万平方"), ("c.txt", "别的内容")]
    sources = [("a.txt", "拆除违章建筑51.7万平方"), ("b.txt", "拆除违章建筑28.7万平方米")]
    assert M.source_recall(passages, sources) == 0.5
    assert M.source_recall(passages + [("b.txt", "全年拆除违章建筑28.7万平方米。")], sources) == 1.0
    assert M.source_recall(passages, []) is None


# ------------------------------------------------------------------ answer overlap


def test_lcs_length_hand_worked():
    assert M.lcs_length(["杜桥镇", "工业", "产值", "增长"], ["杜桥镇", "产值", "增长", "明显"]) == 3
    assert M.lcs_length([], ["a"]) == 0


def test_token_f1_and_rouge_l():
    gold = "杜桥镇工业产值297.6亿元"
    assert M.token_f1(gold, gold) == 1.0
    assert M.rouge_l(gold, gold) == 1.0
    # the same figure written in another unit is the same token
    assert M.token_f1("2976000万元", "297.6亿元") == 1.0
    assert M.token_f1("报告中未提及", "工业产值297.6亿元") == 0.0
    # a partial answer: recall < 1, precision 1
    tokens_gold = M._tokens("杜桥镇工业产值297.6亿元")
    tokens_ans = M._tokens("工业产值297.6亿元")
    p, r = 1.0, len(tokens_ans) / len(tokens_gold)
    assert set(tokens_ans) <= set(tokens_gold) and r < 1
    assert M.token_f1("工业产值297.6亿元", gold) == pytest.approx(2 * p * r / (p + r))
    assert M.rouge_l("工业产值297.6亿元", gold) == pytest.approx(2 * p * r / (p + r))
    # citation marks do not count
    assert M.token_f1("杜桥镇工业产值297.6亿元[1]", gold) == 1.0


# ------------------------------------------------------------------ citations and faithfulness


def test_citation_precision_counts_evidence_or_a_supported_figure():
    answer = "工业产值297.6亿元[1]；增长6.4%[2]"
    cited = [("a.txt", "全镇实现工业产值2976000万元"), ("a.txt", "加强党的建设")]
    assert M.citation_precision(answer, cited, []) == 0.5
    assert M.citation_precision(answer, cited, [("a.txt", "加强党的建设")]) == 1.0
    assert M.citation_precision(answer, [], []) is None


def test_citation_recall_is_the_share_of_gold_sources_cited():
    cited = [("a.txt", "全年拆除违章建筑51.7万平方，完成")]
    sources = [("a.txt", "拆除违章建筑51.7万平方"), ("b.txt", "拆除违章建筑28.7万平方米")]
    assert M.citation_recall(cited, sources) == 0.5
    assert M.citation_recall([], sources) == 0.0
    assert M.citation_recall(cited, []) is None


def test_number_faithfulness():
    answer = "工业产值297.6亿元，同比增长6.4%[1]"
    assert M.number_faithfulness(answer, ["全镇实现工业产值2976000万元"]) == 0.5
    assert M.number_faithfulness(answer, ["工业产值297.6亿元", "同比增长百分之6.4"]) == 1.0
    # a year from the report's metadata is not a figure of the answer
    assert M.number_faithfulness("2019年工业产值297.6亿元[1]", ["工业产值297.6亿元"]) == 1.0
    assert M.number_faithfulness("报告中未提及。", ["x"]) is None


# ------------------------------------------------------------------ refusal and accuracy


def test_answer_correct():
    kw = dict(answer="工业产值297.6亿元，增长6.4%", must_include=["297.6亿元", "6.4%"])
    assert M.answer_correct(refused=False, expects_refusal=False, **kw) == 1.0
    assert M.answer_correct(refused=True, expects_refusal=False, **kw) == 0.0
    assert M.answer_correct(refused=False, expects_refusal=False, answer="工业产值297.6亿元",
                            must_include=["297.6亿元", "6.4%"]) == 0.0
    assert M.answer_correct(refused=True, expects_refusal=True, answer="报告中未提及", must_include=[]) == 1.0
    assert M.answer_correct(refused=False, expects_refusal=True, answer="123亿元", must_include=[]) == 0.0
    assert M.refusal_rate([True, False, True, True]) == 0.75
    assert M.refusal_rate([]) is None


def test_split_statements_on_chinese_punctuation():
    text = "杜桥镇：工业产值297.6亿元[1]；同比增长6.4%。是否达标？是！\n2. 另一条"
    assert M.split_statements(text) == ["杜桥镇：工业产值297.6亿元；", "同比增长6.4%。", "是否达标？", "是！", "2. 另一条"]
    assert M.split_statements("。；") == []


def test_percentile_and_mean():
    assert M.percentile([4, 1, 3, 2], 50) == 2.5
    assert M.percentile([1, 2, 3, 4], 95) == pytest.approx(3.85)
    assert M.percentile([5], 95) == 5
    assert M.percentile([], 50) is None
    assert M.mean([1.0, None, 0.0]) == 0.5
    assert M.mean([None]) is None


def test_list_numbering_is_not_a_figure():
    from eval.metrics import includes_term

    answer = "主要预期目标是[1]：\n4. 公共财政预算收入增长7.4%左右[1]\n5. 万元GDP能耗下降4.25%左右[1]"
    assert includes_term(answer, "万元GDP能耗下降4.25%左右")
    assert not includes_term(answer, "5万元")
