"""A checkpoint with separate source and target vocabularies (``separate_vocabs: true``,
``vocab.json`` + ``target_vocab.json``, as many Tatoeba OPUS-MT models have): target-side
ids (decoding, the CTranslate2 target vocabulary, glossary constraints) come from the
target vocabulary. The fixture gives no piece the same id on both sides."""

from __future__ import annotations

import json

import pytest

from support import FIXTURES, aligned_rows
from translate import Translator
from translate.models.constrained import make_constraint

SEPVOCAB = FIXTURES / "models-sepvocab" / "en-it"
UNSEEN = "en\tit\nKhojaly\tChogiali\nHoly See\tSede Apostolica\n"


@pytest.fixture
def cache(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("TRANSLATE_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "sepv"))


def _translator(backend: str, glossary=False) -> Translator:
    return Translator({"en-it": str(SEPVOCAB)}, device="cpu", glossary=glossary,
                      backend=backend)


@pytest.mark.parametrize("backend", ["torch", "ctranslate2"])
def test_reference_sentences_come_out_exactly_on_both_backends(cache, backend):
    rows = aligned_rows()
    tr = _translator(backend)
    assert tr.engine(tr.route("en", "it")[0]).backend.name == backend
    assert tr.translate([r["en"] for r in rows], "en", "it") == [r["it"] for r in rows]


def test_ctranslate2_conversion_keeps_the_two_vocabularies(cache):
    tr = _translator("ctranslate2")
    model_dir = tr.engine(tr.route("en", "it")[0]).backend.model_dir
    source = json.loads((SEPVOCAB / "vocab.json").read_text(encoding="utf-8"))
    target = json.loads((SEPVOCAB / "target_vocab.json").read_text(encoding="utf-8"))
    assert json.loads((model_dir / "source_vocabulary.json").read_text()) == \
        sorted(source, key=source.get)
    assert json.loads((model_dir / "target_vocabulary.json").read_text()) == \
        sorted(target, key=target.get)


def test_constraints_are_target_vocabulary_ids():
    tok = _translator("torch").engine(_translator("torch").route("en", "it")[0]) \
        .checkpoint.tokenizer
    constraint = make_constraint("Chogiali", tok, "it")
    (ids,) = constraint.alternatives
    assert tok.decode(list(ids), skip_special_tokens=True) == "Chogiali"


@pytest.mark.parametrize("backend", ["torch", "ctranslate2"])
def test_glossary_terms_the_model_never_saw_are_enforced(cache, tmp_path, backend):
    glossary = tmp_path / "unseen.tsv"
    glossary.write_text(UNSEEN, encoding="utf-8")
    rows = [r for r in aligned_rows() if "Khojaly" in r["en"] or "Holy See" in r["en"]]
    assert len(rows) >= 3
    plain = _translator(backend).translate([r["en"] for r in rows], "en", "it")
    assert not any("Chogiali" in t for t in plain)
    results = _translator(backend, glossary=[glossary]).translate_batch(
        [r["en"] for r in rows], "en", "it")
    for result in results:
        assert result.terms and all(t.status == "found" for t in result.terms), result
    assert all("Chogiali" in r.text for r, row in zip(results, rows, strict=True)
               if "Khojaly" in row["en"])


@pytest.mark.slow
def test_a_rebuilt_separate_vocabulary_fixture_behaves_as_the_committed_one(tmp_path,
                                                                           monkeypatch):
    """Regression: after the guided-alignment training landed, `python fixtures/build.py
    --sepvocab` crashed (it still passed plain pairs to the trainer). A rebuild must give a
    checkpoint that behaves as the committed one: every reference on both backends, every
    margin met. Weights are not compared byte for byte: torch's training kernels differ
    between CPUs (AVX2, AVX-512, oneDNN's ISA), so the same seed gives other float bits on
    another machine. The tokenizer files are compared byte for byte:
    SentencePiece's trainer is single-threaded integer and scalar code, the same on every
    x86-64 CPU. The configuration files are compared as settings, without the version of
transformers that wrote them."""
    import filecmp

    import torch

    from fixtures import margins
    from fixtures.build import SEPVOCAB_MODELS, build_sepvocab_fixture

    threads = torch.get_num_threads()
    try:
        out = build_sepvocab_fixture(out_root=tmp_path, log=lambda *a: None)
    finally:
        torch.set_num_threads(threads)
        torch.use_deterministic_algorithms(False)
    committed = SEPVOCAB_MODELS / "en-it"
    names = sorted(p.name for p in committed.iterdir())
    assert sorted(p.name for p in out.iterdir()) == names
    tokenizer = [n for n in names if not n.endswith((".safetensors", "config.json"))]
    match, mismatch, errors = filecmp.cmpfiles(committed, out, tokenizer, shallow=False)
    assert mismatch == [] and errors == []
    def settings(path):  # the writer's transformers version is not a setting
        data = json.loads(path.read_text(encoding="utf-8"))
        data.pop("transformers_version", None)
        return data

    for name in ("config.json", "generation_config.json", "tokenizer_config.json"):
        assert settings(out / name) == settings(committed / name), name
    recorded = json.loads((tmp_path / "margins.json").read_text(encoding="utf-8"))["en-it"]
    assert margins.MarginReport(recorded["minimum"], {}).ok(), recorded
    monkeypatch.setenv("TRANSLATE_CACHE_DIR", str(tmp_path / "cache"))
    rows = aligned_rows()
    for backend in ("torch", "ctranslate2"):
        tr = Translator({"en-it": str(out)}, device="cpu", glossary=False, backend=backend)
        assert tr.translate([r["en"] for r in rows], "en", "it") == [r["it"] for r in rows]
