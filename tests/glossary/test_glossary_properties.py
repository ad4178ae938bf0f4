"""Properties: matching and verification never crash and never overlap, on any text."""

from __future__ import annotations

from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from translate.glossary import default_glossary, match_terms, verify_terms

G = default_glossary()
PIECES = ["Xocalı", "Xocalıda", "Khojaly", "Holy See", "Müqəddəs Taxt-Tac", "dakı", "nın",
          "Azerbaijan's", "dell'", "l’", "Italia", "İtaliya", "Roma", "Romantik", "NATO-nun",
          "-", "'", "’", " ", "\n", "s", "I", "İ", "ı", "e\u0301", "S\u0327", "Justice for",
          "Corte europea dei diritti dell'uomo", "Bakı", "ya", "BMT"]
TEXT = st.one_of(st.text(max_size=80),
                 st.lists(st.sampled_from(PIECES), max_size=25).map("".join),
                 st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=3)),
                          max_size=25).map("".join))
LANG = st.sampled_from(["en", "az", "it"])


@settings(max_examples=400, deadline=None)
@given(TEXT, LANG, LANG)
def test_matching_never_crashes_and_never_overlaps(text, src, tgt):
    hits = match_terms(text, G, src, tgt)
    for hit in hits:
        assert 0 <= hit.word_start <= hit.start < hit.end <= hit.word_end <= len(text)
        assert text[hit.start:hit.end] == hit.surface
        assert text[hit.end:hit.word_end] == hit.suffix
        assert text[hit.word_start:hit.start] == hit.article
    spans = sorted((h.start, h.word_end) for h in hits)
    assert all(a[1] <= b[0] for a, b in pairwise(spans))


@settings(max_examples=300, deadline=None)
@given(TEXT, TEXT, LANG, LANG)
def test_verification_never_crashes_and_answers_every_hit(source, output, src, tgt):
    hits = match_terms(source, G, src, tgt)
    checks = verify_terms(output, hits, tgt)
    assert [c.hit for c in checks] == hits
    places = sorted((c.start, c.end + len(c.suffix)) for c in checks if c.start is not None)
    assert all(a[1] <= b[0] for a, b in pairwise(places))
    for c in checks:
        if c.start is not None:
            assert c.end is not None and output[c.end:c.end + len(c.suffix)] == c.suffix


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["Xocalı", "Bakı", "Roma", "İtaliya", "Azərbaycan"]),
                min_size=1, max_size=6),
       st.sampled_from(["", "da", "nın", "ya", "dakı", "dan"]))
def test_a_translation_equal_to_the_targets_verifies(names, case):
    from translate.glossary import inflect_az

    source = " ".join(names)
    hits = match_terms(source, G, "az", "az")
    output = " və ".join(inflect_az(h.target, case) for h in hits)
    assert [c.status for c in verify_terms(output, hits, "az")] == ["found"] * len(hits)
