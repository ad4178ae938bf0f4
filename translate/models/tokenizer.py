"""A Marian (OPUS-MT) tokenizer from the checkpoint's own files, without transformers.

Reads ``source.spm``, ``target.spm``, ``vocab.json`` (and ``target_vocab.json`` when
``tokenizer_config.json`` says ``separate_vocabs``) and reproduces
``transformers.MarianTokenizer`` token for token (tests check it on every fixture
checkpoint and on a random OPUS-MT base one):

- source text: split on the special tokens (``</s>``, ``<unk>``, ``<pad>`` written in the
  text become those tokens), a leading ``>>code<<`` of each part is kept whole as the
  target-language token, the rest goes through ``source.spm`` (its own normalisation rules
  included); pieces map to ids through the source vocabulary, a piece it lacks is
  ``<unk>``; ``</s>`` is appended.
- target text (``encode_target``): the same with ``target.spm`` and the target
  vocabulary (``target_vocab.json`` when the vocabularies are separate, else the one
  joint vocabulary).
- decoding: output ids are target ids; special tokens are skipped on request; pieces are
  joined by SentencePiece (the source model for a joint vocabulary, as transformers does,
  the target model for separate ones), ``▁`` becomes a space, the ends are stripped.

Like ``MarianTokenizer`` it applies no Moses punctuation normalisation while tokenising
(transformers only offers that as a separate ``normalize()`` when sacremoses is
installed); the project's own normalisation (NFC, Azerbaijani letters) runs before.

One deliberate difference: ``supported_language_codes`` lists the ``>>code<<`` tokens of
the source vocabulary in both layouts (``MarianTokenizer`` returns none for separate
vocabularies, although the token is a source token either way).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

SPIECE_UNDERLINE = "▁"


def _load_json(path: Path) -> dict:
    with path.open(encoding="utf-8") as fh:
        data = json.load(fh)
    if not isinstance(data, dict):
        raise ValueError(f"{path.name} is not a JSON object of token -> id")
    return data


def _load_spm(path: Path):
    import sentencepiece

    sp = sentencepiece.SentencePieceProcessor()
    sp.Load(str(path))
    return sp


def _clean_up_tokenization(text: str) -> str:
    """transformers' ``clean_up_tokenization`` (used when the config asks for it)."""
    return (text.replace(" .", ".").replace(" ?", "?").replace(" !", "!").replace(" ,", ",")
            .replace(" ' ", "'").replace(" n't", "n't").replace(" 'm", "'m")
            .replace(" 's", "'s").replace(" 've", "'ve").replace(" 're", "'re"))


@dataclass
class MarianVocab:
    """Tokenizer of one OPUS-MT checkpoint; attribute names follow ``MarianTokenizer``.

    ``encoder``: source token -> id; ``target_encoder``: target token -> id (the same dict
    for a joint vocabulary); ``decoder``: target id -> token. ``unk_token_id``,
    ``eos_token_id`` and ``pad_token_id`` are source ids (as ``MarianTokenizer``'s);
    ``target_unk_id``, ``target_eos_id`` and ``target_pad_id`` are their target ids.
    """

    path: Path
    encoder: dict[str, int]
    target_encoder: dict[str, int]
    spm_source: object
    spm_target: object
    separate_vocabs: bool = False
    unk_token: str = "<unk>"
    eos_token: str = "</s>"
    pad_token: str = "<pad>"
    clean_up_tokenization_spaces: bool = False
    decoder: dict[int, str] = field(init=False)
    supported_language_codes: list[str] = field(init=False)

    def __post_init__(self) -> None:
        if self.unk_token not in self.encoder:
            raise ValueError(f"vocab.json has no {self.unk_token} token")
        self.decoder = {v: k for k, v in self.target_encoder.items()}
        self.supported_language_codes = [k for k in self.encoder
                                         if k.startswith(">>") and k.endswith("<<")]
        self.special_tokens = (self.eos_token, self.unk_token, self.pad_token)
        self._split = re.compile("(" + "|".join(re.escape(t) for t in sorted(
            set(self.special_tokens), key=len, reverse=True)) + ")")
        self.unk_token_id = self.encoder[self.unk_token]
        self.eos_token_id = self._special_id(self.encoder, self.eos_token)
        self.pad_token_id = self._special_id(self.encoder, self.pad_token)
        self.target_unk_id = self._special_id(self.target_encoder, self.unk_token)
        self.target_eos_id = self._special_id(self.target_encoder, self.eos_token)
        self.target_pad_id = self._special_id(self.target_encoder, self.pad_token)
        # ids skipped by ``decode(skip_special_tokens=True)``: transformers skips the
        # tokenizer's special ids and renders them as the special tokens
        self._special_target_ids = {i for i in (self.target_eos_id, self.target_unk_id,
                                                self.target_pad_id) if i is not None}

    @staticmethod
    def _special_id(vocab: dict[str, int], token: str) -> int | None:
        return vocab.get(token)

    # ------------------------------------------------------------------ loading

    @classmethod
    def from_dir(cls, path: str | Path) -> MarianVocab:
        """Load from a checkpoint directory (raises ``OSError``/``ValueError`` on bad
        files; the caller turns them into a user error)."""
        path = Path(path)
        config: dict = {}
        if (path / "tokenizer_config.json").is_file():
            config = _load_json(path / "tokenizer_config.json")
        separate = bool(config.get("separate_vocabs", False))
        encoder = _load_json(path / "vocab.json")
        if separate:
            target_file = path / "target_vocab.json"
            if not target_file.is_file():
                raise ValueError("tokenizer_config.json says separate_vocabs but there is "
                                 "no target_vocab.json")
            target = _load_json(target_file)
        else:
            target = encoder

        def token(name: str, default: str) -> str:
            value = config.get(name, default)
            if isinstance(value, dict):  # an AddedToken written out
                value = value.get("content", default)
            return str(value)

        return cls(path=path, encoder=encoder, target_encoder=target,
                   spm_source=_load_spm(path / "source.spm"),
                   spm_target=_load_spm(path / "target.spm"), separate_vocabs=separate,
                   unk_token=token("unk_token", "<unk>"), eos_token=token("eos_token", "</s>"),
                   pad_token=token("pad_token", "<pad>"),
                   clean_up_tokenization_spaces=bool(
                       config.get("clean_up_tokenization_spaces", False)))

    # ------------------------------------------------------------------ encoding

    @property
    def vocab_size(self) -> int:
        return len(self.encoder)

    @staticmethod
    def _language_code(text: str) -> tuple[list[str], str]:
        if text.startswith(">>") and (end := text.find("<<")) != -1:
            return [text[:end + 2]], text[end + 2:]
        return [], text

    def _tokenize(self, text: str, spm) -> list[str]:
        tokens: list[str] = []
        for part in self._split.split(text):
            if not part:
                continue
            if part in self.special_tokens:
                tokens.append(part)
                continue
            code, rest = self._language_code(part)
            tokens += code + spm.encode(rest, out_type=str)
        return tokens

    def tokenize(self, text: str) -> list[str]:
        """Source tokens of ``text`` (``MarianTokenizer.tokenize``)."""
        return self._tokenize(text, self.spm_source)

    def tokenize_target(self, text: str) -> list[str]:
        return self._tokenize(text, self.spm_target)

    def convert_tokens_to_ids(self, tokens: str | Iterable[str]) -> int | list[int]:
        """Source ids; a token the source vocabulary lacks is ``<unk>`` (one token: one
        id, as ``MarianTokenizer``)."""
        enc, unk = self.encoder, self.unk_token_id
        if isinstance(tokens, str):
            return enc.get(tokens, unk)
        return [enc.get(t, unk) for t in tokens]

    def convert_target_tokens_to_ids(self, tokens: Iterable[str]) -> list[int]:
        """Target ids; a token the target vocabulary lacks is ``<unk>``."""
        enc, unk = self.target_encoder, self.target_unk_id
        return [enc.get(t, unk) for t in tokens]

    def encode(self, text: str) -> list[int]:
        """Model input ids: source tokens and ``</s>`` (``tokenizer(text).input_ids``)."""
        return self.convert_tokens_to_ids(self.tokenize(text)) + [self.eos_token_id]

    def encode_target(self, text: str) -> list[int]:
        """Label ids (``tokenizer(text_target=text).input_ids``)."""
        return self.convert_target_tokens_to_ids(self.tokenize_target(text)) + \
            [self.target_eos_id]

    # ------------------------------------------------------------------ decoding

    def convert_ids_to_tokens(self, ids: int | Iterable[int]) -> str | list[str]:
        """Target tokens of output ids (an id outside the vocabulary: the target
        SentencePiece piece of that number, as transformers falls back)."""
        if isinstance(ids, int):
            return self.convert_ids_to_tokens([ids])[0]
        out = []
        for i in ids:
            i = int(i)
            tok = self.decoder.get(i)
            if tok is None:
                spm = self.spm_target if self.separate_vocabs else self.spm_source
                tok = (spm.id_to_piece(i) if 0 <= i < spm.get_piece_size() else "") or \
                    self.unk_token
            out.append(tok)
        return out

    def decode(self, ids: Sequence[int], skip_special_tokens: bool = False) -> str:
        """Text of output ids (``MarianTokenizer.decode``)."""
        if skip_special_tokens:
            ids = [i for i in ids if int(i) not in self._special_target_ids]
        tokens = self.convert_ids_to_tokens(ids)
        spm = self.spm_target if self.separate_vocabs else self.spm_source
        specials = set(self.special_tokens)
        out, run = "", []
        for token in tokens:
            if token in specials:
                out += spm.decode_pieces(run) + token + " "
                run = []
            else:
                run.append(token)
        out += spm.decode_pieces(run)
        text = out.replace(SPIECE_UNDERLINE, " ").strip()
        return _clean_up_tokenization(text) if self.clean_up_tokenization_spaces else text

    def batch_decode(self, sequences: Iterable[Sequence[int]],
                     skip_special_tokens: bool = False) -> list[str]:
        return [self.decode(ids, skip_special_tokens=skip_special_tokens) for ids in sequences]
