"""Glossary terms reach the output: through the fixture models, through spellings the
models never saw (only enforcement can produce them), and through untrained models."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from support import MODELS, ROOT, article
from translate import Translator
from translate.cli import main

# The article's names mapped to spellings the fixture models never produced.
UNSEEN = """en\taz\tit
Khojaly\tHocalı\tChogiali
Holy See\tQutsal Taxt\tSede Apostolica
Vatican\tVatikan Şəhəri\tCittà del Vaticano
Ilgar Muxtarov\tİlgar Muhtarov\tIlgar Mukhtarov
Rashad Aslanov\tRaşad Aslanlı\tRascad Aslanov
European Court of Human Rights\tAİHM\tCEDU
"""


def term_accuracy(result) -> tuple[int, int]:
    checks = [t for s in result.segments for t in s.terms]
    return sum(t.status == "found" for t in checks), len(checks)


@pytest.fixture(scope="module")
def news_translator():
    return Translator(models_dir=MODELS, device="cpu")  # default: glossaries/news.tsv


@pytest.fixture(scope="module")
def unseen_glossary(tmp_path_factory):
    path = tmp_path_factory.mktemp("g") / "unseen.tsv"
    path.write_text(UNSEEN, encoding="utf-8")
    return path


@pytest.mark.parametrize(("src", "tgt"), [("en", "az"), ("en", "it"), ("az", "it"),
                                          ("it", "en"), ("az", "en")])
def test_reference_article_with_the_news_glossary_has_every_term(news_translator, src, tgt):
    result = news_translator.translate_article(article(src), src, tgt)
    found, total = term_accuracy(result)
    assert total >= 20
    assert found == total


def test_news_glossary_does_not_disturb_the_fixture_translation(news_translator):
    assert news_translator.translate_article(article("en"), "en", "it").text == article("it")


@pytest.mark.parametrize("tgt", ["az", "it"])
def test_unseen_spellings_are_produced_by_enforcement_alone(unseen_glossary, tgt):
    plain = Translator(models_dir=MODELS, device="cpu", glossary=False)
    assert "Hocalı" not in plain.translate_article(article("en"), "en", tgt).text
    tr = Translator(models_dir=MODELS, device="cpu", glossary=[unseen_glossary])
    result = tr.translate_article(article("en"), "en", tgt)
    found, total = term_accuracy(result)
    assert total >= 20
    assert found == total
    wanted = {"az": "Hocalı", "it": "Chogiali"}[tgt]
    assert wanted in result.text
    assert any("re-decoded" in w for w in result.warnings)


def test_azerbaijani_terms_carry_only_valid_endings(unseen_glossary):
    tr = Translator(models_dir=MODELS, device="cpu", glossary=[unseen_glossary])
    result = tr.translate_article(article("en"), "en", "az")
    for seg in result.segments:
        for check in seg.terms:
            assert check.status == "found", (seg.text, check)
            # what follows the term in its word is a valid case chain (or nothing)
            assert check.suffix == "" or check.suffix.isalpha() or check.suffix[0] in "-'"


@pytest.mark.parametrize("backend", ["ctranslate2", "torch"])
def test_untrained_checkpoint_still_carries_every_term(tmp_path, unseen_glossary, backend):
    from fixtures.build import build_random_checkpoint

    path = build_random_checkpoint(tmp_path / "rand", src="en", tgt="it", seed=7)
    tr = Translator({"en-it": str(path)}, device="cpu", glossary=[unseen_glossary],
                    beam_size=2, backend=backend)
    texts = ["The Khojaly genocide was discussed at the Holy See.",
             "Rashad Aslanov met Ilgar Muxtarov in the Vatican."]
    plain = Translator({"en-it": str(path)}, device="cpu", glossary=False, beam_size=2)
    assert not any("Chogiali" in t for t in plain.translate(texts, "en", "it"))
    for res in tr.translate_batch(texts, "en", "it"):
        assert res.terms and all(c.status == "found" for c in res.terms), res


_ENFORCE = """
import json, sys
from translate import Translator
tr = Translator({"en-it": sys.argv[1]}, device="cpu", glossary=[sys.argv[2]])
(res,) = tr.translate_batch([sys.argv[3]], "en", "it")
print(json.dumps({"backend": tr.backend, "text": res.text, "warnings": list(res.warnings),
                  "terms": [c.status for c in res.terms],
                  "loaded": [m for m in ("torch", "transformers") if m in sys.modules]}))
"""


def test_enforcement_on_the_default_backend_never_imports_torch(tmp_path, unseen_glossary):
    """Regression (#22): on the ctranslate2 backend a sentence that missed a term was
    re-decoded by torch (loading it and the weights a second time); now CTranslate2 carries
    the constraint itself."""
    from translate.models.backends.ctranslate2_backend import convert_checkpoint

    cache = tmp_path / "cache"
    # converting needs torch (once per checkpoint): here, not in the translating process
    convert_checkpoint(MODELS / "en-it", "int8", cache / "ct2")
    script = tmp_path / "enforce.py"
    script.write_text(_ENFORCE, encoding="utf-8")
    sentence = "The event began with prayers for the victims of the Khojaly genocide."
    proc = subprocess.run(
        [sys.executable, str(script), str(MODELS / "en-it"), str(unseen_glossary), sentence],
        capture_output=True, text=True, cwd=ROOT, timeout=300,
        env={**os.environ, "PYTHONPATH": str(ROOT), "TRANSLATE_CACHE_DIR": str(cache)})
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout.splitlines()[-1])
    assert out["backend"] == "ctranslate2"
    assert any("re-decoded" in w for w in out["warnings"])  # the model wrote Khojaly
    assert "Chogiali" in out["text"] and out["terms"] == ["found"]
    assert out["loaded"] == []


@pytest.mark.parametrize("beam", [1, 4])
def test_ctranslate2_constraints_put_every_term_in_the_output(beam):
    """Constrained decoding on the ctranslate2 backend directly (the engine, no pipeline):
    terms the model never produced, one per sentence, greedy and beam search."""
    from translate.models.constrained import make_constraint
    from translate.models.engine import DecodeOptions

    tr = Translator(models_dir=MODELS, device="cpu", glossary=False, backend="ctranslate2")
    engine = tr.engine(tr.route("en", "az")[0])
    assert engine.backend.name == "ctranslate2"
    terms = ["Hocalı", "Qutsal Taxt", "Vatikan Şəhəri", "İlgar Muhtarov"]
    texts = [r for r in article("en").splitlines() if r.strip()][:8]
    cons = [[make_constraint(terms[i % 4], engine.checkpoint.tokenizer, "az")]
            for i in range(len(texts))]
    plain = engine.translate(texts, DecodeOptions(beam_size=beam))
    assert not any(terms[i % 4] in o.text for i, o in enumerate(plain))
    outs = engine.translate(texts, DecodeOptions(beam_size=beam), constraints=cons)
    assert all(terms[i % 4] in o.text for i, o in enumerate(outs)), [o.text for o in outs]


def test_term_the_vocabulary_cannot_spell_goes_through_a_placeholder(tmp_path):
    g = tmp_path / "cyr.tsv"
    g.write_text("en\tit\nKhojaly\tХоджалы\n", encoding="utf-8")
    tr = Translator(models_dir=MODELS, device="cpu", glossary=[g])
    (res,) = tr.translate_batch(["The event began with prayers for the victims of the "
                                 "Khojaly genocide."], "en", "it")
    assert "Ходжалы" in res.text
    assert "ZQ" not in res.text
    assert [c.status for c in res.terms] == ["found"]


def test_report_lists_terms_and_no_glossary_turns_them_off(capsys, tmp_path):
    report = tmp_path / "r.json"
    src = str(ROOT / "fixtures/corpus/khojaly-rome.en.txt")
    assert main(["article", src, "--from", "en", "--to", "az", "--models-dir", str(MODELS),
                 "--report", str(report)]) == 0
    segs = json.loads(report.read_text())["files"][0]["targets"]["az"]["segments"]
    term = segs[0]["terms"][0]
    assert set(term) >= {"source", "source_span", "required", "status"}
    head = article("en")
    assert head[term["source_span"][0]:term["source_span"][1]] == term["source"]
    assert main(["article", src, "--from", "en", "--to", "az", "--models-dir", str(MODELS),
                 "--report", str(report), "--no-glossary"]) == 0
    segs = json.loads(report.read_text())["files"][0]["targets"]["az"]["segments"]
    assert all(s["terms"] == [] for s in segs)
    capsys.readouterr()


def test_strict_exits_3_when_a_term_is_missing(capsys, tmp_path, unseen_glossary):
    src = str(ROOT / "fixtures/corpus/khojaly-rome.en.txt")
    argv = ["article", src, "--from", "en", "--to", "it", "--models-dir", str(MODELS),
            "--glossary", str(unseen_glossary), "--strict"]
    # verification only: the fixture model writes Khojaly, the glossary wants Chogiali
    code = main([*argv, "--no-enforce"])
    out, err = capsys.readouterr()
    assert code == 3
    assert "glossary term(s) missing" in err and len(err.strip().splitlines()) == 1
    assert out == article("it")  # the translation is still written
    # enforced, nothing is missing; but where the model also kept the source spelling
    # beside the forced term ("Chogiali ... di Khojaly"), --strict fails on that (#26)
    assert main(argv) == 3
    out, err = capsys.readouterr()
    assert "Chogiali" in out
    assert "missing" not in err and "left in their source spelling" in err
    assert main([a for a in argv if a != "--strict"]) == 0


def test_glossary_placeholders_never_collide_with_the_source_and_restore_only_their_own():
    """Regression (#11): protection used ``ZQ0QZ`` whatever the text held, and restore
    replaced every ``ZQ0QZ`` in the output, so a source that contains that string lost it."""
    from translate import pipeline
    from translate.glossary import load_glossary, match_terms

    g = load_glossary([ROOT / "glossaries" / "news.tsv"])
    text = "Serial ZQ0QZ was found in Khojaly."
    hits = [h for h in match_terms(text, g, "en", "it") if h.surface == "Khojaly"]
    prot = pipeline.protect(text, hits, spellable=lambda term: False)
    (token, term), = prot.placeholders
    assert token not in text and "ZQ0QZ" in prot.text
    output = prot.text.replace(token, token.lower())  # the model may change its case
    restored = pipeline.restore(output, prot)
    assert restored == f"Serial ZQ0QZ was found in {term}."
