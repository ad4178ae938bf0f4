"""The layers stay layers: no import cycle among the modules of ``translate/`` (lazy,
function-level imports included), and argparse only in the command layer."""

from __future__ import annotations

import ast
from pathlib import Path

from support import ROOT

PACKAGE = ROOT / "translate"
COMMAND_LAYER = ("translate.cli", "translate.commands")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    """The ``translate`` modules ``name`` imports, anywhere in its body."""
    is_pkg = path.name == "__init__.py"
    package = name if is_pkg else name.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - (node.level - 1)]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            targets = [mod] + [f"{mod}.{a.name}" for a in node.names]
        else:
            continue
        for target in targets:
            # the deepest known module the import names (a submodule, else its package)
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name and target.startswith("translate"):
                out.add(target)
    return out


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    known = set(modules)
    return {name: _imports(name, path, known) for name, path in modules.items()}


def _is_ancestor(pkg: str, mod: str) -> bool:
    return mod.startswith(pkg + ".")


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Cycles, ignoring a module's edge to a package that contains it (importing
    ``translate.x`` runs ``translate/__init__`` first; that is not a dependency)."""
    edges = {m: {t for t in ts if not _is_ancestor(t, m)} for m, ts in graph.items()}
    cycles: list[list[str]] = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(m: str) -> None:
        state[m] = 1
        stack.append(m)
        for t in sorted(edges.get(m, ())):
            if state.get(t) == 1:
                cycles.append(stack[stack.index(t):] + [t])
            elif t not in state:
                visit(t)
        stack.pop()
        state[m] = 2

    for m in sorted(edges):
        if m not in state:
            visit(m)
    return cycles


def test_no_import_cycle_among_translate_modules():
    assert find_cycles(_graph()) == []


def test_the_cycle_finder_finds_a_cycle():
    assert find_cycles({"translate.a": {"translate.b"}, "translate.b": {"translate.a"}})


def test_argparse_only_in_the_command_layer():
    offenders = []
    for name, path in _modules().items():
        if name.startswith(COMMAND_LAYER):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            if any(n.split(".")[0] == "argparse" for n in names):
                offenders.append(name)
            if isinstance(node, ast.Name | ast.Attribute) and getattr(
                    node, "attr", getattr(node, "id", "")) == "Namespace":
                offenders.append(name)
    assert offenders == []


def test_no_library_module_calls_into_the_cli():
    graph = _graph()
    offenders = {m for m, ts in graph.items() if not m.startswith(COMMAND_LAYER)
                 and any(t.startswith(COMMAND_LAYER) for t in ts)}
    assert offenders == set()
