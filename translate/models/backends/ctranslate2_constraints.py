"""Glossary constraints on the CTranslate2 backend, without torch.

CTranslate2's Python API has no hook into the scores during a search (its C++
``LogitsProcessor`` is not exposed), but a search can start from a forced
``target_prefix``, and ``return_logits_vocab`` returns the model's scores at every position
of a greedy pass, the forced prefix included. So the rule of each step
(:func:`..constrained.step_rule`, the one the torch backend applies inside its search) is
applied between searches:

1. search from each sentence's forced prefix (empty at first) as the backend always does
   (beam, patience, length cap);
2. find the first step where the rule would have changed the best hypothesis's token:
   a pending term the model ranks among its top 3 there, ``</s>`` while a term is
   pending, no room left for the pending terms, a piece that glues another word onto a
   term, a term left half-spelled; where that needs the model's scores (a term pending,
   a piece to replace), they come from one teacher-forced greedy pass over the
   hypothesis (the hypothesis as ``target_prefix``);
3. take the rule's token there, then the term's remaining pieces, and search again from
   that longer prefix.

A sentence is done when its best hypothesis breaks no rule. With greedy search
(``beam_size=1``) this is the torch backend's constrained decoding step for step, up to
the int8 model's rounding (on 24 fixture sentences with an unseen term each, 21 came out
identical to torch's); with beam search the rule is applied to the best hypothesis, where
torch's beam may place a term on another of its hypotheses. Each round fixes at least one
more token; a sentence takes about one round per term plus one, and only the sentences
that carry constraints take this path.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..constrained import StepRule, TargetPieces, TermConstraint, step_rule

#: a pending term whose first piece the model ranks among its top ``TOP_K`` is placed
#: there (as :class:`..constrained_torch.TermConstraintProcessor`)
TOP_K = 3
#: scores held at once by a teacher-forced pass (a vocabulary row per token and sentence):
#: about 64 MB of float32; larger batches are read in chunks
SCORE_BUDGET = 1 << 24


class ConstrainedSearch:
    """Constrained decoding with one :class:`.ctranslate2_backend.CTranslate2Backend`'s
    model; ids are the checkpoint's target ids."""

    def __init__(self, model, target_ids: dict[str, int], eos_id: int, unk_id: int,
                 device: str = "cpu") -> None:
        self.model = model
        self.device = device
        self.eos = eos_id
        self.unk = unk_id
        self.target_ids = target_ids
        # CTranslate2's target vocabulary lists the tokens by id (see the converter)
        order = sorted(target_ids, key=target_ids.get)
        self.tokens = {target_ids[t]: t for t in order}
        size = max(target_ids.values()) + 1
        pieces = [""] * size
        for token, i in target_ids.items():
            pieces[i] = token
        self.target = TargetPieces.of(pieces)
        self.boundary = np.array(self.target.boundaries(eos_id), dtype=bool)
        ids = np.array([target_ids[t] for t in order])
        # a score row comes in CTranslate2's order: the id of each column, when not 0..n-1
        self.columns = None if np.array_equal(ids, np.arange(size)) else ids
        self.size = size

    def decode(self, source: Sequence[Sequence[str]],
               constraints: Sequence[Sequence[TermConstraint]], steps: int,
               options: dict) -> list[list[int]]:
        """Per sentence the ids of its output (``</s>`` last when the model closed it;
        at most ``steps`` ids before it). ``options``: the keyword options of the
        backend's ``translate_batch`` for ``steps``."""
        n = len(source)
        prefixes: list[list[int]] = [[] for _ in range(n)]
        done: list[list[int]] = [[] for _ in range(n)]
        todo = list(range(n))
        while todo:
            outs = dict(zip(todo, self._search([source[i] for i in todo],
                                               [prefixes[i] for i in todo], options),
                            strict=True))
            # the model's scores only where a decision needs them (a term pending, a
            # piece to replace): a hypothesis with its terms placed needs no second pass
            fixes: dict[int, list[int] | None] = {}
            scored = []
            for i in todo:
                try:
                    fixes[i] = self._first_fix(constraints[i], outs[i], None,
                                               len(prefixes[i]), steps)
                except _NeedScores:
                    scored.append(i)
            if scored:
                for i, rows in zip(scored, self._scores(
                        [source[i] for i in scored], [outs[i] for i in scored], steps,
                        options), strict=True):
                    fixes[i] = self._first_fix(constraints[i], outs[i], rows,
                                               len(prefixes[i]), steps)
            todo = []
            for i in sorted(fixes):
                fixed = fixes[i]
                if fixed is None:
                    done[i] = outs[i]
                elif len(fixed) >= steps:  # the terms fill the room: capped here
                    done[i] = fixed[:steps]
                else:
                    prefixes[i] = fixed
                    todo.append(i)
        return done

    def _search(self, source, prefixes: list[list[int]], options: dict) -> list[list[int]]:
        results = self.model.translate_batch(
            source, target_prefix=[[self.tokens[t] for t in p] or None for p in prefixes],
            **options)
        return [[self.target_ids.get(t, self.unk) for t in r.hypotheses[0]] for r in results]

    def _scores(self, source, outs: list[list[int]], steps: int, options: dict):
        """Per output, a function ``t -> scores`` of the step that produced its token
        ``t`` (``</s>`` included), from teacher-forced passes over chunks of outputs."""
        width = max(1, max(len(o) for o in outs))
        chunk = max(1, SCORE_BUDGET // (width * self.size))
        for at in range(0, len(outs), chunk):
            part = outs[at:at + chunk]
            forced = [[self.tokens[t] for t in (o[:-1] if o and o[-1] == self.eos else o)]
                      for o in part]
            results = self.model.translate_batch(
                source[at:at + chunk], target_prefix=[f or None for f in forced],
                beam_size=1, return_logits_vocab=True, return_end_token=True,
                max_decoding_length=min(steps, max(len(f) for f in forced) + 1),
                min_decoding_length=options["min_decoding_length"],
                max_input_length=0, max_batch_size=0)
            for result in results:
                yield _Rows(result.logits[0], self)

    def row(self, view) -> np.ndarray:
        """One score row as float32 on the host, indexed by target id."""
        if self.device != "cpu":
            import ctranslate2

            view = view.to_device(ctranslate2.Device.cpu)
        values = np.array(view, dtype=np.float32)
        if self.columns is None:
            return values
        out = np.full(self.size, np.finfo(np.float32).min, dtype=np.float32)
        out[self.columns] = values
        return out

    def _first_fix(self, constraints: Sequence[TermConstraint], out: list[int], rows,
                   start: int, steps: int) -> list[int] | None:
        """The longer forced prefix that repairs the first step of ``out`` (from
        ``start``, the current prefix's length) the rule would have decided otherwise,
        or ``None`` when ``out`` keeps every rule."""
        generated = out[:-1] if out and out[-1] == self.eos else out
        last = min(len(out), steps)  # the steps the model chose (the capped </s> is not)
        for t in range(start, last):
            rule = step_rule(constraints, generated[:t], self.target)
            if rule is None:
                continue
            token = self._choose(rule, rows, t, out[t], steps - t)
            if token is None:
                continue
            prefix = [*generated[:t], token]
            while len(prefix) < steps:  # a term's remaining pieces need no search
                rule = step_rule(constraints, prefix, self.target)
                if rule is None or rule.forced is None:
                    break
                prefix.append(rule.forced)
            return prefix
        return None

    def _choose(self, rule: StepRule, rows, t: int, token: int,
                remaining: int) -> int | None:
        """The token the rule puts at step ``t`` where the hypothesis has ``token``
        (``None``: the hypothesis's own), as the torch backend's processor decides it.
        ``rows(t)`` gives the step's scores; with ``rows=None`` a decision that needs them
        raises :class:`_NeedScores`."""
        allowed = None
        for may_end, more in rule.endings:
            ok = self.boundary.copy() if may_end or not more else np.zeros_like(self.boundary)
            if more:
                ok[list(more)] = True
            allowed = ok if allowed is None else allowed & ok
        forced = rule.forced
        if forced is None and rule.pending and remaining <= rule.need:
            forced = rule.pending[0].alternatives[0][0]  # out of room: the term goes here
        if forced is not None:
            return None if token == forced else forced
        if not rule.pending and (allowed is None or allowed[token]):
            return None
        if rows is None:
            raise _NeedScores
        neg = np.finfo(np.float32).min
        scores = rows(t)
        if allowed is not None:
            scores = np.where(allowed, scores, neg)
        if rule.pending:
            if int(scores.argmax()) == self.eos:  # the model wants to stop: the term here
                forced = rule.pending[0].alternatives[0][0]
                return None if token == forced else forced
            scores = scores.copy()
            scores[self.eos] = neg
            # a pending term the model ranks among its top choices: placed here
            boosted = [s for s in rule.starts
                       if np.count_nonzero(scores > scores[s]) < TOP_K]
            if boosted:
                return None if token in boosted else min(boosted)
        return None if scores[token] > neg else int(scores.argmax())


class _NeedScores(Exception):
    """A decision of the scan needs the model's scores (see :meth:`_choose`)."""


class _Rows:
    """The score rows of one teacher-forced output, converted on demand."""

    __slots__ = ("views", "search")

    def __init__(self, views, search: ConstrainedSearch) -> None:
        self.views = views
        self.search = search

    def __call__(self, t: int) -> np.ndarray:
        return self.search.row(self.views[t])
