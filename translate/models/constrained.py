"""Lexically constrained decoding: every required term appears in the output.

transformers 5 dropped constrained beam search (``force_words_ids``/``constraints``) from
its core, so the project carries its own, as a ``LogitsProcessor`` that works with the
ordinary greedy and beam search of ``generate``:

- a hypothesis that has started a term (its last tokens are a proper prefix of one of the
  term's spellings) must continue it: every other token is masked;
- while a term is pending, ``</s>`` is banned, and a term's first token is taken as soon
  as the model ranks it among its ``top_k`` choices (so the term lands where the model
  would put it; the protected source makes that early);
- where the model would end the sentence, or when the remaining length only just fits
  the pending terms, the next term is forced.

State is read off each hypothesis's own prefix at every step, so beam reordering needs no
bookkeeping. After a term the model is free again: Azerbaijani case suffixes
(Xocalı + da) follow naturally.

This module holds the constraints themselves (plain data, target-vocabulary ids) and
imports neither torch nor transformers; the ``LogitsProcessor``s that apply them live in
:mod:`.constrained_torch`, imported by the torch backend only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class TermConstraint:
    """One required term: its spellings as target token id sequences (any one will do).

    ``glued`` spellings (no word-start marker) may only start right after an apostrophe
    (Italian ``dell'Azerbaigian``). ``suffixes`` are the endings the word may take right
    after the term (Azerbaijani case chains, English ``'s``); ``""`` means none.
    """

    term: str
    alternatives: tuple[tuple[int, ...], ...]
    glued: tuple[tuple[int, ...], ...] = ()
    suffixes: frozenset[str] = frozenset({""})
    count: int = 1  # how many times the term must stand in the output

    def occurrences(self, generated: Sequence[int]) -> int:
        """How many non-overlapping spellings ``generated`` holds."""
        found, i, n = 0, 0, len(generated)
        spellings = (*self.alternatives, *self.glued)
        while i < n:
            for alt in spellings:
                if tuple(generated[i:i + len(alt)]) == alt:
                    found += 1
                    i += len(alt)
                    break
            else:
                i += 1
        return found

    @property
    def shortest(self) -> int:
        return min(len(a) for a in self.alternatives)

    def last_end(self, generated: Sequence[int]) -> int | None:
        """Where the last complete spelling in ``generated`` ends, or None."""
        n = len(generated)
        best = None
        for alt in (*self.alternatives, *self.glued):
            m = len(alt)
            for i in range(n - m, -1, -1):
                if tuple(generated[i:i + m]) == alt:
                    if best is None or i + m > best:
                        best = i + m
                    break
        return best

    def continuation(self, generated: Sequence[int]) -> int | None:
        """The next token if ``generated`` ends inside one of the spellings, else None."""
        best: tuple[int, int] | None = None  # (progress, token)
        for alt in (*self.alternatives, *self.glued):
            for k in range(min(len(alt) - 1, len(generated)), 0, -1):
                if tuple(generated[len(generated) - k:]) == alt[:k]:
                    if best is None or k > best[0]:
                        best = (k, alt[k])
                    break
        return None if best is None else best[1]


def _pieces(spm, text: str) -> list[str]:
    return spm.encode(text, out_type=str)


def term_suffixes(term: str, tgt: str) -> frozenset[str]:
    """Endings a word may take right after ``term`` in language ``tgt``."""
    if tgt == "az":
        from ..glossary.morphology.az import chains, readings

        out = {""}
        for reading in readings(term):
            for chain in chains(reading):
                out.update({chain, "-" + chain, "'" + chain} if chain else {chain})
        return frozenset(out)
    if tgt == "en":
        return frozenset({"", "'s", "’s", "'", "’"})
    return frozenset({""})


def make_constraint(term: str, tokenizer, tgt: str) -> TermConstraint | None:
    """The constraint for ``term``, or ``None`` when the target vocabulary cannot spell it
    (a piece maps to ``<unk>``): the caller routes it through a placeholder instead."""
    spm = tokenizer.spm_target
    # target ids: with separate vocabularies (``target_vocab.json``) the source vocabulary
    # would give other pieces' ids
    encoder = getattr(tokenizer, "target_encoder", None) or tokenizer.encoder
    unk = encoder.get(tokenizer.unk_token)

    def ids(pieces: list[str]) -> tuple[int, ...] | None:
        out = tuple(encoder.get(p, unk) for p in pieces)
        return out if out and unk not in out else None

    main = ids(_pieces(spm, term))
    if main is None:
        return None
    glued: list[tuple[int, ...]] = []
    if tgt == "it":
        pieces = _pieces(spm, "l'" + term)
        acc = ""
        for i, piece in enumerate(pieces):
            acc += piece
            if acc == "▁l'" and pieces[i + 1:]:
                alt = ids(pieces[i + 1:])
                if alt and alt != main:
                    glued.append(alt)
                break
    return TermConstraint(term, (main,), tuple(glued), term_suffixes(term, tgt))
