"""End to end: ``translate segment`` through the real command line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from translate.cli import main

from .helpers import ROOT

TEXT = ("Görüşdə R. Quliyev çıxış edib. Layihəyə 3,4 mln. manat ayrılıb.\r\n\r\n"
        "Başlıq\r\nMətn www.stat.gov.az saytındadır.")
SENTENCES = ["Görüşdə R. Quliyev çıxış edib.", "Layihəyə 3,4 mln. manat ayrılıb.", "Başlıq",
             "Mətn www.stat.gov.az saytındadır."]


def _run(args: list[str], stdin: bytes) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    return subprocess.run([sys.executable, "-m", "translate.cli", *args], input=stdin,
                          capture_output=True, cwd=ROOT, env=env, timeout=60, check=False)


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "article.az.txt"
    path.write_bytes(TEXT.encode("utf-8"))
    return path


def test_one_sentence_per_line(article: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["segment", str(article), "--lang", "az"]) == 0
    assert capsys.readouterr().out.splitlines() == SENTENCES


def test_json_offsets_index_the_file(article: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["segment", str(article), "--lang", "aze", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["text"] for r in rows] == SENTENCES
    assert all(TEXT[r["start"]:r["end"]] == r["text"] for r in rows)


def test_stdin_through_the_module_entry_point() -> None:
    done = _run(["segment", "-", "--lang", "en"], b"Mr. Smith left at 5 p.m. He was tired.")
    assert done.returncode == 0, done.stderr
    assert done.stdout.decode("utf-8").splitlines() == ["Mr. Smith left at 5 p.m.",
                                                         "He was tired."]


def test_invalid_utf8_is_one_line_and_exit_2() -> None:
    done = _run(["segment", "-", "--lang", "it"], b"Il Dott. Rossi \xff\xfe ha parlato.")
    assert done.returncode == 2
    assert done.stdout == b""
    lines = done.stderr.decode("utf-8").splitlines()
    assert len(lines) == 1 and "invalid UTF-8" in lines[0]


def test_unknown_language_is_a_user_error(article: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["segment", str(article), "--lang", "fr"]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and "unsupported language 'fr'" in err[0]
