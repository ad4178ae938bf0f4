"""The manual in ``docs/`` builds, documents every command-line option, and the README stays
a short way into it."""

from __future__ import annotations

import argparse
import importlib.util
import re
import subprocess
import sys

import pytest

from support import ROOT

DOCS = ROOT / "docs"
README = ROOT / "README.md"


def test_the_manual_builds_with_mkdocs_strict(tmp_path):
    if importlib.util.find_spec("mkdocs") is None:
        pytest.skip("mkdocs is not installed (pip install -e '.[docs]')")
    run = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file",
         str(ROOT / "mkdocs.yml"), "--site-dir", str(tmp_path / "site")],
        capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    for page in ("index", "install", "quick-start", "articles-and-documents",
                 "glossaries", "localisation", "server-and-api", "scale-out",
                 "backends-and-models", "reliability-and-limits", "architecture",
                 "benchmarks", "adding-a-language"):
        assert (tmp_path / "site" / ("" if page == "index" else page) / "index.html").is_file()


def _long_options(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()):
    for action in parser._actions:  # noqa: SLF001 - argparse has no public walk
        if isinstance(action, argparse._SubParsersAction):  # noqa: SLF001
            for name, sub in action.choices.items():
                yield from _long_options(sub, path + (name,))
        else:
            for option in action.option_strings:
                if option.startswith("--") and option != "--help":
                    yield " ".join(("translate",) + path), option


def test_every_command_line_option_is_in_the_manual():
    from translate.cli import build_parser

    manual = "\n".join(p.read_text(encoding="utf-8") for p in sorted(DOCS.glob("*.md")))
    options = set(_long_options(build_parser()))
    assert len(options) > 50  # the walk found the subcommands' options
    missing = sorted(f"{command} {option}" for command, option in options
                     if not re.search(re.escape(option) + r"(?![\w-])", manual))
    assert not missing, f"options no page of docs/ mentions: {missing}"


def test_the_readme_is_short_and_links_into_the_manual():
    text = README.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 250
    assert 'python -m pytest -q -m "not slow"' in text
    links = re.findall(r"\]\((docs/[^)#]+)(?:#[^)]*)?\)", text)
    assert len(links) >= 10
    for link in links:
        assert (ROOT / link).is_file(), f"README links to {link}, which does not exist"
