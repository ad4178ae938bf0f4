"""Word alignment from the models' guided-alignment head, through the real fixture models.

The fixtures are trained with a guided-alignment loss on the head CTranslate2 returns
(``fixtures/build.py``); the links are scored against the hand-made gold alignments in
``fixtures/corpus/alignment`` with the alignment error rate (AER, sure links = gold).
Bounds are the measured figures (``benchmarks/README.md``, Alignment) plus a margin.
"""

from __future__ import annotations

import csv
import unicodedata

import pytest

from fixtures.build import load_gold  # noqa: E402
from support import CORPUS, MODELS, aligned_rows
from translate import Translator  # noqa: E402
from translate.models.alignment import (  # noqa: E402
    WordLink,
    alignment_error_rate,
    compose,
    link_indices,
    word_spans,
)

#: Highest AER allowed per direction (measured 2.0-5.2% on torch, 1.9-5.2% on CTranslate2
#: int8: benchmarks/README.md, Alignment).
AER_BOUND = 0.10
#: Composed through English (measured 3.5%: the errors of both models add up).
PIVOT_AER_BOUND = 0.08

DIRECTIONS = [("en-it", "en", "it"), ("it-en", "it", "en"), ("en-az", "en", "az"),
              ("az-en", "az", "en"), ("en-trk", "en", "az"), ("en-trk", "en", "it")]
BACKENDS = ["torch", "ctranslate2"]


@pytest.fixture(autouse=True)
def _ct2_cache(request, tmp_path_factory, monkeypatch):
    """One CTranslate2 conversion cache for the module."""
    root = tmp_path_factory.getbasetemp() / "alignment-ct2"
    monkeypatch.setenv("TRANSLATE_CACHE_DIR", str(root))


def _translator(models: dict[str, str], backend: str = "torch") -> Translator:
    if backend == "ctranslate2":
        pytest.importorskip("ctranslate2")
    return Translator({k: str(MODELS / v) for k, v in models.items()}, device="cpu",
                      glossary=False, backend=backend)


def _aer(results, src: str, tgt: str, gold: list[set[tuple[int, int]]]) -> float:
    predicted, sure = set(), set()
    for k, (res, links) in enumerate(zip(results, gold, strict=True)):
        pairs = link_indices(res.alignment, word_spans(res.source, src),
                             word_spans(res.text, tgt))
        predicted |= {(k, i, j) for i, j in pairs}
        sure |= {(k, i, j) for i, j in links}
    return alignment_error_rate(predicted, sure)


def _is_words(spans, text: str, lang: str) -> bool:
    return set(spans) <= set(word_spans(text, lang))


def test_word_spans_are_the_gold_tokenisation():
    rows = aligned_rows()
    for tgt in ("it", "az"):
        with (CORPUS / "alignment" / f"en-{tgt}.tokens.tsv").open(encoding="utf-8") as fh:
            tokens = list(csv.DictReader(fh, delimiter="\t"))
        for row, tok in zip(rows, tokens, strict=True):
            for lang, column in (("en", "en_tokens"), (tgt, "tgt_tokens")):
                text = row[lang]
                assert " ".join(text[a:b] for a, b in word_spans(text, lang)) == tok[column]


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(("name", "src", "tgt"), DIRECTIONS)
def test_links_on_the_reference_sentences_match_the_gold(name, src, tgt, backend):
    rows = aligned_rows()
    tr = _translator({f"{src}-{tgt}": name}, backend)
    results = tr.translate_batch([r[src] for r in rows], src, tgt, align=True)
    assert [r.text for r in results] == [r[tgt] for r in rows]
    assert _aer(results, src, tgt, load_gold(src, tgt)) <= AER_BOUND
    for res in results:
        assert res.alignment, res.source
        assert _is_words([link.src for link in res.alignment], res.source, src)
        assert _is_words([link.tgt for link in res.alignment], res.text, tgt)


def test_alignment_is_empty_unless_asked_for(translator):
    res = translator.translate_batch(["All news on our Facebook page"], "en", "it")
    assert res[0].alignment == ()


def test_char_spans_slice_the_linked_words(translator):
    res = translator.translate_batch(["All news on our Facebook page",
                                      "Commemorative event held in Rome's Santa Maria della "
                                      "Mercede Church on the 32nd Anniversary of the Khojaly "
                                      "Genocide"], "en", "it", align=True)
    words = {link.slice(res[0].source, res[0].text) for link in res[0].alignment}
    assert {("All", "Tutte"), ("news", "notizie"), ("our", "nostra"),
            ("Facebook", "Facebook"), ("page", "pagina")} <= words
    words = {link.slice(res[1].source, res[1].text) for link in res[1].alignment}
    # 's is its own word: it goes to the "a" of "a Roma", Rome to Roma
    assert {("Rome", "Roma"), ("'s", "a"), ("Genocide", "genocidio"),
            ("Khojaly", "Khojaly"), ("Church", "chiesa")} <= words


def test_spans_index_the_callers_text_when_it_was_not_nfc(translator):
    row = aligned_rows()[8]
    decomposed = unicodedata.normalize("NFD", row["it"])
    assert decomposed != row["it"] and len(decomposed) > len(row["it"])
    res = translator.translate_batch([decomposed], "it", "en", align=True)[0]
    assert res.text == row["en"] and res.source == decomposed
    assert _is_words([link.src for link in res.alignment], decomposed, "it")
    words = {link.slice(res.source, res.text) for link in res.alignment}
    assert (unicodedata.normalize("NFD", "responsabilità"), "responsibility") in words


def test_ctranslate2_and_torch_read_the_same_head():
    pytest.importorskip("ctranslate2")
    from translate.models.backends.ctranslate2_backend import CTranslate2Backend
    from translate.models.engine import TranslationEngine

    rows = aligned_rows()
    sources = [r["en"] for r in rows]
    tr = _translator({"en-az": "en-trk"})
    reference = tr.engine(tr.route("en", "az")[0])
    # float32: the same weights as torch, so the same argmax everywhere
    exact = TranslationEngine(reference.checkpoint,
                              CTranslate2Backend(reference.checkpoint, "cpu", "float32"))
    want = reference.translate(sources, align=True, src_lang="en", tgt_lang="az")
    got = exact.translate(sources, align=True, src_lang="en", tgt_lang="az")
    assert [o.text for o in got] == [o.text for o in want]
    assert [o.alignment for o in got] == [o.alignment for o in want]
    # forced alignment of a given output agrees with the links found while decoding
    forced = exact.align(sources, [o.text for o in want], src_lang="en", tgt_lang="az")
    assert forced == [o.alignment for o in want]
    # int8 (the default on CPU) moves a few argmaxes, no more
    fast = _translator({"en-az": "en-trk"}, "ctranslate2")
    int8 = fast.translate_batch(sources, "en", "az", align=True)
    same = sum(len(set(a.alignment) & set(w.alignment)) for a, w in zip(int8, want,
                                                                          strict=True))
    assert same >= 0.9 * sum(len(w.alignment) for w in want)


def test_forced_alignment_of_the_decoded_output_is_what_decoding_found(translator):
    rows = aligned_rows()
    engine = translator.engine(translator.route("az", "en")[0])
    sources = [r["az"] for r in rows]
    decoded = engine.translate(sources, align=True, src_lang="az", tgt_lang="en")
    forced = engine.align(sources, [o.text for o in decoded], src_lang="az", tgt_lang="en")
    assert forced == [o.alignment for o in decoded]


@pytest.mark.parametrize("backend", BACKENDS)
def test_pivot_links_are_composed_through_english(backend):
    rows = aligned_rows()
    sources = [r["az"] for r in rows]
    tr = _translator({"az-en": "az-en", "en-it": "en-it"}, backend)
    results = tr.translate_batch(sources, "az", "it", align=True)
    assert [r.text for r in results] == [r["it"] for r in rows]
    az_en = tr.translate_batch(sources, "az", "en", align=True)
    en_it = tr.translate_batch([r.text for r in az_en], "en", "it", align=True)
    for res, ab, bc in zip(results, az_en, en_it, strict=True):
        assert res.alignment == compose(ab.alignment, bc.alignment)
    words = {link.slice(results[17].source, results[17].text)
             for link in results[17].alignment}
    assert {("xəbərlər", "notizie"), ("Facebook", "Facebook"), ("səhifəmizdə", "pagina")} \
        <= words
    gold = [{(i, k) for i, j in ab for jj, k in bc if j == jj}
            for ab, bc in zip(load_gold("az", "en"), load_gold("en", "it"), strict=True)]
    assert _aer(results, "az", "it", gold) <= PIVOT_AER_BOUND


def test_compose_joins_links_on_overlapping_pivot_words():
    ab = (WordLink((0, 3), (0, 4)), WordLink((4, 8), (5, 9)), WordLink((9, 12), (20, 22)))
    bc = (WordLink((0, 4), (10, 14)), WordLink((0, 4), (0, 3)), WordLink((5, 9), (4, 8)))
    assert compose(ab, bc) == (WordLink((0, 3), (0, 3)), WordLink((0, 3), (10, 14)),
                               WordLink((4, 8), (4, 8)))
    assert compose(ab, ()) == ()


def test_a_sentence_split_for_length_keeps_its_links_on_the_whole_text(translator):
    rows = aligned_rows()[1:12]
    engine = translator.engine(translator.route("en", "it")[0])
    singles = engine.translate([r["en"] for r in rows], align=True, src_lang="en",
                               tgt_lang="it")
    long = " ".join(r["en"] for r in rows)
    assert len(engine.pieces(long)) > engine.max_source_pieces  # split into sentences
    (joined,) = engine.translate([long], align=True, src_lang="en", tgt_lang="it")
    assert joined.text == " ".join(r["it"] for r in rows)
    expected, src_at, tgt_at = [], 0, 0
    for row, single in zip(rows, singles, strict=True):
        expected += [WordLink((a + src_at, b + src_at), (c + tgt_at, d + tgt_at))
                     for (a, b), (c, d) in ((x.src, x.tgt) for x in single.alignment)]
        src_at += len(row["en"]) + 1
        tgt_at += len(single.text) + 1
    assert sorted(joined.alignment, key=lambda x: (x.src, x.tgt)) == \
        sorted(expected, key=lambda x: (x.src, x.tgt))


def test_links_follow_a_glossary_re_decoded_output(tmp_path):
    glossary = tmp_path / "g.tsv"
    glossary.write_text("en\tit\nFacebook\tFacebuk\n", encoding="utf-8")
    tr = Translator({"en-it": str(MODELS / "en-it")}, device="cpu", glossary=[glossary])
    (res,) = tr.translate_batch(["All news on our Facebook page"], "en", "it", align=True)
    assert "Facebuk" in res.text
    assert res.alignment
    assert _is_words([link.tgt for link in res.alignment], res.text, "it")
    words = {link.slice(res.source, res.text) for link in res.alignment}
    assert {("All", "Tutte"), ("Facebook", "Facebuk")} <= words


def test_a_text_already_in_the_target_language_links_each_word_to_itself(translator):
    (res,) = translator.translate_batch(["Bütün xəbərlər Facebook səhifəmizdə"], "az", "az",
                                        align=True)
    assert res.text == res.source
    assert [link.slice(res.source, res.text) for link in res.alignment] == [
        ("Bütün", "Bütün"), ("xəbərlər", "xəbərlər"), ("Facebook", "Facebook"),
        ("səhifəmizdə", "səhifəmizdə")]
