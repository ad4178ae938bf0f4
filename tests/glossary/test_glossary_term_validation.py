"""Glossary terms need a letter or digit, and must be short enough for a model to place:
`glossary check` reports each as FILE:LINE, and every command that loads the glossary
refuses it (exit 2) before any model runs."""

from __future__ import annotations

import time

import pytest

import translate.glossary.load as glossary_load
from support import MODELS
from translate.cli import main
from translate.glossary.text import collapse_spaces


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("term", ["-", "'", "--", "\u200b", "\u200b\u200c\u2060", "- '",
                                  "\u00ad", "…", "«»"])
def test_check_refuses_a_term_without_a_letter_or_digit(capsys, tmp_path, term):
    g = tmp_path / "g.tsv"
    g.write_text(f"en\tit\nwell\tbene\n{term}\tTRATTINO\n", encoding="utf-8")
    code, out, err = run(capsys, "glossary", "check", str(g))
    assert code == 2
    shown = collapse_spaces(term)  # what the glossary keeps of the cell
    assert err.strip().splitlines() == [
        f"{g}:3: en term {shown!r} has no letter or digit (only punctuation, spaces "
        "or invisible characters), so it would match inside words: remove it or write the "
        "word"]
    assert out == ""


def test_the_target_side_is_checked_too(capsys, tmp_path):
    g = tmp_path / "g.csv"
    g.write_text("en,it\nhyphen,-\n", encoding="utf-8")
    code, _, err = run(capsys, "glossary", "check", str(g))
    assert code == 2 and f"{g}:2: it term '-' has no letter or digit" in err


@pytest.mark.parametrize("term", ["G7", "5G", "COP29", "Xocalı", "dell'Italia", "Taxt-Tac"])
def test_terms_with_a_letter_or_digit_are_fine(capsys, tmp_path, term):
    g = tmp_path / "g.tsv"
    g.write_text(f"en\tit\n{term}\t{term}\n", encoding="utf-8")
    code, out, err = run(capsys, "glossary", "check", str(g))
    assert code == 0, err


def test_a_punctuation_term_no_longer_rewrites_well_known(capsys, tmp_path):
    g = tmp_path / "g.tsv"
    g.write_text("en\tit\n-\tTRATTINO\n", encoding="utf-8")
    text = tmp_path / "a.txt"
    text.write_text("A well-known page.\n")
    code, out, err = run(capsys, "article", str(text), "--from", "en", "--to", "it",
                         "--models-dir", str(MODELS), "--glossary", str(g))
    assert code == 2, err
    assert f"{g}:2: en term '-' has no letter or digit" in err
    assert "TRATTINO" not in out


def test_a_tbx_term_of_punctuation_is_refused(capsys, tmp_path):
    g = tmp_path / "g.tbx"
    g.write_text("""<?xml version="1.0" encoding="UTF-8"?>
<martif type="TBX-Basic" xml:lang="en"><text><body>
 <termEntry id="c1">
  <langSet xml:lang="en"><tig><term>'</term></tig></langSet>
  <langSet xml:lang="it"><tig><term>APOSTROFO</term></tig></langSet>
 </termEntry>
</body></text></martif>
""", encoding="utf-8")
    code, _, err = run(capsys, "glossary", "check", str(g))
    assert code == 2 and "en term \"'\" has no letter or digit" in err


def test_a_10000_character_term_is_refused_at_load_quickly(capsys, tmp_path):
    g = tmp_path / "long.tsv"
    g.write_text("en\tit\nPress\tStampa\n" + "Baku " * 2000 + "\tBaku\n", encoding="utf-8")
    text = tmp_path / "a.txt"
    text.write_text("Baku " * 20 + "\n")
    start = time.monotonic()
    code, out, err = run(capsys, "article", str(text), "--from", "en", "--to", "it",
                         "--models-dir", str(MODELS), "--glossary", str(g))
    assert time.monotonic() - start < 30  # the check is at load; before: minutes
    assert code == 2, err
    assert len(err.strip().splitlines()) == 1
    assert f"{g}:3: en term 'Baku Baku Baku Baku Baku Baku '... is 9999 characters" in err
    assert f"({glossary_load.MAX_TERM_CHARS} at most)" in err


def test_a_term_at_the_limit_is_fine_and_one_over_is_not(capsys, tmp_path):
    ok, bad = tmp_path / "ok.tsv", tmp_path / "bad.tsv"
    ok.write_text(f"en\tit\n{'a' * glossary_load.MAX_TERM_CHARS}\tb\n", encoding="utf-8")
    bad.write_text(f"en\tit\n{'a' * (glossary_load.MAX_TERM_CHARS + 1)}\tb\n", encoding="utf-8")
    assert run(capsys, "glossary", "check", str(ok))[0] == 0
    code, _, err = run(capsys, "glossary", "check", str(bad))
    assert code == 2 and f"{bad}:2:" in err
