"""Errors in the library's own terms: no library raise site names a command-line flag (a
parameter is named through ``translate.errors.param``), and the command line has a real
flag for every parameter the library names, so its messages stay as helpful."""

from __future__ import annotations

import argparse
import ast
import re
from collections.abc import Iterator
from pathlib import Path

from support import ROOT

PACKAGE = ROOT / "translate"
#: ``--flag``, or ``-o`` (the command's one short flag but ``-h``); a command of another
#: program, quoted in backticks, is allowed
FLAG = re.compile(r"(?<![\w-])(--[a-z][\w-]*|-o\b)")
QUOTED = re.compile(r"`[^`]*`")
#: parameters of library calls that the command line has no flag for (the subtitle
#: layout and joining limits of ``translate_subtitles``); a message names them as the
#: library does
NO_FLAG = {"width", "lines", "max_gap", "pause"}


def library_modules() -> list[Path]:
    """Everything under ``translate/`` but the command layer."""
    return [p for p in sorted(PACKAGE.rglob("*.py"))
            if p.parent.name != "commands" and not p.name.startswith("cli")]


def _name(func: ast.expr) -> str:
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _texts(node: ast.AST) -> Iterator[tuple[int, str]]:
    """The string literals under ``node``; an f-string's literal parts joined (``{}``
    where a value goes), so a quoted command split by a value stays one quote."""
    inside: set[int] = set()
    for n in ast.walk(node):
        if isinstance(n, ast.JoinedStr):
            inside.update(id(v) for v in n.values)
            yield n.lineno, "".join(v.value if isinstance(v, ast.Constant) else "{}"
                                    for v in n.values)
        elif isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in inside:
            yield n.lineno, n.value


def error_texts(tree: ast.AST) -> list[tuple[int, str]]:
    """The text of every raise statement and every ``...Error(...)`` built anywhere."""
    found: set[tuple[int, str]] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Raise) and node.exc is not None:
            found.update(_texts(node.exc))
        elif isinstance(node, ast.Call) and _name(node.func).endswith("Error"):
            found.update(_texts(node))
    return sorted(found)


def flags_named(text: str) -> list[str]:
    return FLAG.findall(QUOTED.sub("", text))


def test_the_scan_finds_a_flag_in_a_raise_site():
    tree = ast.parse('def f(x):\n'
                     '    if x:\n'
                     '        raise UserError(f"{x}: too big; raise --max-size")\n'
                     '    return ValueError("give -o DIR or use `tool --quiet`")\n')
    found = [(line, flags_named(text)) for line, text in error_texts(tree)
             if flags_named(text)]
    assert found == [(3, ["--max-size"]), (4, ["-o"])]


def test_no_library_raise_site_names_a_flag():
    """The server returns these messages to HTTP clients, who have no flags: a message
    names a parameter with ``param(NAME)`` and each front spells it its way."""
    found = [f"{path.relative_to(ROOT)}:{line}: {flags} in {text!r}"
             for path in library_modules()
             for line, text in error_texts(ast.parse(path.read_text(encoding="utf-8")))
             if (flags := flags_named(text))]
    assert not found, "\n".join(found)


def _params_named() -> dict[str, str]:
    """Each parameter a library message names (``param("NAME", ...)``, and the
    ``option=``/``named(path, NAME)`` of an output named outright) -> where."""
    out: dict[str, str] = {}
    for path in library_modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            args = []
            if _name(node.func) == "param" and node.args:
                args = [node.args[0]]
            elif _name(node.func) == "named" and len(node.args) == 2:
                args = [node.args[1]]
            args += [k.value for k in node.keywords if k.arg == "option"]
            for arg in args:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    out.setdefault(arg.value, f"{path.relative_to(ROOT)}:{node.lineno}")
    return out


def _parsers(parser: argparse.ArgumentParser) -> Iterator[argparse.ArgumentParser]:
    yield parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                yield from _parsers(sub)


def test_the_command_line_has_a_real_flag_for_every_parameter_the_library_names():
    """``--subtitle-width`` was named in a message and exists nowhere; now a message
    names the parameter and the command line spells it with a flag it really has."""
    from translate.cli import build_parser
    from translate.commands.common import FLAGS

    parsers = list(_parsers(build_parser()))
    options = {o for p in parsers for a in p._actions for o in a.option_strings}
    spelt = {**FLAGS}
    for p in parsers:
        spelt.update(p._defaults.get("flags", {}))
        assert set(p._defaults.get("flags", {}).values()) <= options
    assert set(FLAGS.values()) <= options, set(FLAGS.values()) - options
    unspelt = {name: where for name, where in _params_named().items()
               if name not in spelt and name not in NO_FLAG}
    assert not unspelt, unspelt
