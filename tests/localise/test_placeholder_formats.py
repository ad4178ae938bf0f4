"""Placeholder recognition driven by the unit's declared format (issue 13), and the
generic QA net behind the specific checks."""

from __future__ import annotations

import pytest

from translate.localise.checkers import CheckContext, run_checks
from translate.localise.placeholders import declared_formats, find_spans, mask, restore

CASES = [
    # (text, declared formats, the spans that must be protected)
    ("cannot open %s: %m", {"c-format"}, ["%s", "%m"]),
    ("%h is not in the sudoers file", {"c-format"}, ["%h"]),
    ("Copied %1 of %2 files (%L3 MB)", {"qt-format"}, ["%1", "%2", "%L3"]),
    ("%n file(s) selected", {"qt-plural-format"}, ["%n"]),
    ("Page %1 of %99", set(), ["%1", "%99"]),
    ("Too many attempts, try again in %minutes% minutes.", {"symfony"}, ["%minutes%"]),
    ("It should have {{ limit }} characters or more.", {"symfony"}, ["{{ limit }}"]),
    ("Total: {0:N2} of {1,-10}", {"csharp-format"}, ["{0:N2}", "{1,-10}"]),
    ("Hello %{name}", set(), ["%{name}"]),
    ("It''s '{0}' and {0}", {"java-format"}, ["''", "'{0}'", "{0}"]),
    ("%(n)d file", {"python-format"}, ["%(n)d"]),
    ("Raw {{- html}} and $t(key, {\"count\": 2})", set(), ["{{- html}}",
                                                          '$t(key, {"count": 2})']),
    ('Hi <x id="INTERPOLATION" equiv-text="{{ name }}"/>!', {"angular"},
     ['<x id="INTERPOLATION" equiv-text="{{ name }}"/>']),
    ("%1$s &lt;b&gt;", {"java-printf-format"}, ["%1$s", "&lt;b&gt;"]),
    # Java ChoiceFormat: one argument, "choice" and its branches never translated (en-XA
    # showed the keyword accented in Jenkins' Messages.properties)
    ("Stop {0,choice,1#{0,number,integer} build|1<{0,number,integer} builds} of {1}",
     {"java-format"}, ["{0,choice,1#{0,number,integer} build|1<{0,number,integer} builds}",
                       "{1}"]),
]


@pytest.mark.parametrize(("text", "formats", "spans"), CASES)
def test_the_declared_format_decides_what_is_protected(text, formats, spans):
    found = [sp.text for sp in find_spans(text, formats=frozenset(formats))]
    assert found == spans
    p = mask(text, formats=frozenset(formats))
    assert restore(p.text, p) == text


def test_a_declared_gettext_format_narrows_the_universal_set():
    # c-format: "{name}" is literal text to translate; undeclared, it is protected
    assert find_spans("Use {name} here", formats=frozenset({"c-format"})) == []
    assert [sp.text for sp in find_spans("Use {name} here")] == ["{name}"]
    assert "100% of users" == mask("100% of users", formats=frozenset({"c-format"})).text


def test_flags_declare_formats_and_no_format_declares_none():
    assert declared_formats({"fuzzy", "c-format"}) == {"c-format"}
    assert declared_formats({"no-c-format"}) == frozenset()


@pytest.mark.parametrize(("source", "target"), [
    ("Delete %s?", "Eliminare?"),
    ("Hello $name$", "Ciao name"),
    ("Go to <b>home</b>", "Vai a casa"),
    ("Tom &amp; Jerry", "Tom e Jerry"),
    ("Value {x}", "Valore {x} {x}"),
])
def test_the_generic_net_fails_what_the_specific_checks_may_not_know(source, target):
    ctx = CheckContext("en", "it", formats=frozenset({"csharp-format"}))
    problems = [p for p in run_checks(source, target, ctx) if p.check == "variables"]
    assert problems and problems[0].critical


def test_newline_and_escape_checks():
    ctx = CheckContext("en", "it")
    assert any(p.check == "newlines" for p in run_checks("a\nb", "a b", ctx))
    assert any(p.check == "escapes" for p in run_checks("a\\tb", "a b", ctx))
    assert not [p for p in run_checks("a\\tb", "x\\ty", ctx) if p.check == "escapes"]
