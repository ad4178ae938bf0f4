"""One registry of languages (``translate/languages.toml``): no module lists the
languages itself, and every language there has what the toolkit needs of it."""

from __future__ import annotations

import ast
import re

import pytest

from support import ROOT
from translate.languages import LANGUAGES, NAMES, SUPPORTED, load_named, normalise_lang

PACKAGE = ROOT / "translate"


def _literals(tree: ast.AST):
    """Every tuple, list, set and dict literal, with the strings among its elements
    (a dict's keys)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Tuple | ast.List | ast.Set):
            items = node.elts
        elif isinstance(node, ast.Dict):
            items = [k for k in node.keys if k is not None]
        else:
            continue
        yield node, {e.value for e in items if isinstance(e, ast.Constant)
                     and isinstance(e.value, str)}


def test_no_module_lists_the_languages_itself():
    """``("en", "az", "it")`` and ``{"en": ..., "it": ..., "az": ...}`` were written in
    several modules; a new language had to be added to each."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node, strings in _literals(ast.parse(path.read_text(encoding="utf-8"))):
            if set(SUPPORTED) <= strings:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not found, found


def test_the_registry_keeps_the_names_users_give():
    assert SUPPORTED == ("en", "az", "it")  # the order languages are offered in
    assert NAMES == {"en": "English", "az": "Azerbaijani", "it": "Italian"}
    for name, code in (("ENG", "en"), ("aze-Latn", "az"), ("azj", "az"), ("Italian", "it")):
        assert normalise_lang(name) == code


@pytest.mark.parametrize("code", list(LANGUAGES))
def test_every_language_has_what_the_toolkit_needs(code):
    from translate.glossary.morphology import morphology_for
    from translate.localise.plurals import gettext_plural_forms
    from translate.segment.core import rules_for

    lang = LANGUAGES[code]
    assert lang.name and lang.script and lang.office_tag
    assert type(rules_for(code)) is load_named(lang.segment_rules)
    assert rules_for(code).code == code  # its abbreviation and starter files load
    assert morphology_for(code).lang == code
    assert lang.target_tokens and all(re.fullmatch(r">>[\w]+<<", t) for t in lang.target_tokens)
    assert (PACKAGE / "data" / "langid" / f"{code}.txt").is_file()
    if lang.gettext_plural is not None:
        assert gettext_plural_forms(code) == lang.gettext_plural
    for letters, weight in lang.langid_letters:
        assert letters and weight > 0
