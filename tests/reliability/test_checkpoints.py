"""A damaged model.safetensors is exit 2 naming the file and the fix, never a model with
random weights: through the CLI on a copy of a real fixture checkpoint."""

from __future__ import annotations

import json
import shutil
import struct
from pathlib import Path

import pytest

from support import MODELS
from translate.cli import main

FOOTER_IT = "Tutte le notizie sulla nostra pagina Facebook"
FOOTER_EN = "All news on our Facebook page"


@pytest.fixture
def checkpoint(tmp_path) -> Path:
    dest = tmp_path / "it-en"
    shutil.copytree(MODELS / "it-en", dest)
    return dest


def run_with(capsys, ckpt: Path) -> tuple[int, str, str]:
    path = ckpt.parent / "footer.txt"
    path.write_text(FOOTER_IT, encoding="utf-8")
    code = main(["article", str(path), "--from", "it", "--to", "en", "--no-glossary",
                 "--model", f"it-en={ckpt}"])
    return code, *capsys.readouterr()


def assert_refused(code: int, err: str, ckpt: Path, *fragments: str) -> None:
    assert code == 2, err
    assert len(err.strip().splitlines()) == 1, err
    assert str(ckpt / "model.safetensors") in err
    assert "re-download" in err
    for fragment in fragments:
        assert fragment in err, err


def _header(ckpt: Path) -> tuple[dict, bytes]:
    data = (ckpt / "model.safetensors").read_bytes()
    n = struct.unpack("<Q", data[:8])[0]
    return json.loads(data[8:8 + n]), data[8 + n:]


def _write(ckpt: Path, header: dict, body: bytes) -> None:
    raw = json.dumps(header).encode()
    raw += b" " * (-len(raw) % 8)
    (ckpt / "model.safetensors").write_bytes(struct.pack("<Q", len(raw)) + raw + body)


def test_the_intact_checkpoint_translates(capsys, checkpoint):
    code, out, err = run_with(capsys, checkpoint)
    assert code == 0, err
    assert out == FOOTER_EN


@pytest.mark.parametrize("keep", [0.5, 0.99])
def test_a_truncated_file_is_refused(capsys, checkpoint, keep):
    f = checkpoint / "model.safetensors"
    data = f.read_bytes()
    f.write_bytes(data[:int(len(data) * keep)])
    code, _, err = run_with(capsys, checkpoint)
    assert_refused(code, err, checkpoint, "truncated")


def test_a_file_cut_inside_its_header_is_refused(capsys, checkpoint):
    f = checkpoint / "model.safetensors"
    f.write_bytes(f.read_bytes()[:100])
    code, _, err = run_with(capsys, checkpoint)
    assert_refused(code, err, checkpoint, "truncated")


def test_an_empty_file_is_refused(capsys, checkpoint):
    (checkpoint / "model.safetensors").write_bytes(b"")
    code, _, err = run_with(capsys, checkpoint)
    assert_refused(code, err, checkpoint, "truncated")


def test_a_header_only_file_is_refused(capsys, checkpoint):
    header, _ = _header(checkpoint)
    _write(checkpoint, header, b"")
    code, _, err = run_with(capsys, checkpoint)
    assert_refused(code, err, checkpoint, "truncated")


def test_a_file_with_no_tensors_is_refused(capsys, checkpoint):
    _write(checkpoint, {"__metadata__": {"format": "pt"}}, b"")
    code, _, err = run_with(capsys, checkpoint)
    assert_refused(code, err, checkpoint, "no tensors")


def test_a_corrupt_header_is_refused(capsys, checkpoint):
    f = checkpoint / "model.safetensors"
    data = bytearray(f.read_bytes())
    data[8:20] = b"\xff" * 12
    f.write_bytes(bytes(data))
    code, _, err = run_with(capsys, checkpoint)
    assert_refused(code, err, checkpoint, "header is corrupt")


def _rewrite(ckpt: Path, edit) -> None:  # noqa: ANN001
    from safetensors.torch import load_file, save_file

    tensors = load_file(ckpt / "model.safetensors")
    edit(tensors)
    save_file(tensors, ckpt / "model.safetensors", metadata={"format": "pt"})


def test_a_missing_tensor_is_refused(capsys, checkpoint):
    _rewrite(checkpoint, lambda t: t.pop("model.decoder.layers.0.fc1.weight"))
    code, _, err = run_with(capsys, checkpoint)
    assert_refused(code, err, checkpoint, "missing 1 tensor",
                   "model.decoder.layers.0.fc1.weight")


def test_a_whole_missing_layer_is_refused(capsys, checkpoint):
    def drop(t):  # noqa: ANN001
        for k in [k for k in t if k.startswith("model.encoder.layers.0.")]:
            del t[k]

    _rewrite(checkpoint, drop)
    code, _, err = run_with(capsys, checkpoint)
    assert_refused(code, err, checkpoint, "missing", "model.encoder.layers.0.")


def test_an_unexpected_tensor_is_refused(capsys, checkpoint):
    import torch

    _rewrite(checkpoint, lambda t: t.__setitem__("model.encoder.layers.9.fc1.weight",
                                                 torch.zeros(2, 2)))
    code, _, err = run_with(capsys, checkpoint)
    assert_refused(code, err, checkpoint, "unexpected", "model.encoder.layers.9.fc1.weight")


def test_a_tied_copy_stands_in_for_the_shared_embedding(capsys, checkpoint):
    def rename(t):  # noqa: ANN001
        t["model.encoder.embed_tokens.weight"] = t.pop("model.shared.weight")

    _rewrite(checkpoint, rename)
    from translate.models.loading import validate_weights

    config = json.loads((checkpoint / "config.json").read_text())
    validate_weights(checkpoint, config)  # no error: the tie fills model.shared.weight
