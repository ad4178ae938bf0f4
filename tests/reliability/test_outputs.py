"""Outputs keep the mode of the file they replace, long names can be written, and text in
another Unicode encoding is named with the fix: through the CLI, as a user runs it."""

from __future__ import annotations

import codecs
import os
import stat

import pytest

from translate.cli import main
from translate.memory import TranslationMemory
from translate.textio import atomic_write


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def memory(tmp_path):
    path = tmp_path / "tm.sqlite"
    with TranslationMemory(path) as tm:
        tm.store("en", "it", None, "Hello.", "Ciao.")
    return path


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_export_replacing_a_0644_file_keeps_0644(capsys, tmp_path, memory):
    out = tmp_path / "out.tmx"
    out.write_text("old")
    os.chmod(out, 0o644)
    code, _, err = run(capsys, "tm", "export", "--tm", str(memory), "-o", str(out))
    assert code == 0, err
    assert "Ciao." in out.read_text(encoding="utf-8")
    assert mode(out) == 0o644


def test_export_replacing_a_0640_file_keeps_0640(capsys, tmp_path, memory):
    out = tmp_path / "out.tmx"
    out.write_text("old")
    os.chmod(out, 0o640)
    assert run(capsys, "tm", "export", "--tm", str(memory), "-o", str(out))[0] == 0
    assert mode(out) == 0o640


@pytest.mark.parametrize("umask", [0o022, 0o077, 0o002])
def test_a_new_output_gets_0666_minus_the_umask(capsys, tmp_path, memory, umask):
    out = tmp_path / "new.tmx"
    old = os.umask(umask)
    try:
        code, _, err = run(capsys, "tm", "export", "--tm", str(memory), "-o", str(out))
    finally:
        os.umask(old)
    assert code == 0, err
    assert mode(out) == 0o666 & ~umask


def test_a_250_byte_file_name_can_be_written(capsys, tmp_path, memory):
    name = "a" * 246 + ".tmx"
    assert len(name.encode()) == 250
    out = tmp_path / name
    code, _, err = run(capsys, "tm", "export", "--tm", str(memory), "-o", str(out))
    assert code == 0, err
    assert "Ciao." in out.read_text(encoding="utf-8")
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []


def test_a_255_byte_multibyte_name_can_be_written(tmp_path):
    name = "ə" * 125 + ".txt"  # 2 bytes each: 254 bytes
    atomic_write(tmp_path / name, "x")
    assert (tmp_path / name).read_text() == "x"


def test_what_a_killed_write_left_is_cleared_by_the_next_write(tmp_path):
    import subprocess
    import sys

    from translate.textio import stale_temporaries

    target = tmp_path / ("n" * 240 + ".txt")
    atomic_write(target, "one")
    # a process killed between creating its temporary file and the rename
    code = ("import os, sys; from pathlib import Path; from translate.textio import _open_temp;"
            "fd, tmp = _open_temp(Path(sys.argv[1]), 0o644); os.write(fd, b'half');"
            "os._exit(9)")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    assert subprocess.run([sys.executable, "-c", code, str(target)], env=env).returncode == 9
    [left] = [p for p in tmp_path.iterdir() if p.name.endswith(".part")]
    assert len(left.name) == 22
    assert stale_temporaries(target) == [left]
    assert stale_temporaries(tmp_path / "other.txt") == []
    atomic_write(target, "two")
    assert target.read_text() == "two"
    assert [p.name for p in tmp_path.iterdir()] == [target.name]


def test_a_live_writers_temporary_file_is_not_stale(tmp_path):
    from translate.textio import _open_temp, stale_temporaries

    target = tmp_path / "story.it.txt"
    fd, tmp = _open_temp(target, 0o644)  # as atomic_write holds it until the rename
    try:
        assert stale_temporaries(target) == []
        atomic_write(target, "other writer")
        assert os.path.exists(tmp)
    finally:
        os.close(fd)
    assert stale_temporaries(target) == [tmp_path / os.path.basename(tmp)]


@pytest.mark.parametrize(("codec", "bom", "named"), [
    ("utf-16-le", codecs.BOM_UTF16_LE, "UTF-16"),
    ("utf-16-be", codecs.BOM_UTF16_BE, "UTF-16"),
    ("utf-32-le", codecs.BOM_UTF32_LE, "UTF-32"),
    ("utf-32-be", codecs.BOM_UTF32_BE, "UTF-32"),
])
def test_utf16_and_utf32_with_a_bom_are_named_with_the_iconv_fix(capsys, tmp_path, codec,
                                                                  bom, named):
    path = tmp_path / "story.txt"
    path.write_bytes(bom + "Hello. Xocalı.\n".encode(codec))
    code, out, err = run(capsys, "segment", "--lang", "en", str(path))
    assert code == 2, err
    assert len(err.strip().splitlines()) == 1
    assert f"is {named} text" in err
    assert f"iconv -f {named} -t UTF-8" in err
    assert "binary" not in err


def test_utf8_with_a_bom_is_still_read(capsys, tmp_path):
    path = tmp_path / "story.txt"
    path.write_bytes(codecs.BOM_UTF8 + b"Hello there. Bye.\n")
    code, out, err = run(capsys, "segment", "--lang", "en", str(path))
    assert code == 0, err
    assert "Bye." in out


def test_a_setuid_bit_is_not_carried_over(tmp_path):
    out = tmp_path / "tool"
    out.write_text("old")
    os.chmod(out, 0o4755)
    atomic_write(out, "new")
    assert mode(out) == 0o755
