"""The indicator table in server mode: rows written by one client through a real `chroma run` are
read by another (no extraction on its side), answer a question, and disappear with their report."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from conftest import make_settings
from test_indicator_table import DOCS, _pending

pytestmark = [pytest.mark.server, pytest.mark.slow]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from benchmarks.common import chroma_server

    assert Path(sys.executable).with_name("chroma").exists(), "chroma CLI not found next to the interpreter"
    with chroma_server(tmp_path_factory.mktemp("ind-chroma") / "db") as (host, port, _pid):
        yield host, port


def test_rows_shared_through_the_server(server, tmp_path, embed_cache_dir):
    from rag.indicators_table import table_for
    from rag.store import ReportStore
    from rag.table_answer import answer_from_table

    def client(name):
        return ReportStore(make_settings(tmp_path / name, embed_cache_dir, chroma_host=server[0],
                                         chroma_port=server[1]))

    a, b = client("a"), client("b")
    a.add_documents([_pending(m, t) for m, t in DOCS])
    assert not (tmp_path / "a" / "chroma").exists(), "server mode writes nothing locally"
    table_b = table_for(b)
    rows = table_b.query(indicators=["地区生产总值增长"], kinds=["target"], years=[2026], levels=["province"])
    assert {(r.entity, r.raw) for r in rows} == {("甲省", "5%左右"), ("乙省", "5.5%—6%"), ("丙省", "4.5%")}
    assert table_b.stats == {"read": len(DOCS), "derived": 0}

    answer = answer_from_table("哪个省2026年GDP增长目标最高？", b)
    assert "乙省（5.5%—6%）" in answer.answer and "4份2026年省级报告中3份" in answer.answer

    a.remove_document(next(m.doc_id for m, _ in DOCS if m.entity == "乙省"))
    assert {r.entity for r in table_b.query(indicators=["地区生产总值增长"], kinds=["target"], years=[2026],
                                            levels=["province"])} == {"甲省", "丙省"}
    assert table_for(a).collection.count() == len(DOCS) - 1
