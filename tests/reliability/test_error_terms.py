"""A user error is said in the terms of whoever made the call: the library names the
parameter (``max_size_mb=0``), the command line the flag that sets it (``--max-size 0``);
the server's side is in tests/serve/test_errors.py."""

from __future__ import annotations

import pytest

from translate.article import plan_files
from translate.cli import main
from translate.config import TranslatorConfig
from translate.errors import UserError


@pytest.fixture
def story(tmp_path):
    path = tmp_path / "story.en.txt"
    path.write_text("The event began with prayers.\n", encoding="utf-8")
    return path


def test_the_library_names_the_parameter_of_its_call(story, tmp_path):
    with pytest.raises(UserError) as info:
        plan_files([str(story)], "en", ["it"], tmp_path / "out", max_size_mb=0)
    assert str(info.value) == ("max_size_mb=0: must be more than 0 (MB); leave it out for "
                               "the default 10 MB")
    assert info.value.params == ("max_size_mb",)
    with pytest.raises(UserError, match="^beam_size must be at least 1$"):
        TranslatorConfig(beam_size=0)
    with pytest.raises(UserError) as info:
        plan_files([str(story)], "en", ["it"], tmp_path / "out", tm=tmp_path)
    assert str(info.value).startswith(f"tm={tmp_path}: is a directory")


def test_the_command_line_names_the_flag(story, tmp_path, capsys):
    assert main(["article", str(story), "--from", "en", "--to", "it", "--max-size", "0"]) == 2
    assert capsys.readouterr().err == ("translate: error: --max-size 0: must be more than 0 "
                                       "(MB); leave it out for the default 10 MB\n")
    assert main(["article", str(story), "--from", "en", "--to", "it", "-o",
                 str(tmp_path / "out"), "--tm", str(tmp_path)]) == 2
    assert capsys.readouterr().err.startswith(f"translate: error: --tm {tmp_path}: is a "
                                              "directory")


def test_each_problem_of_a_batch_names_the_flag_too(tmp_path, capsys):
    """The lines listed above a batch's error are the command line's as well (they were
    printed by the library, which cannot know the flags)."""
    for name in ("a.en.txt", "b.en.txt"):
        (tmp_path / name).write_text("The event began with prayers. " * 20, encoding="utf-8")
    assert main(["article", str(tmp_path / "a.en.txt"), str(tmp_path / "b.en.txt"),
                 "--from", "en", "--to", "it", "-o", str(tmp_path / "out"),
                 "--max-size", "0.0001"]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 3, lines
    for line, name in zip(lines, ("a.en.txt", "b.en.txt"), strict=False):
        assert line.startswith(f"{tmp_path / name}: 0.0 MB is over the 0.0001 MB limit")
        assert line.endswith("; split it, or raise --max-size")
    assert lines[2] == ("translate: error: 2 of 2 input(s) had problems (listed above); "
                        "every other input was done")


def test_a_batchs_problems_read_in_the_librarys_terms(tmp_path):
    from translate.paths import BatchError

    names = []
    for name in ("a.en.txt", "b.en.txt"):
        (tmp_path / name).write_text("The event began with prayers. " * 20, encoding="utf-8")
        names.append(str(tmp_path / name))
    with pytest.raises(BatchError) as info:
        plan_files(names, "en", ["it"], tmp_path / "out", max_size_mb=0.0001)
    lines = [str(p) for p in info.value.problems]
    assert [line.rpartition("; ")[2] for line in lines] == ["split it, or raise max_size_mb"] * 2
    assert all(line.isprintable() for line in lines)  # no marks left for a caller to see
