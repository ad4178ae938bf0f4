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

This module holds the constraints themselves (plain data, target-vocabulary ids) and what
they allow at one step of one hypothesis (:func:`step_rule`), and imports neither torch nor
transformers. Each backend applies the rule to its own scores: the torch backend as a
``LogitsProcessor`` (:mod:`.constrained_torch`), the CTranslate2 backend, which has no
logits hook in Python, by forcing target prefixes (see its module).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field


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


@dataclass(frozen=True, slots=True)
class TargetPieces:
    """The target vocabulary as the constraints read it: id -> piece (``""`` for an id
    without one) and piece -> id."""

    pieces: tuple[str, ...]
    ids: Mapping[str, int]
    #: (constraint, ending so far) -> :meth:`ending_ids` (Azerbaijani has hundreds of
    #: endings; each step of each hypothesis inside a term's word asks)
    endings: dict = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def of(cls, pieces: Sequence[str]) -> TargetPieces:
        return cls(tuple(pieces), {p: i for i, p in enumerate(pieces) if p})

    def boundaries(self, eos: int) -> list[bool]:
        """Per id: whether the piece starts a new word (or is punctuation, or ``</s>``)."""
        out = [p.startswith("▁") or (p[:1] != "" and not p[0].isalnum()) for p in self.pieces]
        out[eos] = True
        return out

    def ending_ids(self, c: TermConstraint, so_far: str) -> tuple[bool, tuple[int, ...]]:
        """After a term and ``so_far`` of its ending: may a word boundary come next, and
        which pieces continue a valid ending."""
        known = self.endings.get((c, so_far))
        if known is not None:
            return known
        ids = set()
        for suffix in c.suffixes:
            if len(suffix) > len(so_far) and suffix.startswith(so_far):
                rest = suffix[len(so_far):]
                for k in range(1, len(rest) + 1):
                    pid = self.ids.get(rest[:k])
                    if pid is not None:
                        ids.add(pid)
        known = self.endings[c, so_far] = (so_far in c.suffixes, tuple(sorted(ids)))
        return known


@dataclass(frozen=True, slots=True)
class StepRule:
    """What the constraints of one sentence allow a hypothesis at its next step.

    ``endings``: one entry per term whose word is still open: (may a word boundary come
    next, the pieces that continue a valid ending); every entry holds at once.
    ``forced``: the only token allowed (the next piece of a term in progress).
    ``pending``: terms still to place (when nothing is forced), ``need`` the tokens they
    take at least; ``starts`` their first pieces (glued spellings after an apostrophe).
    """

    endings: tuple[tuple[bool, tuple[int, ...]], ...]
    forced: int | None
    pending: tuple[TermConstraint, ...]
    need: int
    starts: tuple[int, ...]


def step_rule(constraints: Sequence[TermConstraint], generated: Sequence[int],
              target: TargetPieces) -> StepRule | None:
    """The rule for the step after ``generated`` (ids without the decoder start), or
    ``None`` when the constraints leave it free."""
    endings = []
    pending = []
    forced = None
    for c in constraints:
        end = c.last_end(generated)
        if end is not None:
            tail = "".join(target.pieces[t] for t in generated[end:])
            if "▁" not in tail and all(ch.isalpha() or ch in "'’-" for ch in tail):
                # still inside the term's word: only a valid ending or a boundary
                endings.append(target.ending_ids(c, tail))
            if c.occurrences(generated) >= c.count:
                continue
        nxt = c.continuation(generated)
        if nxt is not None:
            forced = nxt
            break
        pending.append(c)
    if not endings and forced is None and not pending:
        return None
    if forced is not None:
        pending = []
    need = sum(c.shortest * (c.count - c.occurrences(generated)) for c in pending)
    after_apostrophe = bool(generated) and target.pieces[generated[-1]].endswith(("'", "’"))
    starts = [a[0] for c in pending
              for a in (*c.alternatives, *(c.glued if after_apostrophe else ()))]
    return StepRule(tuple(endings), forced, tuple(pending), need, tuple(starts))


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
