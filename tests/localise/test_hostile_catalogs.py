"""Hostile catalogs (#24): each is one line ``FILE[:LINE]: problem`` and exit 2 with the
other files of the batch still localised, or correct output; never an internal error,
a hang or gigabytes of memory. Through the CLI on the real fixture models, in a child
process bounded in time and address space."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from support import MODELS, run_bounded
from translate.localise.checkers import placeholder_signature
from translate.localise.formats import jsonfmt
from translate.localise.messages import split_message
from translate.memory import TranslationMemory

GOOD = "All news on our Facebook page"
HEADER = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'


def po(path, plural_forms: str | None = None, text: str = GOOD):
    header = HEADER + (f'"Language: it\\n"\n"Plural-Forms: {plural_forms}\\n"\n'
                       if plural_forms else "")
    path.write_text(header + f'\nmsgid "{text}"\nmsgstr ""\n\n'
                    'msgid "One file"\nmsgid_plural "%d files"\nmsgstr[0] ""\nmsgstr[1] ""\n',
                    encoding="utf-8")
    return path


def localise(tmp_path, *files, extra=()):
    out = tmp_path / "out"
    done = run_bounded("localise", *map(str, files), "--from", "en", "--to", "it", "-o",
                       str(out), "--models-dir", str(MODELS), *extra, seconds=120,
                       address_space_gb=6)
    return done, out


def refused(done, bad, *fragments: str) -> None:
    """Exit 2; the last line is the bad file's problem; no internal error."""
    assert done.returncode == 2, done.stderr
    assert "internal error" not in done.stderr and "Traceback" not in done.stderr
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith(f"translate: error: {bad}"), done.stderr
    assert "the other 1 input(s) were done" in last
    for fragment in fragments:
        assert fragment in last, last


def test_a_po_header_with_a_hundred_million_plural_forms(tmp_path):
    bad = po(tmp_path / "bad.po", "nplurals=100000000; plural=(n != 1);")
    good = po(tmp_path / "good.po")
    done, out = localise(tmp_path, bad, good)
    refused(done, f"{bad}:5", "nplurals=100000000",
            "(limit 6; raise it with --limit nplurals=N)")
    assert (out / "it" / "good.po").is_file() and not (out / "it" / "bad.po").exists()


def test_a_plural_expression_that_divides_by_zero(tmp_path):
    bad = po(tmp_path / "bad.po", "nplurals=2; plural=(n/0);")
    good = po(tmp_path / "good.po")
    done, out = localise(tmp_path, bad, good)
    refused(done, f"{bad}:5", "divides by zero for n=0")
    assert (out / "it" / "good.po").is_file()


def test_a_plural_expression_past_nplurals(tmp_path):
    bad = po(tmp_path / "bad.po", "nplurals=2; plural=(n > 5 ? 2 : n != 1);")
    good = po(tmp_path / "good.po")
    done, _ = localise(tmp_path, bad, good)
    refused(done, f"{bad}:5", "picks form 2 for n=6")


def _icu(depth: int) -> str:
    return ("{n, select, " + "a {x {n, select, " * depth + "other {deep}"
            + "} other {y}}" * depth + " other {z}}")


def test_icu_select_nested_deeply(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"deep": _icu(400), "greeting": GOOD}), encoding="utf-8")
    good = po(tmp_path / "good.po")
    done, out = localise(tmp_path, bad, good)
    refused(done, str(bad), "nests braces 802 deep", "(limit 20)")
    assert (out / "it" / "good.po").is_file()


def test_icu_nested_deeply_from_anywhere_costs_no_recursion():
    """A memory's stored target or a model output reach the same code: too deep an
    argument stays one placeholder (a RecursionError, or minutes, before)."""
    deep = _icu(1000)
    assert split_message(deep, formats=frozenset({"icu"})).pieces == ()
    assert placeholder_signature(deep) == [deep]


def test_json_numbers_are_written_exactly_as_the_file_has_them(tmp_path):
    """A 5000-digit integer (an internal error before) is past the limit number_digits;
    raised, it is written back exactly, as every other number."""
    bad_int = "9" * 5000
    bundle = tmp_path / "numbers.json"
    bundle.write_text(f'{{"title": "{GOOD}", "big": {bad_int}, "huge": 1e999999, '
                      '"x": 1.10, "y": 1E5, "z": -0.0, "list": [1, 2.50, true, null]}\n',
                      encoding="utf-8")
    good = po(tmp_path / "good.po")
    done, out = localise(tmp_path, bundle, good)
    refused(done, str(bundle), "a number of 5000 digits",
            "(limit 100; raise it with --limit number_digits=N)")
    assert (out / "it" / "good.po").is_file() and not (out / "it" / "numbers.json").exists()
    done, out = localise(tmp_path, bundle, extra=("--limit", "number_digits=5000"))
    assert done.returncode == 0, done.stderr
    written = (out / "it" / "numbers.json").read_text(encoding="utf-8")
    assert f'"big": {bad_int}, "huge": 1e999999, "x": 1.10, "y": 1E5, "z": -0.0, ' \
           '"list": [1, 2.50, true, null]}' in written
    assert "Infinity" not in written


def test_nan_and_infinity_are_not_json(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(f'{{"title": "{GOOD}", "n": NaN, "m": -Infinity}}', encoding="utf-8")
    good = po(tmp_path / "good.po")
    done, out = localise(tmp_path, bad, good)
    refused(done, str(bad), "NaN is not a JSON number")
    assert (out / "it" / "good.po").is_file() and not (out / "it" / "bad.json").exists()


def test_a_json_bundle_whose_every_unit_fails_qa_is_written_empty_and_reported(tmp_path):
    """Each unit failed QA when it was translated (journaled so in the memory): none may
    be written, and the job still ends with its report (an internal marker reached
    json.dumps before: the whole job stopped)."""
    tm = tmp_path / "tm.sqlite"
    with TranslationMemory(tm) as memory:
        for text in (GOOD, "Latest news"):
            memory.store("en", "it", None, text, text + " ???", qa="placeholder lost")
    bundle = tmp_path / "all-fail.json"
    bundle.write_text(json.dumps({"a": GOOD, "nested": {"b": "Latest news"}}, indent=2),
                      encoding="utf-8")
    good = po(tmp_path / "good.po", text="The event began with prayers")
    report = tmp_path / "report.json"
    done, out = localise(tmp_path, bundle, good,
                         extra=("--tm", str(tm), "--report", str(report)))
    assert done.returncode == 0, done.stderr
    assert "2 failed QA" in done.stderr
    assert json.loads((out / "it" / "all-fail.json").read_text(encoding="utf-8")) == {}
    assert (out / "it" / "good.po").is_file()
    failed = json.loads(report.read_text(encoding="utf-8"))["failed"]
    assert sorted(f["key"] for f in failed if f["file"].endswith(".json")) == ["/a", "/nested/b"]


_LEAF = st.none() | st.booleans() | st.integers() | st.text()
_TREE = st.recursive(_LEAF, lambda inner: st.lists(inner, max_size=4)
                     | st.dictionaries(st.text(), inner, max_size=4), max_leaves=20)


@settings(max_examples=300, deadline=None)
@given(_TREE, st.sampled_from([None, 0, 2, 4, "\t"]))
def test_the_json_writer_writes_what_json_dumps_writes(obj, indent):
    """The bundle writer keeps numbers as written; everything else is json.dumps's."""
    assert jsonfmt.dumps(obj, indent) == json.dumps(obj, ensure_ascii=False, indent=indent)


def test_a_json_catalog_nested_past_the_limit_is_refused_while_scanning(tmp_path):
    """Objects and arrays nested 100,000 deep on line 3: refused at the first bracket past
    ``nesting_depth`` (the parser never sees it, so no recursion), with its line and the
    option; 150 deep is read once the limit is raised. The depth was a module constant
    checked after parsing before."""
    bad = tmp_path / "bad.json"
    bad.write_text('{\n"greeting": "' + GOOD + '",\n"deep": ' + "[" * 100_000
                   + "]" * 100_000 + "\n}\n", encoding="utf-8")
    good = tmp_path / "good.json"
    good.write_text(json.dumps({"greeting": GOOD}), encoding="utf-8")
    done, out = localise(tmp_path, bad, good)
    refused(done, f"{bad}:3", "JSON objects and arrays nested more than 100 deep",
            "(limit 100; raise it with --limit nesting_depth=N)")
    assert (out / "it" / "good.json").is_file() and not (out / "it" / "bad.json").exists()
    deep = tmp_path / "deep.json"
    deep.write_text('{"greeting": "' + GOOD + '", "deep": ' + "[" * 150 + "]" * 150 + "}",
                    encoding="utf-8")
    done, out = localise(tmp_path, deep, extra=("--limit", "nesting_depth=200"))
    assert done.returncode == 0, done.stderr
    written = json.loads((out / "it" / "deep.json").read_text(encoding="utf-8"))
    assert written["greeting"] != GOOD and written["deep"] == json.loads(
        "[" * 150 + "]" * 150)
