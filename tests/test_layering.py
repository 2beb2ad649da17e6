"""The layering rule: text <- rag <- ingest <- eval <- faces (ui, app, cli + commands); nothing imports upwards.

Every import counts, including imports inside functions. The test fails, naming the module and
the line, when a lower layer reaches up.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# layer of each top-level part of the project; a module may import its own layer and lower ones
LAYERS = {"rag.text": 0, "rag": 1, "ingest": 2, "eval": 3, "ui": 4, "app": 5, "cli": 5, "commands": 5}
PROJECT = ("rag", "ingest", "eval", "ui", "app", "cli", "commands")


def layer_of(module: str) -> int | None:
    best = None
    for prefix, layer in LAYERS.items():
        if module == prefix or module.startswith(prefix + "."):
            if best is None or len(prefix) > len(best[0]):
                best = (prefix, layer)
    return best[1] if best else None


def project_imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
    return [(line, mod) for line, mod in found if mod.split(".")[0] in PROJECT]


def modules():
    for top in ("rag", "ingest", "eval", "ui", "commands"):
        for path in sorted((ROOT / top).rglob("*.py")):
            yield path
    yield ROOT / "app.py"
    yield ROOT / "cli.py"


def module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    return ".".join(rel.parts)


@pytest.mark.parametrize("path", list(modules()), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_imports_upwards(path):
    own = layer_of(module_name(path))
    assert own is not None
    upward = [(line, mod) for line, mod in project_imports(path) if (layer_of(mod) or 0) > own]
    assert not upward, f"{path.relative_to(ROOT)} imports a higher layer: {upward}"


def test_layer_rule_catches_an_upward_import(tmp_path):
    """The check itself can fail: a rag module importing ingest is flagged."""
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from ingest.chunk import chunk_document\n", encoding="utf-8")
    imports = project_imports(bad)
    assert imports == [(2, "ingest.chunk")]
    assert layer_of("ingest.chunk") > layer_of("rag.answer") > layer_of("rag.text.tokens")
