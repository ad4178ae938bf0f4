"""Every user mistake with an article ends in one line on stderr and exit 2, with nothing
lost: the CLI is run as a user runs it, on the real fixture models."""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

import pytest

from support import MODELS
from translate.cli import main

FOOTER_IT = "Tutte le notizie sulla nostra pagina Facebook"
FOOTER_EN = "All news on our Facebook page"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main([*argv, "--models-dir", str(MODELS), "--no-glossary"])
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line_error(code: int, err: str, *fragments: str) -> None:
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    for fragment in fragments:
        assert fragment in err, err


@pytest.fixture
def src(tmp_path) -> Path:
    path = tmp_path / "story.it.txt"
    path.write_text(FOOTER_IT + "\n", encoding="utf-8")
    return path


def test_missing_file(capsys, tmp_path):
    code, out, err = run(capsys, "article", str(tmp_path / "nope.txt"), "--from", "it",
                         "--to", "en")
    assert_one_line_error(code, err, "nope.txt", "no such file")
    assert out == ""


def test_directory_without_articles(capsys, tmp_path):
    (tmp_path / "messages.po").write_text('msgid "a"\nmsgstr ""\n')  # a catalog
    code, _, err = run(capsys, "article", str(tmp_path), "--from", "it", "--to", "en")
    assert_one_line_error(code, err, "no article files")


def test_unreadable_file(capsys, src, monkeypatch):
    def deny(self):
        raise PermissionError(errno.EACCES, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", deny)  # root reads anything: inject the error
    code, _, err = run(capsys, "article", str(src), "--from", "it", "--to", "en")
    assert_one_line_error(code, err, "permission denied")


@pytest.mark.parametrize("content", [b"", b"   \n\r\n\t", b"\xef\xbb\xbf\n"])
def test_empty_file(capsys, tmp_path, content):
    path = tmp_path / "empty.txt"
    path.write_bytes(content)
    code, out, err = run(capsys, "article", str(path), "--from", "it", "--to", "en")
    assert_one_line_error(code, err, "empty")
    assert out == ""


@pytest.mark.parametrize("content", [b"\x00\x01\x02PK\x03\x04" * 100,
                                     FOOTER_IT.encode() + b"\x00\n"])
def test_binary_file_and_nul_byte(capsys, tmp_path, content):
    path = tmp_path / "blob.bin"
    path.write_bytes(content)
    code, _, err = run(capsys, "article", str(path), "--from", "it", "--to", "en")
    assert_one_line_error(code, err, "NUL")


def test_invalid_utf8_names_the_line_and_the_fix(capsys, tmp_path):
    path = tmp_path / "cp1252.txt"
    path.write_bytes(FOOTER_IT.encode() + b"\n\nPerch\xe8 no?\n")
    code, _, err = run(capsys, "article", str(path), "--from", "it", "--to", "en")
    assert_one_line_error(code, err, "cp1252.txt:3", "UTF-8", "iconv")


def test_bom_is_accepted_and_preserved(capsys, tmp_path):
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbf" + FOOTER_IT.encode() + b"\n")
    out_dir = tmp_path / "out"
    code, _, err = run(capsys, "article", str(path), "--from", "it", "--to", "en", "-o",
                       str(out_dir))
    assert code == 0, err
    assert (out_dir / "bom.en.txt").read_bytes() == b"\xef\xbb\xbf" + FOOTER_EN.encode() + b"\n"


def test_crlf_line_endings_are_preserved(capsys, tmp_path):
    path = tmp_path / "crlf.txt"
    path.write_bytes((FOOTER_IT + "\r\n\r\n" + FOOTER_IT + "\r\n").encode())
    code, out, err = run(capsys, "article", str(path), "--from", "it", "--to", "en")
    assert code == 0, err
    assert out == FOOTER_EN + "\r\n\r\n" + FOOTER_EN + "\r\n"


def test_a_single_50_mb_line_is_refused_quickly(capsys, tmp_path):
    path = tmp_path / "huge.txt"
    with path.open("wb") as fh:
        chunk = b"parola " * 150_000
        while fh.tell() < 50 * 1024 * 1024:
            fh.write(chunk)
    code, _, err = run(capsys, "article", str(path), "--from", "it", "--to", "en")
    assert_one_line_error(code, err, "huge.txt", "MB", "--max-size")


@pytest.mark.parametrize("lang", ["de", "xx", "", "auto"])
def test_unknown_or_unsupported_target_language(capsys, src, lang):
    code, _, err = run(capsys, "article", str(src), "--from", "it", "--to", lang)
    assert_one_line_error(code, err)
    if lang:
        assert lang in err


def test_same_language_copies_the_input_with_a_note(capsys, src):
    code, out, err = run(capsys, "article", str(src), "--from", "it", "--to", "it")
    assert code == 0
    assert out == src.read_text(encoding="utf-8")
    assert "copied unchanged" in err


def test_unwritable_output_directory_leaves_nothing_behind(capsys, src, tmp_path,
                                                           monkeypatch):
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    previous = out_dir / "story.en.txt"
    previous.write_text("yesterday's translation\n")

    def no_space(*_a, **_k):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", no_space)
    code, _, err = run(capsys, "article", str(src), "--from", "it", "--to", "en", "-o",
                       str(out_dir))
    assert_one_line_error(code, err, "No space left on device")
    assert previous.read_text() == "yesterday's translation\n"
    assert sorted(p.name for p in out_dir.iterdir()) == ["story.en.txt"]


def test_output_path_that_is_a_file(capsys, src, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code, _, err = run(capsys, "article", str(src), "--from", "it", "--to", "en", "-o",
                       str(blocker))
    assert_one_line_error(code, err, "not a directory")


def test_debug_shows_the_traceback(src, tmp_path, capsys):
    code = main(["--debug", "article", str(tmp_path / "nope.txt"), "--from", "it", "--to",
                 "en"])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" in err and "no such file" in err, err


# ------------------------------------------------------------------ checkpoints


@pytest.fixture
def checkpoint(tmp_path) -> Path:
    dest = tmp_path / "it-en"
    shutil.copytree(MODELS / "it-en", dest)
    return dest


def run_with(capsys, ckpt: Path, *extra: str):
    path = ckpt.parent / "footer.txt"
    path.write_text(FOOTER_IT, encoding="utf-8")
    code = main(["article", str(path), "--from", "it", "--to", "en", "--no-glossary",
                 "--model", f"it-en={ckpt}", *extra])
    return code, *capsys.readouterr()


@pytest.mark.parametrize("missing", ["source.spm", "vocab.json", "config.json"])
def test_checkpoint_missing_a_file(capsys, checkpoint, missing):
    (checkpoint / missing).unlink()
    code, _, err = run_with(capsys, checkpoint)
    assert_one_line_error(code, err, missing)


def test_checkpoint_whose_config_does_not_match_the_weights(capsys, checkpoint):
    import json

    config = json.loads((checkpoint / "config.json").read_text())
    config["d_model"] = 128
    (checkpoint / "config.json").write_text(json.dumps(config))
    code, _, err = run_with(capsys, checkpoint)
    assert_one_line_error(code, err, "weights do not load")


def test_pickle_only_checkpoint_is_refused_unless_allowed(capsys, checkpoint):
    import torch
    from safetensors.torch import load_file

    weights = load_file(checkpoint / "model.safetensors")
    (checkpoint / "model.safetensors").unlink()
    torch.save(weights, checkpoint / "pytorch_model.bin")
    code, _, err = run_with(capsys, checkpoint)
    assert_one_line_error(code, err, "pickle", "--allow-pickle")
    code, out, err = run_with(capsys, checkpoint, "--allow-pickle")
    assert code == 0, err
    assert out == FOOTER_EN


def test_hub_id_offline_is_one_line(capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("HF_HOME", str(tmp_path))
    path = tmp_path / "footer.txt"
    path.write_text(FOOTER_IT, encoding="utf-8")
    code = main(["article", str(path), "--from", "it", "--to", "en", "--no-glossary",
                 "--model", "it-en=Helsinki-NLP/opus-mt-it-en"])
    _, err = capsys.readouterr()
    assert_one_line_error(code, err, "Helsinki-NLP/opus-mt-it-en", "not available offline",
                          "hf download")
