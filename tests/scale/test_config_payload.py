"""One TranslatorConfig: what this process's translator is built from is exactly what a
process-pool or Dask worker receives, so ``--workers 2`` and ``--executor dask`` give what
``--workers 1`` gives for every option (``--no-enforce`` used to be lost on workers)."""

from __future__ import annotations

import dataclasses
import json
import pickle

import pytest

from support import MODELS, article
from translate.cli import build_parser, main
from translate.config import TranslatorConfig

# Spellings the fixture models never produce: only enforcement writes them, so a worker
# that lost --no-enforce writes "Chogiali" where --workers 1 writes "Khojaly".
UNSEEN = "en\tit\nKhojaly\tChogiali\nHoly See\tSede Apostolica\n"


def test_every_option_reaches_the_config(tmp_path):
    from translate.commands.common import translator_config

    g = tmp_path / "g.tsv"
    g.write_text(UNSEEN, encoding="utf-8")
    args = build_parser().parse_args([
        "article", "x.txt", "--from", "en", "--to", "it", "--model",
        f"en-it={MODELS / 'en-it'}", "--models-dir", str(MODELS), "--device", "cpu",
        "--backend", "auto", "--beam-size", "2", "--glossary", str(g), "--no-enforce",
        "--allow-pickle", "--threads", "1", "--max-batch-tokens", "512",
        "--pseudo-expansion", "0.25", "--review-below", "0.7",
        "--limit", "cues=5"])
    config = translator_config(args)
    default = TranslatorConfig()
    unchanged = [f.name for f in dataclasses.fields(TranslatorConfig)
                 if getattr(config, f.name) == getattr(default, f.name)]
    assert unchanged == []  # a new option without a command-line flag fails here
    # the worker payload: picklable, paths absolute, every other field as it was
    payload = pickle.loads(pickle.dumps(config.portable()))
    assert payload.enforce_terms is False and payload.threads == 1
    assert payload.beam_size == 2 and payload.backend == "auto"
    assert payload.pseudo_expansion == 0.25
    assert payload.review_below == 0.7
    assert payload.limits.cues == 5 and payload.limits.input_mb == 10
    assert payload.glossary == (str(g.resolve()),)
    assert payload == config.portable()


def _run(tmp_path, name: str, extra: list[str], options: list[str], capsys) -> dict:
    out = tmp_path / name
    report = tmp_path / f"{name}.json"
    code = main(["article", str(tmp_path / "in"), "--from", "en", "--to", "it", "-o",
                 str(out), "--report", str(report), *options, *extra])
    err = capsys.readouterr().err
    assert code == 0, err
    files = {str(p.relative_to(out)): p.read_text(encoding="utf-8")
             for p in sorted(out.rglob("*.txt"))}
    data = json.loads(report.read_text(encoding="utf-8"))
    for entry in data["files"]:
        for target in entry["targets"].values():
            target.pop("output", None)
    return {"files": files, "report": data}


OPTION_SETS = [
    pytest.param(["--no-enforce", "--beam-size", "2", "--threads", "1"], id="no-enforce"),
    pytest.param(["--beam-size", "1", "--max-batch-tokens", "256"], id="enforced"),
]


@pytest.mark.slow
@pytest.mark.parametrize("options", OPTION_SETS)
def test_workers_and_dask_give_the_single_process_result(tmp_path, capsys, options):
    distributed = pytest.importorskip("distributed")
    del distributed
    g = tmp_path / "unseen.tsv"
    g.write_text(UNSEEN, encoding="utf-8")
    src = tmp_path / "in"
    src.mkdir()
    paragraphs = article("en").split("\n\n")
    (src / "a.en.txt").write_text("\n\n".join(paragraphs[:2]) + "\n", encoding="utf-8")
    (src / "b.en.txt").write_text(paragraphs[2] + "\n", encoding="utf-8")
    common = ["--models-dir", str(MODELS), "--device", "cpu", "--glossary", str(g),
              "--model", f"en-it={MODELS / 'en-it'}", *options]
    one = _run(tmp_path, "one", ["--workers", "1"], common, capsys)
    enforced = "--no-enforce" not in options
    assert ("Chogiali" in one["files"]["a.it.txt"]) is enforced
    two = _run(tmp_path, "two", ["--workers", "2"], common, capsys)
    assert two == one
    dask = _run(tmp_path, "dask", ["--executor", "dask", "--workers", "1"], common, capsys)
    assert dask == one
