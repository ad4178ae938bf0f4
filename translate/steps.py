"""The steps of one call of :meth:`ModelPool.translate <translate.pool.ModelPool.translate>`,
composed as Argos Translate composes identity, pivot and cache translations:

    identity                      source == target: copied (no model)
    translate_texts               normalise once; blank texts kept; reports mapped back
      remembered                  the memory answers what it can, stores what is decoded
        verbatim                  URLs, e-mail addresses, handles masked, put back after
        decode                    what the models do for the sentences left:
          run_route               the route's model steps, each over the previous one's
                                  outputs (a pivot az->en->it is two steps composed)
          enforce_terms           verify glossary terms; re-decode those that miss one
          realign                 word links, composed through a pivot
          keep_alternatives       n-best, filtered like the best one

Every step between ``translate_texts`` and ``decode`` has one interface: unique
normalised sentences and the :class:`Call` in, one :class:`Draft` per sentence out.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from . import masking, pipeline
from .models import alignment
from .models.registry import Step
from .pipeline import Enforced, StepResult, Translation
from .protocol import Models


@dataclass(frozen=True, slots=True)
class Call:
    """One request resolved against a pool: normalised languages, the route, the
    glossary in force (``None``: none), the memory, and what else was asked for."""

    pool: Models
    src: str
    tgt: str
    route: tuple[Step, ...]
    glossary: object
    memory: object
    align: bool
    alternatives: int


@dataclass(frozen=True, slots=True)
class Draft:
    """One unique sentence's result before it is mapped back to the caller's text."""

    text: str
    terms: tuple[object, ...] = ()
    warnings: tuple[str, ...] = ()
    alignment: tuple[object, ...] = ()
    alternatives: tuple[str, ...] = ()
    from_memory: bool = False
    confidence: float | None = None
    review: tuple[str, ...] = ()
    human: bool = False


Stage = Callable[[Sequence[str], Call], list[Draft]]


# ----------------------------------------------------------------------------- identity


def identity(texts: Sequence[str], lang: str, *, align: bool) -> list[Translation]:
    """Source and target are the same language: every text copied unchanged."""
    note = f"source and target are both {lang}: copied unchanged"
    return [Translation(t, t, lang, lang, (), (note,),
                        alignment=alignment.identity(t, lang) if align else ())
            for t in texts]


# ----------------------------------------------------------------------------- the frame


def translate_texts(texts: Sequence[str], call: Call) -> list[Translation]:
    """Normalise each text once (reports map back to the caller's text), translate the
    unique non-blank ones through :func:`remembered`, and give each text its result; a
    blank text is kept as it is."""
    norms = [pipeline.normalise_with_offsets(t, call.src) for t in texts]
    unique = [t for t in dict.fromkeys(n.text for n in norms) if t.strip()]
    drafts, models = remembered(unique, call, verbatim)
    by_text = dict(zip(unique, drafts, strict=True))
    results = []
    for original, norm in zip(texts, norms, strict=True):
        draft = by_text.get(norm.text)
        if draft is None:  # blank: kept as it is
            results.append(Translation(original, original, call.src, call.tgt, models))
            continue
        results.append(Translation(
            original, draft.text, call.src, call.tgt, models, draft.warnings,
            pipeline.checks_in_caller_text(draft.terms, norm, original),
            alignment=alignment.respan_source(draft.alignment, original, norm.text,
                                              call.src) if draft.alignment else (),
            from_memory=draft.from_memory, alternatives=draft.alternatives,
            confidence=draft.confidence, review=draft.review, human=draft.human))
    return results


# ----------------------------------------------------------------------------- memory


def remembered(sources: list[str], call: Call, inner: Stage
               ) -> tuple[list[Draft], tuple[str, ...]]:
    """The memory step around ``inner``: every sentence is looked up first (under the
    route key of the call's direction and glossary, terms verified again on the stored
    text) and only the others go to ``inner``, whose outputs are stored. Also the model
    names the reports show (from the key when no model was needed)."""
    pool = call.pool
    if call.memory is None:
        return inner(sources, call), pool.model_names(call.route)
    from . import article_memory

    memory = article_memory.as_sentence_memory(call.memory)
    key = pool.memory_key(call.src, call.tgt, call.glossary)
    recalled = article_memory.recall_verified(memory, key, sources, term_checker(call))
    misses = [s for s in sources if s not in recalled]
    models = pool.model_names(call.route) if misses else key.models
    decoded = dict(zip(misses, inner(misses, call), strict=True))
    memory.remember(key, [article_memory.Learned(call.src, call.tgt, s, d.text,
                                                 article_memory.problems(d.warnings, d.terms),
                                                 d.confidence, d.review)
                          for s, d in decoded.items()])
    links = align_recalled(recalled, call) if call.align else {}
    found = {}
    for s, (hit, checks) in recalled.items():
        found[s] = Draft(hit.target, checks, alignment=links.get(s, ()), from_memory=True,
                         confidence=hit.confidence, human=hit.human,
                         review=() if hit.human else tuple(dict.fromkeys((
                             *hit.review, *review_of(s, hit.target, call, hit.confidence, (),
                                                     checks)))))
    return [found.get(s) or decoded[s] for s in sources], models


def review_of(source: str, text: str, call: Call, confidence: float | None,
              warnings: Sequence[str], terms: Sequence) -> tuple[str, ...]:
    """The review reasons of one translation (:func:`translate.review.reasons`) under the
    pool's threshold."""
    from . import review

    return review.reasons(source, text, call.src, call.tgt, confidence=confidence,
                          warnings=warnings, terms=terms,
                          review_below=getattr(call.pool.config, "review_below",
                                               review.REVIEW_BELOW))


def term_checker(call: Call):
    """``(source, output) -> term checks`` of the call's glossary (none without)."""
    glossary = call.glossary
    if glossary is None:
        return lambda source, output: ()
    from .glossary import match_terms, verify_terms

    return lambda source, output: verify_terms(output, match_terms(source, glossary,
                                                                   call.src, call.tgt),
                                               call.tgt)


def align_recalled(recalled: dict, call: Call) -> dict:
    """Forced word links for sentences reused from a memory (direct routes only)."""
    if len(call.route) != 1 or not recalled:
        return {}
    sources = list(recalled)
    found = call.pool.engine(call.route[0]).align(
        sources, [recalled[s][0].target for s in sources], src_lang=call.src,
        tgt_lang=call.tgt)
    return dict(zip(sources, found, strict=True))


# ----------------------------------------------------------------------------- verbatim


def verbatim(sources: Sequence[str], call: Call) -> list[Draft]:
    """:func:`decode` with every URL, e-mail address and handle masked
    (:func:`translate.pipeline.protect_verbatim`): the model never sees them, and they
    come back byte for byte; links, term spans and alternatives are over the unmasked
    texts, and a token the model lost is put back with a warning."""
    masks = []
    for s in sources:
        try:
            masks.append(pipeline.protect_verbatim(s))
        except ValueError:
            masks.append(pipeline.UNMASKED)
    drafts = decode([m.text if isinstance(m, masking.Masked) else s
                     for s, m in zip(sources, masks, strict=True)], call)
    out = []
    for draft, mask in zip(drafts, masks, strict=True):
        if not isinstance(mask, masking.Masked):
            out.append(draft if mask is None else
                       replace(draft, warnings=(*draft.warnings, pipeline.UNMASKED)))
            continue
        text, links, notes = pipeline.restore_verbatim(draft.text, mask, draft.alignment,
                                                       call.src)
        out.append(replace(
            draft, text=text, alignment=links if call.align else (),
            warnings=(*draft.warnings, *notes),
            alternatives=tuple(masking.restore(a, mask) for a in draft.alternatives),
            terms=_terms_unmasked(draft.terms, mask, draft.text)))
    return out


def _terms_unmasked(terms: Sequence, mask, output: str) -> tuple:
    """Term checks over a masked source and output moved onto the unmasked texts."""
    if not terms:
        return ()
    src_moves = masking.source_moves(mask)
    out_moves = masking.restore_moves(output, mask)[1]
    moved = []
    for check in terms:
        hit = check.hit
        start, end = masking.move_span((hit.start, hit.end), src_moves)
        check = replace(check, hit=replace(hit, start=start, end=end))
        if check.start is not None and check.end is not None:
            start, end = masking.move_span((check.start, check.end), out_moves)
            check = replace(check, start=start, end=end)
        moved.append(check)
    return tuple(moved)


# ----------------------------------------------------------------------------- decoding


def decode(sources: Sequence[str], call: Call) -> list[Draft]:
    """What the models make of ``sources``: the route, glossary enforcement, word
    links and alternatives."""
    if not sources:
        return []
    result, step_links, alts = run_route(list(sources), call)
    if call.glossary is not None:
        done = enforce_terms(list(sources), result, call)
    else:
        done = [Enforced(o, (), w, sc) for o, w, sc in zip(
            result.outputs, result.warnings, _scores(result), strict=True)]
    links: list[tuple] = [() for _ in sources]
    if call.align:
        links = realign(step_links, result, done, call)
    if call.alternatives:
        alts = keep_alternatives(list(sources), done, alts, call)
    from .review import confidence

    drafts = []
    for source, e, lk, a in zip(sources, done, links, alts, strict=True):
        conf = confidence(e.score)
        drafts.append(Draft(e.text, e.terms, e.warnings, lk, a, confidence=conf,
                            review=review_of(source, e.text, call, conf, e.warnings,
                                             e.terms)))
    return drafts


def _scores(result: StepResult) -> tuple[float | None, ...]:
    return result.scores or tuple(None for _ in result.outputs)


def _add(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else a + b


def run_route(sources: list[str], call: Call
              ) -> tuple[StepResult, list[list[tuple]], list[tuple[str, ...]]]:
    """The route's steps composed, each over the previous one's outputs: the last
    step's result, each step's word links (``align``) and the last step's alternatives."""
    result = StepResult(tuple(sources), tuple(sources), tuple(() for _ in sources),
                        scores=tuple(0.0 for _ in sources))
    step_links: list[list[tuple]] = []
    alts: list[tuple[str, ...]] = [() for _ in sources]
    for n, step in enumerate(call.route):
        last = n == len(call.route) - 1
        result = model_step(step, result, call, alternatives=call.alternatives if last else 0,
                            alternatives_out=alts if last else None)
        step_links.append(list(result.links))
    return result, step_links, alts


def model_step(step: Step, previous: StepResult, call: Call, *, alternatives: int = 0,
               alternatives_out: list | None = None) -> StepResult:
    """One route step over the previous step's outputs (with ``call.align``, each
    output's word links to its input; with ``alternatives``, each text's other
    hypotheses, normalised, go into ``alternatives_out``)."""
    pool, align = call.pool, call.align
    engine = pool.engine(step)
    texts = list(previous.outputs)
    langs = {"src_lang": step.src, "tgt_lang": step.tgt}
    outs = engine.translate(texts, pool.options, progress=pool.progress_for(len(texts)),
                            num_hypotheses=alternatives + 1 if alternatives else 1,
                            **({"align": True, **langs} if align else {}))
    if alternatives_out is not None:
        alternatives_out[:] = [tuple(pipeline.normalise(a, step.tgt)
                                     for a in out.alternatives) for out in outs]
    warnings = tuple((*w, *(f"{step.src}->{step.tgt}: {n}" for n in out.warnings))
                     for w, out in zip(previous.warnings, outs, strict=True))
    outputs = tuple(pipeline.normalise(o.text, step.tgt) for o in outs)
    links = (tuple(alignment.step_alignment(engine, texts, outs, outputs, **langs))
             if align else ())
    # a pivot's log-probabilities add up: the confidence of both steps is their product
    scores = tuple(_add(before, getattr(out, "score", None))
                   for before, out in zip(_scores(previous), outs, strict=True))
    return StepResult(tuple(texts), outputs, warnings, links, scores,
                      prior=_scores(previous))


def realign(step_links: list[list[tuple]], result: StepResult, done: list[Enforced],
            call: Call) -> list[tuple]:
    """Each sentence's word links source -> final output, composed through a pivot;
    outputs re-decoded for the glossary are aligned as they are."""
    last = call.route[-1]
    step_links[-1] = alignment.realign(
        call.pool.engine(last), step_links[-1], result.inputs, result.outputs,
        [e.text for e in done], src_lang=last.src, tgt_lang=call.tgt)
    return alignment.chain(step_links)


# ----------------------------------------------------------------------------- glossary


def enforce_terms(sources: list[str], last_step: StepResult, call: Call
                  ) -> list[Enforced]:
    """The glossary stages (:mod:`translate.pipeline`, "terms"): verify the terms of
    every sentence; re-decode those that miss one with the terms protected in the
    last step's input and constrained in decoding (the pool's backend); keep the
    re-decoded output where it carries more of them."""
    from .glossary import match_terms, verify_terms

    glossary, src, tgt = call.glossary, call.src, call.tgt
    hits = [tuple(match_terms(s, glossary, src, tgt)) for s in sources]
    current = [Enforced(o, tuple(verify_terms(o, h, tgt)), w, sc)
               for o, h, w, sc in zip(last_step.outputs, hits, last_step.warnings,
                                      _scores(last_step), strict=True)]
    redo_ids = pipeline.missing_any([e.terms for e in current])
    if not redo_ids or not call.pool.enforce_terms:
        return current
    plans = [plan_redo(i, last_step.inputs[i], hits[i], call) for i in redo_ids]
    return redecode(plans, current, hits, call, last_step.prior)


def plan_redo(index: int, step_input: str, hits: tuple, call: Call) -> pipeline.Redo:
    """The protected last-step input and term constraints of one sentence to re-decode
    (for a pivot, the terms as they stand in the last step's English input)."""
    from .glossary import match_terms
    from .models.constrained import make_constraint

    last = call.route[-1]
    tok = call.pool.engine(last).checkpoint.tokenizer
    if last.src == call.src:
        step_hits = hits
    else:
        required = {h.target for h in hits}
        step_hits = tuple(h for h in match_terms(step_input, call.glossary, last.src,
                                                 call.tgt) if h.target in required)
    return pipeline.plan_redo(index, step_input, hits, step_hits,
                              lambda text: make_constraint(text, tok, call.tgt))


def redecode(plans: list[pipeline.Redo], current: list[Enforced], hits: list[tuple],
             call: Call, prior: tuple = ()) -> list[Enforced]:
    """Decode the planned sentences again under their constraints, restore the
    protected terms, and keep each where it carries more terms."""
    from .glossary import verify_terms

    last, tgt = call.route[-1], call.tgt
    engine = call.pool.engine(last)  # both backends decode term constraints
    outs = engine.translate([p.protected.text for p in plans], call.pool.options,
                            constraints=[list(p.constraints) for p in plans])
    for plan, out in zip(plans, outs, strict=True):
        text = pipeline.restore(pipeline.normalise(out.text, tgt), plan.protected)
        notes = (f"glossary: re-decoded with {len(plan.constraints)} term constraint(s)",
                 *(f"{last.src}->{last.tgt}: {n}" for n in out.warnings))
        before = prior[plan.index] if plan.index < len(prior) else 0.0
        current[plan.index] = pipeline.keep_better(
            current[plan.index], text, verify_terms(text, hits[plan.index], tgt), notes,
            _add(before, getattr(out, "score", None)))
    return current


# ----------------------------------------------------------------------------- n-best


def keep_alternatives(sources: list[str], done: list[Enforced],
                      alts: list[tuple[str, ...]], call: Call) -> list[tuple[str, ...]]:
    """Each text's alternatives: distinct, not the best, and (with a glossary) carrying
    every term the best one carries."""
    from .glossary import match_terms, verify_terms

    kept = []
    for source, best, cands in zip(sources, done, alts, strict=True):
        cands = [c for c in dict.fromkeys(cands) if c.strip() and c != best.text]
        need = [c.ok for c in best.terms]  # the terms the best translation carries
        if call.glossary is not None and cands and any(need):
            hits = tuple(match_terms(source, call.glossary, call.src, call.tgt))
            cands = [c for c in cands
                     if all(x.ok for x, n in zip(verify_terms(c, hits, call.tgt), need,
                                                 strict=True) if n)]
        kept.append(tuple(cands))
    return kept
