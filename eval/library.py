"""Where the report files are: the library's folders, its report files, one file by name."""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

REPO_ROOT = Path(__file__).resolve().parent.parent


def default_docs_dirs(seeds_dir: Path | None = None) -> list[Path]:
    """Where the library's reports are: ``<repo>/../shared/corpus`` and the seeds, each when present."""
    dirs = [REPO_ROOT.parent / "shared" / "corpus", Path(seeds_dir or REPO_ROOT / "seeds")]
    return [d for d in dirs if d.is_dir()]


def library_paths(seeds_dir: Path | None = None) -> list[Path]:
    """The library to index: the corpus's report files (``**/*.txt``: its SOURCES.md is not a
    report) and the seeds folder."""
    out: list[Path] = []
    for d in default_docs_dirs(seeds_dir):
        out += sorted(d.rglob("*.txt")) if d.name == "corpus" else [d]
    return out


def find_source_file(name: str, docs_dirs: Iterable[Path]) -> Path | None:
    for d in docs_dirs:
        direct = Path(d) / name
        if direct.is_file():
            return direct
        for cand in sorted(Path(d).rglob(name)) if Path(d).is_dir() else []:
            if cand.is_file():
                return cand
    return None
