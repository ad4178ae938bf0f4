"""The engine around the decoder: long input, <unk>, loops, batching, determinism."""

from __future__ import annotations

import pytest

from support import aligned_rows
from translate.models.engine import DecodeOptions, split_pieces, trim_repetition


def test_split_pieces_never_drops_and_respects_the_limit():
    pieces = ["▁a", "b", ",", "▁c", "▁d", "e", ";", "▁f"] * 50
    assert split_pieces(pieces[:10], 17) == [pieces[:10]]
    chunks = split_pieces(pieces, 17)
    assert [p for c in chunks for p in c] == pieces
    assert all(0 < len(c) <= 17 for c in chunks)
    assert all(c[0].startswith("▁") for c in chunks)


def test_trim_repetition_cuts_a_loop_but_not_normal_text():
    assert trim_repetition([5, 6, 7, 8, 9, 8, 9, 8, 9, 8, 9]) == [5, 6, 7, 8, 9]
    assert trim_repetition([5, 4, 4, 4, 4, 4, 4, 7, 0]) == [5, 4]
    assert trim_repetition([1, 2, 3, 4, 5, 6]) is None
    assert trim_repetition([3, 3, 3]) is None  # three is not a loop yet


def test_sentence_longer_than_the_positions_is_split_not_truncated(translator):
    rows = aligned_rows()
    long_sentence = " ".join(r["en"] for r in rows[:17])
    engine = translator.engine(translator.route("en", "it")[0])
    assert len(engine.pieces(long_sentence)) > engine.checkpoint.positions
    (result,) = translator.translate_batch([long_sentence], "en", "it")
    assert any("split into" in w for w in result.warnings)
    # every reference sentence that did not straddle a cut comes out exactly
    found = sum(r["it"] in result.text for r in rows[:17])
    assert found >= 12
    assert len(result.text) > 0.8 * len(" ".join(r["it"] for r in rows[:17]))


def test_unknown_characters_are_reported_as_unk(translator):
    (result,) = translator.translate_batch(["The event began with prayers 祈祷."], "en", "it")
    assert any("<unk>" in w for w in result.warnings)


def test_cyrillic_schwa_in_azerbaijani_is_mapped_to_latin(translator):
    row = aligned_rows()[17]
    typed = row["az"].replace("ə", "\u04d9")
    assert typed != row["az"]
    assert translator.translate([typed], "az", "en") == [row["en"]]


def test_batches_are_sorted_and_bounded_and_results_deterministic(translator):
    rows = aligned_rows()
    texts = [r["en"] for r in rows]
    engine = translator.engine(translator.route("en", "it")[0])
    before = engine.calls
    first = engine.translate(texts, DecodeOptions(beam_size=4, max_batch_tokens=400))
    assert engine.calls - before >= 3  # the budget forced several batches
    second = engine.translate(list(reversed(texts)), DecodeOptions(beam_size=4))
    assert [o.text for o in first] == [r["it"] for r in rows]
    assert [o.text for o in reversed(second)] == [o.text for o in first]


def test_duplicates_are_translated_once(translator):
    engine = translator.engine(translator.route("it", "en")[0])
    row = aligned_rows()[17]
    before = engine.calls
    out = translator.translate_batch([row["it"]] * 5 + [""], "it", "en")
    assert [t.text for t in out] == [row["en"]] * 5 + [""]
    assert engine.calls - before == 1


def test_same_language_copies_with_a_note(translator):
    (res,) = translator.translate_batch(["Ciao."], "it", "it")
    assert res.text == "Ciao." and "copied unchanged" in res.warnings[0]


def test_random_checkpoint_never_stopping_is_capped_and_reported(tmp_path):
    from fixtures.build import build_random_checkpoint
    from translate import Translator

    path = build_random_checkpoint(tmp_path / "rand", src="en", tgt="it")
    tr = Translator({"en-it": str(path)}, device="cpu", glossary=False, beam_size=1)
    (res,) = tr.translate_batch(["The event began with prayers."], "en", "it")
    assert res.warnings, "an untrained model must hit the cap or loop, and say so"
    assert any("length cap" in w or "repetition" in w for w in res.warnings)


def test_cuda_request_without_cuda_is_a_user_error():
    import torch

    from translate import Translator
    from translate.errors import UserError

    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    with pytest.raises(UserError, match="no CUDA device"):
        _ = Translator(device="cuda").device


def test_split_pieces_cuts_between_sentences_first():
    pieces = ["▁One", "▁two", "."] + ["▁Three", "▁four", "▁five", "."] * 2
    assert split_pieces(pieces, 8) == [pieces[:3], pieces[3:7], pieces[7:]]


def test_output_does_not_depend_on_what_shares_the_batch(tmp_path):
    """Each sentence has its own length cap: an untrained model (which never stops) gives
    the same output alone as batched with a much longer sentence."""
    from fixtures.build import build_random_checkpoint
    from translate import Translator

    path = build_random_checkpoint(tmp_path / "rand", src="en", tgt="it", seed=3)
    tr = Translator({"en-it": str(path)}, device="cpu", glossary=False, beam_size=2)
    short = "All news on our Facebook page."
    long = " ".join(r["en"] for r in aligned_rows()[:3])
    alone = tr.translate([short], "en", "it")[0]
    together = tr.translate([long, short], "en", "it")[1]
    assert alone == together
