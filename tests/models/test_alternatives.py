"""n-best alternatives from the beam, on the real fixture models, through both backends."""

from __future__ import annotations

import pytest

from support import MODELS, aligned_rows
from translate import Translator
from translate.errors import UserError
from translate.glossary import match_terms, verify_terms

BACKENDS = ["ctranslate2", "torch"]


@pytest.fixture(scope="module", params=BACKENDS)
def tr(request):
    if request.param == "ctranslate2":
        pytest.importorskip("ctranslate2")
    return Translator(models_dir=MODELS, device="cpu", glossary=False, backend=request.param)


@pytest.fixture(scope="module")
def tr_glossary():
    return Translator(models_dir=MODELS, device="cpu")  # the shipped news glossary


def test_alternatives_are_distinct_other_translations_and_leave_the_best_alone(tr):
    texts = [r["en"] for r in aligned_rows()[:8]]
    plain = tr.translate_batch(texts, "en", "it")
    asked = tr.translate_batch(texts, "en", "it", alternatives=3)
    assert [a.text for a in asked] == [p.text for p in plain]
    assert [a.warnings for a in asked] == [p.warnings for p in plain]
    assert all(p.alternatives == () for p in plain)
    for a in asked:
        assert len(a.alternatives) <= 3
        assert len(set(a.alternatives)) == len(a.alternatives)
        assert a.text not in a.alternatives
        assert all(alt.strip() for alt in a.alternatives)
    # the beam of 4 has three other hypotheses for these sentences
    assert sum(len(a.alternatives) == 3 for a in asked) >= 6


def test_both_backends_give_the_same_best_and_alternatives_of_the_same_sentence():
    pytest.importorskip("ctranslate2")
    text = [aligned_rows()[0]["en"]]
    outs = [Translator(models_dir=MODELS, device="cpu", glossary=False, backend=b)
            .translate_batch(text, "en", "it", alternatives=2)[0] for b in BACKENDS]
    assert outs[0].text == outs[1].text
    assert all(len(o.alternatives) == 2 for o in outs)


def test_more_alternatives_than_the_beam_widens_it(tr):
    (one,) = tr.translate_batch([aligned_rows()[4]["en"]], "en", "it", alternatives=6)
    assert len(one.alternatives) > 3  # more than a beam of 4 could give
    assert len(set(one.alternatives)) == len(one.alternatives)
    assert one.text not in one.alternatives


def test_pivot_alternatives_come_from_the_last_step(tr):
    row = aligned_rows()[3]
    (plain,) = tr.translate_batch([row["az"]], "az", "it")
    (asked,) = tr.translate_batch([row["az"]], "az", "it", alternatives=2)
    assert asked.text == plain.text
    assert asked.models == plain.models and len(asked.models) == 2
    assert 1 <= len(asked.alternatives) <= 2
    assert asked.text not in asked.alternatives
    # the last step (en->it) over the best English pivot gives the same n-best
    (pivot,) = tr.translate_batch([row["az"]], "az", "en")
    (last,) = tr.translate_batch([pivot.text], "en", "it", alternatives=2)
    assert asked.alternatives == last.alternatives


def test_glossary_drops_alternatives_that_lose_a_term_the_best_has(translator, tr_glossary):
    dropped = 0
    for tgt in ("it", "az"):
        texts = [r["en"] for r in aligned_rows()]
        free = translator.translate_batch(texts, "en", tgt, alternatives=3)
        checked = tr_glossary.translate_batch(texts, "en", tgt, alternatives=3)
        for text, f, c in zip(texts, free, checked, strict=True):
            carried = [t.ok for t in c.terms]
            if c.text != f.text or not any(carried):
                continue  # re-decoded for the glossary, or no term to keep
            hits = match_terms(text, tr_glossary.glossary, "en", tgt)

            def keeps_terms(alt: str, hits=hits, carried=carried, tgt=tgt) -> bool:
                return all(t.ok for t, need in zip(verify_terms(alt, hits, tgt), carried,
                                                   strict=True) if need)

            assert c.alternatives == tuple(a for a in f.alternatives if keeps_terms(a))
            dropped += len(f.alternatives) - len(c.alternatives)
    assert dropped > 0  # the fixture models do lose terms in some hypotheses


def test_negative_alternatives_is_a_user_error(translator):
    with pytest.raises(UserError, match="alternatives=-1"):
        translator.translate_batch(["Hello."], "en", "it", alternatives=-1)


def test_a_split_sentence_gets_alternatives_of_the_whole(tr):
    rows = aligned_rows()
    long_sentence = " ".join(r["en"] for r in rows[:17])
    (plain,) = tr.translate_batch([long_sentence], "en", "it")
    (asked,) = tr.translate_batch([long_sentence], "en", "it", alternatives=2)
    assert any("split into" in w for w in asked.warnings)
    assert asked.text == plain.text
    assert asked.alternatives and asked.text not in asked.alternatives
    # each alternative covers the whole input, not one part of it
    assert all(len(a) > 0.8 * len(asked.text) for a in asked.alternatives)


@pytest.mark.parametrize(("src", "rows"), [("en", 8), ("az", 4)])
def test_alternatives_leave_the_alignment_of_the_best_alone(tr, src, rows):
    texts = [r[src] for r in aligned_rows()[:rows]]
    aligned = tr.translate_batch(texts, src, "it", align=True)
    both = tr.translate_batch(texts, src, "it", align=True, alternatives=2)
    assert [b.text for b in both] == [a.text for a in aligned]
    assert [b.alignment for b in both] == [a.alignment for a in aligned]
    assert all(b.alignment for b in both) and any(b.alternatives for b in both)
