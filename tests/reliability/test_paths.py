"""The confinement, discovery, pre-flight and batch helpers of translate.paths: the
mechanisms every command uses to keep outputs inside OUT, inputs inside their tree, and
the good files of a batch done."""

from __future__ import annotations

import errno
import io
import os

import pytest

from translate.errors import InputFileError, UserError
from translate.paths import (
    BatchError,
    Destination,
    OutputRoot,
    Problems,
    check_writable,
    confine_output,
    refuse_input,
    resolve_source,
    walk_sources,
)


@pytest.fixture
def out(tmp_path):
    path = tmp_path / "out"
    path.mkdir()
    return path


# ----------------------------------------------------------------------------- outputs


def test_a_plain_relative_path_is_joined(out):
    assert confine_output(out, "it/sub/story.it.txt") == out / "it" / "sub" / "story.it.txt"
    # folders that do not exist yet are fine: atomic_write creates them
    assert not (out / "it").exists()


@pytest.mark.parametrize("rel", ["../escape.txt", "it/../../escape.txt", "/etc/passwd", "",
                                 "."])
def test_dot_dot_absolute_and_empty_paths_are_refused(out, rel):
    with pytest.raises(UserError, match="would leave the output directory"):
        confine_output(out, rel)


def test_a_symlinked_folder_inside_out_is_refused(out, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (out / "sub").symlink_to(elsewhere)
    with pytest.raises(UserError, match=r"out/sub: is a symlink .*symlinked folder, which "
                                        "may lead outside the output"):
        confine_output(out, "sub/story.en.txt")
    assert list(elsewhere.iterdir()) == []


def test_a_symlink_to_a_folder_inside_out_is_refused_too(out):
    (out / "real").mkdir()
    (out / "alias").symlink_to(out / "real")
    with pytest.raises(UserError, match="symlink"):
        confine_output(out, "alias/x.txt")


def test_a_symlinked_final_file_is_not_followed(out, tmp_path):
    victim = tmp_path / "victim.sqlite"
    victim.write_bytes(b"precious")
    (out / ".translate-memory.sqlite").symlink_to(victim)
    with pytest.raises(UserError, match=r"\.translate-memory\.sqlite: is a symlink .*file"):
        confine_output(out, ".translate-memory.sqlite")


def test_a_dangling_symlink_is_refused(out, tmp_path):
    (out / "story.en.txt").symlink_to(tmp_path / "not-there.txt")
    with pytest.raises(UserError, match="symlink"):
        confine_output(out, "story.en.txt")


def test_the_root_itself_may_be_a_symlink(tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "link").symlink_to(real)
    assert confine_output(tmp_path / "link", "a.txt") == tmp_path / "link" / "a.txt"


def test_a_folder_where_the_output_file_goes_is_refused(out):
    (out / "story.en.txt").mkdir()
    with pytest.raises(UserError, match="is a directory"):
        confine_output(out, "story.en.txt")


def test_a_file_where_a_folder_is_needed_is_refused(out):
    (out / "it").write_text("x")
    with pytest.raises(UserError, match="is a file where a folder is needed"):
        confine_output(out, "it/story.txt")


def test_an_output_root_that_is_a_file_is_refused(tmp_path):
    (tmp_path / "f").write_text("x")
    with pytest.raises(UserError, match="not a directory"):
        OutputRoot.of(tmp_path / "f")


def test_an_output_that_is_an_input_is_refused(tmp_path):
    src = tmp_path / "story.en.txt"
    src.write_text("Salam.\n")
    root = OutputRoot.of(tmp_path, inputs=[src])
    with pytest.raises(UserError, match=r"would overwrite the input .*story\.en\.txt"):
        root.dest("story.en.txt")
    assert root.dest("story.it.txt") == tmp_path / "story.it.txt"


def test_an_output_that_is_an_input_by_another_spelling_is_refused(tmp_path):
    (tmp_path / "src").mkdir()
    src = tmp_path / "src" / "story.en.txt"
    src.write_text("Salam.\n")
    with pytest.raises(UserError, match="overwrite the input"):
        confine_output(tmp_path / "src" / ".." / "src", "story.en.txt", inputs=[src])


def test_an_output_hard_linked_to_an_input_is_refused(tmp_path, out):
    src = tmp_path / "story.en.txt"
    src.write_text("Salam.\n")
    os.link(src, out / "story.en.txt")
    with pytest.raises(UserError, match="overwrite the input"):
        confine_output(out, "story.en.txt", inputs=[src])


def test_a_named_output_equal_to_an_input_is_refused(tmp_path):
    src = tmp_path / "a.po"
    src.write_text("x")
    with pytest.raises(UserError, match="overwrite the input"):
        refuse_input(tmp_path / "a.po", inputs=[src])
    refuse_input(tmp_path / "report.json", inputs=[src])


# ----------------------------------------------------------------------------- inputs


def _tree(tmp_path):
    src = tmp_path / "src"
    (src / "sub").mkdir(parents=True)
    (src / "a.txt").write_text("a")
    (src / "sub" / "b.txt").write_text("b")
    (src / ".hidden.txt").write_text("h")
    (src / "c.bin").write_text("c")
    return src


def test_walk_sources_finds_files_in_sorted_order(tmp_path):
    src = _tree(tmp_path)
    found = walk_sources([src], accept=lambda n: n.endswith(".txt"))
    assert [str(f.rel) for f in found] == ["a.txt", "sub/b.txt"]
    assert all(f.root == src and f.resolved == f.path.resolve() for f in found)


def test_a_symlinked_source_file_pointing_outside_is_refused(tmp_path):
    src = _tree(tmp_path)
    secret = tmp_path / "secret.txt"
    secret.write_text("do not send")
    (src / "sub" / "leak.txt").symlink_to(secret)
    with pytest.raises(InputFileError, match=r"leak\.txt: is a symlink to .*secret\.txt, "
                                             "outside the source tree"):
        walk_sources([src], accept=lambda n: n.endswith(".txt"))


def test_a_symlink_pointing_inside_the_tree_is_accepted(tmp_path):
    src = _tree(tmp_path)
    (src / "alias.txt").symlink_to(src / "a.txt")
    found = walk_sources([src], accept=lambda n: n.endswith(".txt"))
    assert [str(f.rel) for f in found] == ["a.txt", "alias.txt", "sub/b.txt"]


def test_symlinked_folders_are_not_entered(tmp_path):
    src = _tree(tmp_path)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "x.txt").write_text("x")
    (src / "linked").symlink_to(outside)
    found = walk_sources([src], accept=lambda n: n.endswith(".txt"))
    assert "linked/x.txt" not in [str(f.rel) for f in found]


def test_excluded_folders_are_skipped(tmp_path):
    src = _tree(tmp_path)
    found = walk_sources([src], accept=lambda n: n.endswith(".txt"), exclude=[src / "sub"])
    assert [str(f.rel) for f in found] == ["a.txt"]


def test_discovery_problems_are_collected_and_the_good_files_kept(tmp_path):
    src = _tree(tmp_path)
    (tmp_path / "secret.txt").write_text("s")
    (src / "leak.txt").symlink_to(tmp_path / "secret.txt")
    problems = Problems()
    found = walk_sources([src, tmp_path / "missing"], accept=lambda n: n.endswith(".txt"),
                         problems=problems)
    assert [str(f.rel) for f in found] == ["a.txt", "sub/b.txt"]
    lines = problems.lines()
    assert len(lines) == 2
    assert lines[0].startswith(f"{src / 'leak.txt'}: is a symlink to ")
    assert lines[1] == f"{tmp_path / 'missing'}: no such file or directory; check the path"


def test_resolve_source_accepts_the_real_file(tmp_path):
    src = _tree(tmp_path)
    assert resolve_source(src / "a.txt", src) == (src / "a.txt").resolve()


# ----------------------------------------------------------------------------- pre-flight


def test_writable_destinations_pass_and_leave_nothing(tmp_path):
    check_writable([tmp_path / "out" / "it" / "a.po", Destination(tmp_path / "r.json",
                                                                  create_parents=False)])
    assert list(tmp_path.iterdir()) == []


def test_a_report_in_a_missing_folder_is_an_error_not_a_created_tree(tmp_path):
    with pytest.raises(UserError, match=r"^report=.*missing/r\.json: the folder .* does not "
                                        "exist"):
        check_writable([Destination(tmp_path / "missing" / "r.json", create_parents=False,
                                    option="report")])
    assert not (tmp_path / "missing").exists()


def test_a_report_next_to_the_output_root_it_creates_is_fine(tmp_path):
    run = tmp_path / "run"
    for report in (run / "r.json", run / "out" / "r.json", run / "out" / "it" / "r.json"):
        check_writable([Destination(report, create_parents=False, option="report",
                                    roots=(run / "out",))])
    with pytest.raises(UserError, match="does not exist"):
        check_writable([Destination(tmp_path / "elsewhere" / "r.json", create_parents=False,
                                    option="report", roots=(run / "out",))])
    assert list(tmp_path.iterdir()) == []


def test_a_destination_that_is_a_directory_is_refused(tmp_path):
    with pytest.raises(UserError, match="is a directory"):
        check_writable([tmp_path])


def test_a_destination_below_a_file_is_refused(tmp_path):
    (tmp_path / "f").write_text("x")
    with pytest.raises(UserError, match="is a file, not a directory"):
        check_writable([tmp_path / "f" / "out" / "a.txt"])


def test_a_read_only_place_is_refused_before_any_work(tmp_path, monkeypatch):
    real_open = os.open

    def read_only(path, flags, *args):
        if str(path).startswith(str(tmp_path)) and flags & os.O_CREAT:
            raise OSError(errno.EROFS, "Read-only file system")
        return real_open(path, flags, *args)

    monkeypatch.setattr(os, "open", read_only)
    with pytest.raises(UserError, match=r"cannot write in .*Read-only file system"):
        check_writable([tmp_path / "out" / "a.txt"])


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes through permission bits")
def test_a_folder_without_write_permission_is_refused(tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    try:
        with pytest.raises(UserError, match="Permission denied"):
            check_writable([ro / "a.txt"])
    finally:
        ro.chmod(0o755)


# ----------------------------------------------------------------------------- batches


def _parse(path):
    if "bad" in path:
        raise InputFileError(path, "invalid UTF-8 at byte 3", line=2)
    return path.upper()


def test_problems_let_the_good_inputs_through_and_fail_at_the_end():
    problems = Problems()
    done = [r for p in ("a.txt", "bad1.txt", "b.txt", "bad2.txt")
            if (r := problems.check(p, _parse, p)) is not None]
    assert done == ["A.TXT", "B.TXT"]
    assert problems.bad("bad1.txt") and not problems.bad("a.txt")
    stream = io.StringIO()
    with pytest.raises(BatchError, match="2 of 4 input") as info:
        problems.finish(total=4, stream=stream)
    assert info.value.exit_code == 2
    assert isinstance(info.value, InputFileError)  # what callers catching a file error see
    assert (info.value.path, info.value.line) == ("bad1.txt", 2)
    assert stream.getvalue().splitlines() == ["bad1.txt:2: invalid UTF-8 at byte 3",
                                              "bad2.txt:2: invalid UTF-8 at byte 3"]


def test_fail_fast_raises_the_first_problem_at_once():
    problems = Problems(fail_fast=True)
    assert problems.check("a.txt", _parse, "a.txt") == "A.TXT"
    with pytest.raises(InputFileError, match=r"^bad\.txt:2: invalid UTF-8"):
        problems.check("bad.txt", _parse, "bad.txt")


def test_a_single_problem_is_the_one_line_of_the_error():
    stream = io.StringIO()
    problems = Problems()
    problems.check("bad.txt", _parse, "bad.txt")
    with pytest.raises(BatchError, match=r"^bad\.txt:2: invalid UTF-8 at byte 3; the other 2 "
                                         r"input\(s\) were done$"):
        problems.finish(total=3, stream=stream)
    assert stream.getvalue() == ""
    alone = Problems()
    alone.check("bad.txt", _parse, "bad.txt")
    with pytest.raises(BatchError, match=r"^bad\.txt:2: invalid UTF-8 at byte 3$"):
        alone.finish(total=1)
    with pytest.raises(BatchError, match=r"^bad\.txt:2: invalid UTF-8 at byte 3$"):
        alone.finish(total=0)  # nothing else was found


def test_a_batch_without_problems_finishes_quietly():
    stream = io.StringIO()
    Problems().finish(stream=stream)
    assert stream.getvalue() == ""


def test_non_file_user_errors_are_kept_with_their_path():
    problems = Problems()
    problems.add_error(UserError("unknown language 'xx'"), path="c.po")
    problems.add("d.po", "not a catalog")
    assert problems.lines() == ["c.po: unknown language 'xx'", "d.po: not a catalog"]


def test_out_equal_to_src_prunes_only_the_language_folders(tmp_path):
    """Item 4: -o SRC walks every source subfolder, skipping only OUT/<lang>/ outputs."""
    src = _tree(tmp_path)
    (src / "it").mkdir()
    (src / "it" / "a.txt").write_text("an output of an earlier run")
    found = walk_sources([src], accept=lambda n: n.endswith(".txt"),
                         exclude=[src / lang for lang in ("it", "az")])
    assert [str(f.rel) for f in found] == ["a.txt", "sub/b.txt"]


def test_a_read_only_mount_is_refused_before_any_work(tmpfs):
    ro = tmpfs("ro,size=64k")
    with pytest.raises(UserError, match=r"cannot write in .*Read-only file system"):
        check_writable([ro / "out" / "it" / "a.po"])


def test_passes_tells_checks_that_return_nothing_apart():
    problems = Problems()

    def size_ok(name):
        if name == "big.txt":
            raise UserError(f"{name}: 12.0 MB is over the 10 MB limit")

    assert problems.passes("a.txt", size_ok, "a.txt")
    assert not problems.passes("big.txt", size_ok, "big.txt")
    assert problems.lines() == ["big.txt: 12.0 MB is over the 10 MB limit"]
