"""The report-level dev set: its schema, the tune/check builder, per-split/per-level summaries,
the distractor metric, and `govqa ask --batch`."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from eval import run as eval_run
from eval.dataset import check_row, load_dataset, validate_dataset
from eval.metrics import distractor_answered
from eval.runner import resolve_docs_dirs
from eval.splits import build_report_set, split_of

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
DATASETS = ROOT / "eval" / "datasets"
REPORTS_DEV = DATASETS / "reports_dev.jsonl"
DEV = DATASETS / "dev.jsonl"

sys.path.insert(0, str(Path(__file__).parent))
from cli_util import run_cli  # noqa: E402


def _rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _write(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


# ------------------------------------------------------------------ schema: accepted and rejected rows

FACT = {"id": "r1", "type": "fact", "question": "杜桥镇2019年新增小微企业多少家？", "answer": "1034家。",
        "must_include": ["1034家"], "sources": [{"file": "004_11da55a498f1e884.txt", "evidence": "小微企业1034家"}],
        "level": "township", "entity": "杜桥镇", "report_year": 2020, "paraphrased": False}
UNANSWERABLE = {"id": "r2", "type": "unanswerable", "question": "问？", "answer": "报告中未提及。", "must_include": [],
                "sources": [], "level": "city", "entity": "深圳市", "report_year": 2019, "paraphrased": True,
                "distractor": {"file": "a.txt", "evidence": "增长8.7%", "note": "另一年份"}}
CONVERSATION = {"id": "r3", "type": "conversation", "turns": ["第一问？", "那第二问呢？"], "answer": "答",
                "must_include": ["答"], "sources": [], "level": "county", "entity": "福田区", "report_year": 2019,
                "paraphrased": False}
TARGET = {"id": "r4", "type": "target_vs_actual", "question": "目标多少？实际多少？", "answer": "目标7%，实际6.7%。",
          "must_include": ["7%", "6.7%"], "sources": [], "level": "city", "entity": "深圳市",
          "report_year": [2019, 2020], "paraphrased": False}

GOOD = [
    ("fact with every report field", FACT),
    ("unanswerable with a distractor", UNANSWERABLE),
    ("distractor without a note", dict(UNANSWERABLE, distractor={"file": "a.txt", "evidence": "增长8.7%"})),
    ("conversation without question", CONVERSATION),
    ("conversation whose question is its last turn", dict(CONVERSATION, question="那第二问呢？")),
    ("target_vs_actual over two years", TARGET),
    ("entity list", dict(FACT, entity=["河南省", "湖北省"])),
    ("entity joined with 、", dict(FACT, entity="福田区、光明区")),
    ("anonymised report: empty entity", dict(FACT, entity="")),
    ("with a split", dict(FACT, split="check")),
    ("old schema, no report fields", {k: v for k, v in FACT.items()
                                      if k not in ("level", "entity", "report_year", "paraphrased")}),
]

BAD = [  # (what is wrong, row, a word the message must name)
    ("unknown level", dict(FACT, level="village"), "level"),
    ("paraphrased not a bool", dict(FACT, paraphrased="yes"), "paraphrased"),
    ("paraphrased as 0/1", dict(FACT, paraphrased=1), "paraphrased"),
    ("report_year as a string", dict(FACT, report_year="2020"), "report_year"),
    ("report_year out of range", dict(FACT, report_year=20), "report_year"),
    ("report_year empty list", dict(FACT, report_year=[]), "report_year"),
    ("entity a number", dict(FACT, entity=3), "entity"),
    ("entity list with an empty name", dict(FACT, entity=["河南省", ""]), "entity"),
    ("unknown split", dict(FACT, split="train"), "split"),
    ("distractor without evidence", dict(UNANSWERABLE, distractor={"file": "a.txt"}), "distractor"),
    ("distractor with an empty file", dict(UNANSWERABLE, distractor={"file": " ", "evidence": "x"}), "distractor"),
    ("distractor with an unknown key", dict(UNANSWERABLE, distractor={"file": "a", "evidence": "x", "page": 3}),
     "distractor"),
    ("distractor not an object", dict(UNANSWERABLE, distractor="a.txt"), "distractor"),
    ("distractor on an answerable item", dict(FACT, distractor={"file": "a.txt", "evidence": "x"}), "distractor"),
    ("target_vs_actual without must_include", dict(TARGET, must_include=[]), "must_include"),
    ("unknown type", dict(FACT, type="target_vs_plan"), "type"),
    ("conversation without turns", {k: v for k, v in CONVERSATION.items() if k != "turns"}, "turns"),
    ("conversation with one turn", dict(CONVERSATION, turns=["只有一问？"]), "turns"),
    ("conversation question is not its last turn", dict(CONVERSATION, question="别的问题？"), "question"),
    ("fact without question", {k: v for k, v in FACT.items() if k != "question"}, "question"),
    ("unknown field", dict(FACT, levels="city"), "levels"),
]


@pytest.mark.parametrize("name,row", GOOD, ids=[g[0] for g in GOOD])
def test_schema_accepts(name, row):
    assert check_row(row, "第1行") == []


@pytest.mark.parametrize("name,row,field", BAD, ids=[b[0] for b in BAD])
def test_schema_rejects_naming_the_field(name, row, field):
    problems = check_row(row, "第1行")
    assert problems, name
    assert any(field in p for p in problems), problems


def test_loaded_items_carry_the_report_fields(tmp_path):
    path = _write(tmp_path / "d.jsonl", [FACT, UNANSWERABLE, CONVERSATION, dict(TARGET, entity=["深圳市", "广东省"])])
    items = {it.id: it for it in load_dataset(path)}
    conv = items["r3"]
    assert conv.question == "那第二问呢？" and conv.all_turns == ["第一问？", "那第二问呢？"]
    assert items["r2"].distractor.evidence == "增长8.7%" and items["r2"].files == ["a.txt"]
    assert items["r4"].report_year == (2019, 2020) and items["r4"].entities == ("深圳市", "广东省")
    assert items["r1"].level == "township" and items["r1"].paraphrased is False
    # to_dict round-trips through the schema
    assert all(check_row(it.to_dict(), it.id) == [] for it in items.values())


def test_validate_checks_distractor_evidence_verbatim(tmp_path, capsys):
    seed = SEEDS / "004_11da55a498f1e884.txt"
    raw = seed.read_text(encoding="utf-8")
    assert "小微企业1034家" in raw
    good = dict(UNANSWERABLE, distractor={"file": seed.name, "evidence": "小微企业1034家"})
    bad = dict(UNANSWERABLE, id="r9", distractor={"file": seed.name, "evidence": "这句话不在报告里"})
    missing = dict(UNANSWERABLE, id="r10", distractor={"file": "no_such_report.txt", "evidence": "x"})
    path = _write(tmp_path / "d.jsonl", [FACT, good, bad, missing])
    _, problems = validate_dataset(path, [SEEDS])
    assert len(problems) == 2
    assert any(p.startswith("r9: distractor 的证据不是") for p in problems)
    assert any("r10" in p and "no_such_report.txt" in p for p in problems)
    # several files at once through the CLI; ids must be unique across them
    other = _write(tmp_path / "e.jsonl", [FACT])
    clean = _write(tmp_path / "c.jsonl", [good])
    assert eval_run.main(["validate", str(clean), str(other), "--docs", str(SEEDS)]) == 0
    assert capsys.readouterr().out.count("通过") == 2
    assert eval_run.main(["validate", str(other), str(_write(tmp_path / "f.jsonl", [FACT])),
                          "--docs", str(SEEDS)]) == 1
    assert "r1: id 与" in capsys.readouterr().out


# ------------------------------------------------------------------ the builder: split by report

SPLIT = {"tune": ["t1.txt", "t2.txt"], "check": ["c1.txt"]}


def _src(*files: str) -> list[dict]:
    return [{"file": f, "evidence": "证据"} for f in files]


def test_split_of_an_item_is_the_half_of_all_its_files():
    halves = {f: h for h, fs in SPLIT.items() for f in fs}
    assert split_of(dict(FACT, sources=_src("t1.txt", "t2.txt")), halves) == ("tune", None)
    assert split_of(dict(UNANSWERABLE, distractor={"file": "c1.txt", "evidence": "x"}), halves) == ("check", None)
    half, reason = split_of(dict(FACT, sources=_src("t1.txt", "c1.txt")), halves)
    assert half is None and "两半" in reason and "c1.txt → check" in reason
    # a distractor in the other half than the sources mixes halves too
    _, reason = split_of(dict(UNANSWERABLE, sources=_src("t1.txt"), distractor={"file": "c1.txt", "evidence": "x"}),
                         halves)
    assert "两半" in reason
    _, reason = split_of(dict(FACT, sources=_src("elsewhere.txt")), halves)
    assert "elsewhere.txt" in reason and "split.json" in reason
    _, reason = split_of(dict(FACT, sources=[]), halves)
    assert reason


def test_builder_merges_parts_sorted_with_split_and_rejects_mixed_items(tmp_path, capsys):
    sys.path.insert(0, str(DATASETS))
    import build_reports_dev

    parts = tmp_path / "parts"
    parts.mkdir()
    split = tmp_path / "split.json"
    split.write_text(json.dumps(SPLIT), encoding="utf-8")
    _write(parts / "b.jsonl", [dict(FACT, id="b2", sources=_src("c1.txt")), dict(FACT, id="a9", sources=_src("t2.txt"))])
    _write(parts / "a.jsonl", [dict(FACT, id="b1", sources=_src("t1.txt")),
                               dict(UNANSWERABLE, id="a1", distractor={"file": "c1.txt", "evidence": "x"})])
    out = tmp_path / "built.jsonl"
    assert build_reports_dev.main(["--parts", str(parts), "--split", str(split), "--out", str(out),
                                   "--no-evidence"]) == 0
    rows = _rows(out)
    assert [(r["id"], r["split"]) for r in rows] == [("a1", "check"), ("a9", "tune"), ("b1", "tune"), ("b2", "check")]
    assert list(rows[0])[:3] == ["id", "type", "split"]
    printed = capsys.readouterr().out
    assert "| tune | township |" in printed and "| 全部 | 全部 |" in printed and "改写问法" in printed

    # one mixed-half item (and one duplicate id): nothing is written, each problem is named
    _write(parts / "c.jsonl", [dict(FACT, id="m1", sources=_src("t1.txt", "c1.txt")), dict(FACT, id="b1")])
    out2 = tmp_path / "built2.jsonl"
    assert build_reports_dev.main(["--parts", str(parts), "--split", str(split), "--out", str(out2),
                                   "--no-evidence"]) == 1
    err = capsys.readouterr().err
    assert "m1" in err and "两半" in err and "b1" in err and "重复" in err
    assert not out2.exists()


def test_committed_reports_dev_is_the_build_of_its_parts():
    rows, problems = build_report_set(sorted((DATASETS / "parts").glob("*.jsonl")), DATASETS / "split.json")
    assert problems == []
    assert _rows(REPORTS_DEV) == rows
    assert {r["split"] for r in rows} == {"tune", "check"}
    assert [r["id"] for r in rows] == sorted(r["id"] for r in rows)
    # questions added later (extra_tune_*.jsonl, written blind) are over tune reports only: check never changes
    assert len(rows) == 1608 and sum(r["split"] == "check" for r in rows) == 151


@pytest.mark.parametrize("name, items, check", [("news", 132, 36), ("news2", 119, 36), ("news3", 60, 18),
                                                 ("news4", 96, 0), ("towns", 432, 216)])
def test_committed_news_dev_sets_are_the_build_of_their_parts_and_verbatim(name, items, check):
    # questions added later (extra_tune_*.jsonl, written blind) are over tune items only: check never changes;
    # news4 (two batches) was read after each one blind run: all of it is tune; towns was split by report
    # before its one blind run, and only its tune half was read
    rows, problems = build_report_set(sorted((DATASETS / f"{name}_parts").glob("*.jsonl")),
                                      DATASETS / f"{name}_split.json")
    assert problems == []
    assert _rows(DATASETS / f"{name}_dev.jsonl") == rows
    assert {r["split"] for r in rows} == ({"tune", "check"} if check else {"tune"})
    assert sum(r["split"] == "check" for r in rows) == check
    got, problems = validate_dataset(DATASETS / f"{name}_dev.jsonl", docs_dirs=[DATASETS / name])
    assert problems == [] and len(got) == items


def test_committed_paraphrase_set_is_the_build_of_its_parts_split_by_report():
    # the blind paraphrase set is over the corpus reports: split by the report set's split.json
    rows, problems = build_report_set(sorted((DATASETS / "para_parts").glob("*.jsonl")), DATASETS / "split.json")
    assert problems == []
    assert _rows(DATASETS / "para_dev.jsonl") == rows and len(rows) == 80
    assert {r["split"] for r in rows} == {"tune", "check"} and all(r["paraphrased"] for r in rows)


def test_committed_list_and_comparison_set_is_the_build_of_its_parts_split_by_report():
    # written blind over the corpus and seed reports: split by the report set's split.json, the
    # helpers' own split label agreeing with it
    parts = sorted((DATASETS / "lc_parts").glob("*.jsonl"))
    rows, problems = build_report_set(parts, DATASETS / "split.json")
    assert problems == []
    assert _rows(DATASETS / "lc_dev.jsonl") == rows and len(rows) == 152
    assert {r["type"] for r in rows} == {"list", "comparison"}
    written = {r["id"]: r["split"] for p in parts for r in _rows(p)}
    assert all(written[r["id"]] == r["split"] for r in rows)


def test_held_out_seed_questions_are_valid_and_verbatim():
    items, problems = validate_dataset(DATASETS / "seeds_blind.jsonl", docs_dirs=[DATASETS.parent.parent / "seeds"])
    assert problems == [] and len(items) == 30


# ------------------------------------------------------------------ the distractor metric


def test_distractor_answered_compares_figures_by_value():
    evidence = "居民人均可支配收入达6.49万元，五年年均增长7.8%"
    assert distractor_answered("2020年人均可支配收入为64900元[1]。", evidence) == 1.0
    assert distractor_answered("报告中未提及2018年的金额；只说增长7.8%。", evidence) == 1.0  # refusal text counts
    assert distractor_answered("报告中未提及2018年深圳人均可支配收入的金额。", evidence) == 0.0
    assert distractor_answered("任何回答", "切实为社区减负") is None  # no figures to give away
    assert distractor_answered("2019年的报告……", "2019年增长8.7%") == 0.0  # a calendar year is not a figure


# ------------------------------------------------------------------ per-split / per-level summary over the seeds

TINY_IDS = ["twn001", "twn016", "twn037", "twn040", "twn043", "twn048", "twn051", "twn054"]


@pytest.fixture(scope="module")
def tiny_dataset(tmp_path_factory) -> Path:
    """Report-dev items over the seeds only, both halves; conversations without "question"; one
    item relabelled "county" so a split has two levels."""
    by_id = {r["id"]: r for r in _rows(REPORTS_DEV)}
    rows = []
    for i in TINY_IDS:
        r = dict(by_id[i])
        if r["type"] == "conversation":
            r.pop("question", None)
        if i == "twn016":
            r["level"] = "county"
        rows.append(r)
    return _write(tmp_path_factory.mktemp("tiny") / "tiny.jsonl", rows)


@pytest.fixture(scope="module")
def tiny_run(seeded_settings, tiny_dataset, tmp_path_factory):
    out = tmp_path_factory.mktemp("tiny-out")
    code = eval_run.main([str(tiny_dataset), "--split", "all", "--docs", str(SEEDS), "--out", str(out),
                          "--quiet", "--no-judge"], settings=seeded_settings)
    return code, out


def test_summary_per_split_level_and_type(tiny_run, capsys):
    code, out = tiny_run
    assert code == 0
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert results["split"] == "all" and results["items"] == len(TINY_IDS)
    assert results["docs_dirs"] == [str(SEEDS)]
    res = results["configs"]["hybrid"]
    assert res["errors"] == 0, [r["error"] for r in res["items"]]
    assert list(res["by_split"]) == ["tune", "check"]
    tune, check = res["by_split"]["tune"], res["by_split"]["check"]
    assert tune["summary"]["n"] == 4 and check["summary"]["n"] == 4
    assert list(check["by_level"]) == ["county", "township"] and check["by_level"]["county"]["n"] == 1
    assert list(tune["by_level"]) == ["township"]
    assert set(tune["by_type"]) == {"fact", "target_vs_actual", "unanswerable", "conversation"}
    assert res["by_level"]["township"]["n"] == 7
    assert res["by_paraphrased"]["paraphrased"]["n"] + res["by_paraphrased"]["literal"]["n"] == len(TINY_IDS)
    items = {r["id"]: r for r in res["items"]}
    # split means are means over the split's items
    acc = [items[i]["metrics"]["answer_accuracy"] for i in items if items[i]["split"] == "check"]
    assert check["summary"]["answer_accuracy"] == pytest.approx(sum(acc) / len(acc), abs=1e-4)
    # target_vs_actual: accurate exactly when every must_include is present (and not refused)
    from eval.metrics import includes_term

    for i in ("twn037", "twn040"):
        r = items[i]
        want = not r["refused"] and all(includes_term(r["answer"], t) for t in r["gold"]["must_include"])
        assert r["metrics"]["answer_accuracy"] == (1.0 if want else 0.0)
    # unanswerable items with a distractor: refusal scored, distractor figures recorded
    for i in ("twn043", "twn048"):
        m = items[i]["metrics"]
        assert m["answer_accuracy"] == m["refusal"] and m["distractor_answered"] in (0.0, 1.0)
        assert items[i]["distractor"]["file"]
    assert tune["summary"]["distractor_answered_n"] == 1 and check["summary"]["distractor_answered_n"] == 1
    # conversations without "question": every turn asked, the last scored
    conv = items["twn054"]
    assert conv["question"] == conv["turns"][-1] and len(conv["earlier_turns"]) == len(conv["turns"]) - 1
    # the markdown summary and the report show the splits and levels
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "按划分与层级" in page and "check（检验）" in page and "县区（county）" in page
    assert "目标与实际（target_vs_actual）" in page


def test_markdown_summary_has_split_tables(tiny_run):
    from eval.report import markdown_summary

    _, out = tiny_run
    md = markdown_summary(json.loads((out / "results.json").read_text(encoding="utf-8")))
    assert "| **tune** | **全部** | 4 |" in md and "| check | county | 1 |" in md
    assert "答出干扰数字" in md and "| target_vs_actual |" in md


def test_one_split_and_a_split_baseline(seeded_settings, tiny_dataset, tmp_path, capsys):
    base = tmp_path / "reports_baseline.json"
    args = [str(tiny_dataset), "--docs", str(SEEDS), "--quiet", "--no-report"]
    assert eval_run.main([*args, "--split", "check", "--write-baseline", "--baseline", str(base),
                          "--out", str(tmp_path / "w")], settings=seeded_settings) == 0
    written = json.loads(base.read_text(encoding="utf-8"))
    assert written["split"] == "check" and written["items"] == 4
    results = json.loads((tmp_path / "w" / "results.json").read_text(encoding="utf-8"))
    assert {r["split"] for r in results["configs"]["hybrid"]["items"]} == {"check"}
    assert list(results["configs"]["hybrid"]["by_split"]) == ["check"]
    assert eval_run.main([*args, "--split", "check", "--check", "--baseline", str(base),
                          "--out", str(tmp_path / "c")], settings=seeded_settings) == 0
    # the other half against this baseline: the gate names the split
    capsys.readouterr()
    assert eval_run.main([*args, "--split", "tune", "--check", "--baseline", str(base),
                          "--out", str(tmp_path / "t")], settings=seeded_settings) == 1
    assert "split=check" in capsys.readouterr().out


def test_split_needs_a_split_dataset(seeded_settings, tmp_path, capsys):
    assert eval_run.main([str(DEV), "--split", "tune", "--out", str(tmp_path), "--quiet"],
                         settings=seeded_settings) == 2
    assert "split" in capsys.readouterr().err


def test_default_docs_keep_the_seed_dev_set_on_the_seeds(seeded_settings):
    items = load_dataset(DEV)
    assert resolve_docs_dirs(items, seeded_settings, None) == [seeded_settings.store.seeds_dir]
    report_items = load_dataset(REPORTS_DEV)
    paths = resolve_docs_dirs(report_items, seeded_settings, None)
    assert paths[-1] == seeded_settings.store.seeds_dir
    corpus = ROOT.parent / "shared" / "corpus"
    files = paths[:-1]  # the corpus's reports, never its SOURCES.md
    assert bool(files) == corpus.is_dir()
    assert all(f.suffix == ".txt" and corpus in f.parents for f in files)
    assert resolve_docs_dirs(items, seeded_settings, ["a", "b"]) == [Path("a"), Path("b")]


# ------------------------------------------------------------------ govqa ask --batch


def test_ask_batch_answers_each_line_and_reports_bad_ones(monkeypatch, capsys, seeded_settings, tmp_path):
    lines = [
        json.dumps("杜桥镇2019年新增小微企业多少家？", ensure_ascii=False),
        json.dumps({"id": "q2", "question": "杜桥镇2019年报废了多少辆变型拖拉机？"}, ensure_ascii=False),
        json.dumps({"id": "c1", "turns": ["杜桥镇2020年计划完成多少家个体户转企业？", "那小升规定了多少家？"]},
                   ensure_ascii=False),
        "{broken",
        json.dumps({"id": "x", "foo": 1}),
        "",
        "杜桥镇2019年道路交通死亡人数下降了多少？",
        "[1, 2]",
        json.dumps({"turns": []}),
    ]
    batch = tmp_path / "batch.jsonl"
    batch.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, _ = run_cli(monkeypatch, capsys, seeded_settings, "ask", "--batch", str(batch), "--json")
    assert code == 1  # some lines were bad
    objs = [json.loads(line) for line in out.splitlines()]
    assert len(objs) == 8  # one per non-blank line, in order
    good = [o for o in objs if "error" not in o]
    bad = [o for o in objs if "error" in o]
    assert [o["error"].split(":")[0] for o in bad] == ["line 4", "line 5", "line 8", "line 9"]
    assert bad[1] == {"id": "x", "error": bad[1]["error"]} and "question" in bad[1]["error"]
    assert "turns" in bad[3]["error"]
    assert len(good) == 4
    assert "id" not in good[0] and good[1]["id"] == "q2" and good[2]["id"] == "c1"
    assert good[2]["question"] == "那小升规定了多少家？"  # the conversation's last turn
    assert good[3]["question"] == "杜桥镇2019年道路交通死亡人数下降了多少？"  # a plain-text line
    # the same object as `govqa ask --json`
    code, single, _ = run_cli(monkeypatch, capsys, seeded_settings, "ask", "--json", "杜桥镇2019年报废了多少辆变型拖拉机？")
    assert code == 0
    one = json.loads(single)
    strip = lambda o: {k: v for k, v in o.items() if k not in ("id", "timings_ms")}  # noqa: E731
    assert strip(one) == strip(good[1])


def test_ask_needs_questions_or_a_batch(monkeypatch, capsys, seeded_settings, tmp_path):
    code, _, err = run_cli(monkeypatch, capsys, seeded_settings, "ask")
    assert code == 2 and "--batch" in err
    code, _, err = run_cli(monkeypatch, capsys, seeded_settings, "ask", "--batch", str(tmp_path / "none.jsonl"))
    assert code == 2 and "none.jsonl" in err
