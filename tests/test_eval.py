"""`govqa eval`: dataset tooling, the run over the seeded index, the report, the regression gate,
the side-by-side variants and the optional LLM judge (against a real OpenAI-protocol server)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from eval import run as eval_run
from eval.dataset import load_dataset, validate_dataset
from eval.draft import draft_questions
from eval.gate import check_against_baseline
from eval.metrics import includes_term

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
DEV = ROOT / "eval" / "datasets" / "dev.jsonl"
BASELINE = ROOT / "eval" / "baseline.json"


def _rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _write(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


# ------------------------------------------------------------------ dataset tooling


def test_dev_dataset_is_valid(capsys):
    items, problems = validate_dataset(DEV, [SEEDS])
    assert problems == []
    assert len(items) == len(_rows(DEV))
    conv = [it for it in items if it.type == "conversation"]
    assert conv and all(it.all_turns[-1] == it.question and len(it.all_turns) >= 2 for it in conv)
    assert eval_run.main(["validate", str(DEV), "--docs", str(SEEDS)]) == 0
    assert "通过" in capsys.readouterr().out


def test_validate_reports_every_problem(tmp_path, capsys):
    seed = sorted(SEEDS.glob("*.txt"))[0]
    raw = seed.read_text(encoding="utf-8")
    good_evidence = raw[raw.index("。") + 1: raw.index("。") + 16]
    rows = [
        {"id": "a1", "type": "fact", "question": "问？", "answer": "答", "must_include": [],
         "sources": [{"file": seed.name, "evidence": good_evidence}]},
        {"id": "a1", "type": "fact", "question": "重复的 id？", "answer": "答", "must_include": [], "sources": []},
        {"id": "a3", "type": "trivia", "question": "问？", "answer": "答", "must_include": [], "sources": []},
        {"id": "a4", "type": "fact", "question": "问？", "answer": "答", "must_include": [],
         "sources": [{"file": seed.name, "evidence": "这句话不在任何报告里出现过"}]},
        {"id": "a5", "type": "conversation", "question": "那呢？", "answer": "答", "must_include": [], "sources": []},
        {"id": "a6", "type": "fact", "question": "问？", "answer": "答", "must_include": [],
         "sources": [{"file": "no_such_file.txt", "evidence": "x"}]},
        {"id": "a7", "type": "unanswerable", "question": "问？", "answer": "答", "must_include": ["1亿元"],
         "sources": []},
        {"id": "a8", "type": "fact", "question": "问？", "answer": "答", "must_include": [], "sources": [],
         "needs_review": "草稿"},
    ]
    path = _write(tmp_path / "bad.jsonl", rows)
    with path.open("a", encoding="utf-8") as fh:
        fh.write("{not json\n")
    assert eval_run.main(["validate", str(path), "--docs", str(SEEDS)]) == 1
    out = capsys.readouterr().out
    for expected in ("重复", "trivia", "不是 " + seed.name, "turns", "找不到来源文件 no_such_file.txt",
                     "must_include 应为空", "needs_review", "JSON 格式错误"):
        assert expected in out, expected
    assert "a1: sources" not in out  # the verbatim evidence passes
    # a dataset with problems is refused by the run, before any question is asked
    assert eval_run.main([str(path), "--out", str(tmp_path / "o"), "--quiet"]) == 2


def test_drafts_are_verbatim_and_need_a_human(tmp_path):
    seed = sorted(SEEDS.glob("*.txt"))[-1]
    raw = seed.read_text(encoding="utf-8")
    rows = draft_questions(seed, 6)
    assert 1 <= len(rows) <= 6
    for r in rows:
        ev = r["sources"][0]["evidence"]
        assert ev in raw  # verbatim, whatever the cleaning normalised
        assert includes_term(ev, r["must_include"][0])  # the figure asked for is in the evidence
        assert r["question"].endswith("？")
    drafts = _write(tmp_path / "drafts.jsonl", rows)
    _, problems = validate_dataset(drafts, [SEEDS])
    assert len(problems) == len(rows) and all("needs_review" in p for p in problems)
    # once a person has reviewed them (deleted the field) they are valid rows
    reviewed = _write(tmp_path / "reviewed.jsonl", [{k: v for k, v in r.items() if k != "needs_review"} for r in rows])
    assert validate_dataset(reviewed, [SEEDS])[1] == []
    # the CLI never writes into an existing file (so never into a dataset)
    before = DEV.read_bytes()
    assert eval_run.main(["draft", str(seed), "-n", "2", "--out", str(DEV)]) == 2
    assert DEV.read_bytes() == before


# ------------------------------------------------------------------ a small run: records, report, escaping


def _small_dataset(tmp_path: Path) -> Path:
    dev = {r["id"]: r for r in _rows(DEV)}
    conv = next(r for r in dev.values() if r["type"] == "conversation" and len(r["turns"]) >= 3)
    fact = next(r for r in dev.values() if r["type"] == "fact")
    unans = next(r for r in dev.values() if r["type"] == "unanswerable" and not r["sources"])
    hostile = dict(fact, id="x<b>1</b>", question=fact["question"] + "<script>alert(1)</script>",
                   must_include=["不会出现的要点<i>"])
    return _write(tmp_path / "small.jsonl", [fact, conv, unans, hostile])


@pytest.fixture(scope="module")
def small_run(seeded_settings, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("small-eval")
    dataset = _small_dataset(tmp)
    out = tmp / "out"
    code = eval_run.main([str(dataset), "--out", str(out), "--quiet", "--no-judge"], settings=seeded_settings)
    return code, dataset, out


def test_run_writes_results_with_every_metric(small_run):
    code, dataset, out = small_run
    assert code == 0
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    res = results["configs"]["hybrid"]
    items = {r["id"]: r for r in res["items"]}
    assert len(items) == 4 and res["errors"] == 0
    fact_id = _rows(dataset)[0]["id"]
    fact = items[fact_id]
    assert fact["error"] is None and fact["answer"] and fact["citations"]
    assert [p["rank"] for p in fact["passages"]] == list(range(1, len(fact["passages"]) + 1))
    assert any(p["relevant"] for p in fact["passages"])
    assert {"retrieve", "answer", "total"} <= set(fact["timings_ms"])
    for key in ("answer_accuracy", "must_include", "token_f1", "rouge_l", "hit_at_k", "mrr_at_k",
                "citation_precision", "citation_recall", "faithfulness", "false_refusal"):
        assert fact["metrics"][key] is not None, key
    # the conversation was asked turn by turn in one Conversation, the last turn scored
    conv = next(r for r in items.values() if r["type"] == "conversation")
    assert len(conv["earlier_turns"]) == len(conv["turns"]) - 1
    assert [t["question"] for t in conv["earlier_turns"]] == conv["turns"][:-1]
    # the unanswerable item is scored on refusal, not on answer figures
    unans = next(r for r in items.values() if r["type"] == "unanswerable")
    assert unans["metrics"]["refusal"] in (0.0, 1.0) and unans["metrics"]["false_refusal"] is None
    assert unans["metrics"]["answer_accuracy"] == unans["metrics"]["refusal"]
    # a must_include that no answer can contain fails the item
    hostile = items["x<b>1</b>"]
    assert hostile["metrics"]["answer_accuracy"] == 0.0
    # per type and overall
    assert set(res["by_type"]) == {"fact", "conversation", "unanswerable"}
    assert res["summary"]["n"] == 4 and res["by_type"]["fact"]["n"] == 2
    assert res["summary"]["answer_accuracy"] == pytest.approx(
        sum(r["metrics"]["answer_accuracy"] for r in items.values()) / 4, abs=1e-4)
    assert "p50" in res["latency_ms"]["total"] and "p95" in res["latency_ms"]["retrieve"]


def test_report_is_self_contained_escaped_and_failures_first(small_run):
    _, _, out = small_run
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "x&lt;b&gt;1&lt;/b&gt;" in page and "<b>1</b>" not in page
    assert re.search(r'<img class="chart"[^>]+src="data:image/png;base64,[A-Za-z0-9+/=]{1000,}"', page)
    assert not re.search(r'(src|href)="https?://', page)  # nothing fetched from elsewhere
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    items = results["configs"]["hybrid"]["items"]
    order = re.findall(r"<tr class='(pass|fail)'>", page)
    assert len(order) == len(items)
    assert order == sorted(order, key=lambda s: s == "pass")  # every failure before every pass
    assert order.count("fail") == sum(1 for r in items if r["metrics"]["answer_accuracy"] < 1)


# ------------------------------------------------------------------ the regression gate (CI runs it)


@pytest.mark.slow
def test_gate_passes_on_the_committed_baseline(seeded_settings, tmp_path, capsys):
    """`govqa eval eval/datasets/dev.jsonl --check` on the offline backend over the seeded index."""
    code = eval_run.main([str(DEV), "--check", "--out", str(tmp_path), "--quiet"], settings=seeded_settings)
    out = capsys.readouterr().out
    assert code == 0, out
    results = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    assert results["gate"]["passed"] is True
    assert results["items"] == len(_rows(DEV))
    summary = results["configs"]["hybrid"]["summary"]
    # the same run fails a baseline it does not meet: raise one metric beyond the tolerance
    baseline = json.loads(BASELINE.read_text(encoding="utf-8"))
    assert check_against_baseline(summary, baseline) == []
    worse = dict(baseline, metrics=dict(baseline["metrics"], answer_accuracy=summary["answer_accuracy"] + 0.05))
    problems = check_against_baseline(summary, worse)
    assert len(problems) == 1 and problems[0].startswith("answer_accuracy")
    lower_better = dict(baseline, metrics={"false_refusal": summary["false_refusal"] - 0.05})
    assert check_against_baseline(summary, lower_better)
    within = dict(baseline, metrics={"answer_accuracy": summary["answer_accuracy"] + 0.02})
    assert check_against_baseline(summary, within) == []


@pytest.mark.slow
@pytest.mark.parametrize("name, items", [("news", 132), ("news2", 119), ("news3", 60), ("news4", 96), ("towns", 432)])
def test_news_gates_pass_on_their_committed_baselines(name, items, tmp_path, embed_cache_dir, capsys):
    """`govqa eval eval/datasets/<name>_dev.jsonl --check --baseline eval/baseline_<name>.json` over
    a fresh index of that set's documents: news items (four sets written blind: news, news2, the
    benchmark-style news3, and news4) and township reports of provinces the corpus lacks (towns:
    .html pages, .docx and .txt) keep their measured quality."""
    from conftest import make_settings

    datasets = ROOT / "eval" / "datasets"
    settings = make_settings(tmp_path / "data", embed_cache_dir)
    code = eval_run.main([str(datasets / f"{name}_dev.jsonl"), "--check",
                          "--baseline", str(ROOT / "eval" / f"baseline_{name}.json"), "--docs", str(datasets / name),
                          "--out", str(tmp_path / "out"), "--quiet", "--no-report"], settings=settings)
    out = capsys.readouterr().out
    assert code == 0, out
    results = json.loads((tmp_path / "out" / "results.json").read_text(encoding="utf-8"))
    assert results["gate"]["passed"] is True and results["items"] == items


@pytest.mark.slow
def test_gate_fails_through_the_cli_and_rewrites_the_baseline(seeded_settings, tmp_path, capsys):
    baseline = json.loads(BASELINE.read_text(encoding="utf-8"))
    # unreachable marks: more than every passage relevant, fewer than no false refusals
    raised = dict(baseline, metrics=dict(baseline["metrics"], hit_at_k=1.2, false_refusal=-0.2))
    tampered = tmp_path / "baseline.json"
    tampered.write_text(json.dumps(raised), encoding="utf-8")
    code = eval_run.main([str(DEV), "--check", "--baseline", str(tampered), "--out", str(tmp_path / "o"),
                          "--quiet", "--no-report"], settings=seeded_settings)
    out = capsys.readouterr().out
    assert code == 1
    assert "回归门禁未通过" in out and "- hit_at_k" in out and "- false_refusal" in out
    # --write-baseline rewrites it from this run; the check then passes
    fresh = tmp_path / "fresh.json"
    assert eval_run.main([str(DEV), "--write-baseline", "--baseline", str(fresh), "--out", str(tmp_path / "w"),
                          "--quiet", "--no-report"], settings=seeded_settings) == 0
    written = json.loads(fresh.read_text(encoding="utf-8"))
    assert written["config"] == "hybrid" and written["backend"] == "extractive"
    assert written["items"] == len(_rows(DEV)) and 0 < written["metrics"]["answer_accuracy"] <= 1


# ------------------------------------------------------------------ side-by-side variants and the baseline


@pytest.mark.slow
def test_variants_and_llamaindex_baseline_side_by_side(seeded_settings, tmp_path):
    dev = _rows(DEV)
    picked = [r for r in dev if r["type"] == "fact"][:3] + [r for r in dev if r["type"] == "comparison"][:1]
    dataset = _write(tmp_path / "four.jsonl", picked)
    out = tmp_path / "out"
    code = eval_run.main([str(dataset), "--config", "hybrid,bm25", "--config", "k3", "--config", "chunk512",
                          "--config", "baseline-llamaindex", "--out", str(out), "--quiet",
                          "--variants-dir", str(tmp_path / "variants")], settings=seeded_settings)
    assert code == 0
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert list(results["configs"]) == ["hybrid", "bm25", "k3", "chunk512", "baseline-llamaindex"]
    for name, res in results["configs"].items():
        assert res["errors"] == 0, (name, [r["error"] for r in res["items"]])
        assert res["summary"]["n"] == 4
    assert all(len(r["passages"]) <= 3 for r in results["configs"]["k3"]["items"] if r["type"] == "fact")
    # the baseline retrieves SentenceSplitter chunks of the raw files: other chunks, longer text,
    # and none of the structure-aware section paths
    base = results["configs"]["baseline-llamaindex"]["items"]
    main = results["configs"]["hybrid"]["items"]
    base_ids = {p["chunk_id"] for r in base for p in r["passages"]}
    main_ids = {p["chunk_id"] for r in main for p in r["passages"]}
    assert base_ids and not base_ids & main_ids
    assert all(p["section"] == "" for r in base for p in r["passages"])
    mean_len = lambda items: sum(len(p["text"]) for r in items for p in r["passages"]) / sum(len(r["passages"]) for r in items)  # noqa: E731
    assert mean_len(base) > 2 * mean_len(main)
    # the chunk-size variant is its own index with bigger chunks, in the variants dir
    assert (tmp_path / "variants" / "chunk512" / "chroma").is_dir()
    assert (tmp_path / "variants" / "baseline-llamaindex" / "chroma").is_dir()
    page = (out / "report.html").read_text(encoding="utf-8")
    for name in results["configs"]:
        assert f"<th>{name}<div" in page


def test_unknown_config_and_llm_config_without_endpoint(seeded_settings, tmp_path, capsys):
    assert eval_run.main([str(DEV), "--config", "nope", "--out", str(tmp_path)], settings=seeded_settings) == 2
    assert "未知配置" in capsys.readouterr().err
    assert eval_run.main([str(DEV), "--config", "llm", "--out", str(tmp_path)], settings=seeded_settings) == 2
    assert "大模型接口" in capsys.readouterr().err


# ------------------------------------------------------------------ the optional LLM judge


def test_llm_judge_over_the_openai_protocol(seeded_settings, tmp_path):
    import sys

    sys.path.insert(0, str(Path(__file__).parent))
    from fake_openai import MODEL, FakeOpenAI, Fault, Reply

    def judge(body: dict) -> str:
        prompt = body["messages"][-1]["content"]
        if "待核查的陈述" in prompt:
            listing = prompt.split("【待核查的陈述】")[1]
            numbers = re.findall(r"(?m)^(\d+)\. ", listing)
            # only the first statement is supported; the judge forgets nothing else
            return json.dumps({"verdicts": [{"n": int(n), "supported": 1 if n == "1" else 0, "reason": "…"}
                                            for n in numbers]}, ensure_ascii=False)
        return '好的，评分如下：{"score": 0.5, "reason": "部分正确"}'

    fake = FakeOpenAI(Reply(fn=judge)).start()
    try:
        settings = seeded_settings.with_(llm_base_url=fake.base_url, llm_api_key="k", llm_model=MODEL,
                                         backend="extractive", llm_max_retries=0, llm_timeout_s=5)
        dev = _rows(DEV)
        picked = [r for r in dev if r["type"] == "fact" and len(r["must_include"]) >= 2][:2]
        dataset = _write(tmp_path / "judge.jsonl", picked)
        assert eval_run.main([str(dataset), "--out", str(tmp_path / "o"), "--quiet", "--judge"], settings=settings) == 0
        results = json.loads((tmp_path / "o" / "results.json").read_text(encoding="utf-8"))
        items = results["configs"]["hybrid"]["items"]
        requests = fake.chat_requests()
        assert requests and all(r.body["model"] == MODEL and r.body["temperature"] == 0 for r in requests)
        for r in items:
            assert r["metrics"]["judge_correctness"] == 0.5
            if not r["refused"]:
                from eval.metrics import split_statements

                n = len(split_statements(r["answer"]))
                assert r["metrics"]["judge_faithfulness"] == pytest.approx(1 / n)
                prompt = next(q.message("user") for q in requests
                              if "待核查的陈述" in q.message("user") and split_statements(r["answer"])[0] in q.message("user"))
                assert r["citations"][0]["text"][:20] in prompt  # the cited passages are the context
        # a judge that fails gives no score and never stops the run
        fake.reset(Fault("malformed"))
        assert eval_run.main([str(dataset), "--out", str(tmp_path / "o2"), "--quiet", "--judge"], settings=settings) == 0
        failed = json.loads((tmp_path / "o2" / "results.json").read_text(encoding="utf-8"))
        assert all(r["metrics"]["judge_correctness"] is None for r in failed["configs"]["hybrid"]["items"])
        assert failed["judge"]["errors"]
    finally:
        fake.stop()


def test_dataset_loader_rejects_drafts():
    from eval.dataset import DatasetError

    items = load_dataset(DEV)
    assert all(it.id for it in items)
    with pytest.raises(DatasetError):
        load_dataset(ROOT / "no_such_dataset.jsonl")
