"""The shape the code keeps: short functions, fronts typed by the translator Protocol, one
home for source-language detection."""

from __future__ import annotations

import ast
from pathlib import Path

from support import ROOT

PACKAGE = ROOT / "translate"
#: the longest function (decorators and docstring included) before it must be split
MAX_FUNCTION_LINES = 80
#: where "auto" is decided and segments are grouped by language
DETECTION_HOME = PACKAGE / "detect.py"
SCORER = PACKAGE / "langid.py"


def _trees() -> dict[Path, ast.Module]:
    return {p: ast.parse(p.read_text(encoding="utf-8")) for p in sorted(PACKAGE.rglob("*.py"))}


def long_functions(trees: dict[Path, ast.Module], limit: int = MAX_FUNCTION_LINES
                   ) -> list[str]:
    out = []
    for path, tree in trees.items():
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                first = min([node.lineno] + [d.lineno for d in node.decorator_list])
                size = node.end_lineno - first + 1
                if size > limit:
                    out.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name} ({size})")
    return out


def any_typed_translators(trees: dict[Path, ast.Module]) -> list[str]:
    """Parameters named like a translator annotated ``Any``."""
    out = []
    for path, tree in trees.items():
        for node in ast.walk(tree):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            a = node.args
            for arg in [*a.posonlyargs, *a.args, *a.kwonlyargs]:
                ann = arg.annotation
                if ("translat" in arg.arg and ann is not None
                        and "Any" in ast.unparse(ann).replace("|", " ").split()):
                    out.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}({arg.arg})")
    return out


def detection_sites(trees: dict[Path, ast.Module]) -> list[str]:
    """Modules besides the detection home that use the language scorer (import
    ``langid``, or call ``detect``/``identify``/``scores`` on it)."""
    out = []
    for path, tree in trees.items():
        if path in (DETECTION_HOME, SCORER):
            continue
        for node in ast.walk(tree):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import | ast.ImportFrom)
                     else [])
            module = node.module or "" if isinstance(node, ast.ImportFrom) else ""
            if "langid" in module.split(".") or any(n.split(".")[-1] == "langid"
                                                    for n in names):
                out.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return out


def test_no_function_over_80_lines():
    assert long_functions(_trees()) == []


def test_the_length_check_finds_a_long_function(tmp_path):
    body = "\n".join(f"    x{i} = {i}" for i in range(MAX_FUNCTION_LINES))
    tree = ast.parse(f"def long():\n{body}\n")
    assert long_functions({ROOT / "x.py": tree}) == ["x.py:1 long (81)"]


def test_no_translator_typed_any():
    assert any_typed_translators(_trees()) == []


def test_the_any_check_finds_one():
    tree = ast.parse("def run(plan, translator: Any | None = None): pass\n")
    assert any_typed_translators({ROOT / "x.py": tree}) == ["x.py:1 run(translator)"]


def test_one_home_for_language_detection():
    assert detection_sites(_trees()) == []


def test_the_detection_check_finds_another_home():
    tree = ast.parse("from .. import langid\nsrc = langid.detect(text, 'en')\n")
    assert detection_sites({ROOT / "x.py": tree}) == ["x.py:1"]
