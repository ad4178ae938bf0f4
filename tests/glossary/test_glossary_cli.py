"""The command line: `translate glossary check` and `translate evaluate`."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from translate.cli import main

REPO = Path(__file__).resolve().parents[2]
NEWS = REPO / "glossaries" / "news.tsv"
ALIGNED = Path(__file__).parent / "data" / "khojaly-rome.aligned.tsv"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> dict[str, Path]:
    """The aligned reference article as one line-aligned file per language."""
    out = tmp_path_factory.mktemp("corpus")
    with ALIGNED.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    paths = {}
    for lang in ("en", "az", "it"):
        paths[lang] = out / f"khojaly-rome.{lang}"
        paths[lang].write_text("".join(r[lang] + "\n" for r in rows), encoding="utf-8")
    return paths


def test_glossary_check_ok(capsys):
    assert main(["glossary", "check", str(NEWS)]) == 0
    out, err = capsys.readouterr()
    assert out == f"{NEWS}: 118 concepts, languages en, az, it\n" and err == ""


def test_glossary_check_reports_each_problem_and_exits_2(tmp_path, capsys):
    bad = tmp_path / "bad.tsv"
    bad.write_text("en\taz\tit\nRome\tRoma\n\nItaly\tİtaliya\tItalia\n", encoding="utf-8")
    assert main(["glossary", "check", str(bad), str(NEWS)]) == 2
    out, err = capsys.readouterr()
    assert err.splitlines() == [
        f"{bad}:2: 2 columns, but the header has 3 (en, az, it)",
        f"{bad}:3: empty row: delete it, or start it with # to keep it as a comment",
    ]
    assert out.startswith(f"{NEWS}: 118 concepts")


def test_glossary_check_missing_file(tmp_path, capsys):
    assert main(["glossary", "check", str(tmp_path / "none.tsv")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_evaluate_human_references(corpus, capsys):
    assert main(["evaluate", "--ref", str(corpus["az"]), "--hyp", str(corpus["az"]),
                 "--lang", "az", "--src", str(corpus["en"]), "--src-lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "chrF           100.00" in out and "BLEU           100.00" in out
    assert "term accuracy  100.0% (37/37; 0 missing, 0 malformed)" in out


def test_evaluate_json_with_glossary_and_failures(corpus, tmp_path, capsys):
    hyp = tmp_path / "hyp.az"
    lines = corpus["az"].read_text(encoding="utf-8").splitlines()
    lines[6] = lines[6].replace("Xocalıda", "Xocalıyda")  # malformed
    lines[9] = lines[9].replace("İtaliyadakı", "Italiyadakı")  # missing
    hyp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["evaluate", "--ref", str(corpus["az"]), "--hyp", str(hyp), "--lang", "az",
                 "--src", str(corpus["en"]), "--src-lang", "en", "--glossary", str(NEWS),
                 "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["lines"] == 18 and 90 < result["chrf"] < 100 and result["bleu"] < 100
    terms = result["terms"]
    assert (terms["hits"], terms["found"], terms["malformed"], terms["missing"]) == (
        37, 35, 1, 1)
    assert terms["failures"] == [
        {"line": 7, "source": "Khojaly", "target": "Xocalı", "status": "malformed"},
        {"line": 10, "source": "Italy", "target": "İtaliya", "status": "missing"},
    ]


def test_evaluate_without_source_scores_only_text(corpus, capsys):
    assert main(["evaluate", "--ref", str(corpus["it"]), "--hyp", str(corpus["it"]),
                 "--lang", "it", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["terms"] is None


@pytest.mark.parametrize("extra, fragment", [
    (["--hyp", "{en}"], None),
    (["--hyp", "{short}"], "has 2 lines but the reference"),
    (["--hyp", "{az}", "--src", "{en}"], "needs the source language"),
    (["--hyp", "{az}", "--src-lang", "en"], "add --src FILE"),
    (["--hyp", "{az}", "--src", "{short}", "--src-lang", "en"], "has 2 lines"),
    (["--hyp", "{az}", "--lang", "fr"], "unknown or unsupported language 'fr'"),
    (["--hyp", "{az}", "--src", "{en}", "--src-lang", "en", "--glossary", "{bad}"],
     ":2: empty row"),
])
def test_evaluate_user_errors_exit_2(corpus, tmp_path, capsys, extra, fragment):
    short = tmp_path / "short.txt"
    short.write_text("a\nb\n", encoding="utf-8")
    bad = tmp_path / "bad.tsv"
    bad.write_text("en\taz\n\n", encoding="utf-8")
    names = {"en": corpus["en"], "az": corpus["az"], "short": short, "bad": bad}
    argv = ["evaluate", "--ref", str(corpus["az"])]
    argv += [a.format(**names) for a in extra]
    if "--lang" not in argv:
        argv += ["--lang", "az"]
    code = main(argv)
    err = capsys.readouterr().err
    if fragment is None:  # a well-formed run, scored against the wrong language
        assert code == 0
        return
    assert code == 2 and err.count("\n") == 1 and fragment in err, err


def test_console_script_runs_as_a_process(corpus):
    proc = subprocess.run(
        [sys.executable, "-m", "translate.cli", "evaluate", "--ref", str(corpus["it"]),
         "--hyp", str(corpus["it"]), "--lang", "it", "--src", str(corpus["en"]),
         "--src-lang", "en"],
        cwd=REPO, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "term accuracy  100.0% (37/37; 0 missing, 0 malformed)" in proc.stdout
