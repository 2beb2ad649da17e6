"""Subprocess ingest worker for the kill test: `python tests/ingest_worker.py DATA_DIR CACHE_DIR PATH...`.

Runs the real pipeline (ingest_paths) and prints one line per event as it happens, flushed:
``STAGE <stage> <file>`` while working and ``RESULT <status> <doc_id> <file>`` once a file is done
(for status ok/replaced that line is printed only after the store committed the document).
The parent kills this process at random points.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main(argv: list[str]) -> int:
    from rag.config import Settings, disable_phone_home

    disable_phone_home()
    from ingest.pipeline import ingest_paths
    from rag.embed import GovEmbedding
    from rag.store import ReportStore

    data_dir, cache_dir, *paths = argv
    settings = Settings.build(data_dir=Path(data_dir), embed_cache_dir=Path(cache_dir), chroma_host=None,
                        llm_base_url=None, llm_api_key=None, backend="extractive", embed_threads=1)
    store = ReportStore(settings)
    embedder = GovEmbedding.from_settings(settings)
    print("READY", flush=True)

    def on_event(event) -> None:
        if event.result is not None:
            r = event.result
            print(f"RESULT {r.status} {r.doc_id or '-'} {r.file}", flush=True)
        else:
            print(f"STAGE {event.stage} {event.file}", flush=True)

    ingest_paths(paths, settings=settings, store=store, embedder=embedder, on_event=on_event)
    print("FINISHED", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
