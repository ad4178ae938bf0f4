"""The evaluation script ``benchmarks/segeval.py``, run as a user runs it, on corpora
whose right scores are known by hand."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from translate.segment.evaluate import Item, evaluate, gold_boundaries

from .helpers import ROOT

SCRIPT = ROOT / "benchmarks" / "segeval.py"

# One correct boundary, one missed ("Mr." is a title), one false (gold: one sentence).
CORPUS = [
    {"text": "He left early.  Then he came back.", "expected": ["He left early.",
                                                               "Then he came back."]},
    {"sentences": ["The award went to Mr.", "Smith on Friday."]},
    ["It rained. Then it stopped."],
]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True,
                          text=True, cwd=ROOT, timeout=120, check=False)


def _write(path: Path, data: object) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_scores_a_corpus_in_all_three_shapes(tmp_path: Path) -> None:
    corpus = _write(tmp_path / "news.json", CORPUS)
    done = _run(str(corpus), "--lang", "en", "--errors", "5")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.splitlines()[-1])["all"]
    assert result == {"items": 3, "exact": 1, "gold": 2, "predicted": 2, "correct": 1,
                      "precision": 0.5, "recall": 0.5, "f1": 0.5}
    assert "item 1: missed The award went to Mr. | Smith on Friday." in done.stdout
    assert "item 2: false  It rained. | Then it stopped." in done.stdout


def test_language_from_the_item_or_the_file_name(tmp_path: Path) -> None:
    # "akad." is a title in Azerbaijani only; with English rules it would end a sentence.
    items = [{"lang": "az", "sentences": ["Tədbirdə akad. Ə. Əlizadə çıxış edib.",
                                          "Sonra fasilə olub."]}]
    done = _run(str(_write(tmp_path / "mixed.json", items)))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.splitlines()[-1])["all"]["f1"] == 1.0
    named = _write(tmp_path / "az_news.json", [items[0]["sentences"]])
    assert json.loads(_run(str(named)).stdout.splitlines()[-1])["languages"]["az"]["f1"] == 1.0


def test_every_dev_set_scores_full_marks() -> None:
    done = _run("--dev")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.splitlines()[-1])
    assert {"golden_en.json", "en_quotes_dev.json", "az_quotes_dev.json",
            "it_quotes_dev.json"} <= set(result["files"])
    assert result["all"]["precision"] == result["all"]["recall"] == 1.0


@pytest.mark.parametrize(("data", "message"), [
    ("{not json", "news.json:1: not valid JSON"),
    ({"text": "A."}, "expected a JSON list of items"),
    ([{"text": "A b. C d.", "expected": ["A b.", "X."]}], "item 0: sentence 2 is not in its text"),
    ([{"text": "A b."}], "item 0: needs \"text\" and \"expected\", or \"sentences\""),
    ([["A b.", 3]], "item 0: the sentences must be a list of strings"),
])
def test_a_bad_corpus_is_one_line_and_exit_2(tmp_path: Path, data: object, message: str
                                             ) -> None:
    path = tmp_path / "news.json"
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        _write(path, data)
    done = _run(str(path), "--lang", "en")
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and message in done.stderr, done.stderr


def test_a_file_without_a_language_asks_for_one(tmp_path: Path) -> None:
    done = _run(str(_write(tmp_path / "news.json", [["A b.", "C d."]])))
    assert done.returncode == 2
    assert "give --lang en|az|it" in done.stderr


def test_boundaries_are_sentence_starts() -> None:
    text = "One.  Two. Three."
    assert gold_boundaries(text, ["One.", "Two.", "Three."]) == (6, 11)
    report = evaluate([Item(text, ("One.", "Two.", "Three."))], "en")
    assert (report.scores.correct, report.scores.f1, report.errors) == (2, 1.0, ())
