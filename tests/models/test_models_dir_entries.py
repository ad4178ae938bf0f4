"""A --models-dir entry that is there but unusable (symlink loop, broken link, a file) is
named in the error, instead of falling through to the default hub checkpoint."""

from __future__ import annotations

import os
import shutil

import pytest

from support import MODELS
from translate.cli import main


@pytest.fixture
def models_dir(tmp_path):
    d = tmp_path / "models"
    d.mkdir()
    shutil.copytree(MODELS / "it-en", d / "it-en")
    return d


def run(capsys, tmp_path, models_dir, src="en", tgt="it"):
    text = tmp_path / "a.txt"
    text.write_text("All news on our Facebook page\n")
    code = main(["article", str(text), "--from", src, "--to", tgt, "--models-dir",
                 str(models_dir), "--no-glossary"])
    return code, *capsys.readouterr()


def test_a_symlink_loop_names_the_entry(capsys, tmp_path, models_dir):
    os.symlink("en-it", models_dir / "en-it")
    code, _, err = run(capsys, tmp_path, models_dir)
    assert code == 2, err
    assert len(err.strip().splitlines()) == 1
    assert f"{models_dir / 'en-it'}: is a symlink loop" in err
    assert "Helsinki-NLP" not in err


def test_a_two_link_loop_names_the_entry(capsys, tmp_path, models_dir):
    os.symlink("b", models_dir / "en-it")
    os.symlink("en-it", models_dir / "b")
    code, _, err = run(capsys, tmp_path, models_dir)
    assert code == 2 and "symlink loop" in err and str(models_dir / "en-it") in err


def test_a_broken_symlink_names_the_entry(capsys, tmp_path, models_dir):
    os.symlink(tmp_path / "gone", models_dir / "en-it")
    code, _, err = run(capsys, tmp_path, models_dir)
    assert code == 2 and "broken symlink" in err and str(models_dir / "en-it") in err


def test_a_file_in_place_of_a_checkpoint_names_the_entry(capsys, tmp_path, models_dir):
    (models_dir / "en-it").write_text("oops")
    code, _, err = run(capsys, tmp_path, models_dir)
    assert code == 2 and "is a file, not a directory" in err


def test_a_good_entry_still_translates(capsys, tmp_path, models_dir):
    code, out, err = run(capsys, tmp_path, models_dir, src="it", tgt="en")
    assert code == 0, err
