"""Regressions found while giving the toolkit one structure (issue #11): each of these
failed before the fix."""

from __future__ import annotations

import json
import unicodedata

import pytest

from support import MODELS
from translate import Translator
from translate.cli import main

TRK = MODELS / "en-trk"


def test_model_mapping_reads_the_target_token_as_model_does():
    """``Translator(models={"en-az": "REF:>>aze_Latn<<"})``, the documented form, was a
    path named ``REF:>>aze_Latn<<``."""
    tr = Translator(models={"en-az": f"{TRK}:>>aze_Latn<<"}, device="cpu", glossary=False)
    (step,) = tr.route("en", "az")
    assert (step.spec.ref, step.spec.target_token) == (str(TRK), ">>aze_Latn<<")
    cli = Translator(models=[f"en-az={TRK}:>>aze_Latn<<"], device="cpu", glossary=False)
    text = ["The event began with prayers."]
    assert tr.translate(text, "en", "az") == cli.translate(text, "en", "az")


def test_a_multilingual_checkpoint_is_loaded_once_for_all_its_targets():
    tr = Translator(models={"en-az": str(TRK), "en-it": str(TRK)}, device="cpu",
                    glossary=False)
    text = ["The event began with prayers."]
    az = tr.translate(text, "en", "az")
    it = tr.translate(text, "en", "it")
    (to_az,), (to_it,) = tr.route("en", "az"), tr.route("en", "it")
    e_az, e_it = tr.engine(to_az), tr.engine(to_it)
    assert e_az.checkpoint.model is e_it.checkpoint.model  # one set of weights
    assert e_az.checkpoint.tokenizer is e_it.checkpoint.tokenizer
    assert (e_az.checkpoint.target_token, e_it.checkpoint.target_token) == (
        ">>aze_Latn<<", ">>ita<<")
    # and each target still gets its own translation, as separate translators give
    for tgt, got in (("az", az), ("it", it)):
        alone = Translator(models={f"en-{tgt}": str(TRK)}, device="cpu", glossary=False)
        assert alone.translate(text, "en", tgt) == got


def _report_terms(report_path):
    data = json.loads(report_path.read_text(encoding="utf-8"))
    segs = data["files"][0]["targets"]["en"]["segments"]
    return segs, [t for s in segs for t in s["terms"]]


def test_report_offsets_of_nfd_input_slice_the_callers_text(tmp_path, capsys):
    """NFD input (``S`` + combining cedilla): spans used to index the NFC text, so
    ``source_span`` sliced ``'Şus'`` for ``'Şuşa'``."""
    text = unicodedata.normalize("NFD", "Prezident İlham Əliyev Şuşa şəhərində çıxış edib.\n")
    src = tmp_path / "nfd.az.txt"
    src.write_bytes(text.encode("utf-8"))
    report = tmp_path / "r.json"
    assert main(["article", str(src), "--from", "az", "--to", "en", "--models-dir",
                 str(MODELS), "--report", str(report), "--beam-size", "1"]) == 0
    capsys.readouterr()
    segs, terms = _report_terms(report)
    assert terms, "the glossary finds its terms in NFD text"
    for term in terms:
        start, end = term["source_span"]
        assert text[start:end] == term["source"]
        assert unicodedata.normalize("NFC", term["source"]) in ("İlham Əliyev", "Şuşa")
    for seg in segs:
        assert text[seg["start"]:seg["end"]] == seg["source"]


def test_report_offsets_of_a_bom_file_slice_the_file_as_it_holds_it(tmp_path, capsys):
    body = "Prezident İlham Əliyev Şuşa şəhərində çıxış edib.\n"
    src = tmp_path / "bom.az.txt"
    src.write_bytes(b"\xef\xbb\xbf" + body.encode("utf-8"))
    text = src.read_text(encoding="utf-8")  # the file's text, BOM included
    report = tmp_path / "r.json"
    assert main(["article", str(src), "--from", "az", "--to", "en", "--models-dir",
                 str(MODELS), "--report", str(report), "--beam-size", "1"]) == 0
    capsys.readouterr()
    segs, terms = _report_terms(report)
    assert terms
    for seg in segs:
        assert text[seg["start"]:seg["end"]] == seg["source"]
    for term in terms:
        assert text[term["source_span"][0]:term["source_span"][1]] == term["source"]
    # `translate segment` indexes the same text
    assert main(["segment", str(src), "--lang", "az", "--json"]) == 0
    for seg in json.loads(capsys.readouterr().out):
        assert text[seg["start"]:seg["end"]] == seg["text"]


@pytest.mark.parametrize("argv", [
    ["article", "MISSING", "--from", "it", "--to", "en", "--debug"],
    ["article", "--debug", "MISSING", "--from", "it", "--to", "en"],
])
def test_debug_works_in_any_position(argv, tmp_path, capsys):
    argv = [str(tmp_path / "nope.txt") if a == "MISSING" else a for a in argv]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "Traceback" in err and "no such file" in err


def test_debug_keeps_the_exit_code_of_a_user_error(tmp_path):
    """``translate article missing.txt --from en --to it --debug`` exited 1 (the code of
    an internal error, as the re-raised exception left Python) instead of 2."""
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-m", "translate.cli", "article", "missing.txt",
                           "--from", "en", "--to", "it", "--debug"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" in proc.stderr
    assert proc.stderr.rstrip().splitlines()[-1] == (
        "translate: error: missing.txt: no such file; check the path")


def test_version(capsys):
    from translate import __version__

    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.strip() == f"translate {__version__}"


def test_dask_scheduler_in_the_environment_does_not_break_a_local_run(tmp_path, capsys,
                                                                      monkeypatch):
    """Dask's tools export DASK_SCHEDULER_ADDRESS; a local run used to fail with
    "--scheduler needs --executor dask"."""
    monkeypatch.setenv("DASK_SCHEDULER_ADDRESS", "tcp://127.0.0.1:9")
    src = tmp_path / "a.en.txt"
    src.write_text("The event began with prayers.\n", encoding="utf-8")
    assert main(["article", str(src), "--from", "en", "--to", "it", "--models-dir",
                 str(MODELS), "--no-glossary", "--beam-size", "1"]) == 0
    out, err = capsys.readouterr()
    assert out.strip() and err == ""
    # an explicit --scheduler without --executor dask is still a mistake
    assert main(["article", str(src), "--from", "en", "--to", "it", "--scheduler",
                 "tcp://127.0.0.1:9"]) == 2
    assert "--scheduler needs --executor dask" in capsys.readouterr().err
