"""The pure tokenizer (no transformers) against ``transformers.MarianTokenizer``, token for
token: every fixture checkpoint, the separate-vocabulary one, and the vocabulary of a
random OPUS-MT base checkpoint (80,035 entries, most of them pieces SentencePiece
never produces)."""

from __future__ import annotations

import random
import warnings

import pytest

from support import FIXTURES, MODELS, aligned_rows
from translate.models.tokenizer import MarianVocab

CHECKPOINTS = [p for p in [*sorted(MODELS.iterdir()),
                           *sorted((FIXTURES / "models-sepvocab").iterdir())] if p.is_dir()]

ODD_TEXTS = [
    "", " ", "  spaced   out\t\n", "Hello</s>world <unk> x<pad>", "</s>>>ita<< x",
    ">>ita<< The event began.", ">>aze_Latn<<Xocalı", ">>xyz<< unknown code", "Hi >>ita<<",
    "ﬁne ＡＢＣ ½ …", "祈祷 😀", "ə Ə \u04d9 İ ı ş Ş ğ", "l'Azerbaigian dell'Italia",
    "“Quoted” «guillemets» — dash – 32°", "e\u0301 (NFD)", "\u200bzero\u00a0width",
]


def _marian(path):
    from transformers import MarianTokenizer

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Recommended: pip install sacremoses"
        return MarianTokenizer.from_pretrained(path)


def _texts():
    rows = aligned_rows()
    texts = [r[lang] for r in rows for lang in ("en", "az", "it")]
    return texts + [">>ita<< " + t for t in texts[:6]] + ODD_TEXTS


def _check(path, decode_samples: int = 1500):
    hf, ours = _marian(path), MarianVocab.from_dir(path)
    assert ours.separate_vocabs == hf.separate_vocabs
    assert (ours.unk_token_id, ours.eos_token_id, ours.pad_token_id) == \
        (hf.unk_token_id, hf.eos_token_id, hf.pad_token_id)
    if not hf.separate_vocabs:
        assert ours.supported_language_codes == hf.supported_language_codes
    assert ours.decoder == hf.decoder
    for text in _texts():
        assert ours.tokenize(text) == hf.tokenize(text), text
        assert ours.encode(text) == hf(text).input_ids, text
        assert ours.encode_target(text) == hf(text_target=text).input_ids, text
        ids = hf(text_target=text).input_ids
        for skip in (True, False):
            assert ours.decode(ids, skip_special_tokens=skip) == \
                hf.decode(ids, skip_special_tokens=skip), text
    rnd = random.Random(len(ours.target_encoder))
    n = len(ours.target_encoder)
    for _ in range(decode_samples):
        ids = [rnd.randrange(n) for _ in range(rnd.randint(0, 14))]
        for skip in (True, False):
            assert ours.decode(ids, skip_special_tokens=skip) == \
                hf.decode(ids, skip_special_tokens=skip), ids


@pytest.mark.parametrize("path", CHECKPOINTS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_tokenizer_matches_marian_tokenizer_on_fixture_checkpoints(path):
    _check(path)


def test_tokenizer_matches_marian_tokenizer_on_a_random_opus_mt_base_vocabulary(tmp_path):
    from fixtures.build import Shape, build_random_checkpoint

    # the OPUS-MT base vocabulary (80,035); the tokenizer files do not depend on the
    # transformer's width, so a narrow one keeps the build quick
    path = build_random_checkpoint(tmp_path / "base", src="en", tgt="it",
                                   shape=Shape(d_model=16, layers=1, heads=2, ffn=32),
                                   vocab_size=80035)
    assert len(MarianVocab.from_dir(path).encoder) == 80035
    _check(path, decode_samples=400)


def test_separate_vocabularies_give_target_ids_from_target_vocab_json():
    path = FIXTURES / "models-sepvocab" / "en-it"
    tok = MarianVocab.from_dir(path)
    assert tok.separate_vocabs and tok.target_encoder != tok.encoder
    ids = tok.encode_target("Chiesa di Santa Maria")
    assert tok.decode(ids, skip_special_tokens=True) == "Chiesa di Santa Maria"
    # the same pieces looked up in the source vocabulary are other pieces
    pieces = tok.tokenize_target("Chiesa di Santa Maria")
    assert tok.convert_tokens_to_ids(pieces) != ids[:-1]


def test_single_token_and_batch_forms_match_marian_tokenizer():
    path = MODELS / "en-trk"
    hf, ours = _marian(path), MarianVocab.from_dir(path)
    assert ours.convert_tokens_to_ids(">>ita<<") == hf.convert_tokens_to_ids(">>ita<<")
    assert ours.convert_ids_to_tokens(5) == hf.convert_ids_to_tokens(5)
    batch = [hf(text_target=t).input_ids for t in ("Roma.", "Il Vaticano", "")]
    assert ours.batch_decode(batch, skip_special_tokens=True) == \
        hf.batch_decode(batch, skip_special_tokens=True)
