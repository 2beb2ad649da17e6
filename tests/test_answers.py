"""Cited answers on the seeded index: facts, comparisons, follow-ups, refusals, citation checks."""

from __future__ import annotations

import json
import re

from rag.chat import Conversation
from rag.cite import validate_answer
from rag.types import Passage


def _figures(text: str) -> set[str]:
    return set(re.findall(r"\d+(?:\.\d+)?", text))


def test_fact_answer_is_cited_to_the_exact_span(service):
    answer = service.ask("杜桥镇2019年工业产值是多少？")
    assert not answer.refused
    assert "297.6亿元" in answer.answer
    assert re.search(r"\[1\]", answer.answer)
    cite = answer.citations[0]
    assert cite.town == "杜桥镇" and cite.file.startswith("004")
    doc_text = service.store.get_doc_text(cite.doc_id)
    assert doc_text[cite.span_start: cite.span_end] == cite.quote
    assert "297.6亿元" in cite.quote
    assert cite.start <= cite.span_start < cite.span_end <= cite.end
    assert doc_text[cite.start: cite.end] == cite.text


def test_every_number_in_an_answer_is_in_its_cited_span(service):
    for q in ("道滘镇2023年地区生产总值增长目标是多少？", "大关镇全镇安装了多少个视频监控探头？",
              "提到京东区域总部的那个镇，去年地区生产总值是多少？"):
        answer = service.ask(q)
        assert not answer.refused, q
        cited = "".join(c.quote for c in answer.citations)
        body = re.sub(r"\[\d+\]|【[^】]*】", "", answer.answer)
        assert _figures(body) <= _figures(cited), (q, answer.answer)


def test_comparison_with_one_side_missing(service):
    answer = service.ask("杜桥镇和道滘镇的社会消费品零售总额各是多少？")
    assert not answer.refused
    rows = {r.side: r for r in answer.comparison}
    assert set(rows) == {"杜桥镇", "道滘镇"}
    assert "63.8亿元" in rows["杜桥镇"].answer and rows["杜桥镇"].citations
    # 道滘's report only states a growth target for this indicator, not the reviewed figure
    assert "63.8" not in rows["道滘镇"].answer
    lines = answer.answer.splitlines()
    assert any(line.startswith("【杜桥镇】") for line in lines)
    assert any(line.startswith("【道滘镇】") for line in lines)


def test_comparison_side_without_evidence_says_not_mentioned(service):
    answer = service.ask("杜桥镇和大关镇的空气质量优良率分别是多少？")
    rows = {r.side: r.answer for r in answer.comparison}
    assert answer.refused or all(v == "报告中未提及" for v in rows.values())
    assert "报告中未提及" in answer.answer


def test_followup_resolved_from_previous_turn(service):
    conv = Conversation()
    first = service.ask("杜桥镇2019年社会消费品零售总额是多少？", conv)
    assert "63.8亿元" in first.answer
    second = service.ask("同比增长多少？", conv)
    assert not second.refused
    assert "8.87%" in second.answer
    assert all(c.town == "杜桥镇" for c in second.citations)
    third = service.ask("那工业产值呢？", conv)
    assert "297.6亿元" in third.answer


def test_followup_switches_town_keeps_question(service):
    conv = Conversation()
    service.ask("大关镇安装了多少个视频监控探头？", conv)
    answer = service.ask("杜桥镇呢？", conv)
    # the question carries over; 杜桥's report never mentions video cameras, so no substitution
    assert all(c.town == "杜桥镇" for c in answer.citations)
    assert "670" not in answer.answer


def test_unknown_town_is_refused(service):
    answer = service.ask("青石镇2019年的地区生产总值是多少？")
    assert answer.refused
    assert answer.answer.startswith("报告中未提及")
    assert "青石镇" in answer.answer
    assert not answer.citations


def test_masked_figure_is_refused(service):
    answer = service.ask("那份数字都打成xx的乡镇工作总结里，全年财政总收入是多少？")
    assert answer.refused
    assert "报告中未提及" in answer.answer


def test_year_not_covered_is_refused_not_substituted(service):
    answer = service.ask("杜桥镇2023年工业产值是多少？")
    assert answer.refused
    assert "297.6" not in answer.answer


def test_reviewed_year_never_answered_with_a_target(service):
    # 杜桥's report gives a GDP growth *target* for 2020 but no 2019 GDP figure
    answer = service.ask("杜桥镇2019年GDP是多少？")
    assert answer.refused
    assert "6.5%" not in answer.answer.split("相关内容")[0]


def test_number_not_in_cited_passage_is_caught():
    passage = Passage(chunk_id="c1", doc_id="d", file="f.txt", title="t", town="某镇", region="", year=2020,
                      section="", text="全镇实现工业产值297.6亿元,同比增长6.4%。", start=0, end=24, chunk_index=0)
    other = Passage(chunk_id="c2", doc_id="d", file="f.txt", title="t", town="某镇", region="", year=2020,
                    section="", text="财政总收入47.8亿元。", start=30, end=42, chunk_index=1)
    # wrong number: dropped
    text, report = validate_answer("工业产值为300亿元[1]。", {1: passage, 2: other})
    assert "300" not in text and report.dropped
    # right number, wrong citation: re-cited
    text, report = validate_answer("财政总收入47.8亿元[1]。", {1: passage, 2: other})
    assert "[2]" in text and report.recited
    # a citation to a passage that was never given: mark removed
    text, report = validate_answer("工业产值297.6亿元[7]。", {1: passage})
    assert "[7]" not in text and report.bad_marks == [7]
    # units and widths normalised: 2976000万元 == 297.6亿元
    text, report = validate_answer("工业产值２９７６０００万元[1]。", {1: passage})
    assert report.ok and "[1]" in text


def test_cli_ask_json_contract(seeded_settings, capsys, monkeypatch):
    from cli import main

    monkeypatch.setenv("GOVQA_DATA_DIR", str(seeded_settings.store.data_dir))
    monkeypatch.setenv("GOVQA_EMBED_CACHE", str(seeded_settings.cache_dir))
    assert main(["ask", "--json", "杜桥镇2019年工业产值是多少？", "其中镇本级是多少？"]) == 0
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines() if x.strip()]
    assert len(lines) == 2
    for obj in lines:
        assert {"question", "answer", "refused", "citations", "backend", "timings_ms"} <= set(obj)
        assert obj["backend"] == "extractive"
        assert {"retrieve", "answer"} <= set(obj["timings_ms"])
        for c in obj["citations"]:
            assert {"n", "doc_id", "file", "title", "town", "year", "section", "text", "start", "end"} <= set(c)
    assert "109.7亿元" in lines[1]["answer"]


def test_questions_about_the_report_itself(service):
    region = service.ask("道滘镇属于哪个城市？")
    assert not region.refused and "东莞" in region.answer
    assert "东莞" in region.citations[0].quote
    period = service.ask("提到京东区域总部的那个镇，这份报告回顾的是哪一年？")
    assert not period.refused and "2019" in period.answer
    # the reviewed year is inferred from the anniversary the cited sentence names
    assert "70周年" in period.citations[0].quote


def test_work_priorities_answered_with_the_reports_own_headings(service):
    answer = service.ask("大关镇2023年的重点工作有哪些？")
    assert not answer.refused
    lines = [x for x in answer.answer.splitlines() if re.match(r"^\d+\. ", x)]
    assert len(lines) >= 3
    doc = service.store.get_doc_text(answer.citations[0].doc_id)
    meta = next(m for m in service.catalogue() if m.doc_id == answer.citations[0].doc_id)
    # every cited heading belongs to the part of the report that plans the year ahead
    for c in answer.citations:
        assert c.span_start >= meta.plan_start
        assert doc[c.span_start: c.span_end] == c.quote
        assert re.match(r"^[（(][一二三四五六七八九十]+[)）]", c.quote)


def test_unknown_town_named_with_an_ordinary_word_is_not_substituted(service):
    # "山河" is an ordinary noun; the question names a town the corpus does not have
    answer = service.ask("山河镇的固定资产投资是多少？")
    assert answer.refused and "山河镇" in answer.answer
    assert not answer.citations


def test_a_question_asking_two_things_answers_each_and_says_which_the_report_does_not(service):
    both = service.ask("杜桥镇2019年的工业产值是多少？规上产值多少？")
    assert not both.refused and "297.6亿元" in both.answer and "196.05亿元" in both.answer
    assert len(both.citations) == 2
    one = service.ask("杜桥镇2019年的工业产值是多少？航天发射多少次？")
    assert not one.refused and "297.6亿元" in one.answer
    assert "“航天发射多少次”：报告中未提及" in one.answer
