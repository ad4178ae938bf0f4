"""The CTranslate2 backend: the real fixture checkpoints, converted and run by CTranslate2."""

from __future__ import annotations

import sys

import pytest

from support import MODELS, ROOT, aligned_rows, article

pytest.importorskip("ctranslate2")

from translate import Translator  # noqa: E402
from translate.cli import main  # noqa: E402
from translate.errors import UserError  # noqa: E402
from translate.models import engine as engine_mod  # noqa: E402
from translate.models.backends import ctranslate2_backend as ct2  # noqa: E402
from translate.models.engine import DecodeOptions  # noqa: E402

EN = str(ROOT / "fixtures/corpus/khojaly-rome.en.txt")


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("translate-cache")


@pytest.fixture
def cache(cache_dir, monkeypatch):
    """One conversion cache for the module, as ``$TRANSLATE_CACHE_DIR``."""
    monkeypatch.setenv("TRANSLATE_CACHE_DIR", str(cache_dir))
    return cache_dir / "ct2"


def _translator(name: str, src: str, tgt: str, backend: str) -> Translator:
    return Translator({f"{src}-{tgt}": str(MODELS / name)}, device="cpu", glossary=False,
                      backend=backend)


@pytest.mark.parametrize(("name", "src", "tgt"), [
    ("en-it", "en", "it"), ("az-en", "az", "en"), ("en-trk", "en", "az"),
    ("en-trk", "en", "it")])
def test_reference_sentences_come_out_exactly_as_with_torch(cache, name, src, tgt):
    rows = aligned_rows()
    sources = [r[src] for r in rows]
    fast = _translator(name, src, tgt, "ctranslate2")
    engine = fast.engine(fast.route(src, tgt)[0])
    assert engine.backend.name == "ctranslate2"
    assert engine.checkpoint.model is None  # no PyTorch weights loaded for this backend
    out = fast.translate(sources, src, tgt)
    assert out == [r[tgt] for r in rows]
    assert out == _translator(name, src, tgt, "torch").translate(sources, src, tgt)


def test_one_multilingual_checkpoint_is_one_ctranslate2_model_for_both_targets(cache):
    tr = Translator({"en-az": str(MODELS / "en-trk"), "en-it": str(MODELS / "en-trk")},
                    device="cpu", glossary=False, backend="ctranslate2")
    to_az = tr.engine(tr.route("en", "az")[0])
    to_it = tr.engine(tr.route("en", "it")[0])
    assert to_az.prefix != to_it.prefix  # >>aze_Latn<< vs >>ita<<, source tokens
    assert to_az.backend.model is to_it.backend.model
    row = aligned_rows()[2]
    assert tr.translate([row["en"]], "en", "az") == [row["az"]]
    assert tr.translate([row["en"]], "en", "it") == [row["it"]]


def test_conversion_is_cached_and_a_second_translator_does_not_convert(cache, monkeypatch):
    row = aligned_rows()[2]
    first = _translator("it-en", "it", "en", "ctranslate2")
    assert first.translate([row["it"]], "it", "en") == [row["en"]]
    model_dir = first.engine(first.route("it", "en")[0]).backend.model_dir
    assert model_dir.parent == cache and ct2.is_complete(model_dir)

    def no_conversion(*args, **kwargs):
        raise AssertionError("converted again although the cache holds the model")

    monkeypatch.setattr(ct2, "_convert_into", no_conversion)
    second = _translator("it-en", "it", "en", "ctranslate2")
    assert second.translate([row["it"]], "it", "en") == [row["en"]]
    assert second.engine(second.route("it", "en")[0]).backend.model_dir == model_dir


def test_half_finished_conversion_is_never_loaded_but_redone(cache):
    path = MODELS / "az-en"
    final = cache / f"{ct2.checkpoint_key(path)}-int8"
    if final.exists():
        ct2._discard(final, cache)
    final.mkdir(parents=True)
    (final / "model.bin").write_bytes(b"killed half way")  # no marker file
    assert not ct2.is_complete(final)
    row = aligned_rows()[17]
    tr = _translator("az-en", "az", "en", "ctranslate2")
    assert tr.translate([row["az"]], "az", "en") == [row["en"]]
    assert ct2.is_complete(final)
    assert (final / "model.bin").read_bytes() != b"killed half way"
    assert not [p for p in cache.iterdir() if p.name.startswith(".")]  # no leftovers


def test_length_cap_and_minimum_behave_as_in_torch(tmp_path):
    rows = aligned_rows()
    texts = [r["en"] for r in rows[:8]]
    torch_tr = _translator("en-it", "en", "it", "torch")
    reference = torch_tr.engine(torch_tr.route("en", "it")[0])
    backend = ct2.CTranslate2Backend(reference.checkpoint, "cpu", compute_type="float32",
                                     cache_dir=tmp_path)
    fast = engine_mod.TranslationEngine(reference.checkpoint, backend)
    for options in (DecodeOptions(max_new_tokens=6), DecodeOptions(max_new_tokens=1),
                    DecodeOptions(min_new_tokens=12, max_new_tokens=12),
                    DecodeOptions(beam_size=1),
                    DecodeOptions(length_ratio=0.6, length_slack=1)):  # own cap per sentence
        expected = reference.translate(texts, options)
        got = fast.translate(texts, options)
        assert [(o.text, o.output_tokens, o.warnings) for o in got] == \
            [(o.text, o.output_tokens, o.warnings) for o in expected], options
    # a minimum past the end of a reference: both decode the reference, then go on; what
    # they write after it is off everything the fixture learnt (noise, different on another
    # CPU's kernels), so only the minimum and the memorised beginning are compared
    refs = [r["it"] for r in rows[:8]]
    options = DecodeOptions(min_new_tokens=60)
    for outs in (reference.translate(texts, options), fast.translate(texts, options)):
        for out, ref in zip(outs, refs, strict=True):
            assert out.output_tokens >= 60 and out.text.startswith(ref), out


def test_cli_backend_ctranslate2_prints_the_italian_article(cache, capsys):
    code = main(["article", EN, "--from", "en", "--to", "it", "--models-dir", str(MODELS),
                 "--no-glossary", "--backend", "ctranslate2"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert out == article("it")


def test_missing_ctranslate2_is_one_line_when_asked_for_and_auto_falls_back(monkeypatch):
    monkeypatch.setitem(sys.modules, "ctranslate2", None)  # import now raises ImportError
    with pytest.raises(UserError, match=r"pip install 'ctranslate2"):
        Translator(models_dir=MODELS, glossary=False, backend="ctranslate2")
    assert Translator(models_dir=MODELS, glossary=False, backend="auto").backend == "torch"
    code = main(["article", EN, "--from", "en", "--to", "it", "--models-dir", str(MODELS),
                 "--backend", "ctranslate2"])
    assert code == 2


def test_unknown_backend_is_a_user_error():
    with pytest.raises(UserError, match="use torch, ctranslate2 or auto"):
        Translator(backend="onnx")


_PROBE = """
import sys
from translate.cli import main
try:
    code = main(sys.argv[1:])
except SystemExit as exc:  # --help
    code = exc.code or 0
heavy = sorted(m for m in ("torch", "transformers", "ctranslate2") if m in sys.modules)
print("LOADED", ",".join(heavy), file=sys.stderr)
sys.exit(code)
"""


def _probe(args, env, tmp_path):
    import os
    import subprocess

    script = tmp_path / "probe.py"
    script.write_text(_PROBE, encoding="utf-8")
    proc = subprocess.run([sys.executable, str(script), *args], capture_output=True,
                          text=True, cwd=ROOT, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(ROOT), **env})
    assert proc.returncode == 0, proc.stderr
    loaded = [line for line in proc.stderr.splitlines() if line.startswith("LOADED")]
    return proc.stdout, loaded[-1].split(" ", 1)[1].split(",") if loaded else []


@pytest.mark.slow
def test_default_backend_translates_from_a_converted_cache_without_torch(tmp_path):
    """The default backend is ctranslate2; once the checkpoints are converted a whole
    `translate article` (news glossary on, the footer pivoting az->en->it) imports
    neither torch nor transformers."""
    env = {"TRANSLATE_CACHE_DIR": str(tmp_path / "cache")}
    args = ["article", EN, "--from", "en", "--to", "it", "--models-dir", str(MODELS)]
    first, loaded = _probe(args, env, tmp_path)  # converts: torch is needed once
    assert first == article("it") and "torch" in loaded
    again, loaded = _probe(args, env, tmp_path)
    assert again == article("it")
    assert "ctranslate2" in loaded
    assert "torch" not in loaded and "transformers" not in loaded


def test_help_and_segment_import_no_model_library(tmp_path):
    for args in (["segment", EN, "--lang", "en"], ["article", "--help"]):
        _, loaded = _probe(args, {}, tmp_path)
        assert loaded == [""], (args, loaded)


def test_threads_reach_the_backend_and_workers_share_the_cores(cache, monkeypatch):
    from translate.models.backends import configure_openmp, cpu_threads, per_worker_threads

    tr = Translator({"it-en": str(MODELS / "it-en")}, device="cpu", glossary=False,
                    threads=1)
    assert tr.engine(tr.route("it", "en")[0]).backend.threads == 1
    assert per_worker_threads(1) == cpu_threads()
    assert per_worker_threads(cpu_threads() * 4) == 1
    monkeypatch.setenv("OMP_NUM_THREADS", "1")  # what a pool worker gets with --workers N
    tr = Translator({"it-en": str(MODELS / "it-en")}, device="cpu", glossary=False)
    assert tr.engine(tr.route("it", "en")[0]).backend.threads == 1
    monkeypatch.delenv("OMP_WAIT_POLICY", raising=False)
    configure_openmp(cpu_threads())
    assert "OMP_WAIT_POLICY" not in __import__("os").environ  # alone: OpenMP's default
    if cpu_threads() > 1:
        configure_openmp(1)
        assert __import__("os").environ["OMP_WAIT_POLICY"] == "PASSIVE"
    with pytest.raises(UserError, match="threads must be at least 1"):
        Translator({"it-en": str(MODELS / "it-en")}, glossary=False, threads=0)


def test_default_backend_is_ctranslate2():
    from translate.cli import build_parser

    assert Translator(glossary=False).backend == "ctranslate2"
    args = build_parser().parse_args(["article", "x.txt", "--from", "en", "--to", "it"])
    assert args.backend == "ctranslate2"
