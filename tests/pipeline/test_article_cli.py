"""End to end: the reference article through the CLI and the real fixture models."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from support import MODELS, ROOT, article
from translate.cli import main

EN = str(ROOT / "fixtures/corpus/khojaly-rome.en.txt")
AZ = str(ROOT / "fixtures/corpus/khojaly-rome.az.txt")


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("tgt", ["it", "az"])
def test_english_article_matches_the_human_translation(capsys, tgt):
    code, out, err = run(capsys, "article", EN, "--from", "en", "--to", tgt,
                         "--models-dir", str(MODELS), "--no-glossary")
    assert code == 0, err
    assert out == article(tgt)


def test_azerbaijani_to_italian_pivots_through_english(capsys, tmp_path):
    report = tmp_path / "r.json"
    code, out, err = run(capsys, "article", AZ, "--from", "az", "--to", "it",
                         "--models-dir", str(MODELS), "--report", str(report), "--no-glossary")
    assert code == 0, err
    assert out == article("it")
    seg = json.loads(report.read_text())["files"][0]["targets"]["it"]["segments"][0]
    assert [m.rsplit("/", 1)[-1] for m in seg["models"]] == ["az-en", "en-it"]


def test_footer_in_azerbaijani_is_translated_to_italian_and_kept_for_azerbaijani(
        capsys, tmp_path):
    report = tmp_path / "r.json"
    code, _, err = run(capsys, "article", EN, "--from", "en", "--to", "az,it", "-o",
                       str(tmp_path / "out"), "--models-dir", str(MODELS),
                       "--report", str(report), "--no-glossary")
    assert code == 0, err
    it = (tmp_path / "out/khojaly-rome.it.txt").read_text(encoding="utf-8")
    az = (tmp_path / "out/khojaly-rome.az.txt").read_text(encoding="utf-8")
    assert it.rstrip().endswith("Tutte le notizie sulla nostra pagina Facebook")
    assert az.rstrip().endswith("Bütün xəbərlər Facebook səhifəmizdə")
    targets = json.loads(report.read_text())["files"][0]["targets"]
    footer_it = targets["it"]["segments"][-1]
    footer_az = targets["az"]["segments"][-1]
    assert (footer_it["lang"], footer_it["action"]) == ("az", "translated")
    assert (footer_az["lang"], footer_az["action"]) == ("az", "kept")
    assert all(s["lang"] == "en" for s in targets["it"]["segments"][:-1])


def test_auto_detects_the_article_language(capsys):
    code, out, err = run(capsys, "article", AZ, "--from", "auto", "--to", "en",
                         "--models-dir", str(MODELS), "--no-glossary")
    assert code == 0, err
    assert out == article("en").replace("Bütün xəbərlər Facebook səhifəmizdə",
                                        "All news on our Facebook page")


def test_layout_is_kept_exactly(capsys, tmp_path):
    text = "\n\n  " + article("en").split("\n\n")[0] + "\r\n\r\n\r\n" + \
        "The ambassador noted that various countries and parliaments have condemned " \
        "the Khojaly tragedy and adopted resolutions recognizing it as a genocide.  \n"
    src = tmp_path / "a.txt"
    src.write_bytes(text.encode())
    code, out, err = run(capsys, "article", str(src), "--from", "en", "--to", "it",
                         "--models-dir", str(MODELS), "--no-glossary")
    assert code == 0, err
    assert out.startswith("\n\n  Evento commemorativo")
    assert "\r\n\r\n\r\nL'ambasciatore ha osservato" in out
    assert out.endswith("genocidio.  \n")


def test_multilingual_checkpoint_uses_the_target_token(capsys, tmp_path):
    trk = str(MODELS / "en-trk")
    for tgt, token in (("az", ">>aze_Latn<<"), ("it", ">>ita<<")):
        report = tmp_path / f"{tgt}.json"
        # the multilingual checkpoint for English; the footer's az->en from the directory
        code, out, err = run(capsys, "article", EN, "--from", "en", "--to", tgt,
                             "--model", f"en-{tgt}={trk}", "--models-dir", str(MODELS),
                             "--no-glossary", "--report", str(report))
        assert code == 0, err
        assert out == article(tgt)
        first = json.loads(report.read_text())["files"][0]["targets"][tgt]["segments"][0]
        assert first["models"] == [f"{trk} {token}"]


def test_wrong_multilingual_token_is_a_clear_error(capsys):
    code, out, err = run(capsys, "article", EN, "--from", "en", "--to", "az",
                         "--model", f"en-az={MODELS / 'en-trk'}:>>aze<<", "--no-glossary")
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    assert ">>aze<<" in err and ">>aze_Latn<<" in err


def test_model_unavailable_offline_names_the_checkpoint(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    code, out, err = run(capsys, "article", EN, "--from", "en", "--to", "it", "--no-glossary")
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    assert "Helsinki-NLP/opus-mt-en-it" in err and "not available offline" in err


def test_missing_file_and_unknown_language_are_one_line_errors(capsys, tmp_path):
    code, _, err = run(capsys, "article", str(tmp_path / "nope.txt"), "--from", "en",
                       "--to", "it", "--models-dir", str(MODELS))
    assert code == 2 and "no such file" in err and len(err.splitlines()) == 1
    code, _, err = run(capsys, "article", EN, "--from", "en", "--to", "de",
                       "--models-dir", str(MODELS))
    assert code == 2 and "'de'" in err and len(err.splitlines()) == 1


def test_output_directory_write_is_atomic_and_complete(capsys, tmp_path):
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    (out_dir / "khojaly-rome.it.txt").write_text("previous run\n")
    code, _, err = run(capsys, "article", EN, "--from", "en", "--to", "it", "-o", str(out_dir),
                       "--models-dir", str(MODELS), "--no-glossary")
    assert code == 0, err
    assert sorted(p.name for p in out_dir.iterdir()) == ["khojaly-rome.it.txt"]
    assert (out_dir / "khojaly-rome.it.txt").read_text(encoding="utf-8") == article("it")


@pytest.mark.slow
def test_console_script_reads_stdin():
    env = dict(os.environ, TRANSLATE_MODELS_DIR=str(MODELS))
    proc = subprocess.run(
        [sys.executable, "-m", "translate.cli", "article", "-", "--from", "it", "--to", "en",
         "--no-glossary"],
        input=b"Tutte le notizie sulla nostra pagina Facebook\n",
        capture_output=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr.decode()
    assert proc.stdout.decode() == "All news on our Facebook page\n"
    assert proc.stderr.decode() == ""
