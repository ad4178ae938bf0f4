"""The real catalogs of fixtures/catalogs-real (issue 13): every placeholder syntax they
use is recognised, and a job over all of them keeps their structure, passes msgfmt --check
and the OASIS XSDs where the inputs do, and a rerun writes nothing. The job runs on the
job-logic double here (quick); benchmarks/catalogs_real.py runs the fixture models."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest
from localise_doubles import CountingTranslate, clean_translate

from support import FIXTURES
from translate.localise.checkers import CheckContext, run_checks
from translate.localise.formats import format_for
from translate.localise.jobs import _prepare, run_job
from translate.localise.placeholders import declared_formats, find_spans, restore

REAL = FIXTURES / "catalogs-real"
XSD = FIXTURES / "xliff-schemas"
FILES = sorted(p for p in REAL.rglob("*") if p.suffix in (".po", ".pot", ".xlf", ".json"))


def units(path):
    fmt = format_for(path)
    return fmt.read(path.read_bytes(), str(path), "en").units


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_masking_round_trips_every_real_unit(path):
    for u in units(path):
        for text in u.sources:
            prep = _prepare(text, declared_formats(u.flags))
            assert prep.split.join([restore(p.text, p) for p in prep.pieces]) == text
            # what the model sees of a c-format string has no printf conversion left
            if "c-format" in u.flags:
                assert not any(re.search(r"%[-+#0]*\d*(?:\.\d+)?l*[sdiuxc]", p.text)
                               for p in prep.pieces), text


def test_the_syntaxes_of_the_real_catalogs_are_recognised():
    kinds = {p.name: {(sp.kind, sp.text) for u in units(p) for t in u.sources
                      for sp in find_spans(t, formats=declared_formats(u.flags))}
             for p in FILES}
    assert ("printf", "%s") in kinds["sudo.pot"]
    assert ("format", "{0}") in kinds["uranium.pot"]
    assert {("printf", "%d"), ("format", "{email}")} <= kinds["allauth-it.po"]
    assert ("i18next", "{{ limit }}") in kinds["validators.en.xlf"]
    assert ("symfony", "%minutes%") in kinds["security.en.xlf"]
    assert any(k == "tag" and "START_TAG_MAT_OPTION" in t
               for k, t in kinds["angular-messages.xlf"])
    assert any(k == "icu" for k, _ in kinds["icu-flat.json"])


def test_symfony_pipe_plurals_are_split_into_branches():
    [u] = [u for u in units(REAL / "validators.en.xlf")
           if u.source.startswith("This value is too short. It should have {{ limit }} "
                                  "character or more.|")]
    assert u.flags == {"symfony"}
    prep = _prepare(u.source, declared_formats(u.flags))
    pieces = [restore(p.text, p) for p in prep.pieces]
    assert len(pieces) == 2 and all("|" not in p for p in pieces)
    ctx = CheckContext("en", "it", formats=frozenset({"symfony"}))
    ok = "Troppo corto: almeno {{ limit }} carattere.|Troppo corto: almeno {{ limit }} caratteri."
    assert [p for p in run_checks(u.source, ok, ctx) if p.critical] == []
    lost = ok.replace("|", " ")
    assert any(p.critical for p in run_checks(u.source, lost, ctx))


def _msgfmt_ok(path):
    return subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(path)],
                          capture_output=True, check=False).returncode == 0


def _xsd_ok(path):
    schema = "xliff-core-2.0.xsd" if b'version="2.0"' in path.read_bytes()[:400] \
        else "xliff-core-1.2-transitional.xsd"
    return subprocess.run(["xmllint", "--noout", "--nonet", "--schema", str(XSD / schema),
                           str(path)], capture_output=True, check=False).returncode == 0


@pytest.mark.skipif(not shutil.which("msgfmt") or not shutil.which("xmllint"),
                    reason="needs gettext and libxml2-utils")
def test_a_job_over_the_real_catalogs_is_valid_and_rerun_free(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1708941600")
    out = tmp_path / "out"
    report = run_job([REAL], "en", ["az", "it"], out, clean_translate)
    assert report.translated > 500
    for f in report.files:
        src, dest = REAL / f.source.split("catalogs-real/", 1)[1], out / f.output.split(
            "out/", 1)[1]
        if src.suffix in (".po", ".pot") and _msgfmt_ok(src):
            assert _msgfmt_ok(dest), dest
        if src.suffix == ".xlf" and _xsd_ok(src):
            assert _xsd_ok(dest), dest
    it = json.loads((out / "it" / "i18next" / "icu-flat.json").read_text())
    assert set(it) <= set(json.loads((REAL / "i18next" / "icu-flat.json").read_text()))
    counted = CountingTranslate(clean_translate)
    again = run_job([REAL], "en", ["az", "it"], out, counted)
    assert counted.calls == 0 and again.files_written == ()
