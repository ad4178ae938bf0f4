"""The translation pipeline, wired once.

    text -> segment -> identify -> match terms -> protect -> translate -> restore -> verify
         -> assemble

Glossary enforcement is the stages of the "terms" section (match, verify, plan_redo =
protect + constraints, restore, verify, keep_better); :mod:`translate.steps` runs them
for :meth:`ModelPool.translate <translate.pool.ModelPool.translate>`, and the models
(decoding) between them.

Each stage is a function over small frozen dataclasses; none reaches back into an earlier
one. The article CLI, the Python API and the localisation jobs all run these stages; they
differ only in how they read and write units.
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from . import detect
from .glossary.text import Normalised, nfc_with_offsets
from .segment import Segment, segment

# ----------------------------------------------------------------------------- data


@dataclass(frozen=True, slots=True)
class Translation:
    """One translated text: the result object of :meth:`Translator.translate_batch`."""

    source: str
    text: str
    src: str
    tgt: str
    models: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    terms: tuple[object, ...] = ()  # glossary checks (translate.glossary.TermCheck)
    #: word links source -> text (``translate_batch(..., align=True)``; see
    #: ``translate.models.alignment.WordLink``), empty when not asked for
    alignment: tuple[object, ...] = ()
    #: n-best from the beam after ``text`` (``translate_batch(..., alternatives=n)``)
    alternatives: tuple[str, ...] = ()
    from_memory: bool = False  # reused from a translation memory, not decoded
    #: the model's confidence in ``text``, in [0, 1] (:mod:`translate.review`): the
    #: geometric mean of its token probabilities (a pivot: both steps' multiplied); 1 for
    #: a human entry of the memory and the pseudo-locale; ``None`` when not known (a text
    #: copied unchanged, a memory entry stored before confidences were)
    confidence: float | None = None
    #: why an editor should look at ``text`` (empty: no reason); see
    #: :func:`translate.review.reasons`
    review: tuple[str, ...] = ()
    human: bool = False  # reused from a human entry of the memory (an editor's)

    @property
    def needs_review(self) -> bool:
        return bool(self.review)


@dataclass(frozen=True, slots=True)
class SegmentRecord:
    """What happened to one segment of an article or a document (a row of the
    ``--report``). A document's row also names its block (``block``, ``where``: "line
    12", "cue 3") and carries the word links (``alignment``); its offsets and term spans
    are relative to the block, an article's to the article."""

    start: int
    end: int
    source: str
    lang: str
    action: str  # "translated" | "kept"
    text: str
    models: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    terms: tuple[object, ...] = ()
    from_memory: bool = False
    block: int | None = None  # a document's block (None: an article's segment)
    where: str = ""
    alignment: tuple[object, ...] = ()
    confidence: float | None = None  # as Translation.confidence
    review: tuple[str, ...] = ()  # as Translation.review
    human: bool = False  # as Translation.human

    def _review_dict(self) -> dict:
        return {"confidence": self.confidence, "review": bool(self.review),
                "review_reasons": list(self.review), "human": self.human}

    def as_dict(self) -> dict:
        if self.block is not None:
            return {"block": self.block, "where": self.where, "start": self.start,
                    "end": self.end, "source": self.source, "lang": self.lang,
                    "action": self.action, "text": self.text, "models": list(self.models),
                    "warnings": list(self.warnings),
                    "terms": [term_check_dict(t) for t in self.terms],
                    "alignment": [[list(lk.src), list(lk.tgt)] for lk in self.alignment],
                    "from_memory": self.from_memory, **self._review_dict()}
        return {"start": self.start, "end": self.end, "source": self.source,
                "lang": self.lang, "action": self.action, "text": self.text,
                "models": list(self.models), "warnings": list(self.warnings),
                "terms": [term_check_dict(t, self.start) for t in self.terms],
                "from_memory": self.from_memory, **self._review_dict()}


@dataclass(frozen=True, slots=True)
class ArticleTranslation:
    """A translated article: the text with the original layout, and per-segment records."""

    text: str
    src: str
    tgt: str
    segments: tuple[SegmentRecord, ...] = field(default=())

    @property
    def warnings(self) -> list[str]:
        return [w for s in self.segments for w in s.warnings]

    def report(self) -> dict:
        return {"src": self.src, "tgt": self.tgt,
                "segments": [s.as_dict() for s in self.segments]}


def term_check_dict(check, offset: int = 0) -> dict:
    """A glossary check as report JSON; source spans shifted by ``offset`` (the segment's
    start in the article)."""
    hit = check.hit
    return {"source": hit.surface, "source_span": [offset + hit.start, offset + hit.end],
            "required": hit.target, "status": check.status,
            "output_span": None if check.start is None else [check.start, check.end],
            "suffix": check.suffix, "source_kept": getattr(check, "source_kept", False)}


@dataclass(frozen=True, slots=True)
class ProtectedTerms:
    """A source text with glossary terms written in their target form (or a placeholder
    where the target vocabulary cannot spell the term), and how to undo placeholders.
    (A catalog string's masked placeholders are :class:`translate.localise.Protected`.)"""

    text: str
    placeholders: tuple[tuple[str, str], ...] = ()  # (placeholder, term)
    masked: object = None  # the translate.masking.Masked that restores the placeholders


# ----------------------------------------------------------------------------- stages

_CYRILLIC_SCHWA = str.maketrans({"\u04d9": "\u0259", "\u04d8": "\u018f"})


def normalise(text: str, lang: str) -> str:
    """NFC, and for Azerbaijani the Cyrillic schwa (ә, Ә) typed for the Latin ə, Ə."""
    text = unicodedata.normalize("NFC", text)
    if lang == "az":
        text = text.translate(_CYRILLIC_SCHWA)
    return text


def normalise_with_offsets(text: str, lang: str) -> Normalised:
    """:func:`normalise`, with a map from the result back to ``text`` (NFC can merge
    characters: ``S`` + combining cedilla is one ``Ş``), so whatever a later stage finds
    in the normalised text is reported at its offsets in the caller's text."""
    norm = nfc_with_offsets(text)
    if lang == "az":
        norm = dataclasses.replace(norm, text=norm.text.translate(_CYRILLIC_SCHWA))
    return norm


def checks_in_caller_text(checks: Sequence, norm: Normalised, original: str) -> tuple:
    """Term checks found on the normalised text, with each hit's span (and surface) moved
    to the caller's ``original`` text."""
    if norm.starts is None:
        return tuple(checks)
    out = []
    for check in checks:
        hit = check.hit
        start, end = norm.start_of(hit.start), norm.end_of(hit.end)
        out.append(dataclasses.replace(check, hit=dataclasses.replace(
            hit, start=start, end=end, surface=original[start:end])))
    return tuple(out)


#: the language of each segment (:func:`translate.detect.segment_languages`)
identify = detect.segment_languages


def protect(text: str, hits: Sequence, spellable: Callable[[str], bool]) -> ProtectedTerms:
    """Write each hit's required target form into the source, so the model copies it
    instead of translating (and mangling) the name; an unspellable term is masked
    (:mod:`translate.masking`: a token that no form of occurs in the text, restored only
    where this mask made it)."""
    from .masking import LETTER_STYLES, mask_spans

    parts: list[str] = []
    spans: list[tuple[int, int, str]] = []
    pos = size = 0
    for hit in sorted(hits, key=lambda h: h.start):
        if hit.start < pos:
            continue
        parts.append(text[pos:hit.start])
        size += hit.start - pos
        if not spellable(hit.target):
            spans.append((size, size + len(hit.target), "term"))
        parts.append(hit.target)
        size += len(hit.target)
        pos = hit.end
    parts.append(text[pos:])
    masked = mask_spans("".join(parts), spans, styles=LETTER_STYLES)
    return ProtectedTerms(masked.text,
                          tuple(zip(masked.tokens, masked.originals, strict=True)), masked)


def with_placeholder(protected: ProtectedTerms, term: str) -> tuple[ProtectedTerms, str]:
    """``protected`` with one more token for ``term`` (a required term that is not in the
    text but must be forced in decoding through a token), and that token."""
    from dataclasses import replace as _replace

    from .masking import LETTER_STYLES, mask_spans

    masked = protected.masked or mask_spans(protected.text, (), styles=LETTER_STYLES)
    token = masked.style.token(len(masked.originals))
    masked = _replace(masked, originals=(*masked.originals, term),
                      kinds=(*masked.kinds, "term"), spaces=(*masked.spaces, (0, 0)))
    return (ProtectedTerms(protected.text, (*protected.placeholders, (token, term)), masked),
            token)


def restore(output: str, protected: ProtectedTerms) -> str:
    """Put the terms back where the model copied their placeholders (only the tokens
    this protection made; text that merely looks like one is left alone)."""
    from .masking import restore as unmask

    if protected.masked is None or not protected.placeholders:
        return output
    return unmask(output, protected.masked)


# ----------------------------------------------------------------------------- verbatim


@cache
def _verbatim_re() -> re.Pattern[str]:
    """The families of ``data/verbatim.toml`` as one pattern, a named group each."""
    data = tomllib.loads(resources.files(__package__).joinpath(
        "data", "verbatim.toml").read_text("utf-8"))
    return re.compile("|".join(f"(?P<{f['kind']}>{f['pattern']})" for f in data["family"]))


def verbatim_spans(text: str, cuts: Sequence[int] = ()) -> list[tuple[int, int, str]]:
    """The URLs, e-mail addresses and handles of ``text`` (``data/verbatim.toml``):
    ``(start, end, kind)``, kind one of ``url``, ``email``, ``handle``, ``hashtag``.
    A span ends at the first of ``cuts`` inside it (a document's element edge:
    ``<a>@bob</a>today`` keeps ``@bob``, and ``today`` is text)."""
    out = []
    for m in _verbatim_re().finditer(text):
        start, end = m.span()
        end = min([c for c in cuts if start + 1 < c < end], default=end)
        out.append((start, end, m.lastgroup or "verbatim"))
    return out


def protect_verbatim(text: str, cuts: Sequence[int] = ()):
    """``text`` with each URL, e-mail address and handle masked by a token the model
    copies through (:mod:`translate.masking`), so it comes back byte for byte; ``None``
    when there is none. ``ValueError`` when no token style is safe in this text (the
    caller says so and sends it as it is). ``cuts``: as :func:`verbatim_spans`."""
    from .masking import mask_spans

    spans = verbatim_spans(text, cuts)
    return mask_spans(text, spans) if spans else None


#: the warning of a text whose URLs could not be masked (:func:`protect_verbatim`)
UNMASKED = ("its URLs, e-mail addresses and handles went to the model unprotected (the "
            "text holds every mask token style)")


def restore_verbatim(output: str, masked, links: Sequence, lang: str | None = None
                     ) -> tuple[str, tuple, tuple[str, ...]]:
    """Undo :func:`protect_verbatim` on a model's ``output``: the text, its word
    ``links`` (over ``masked.text`` -> ``output``) moved onto the unmasked source and the
    restored text (a token is one word; its link covers all of what it stood for), and a
    warning for each token the model dropped (put back where the links say, by relative
    position without links), repeated or invented."""
    from .masking import move_span, problems, reinsert, restore_moves, source_moves
    from .models.alignment import WordLink

    notes: list[str] = []
    lost = [p for p in problems(output, masked) if p.kind == "lost"]
    if lost:
        guide = links or _by_position(masked.text, output, lang)
        # put back as a word of its own: the model may have dropped the brackets or
        # quotes that stood against it
        spaced = dataclasses.replace(masked, spaces=tuple((1, 1) for _ in masked.spaces))
        fixed, back = reinsert(output, spaced, guide)
        fixed = re.sub(r"(" + masked.style.exact.pattern + r") (?=[.,;:!?)\]}])", r"\1",
                       fixed)
        if back:
            how = "the word alignment" if links else "relative position"
            moves = _insertions(output, fixed)
            links = [WordLink(lk.src, move_span(lk.tgt, moves)) for lk in links]
            output = fixed
            notes += [f"the model dropped {masked.originals[i]!r}: put back by {how}"
                      for i in back]
    notes += [str(p) for p in problems(output, masked)
              if p.kind != "lost" or p.index not in {q.index for q in lost}]
    text, moves = restore_moves(output, masked)
    from_source = source_moves(masked)
    out_links = tuple(WordLink(move_span(lk.src, from_source), move_span(lk.tgt, moves))
                      for lk in links)
    return text, out_links, tuple(notes)


def _by_position(source: str, output: str, lang: str | None) -> list:
    """Word i of ``source`` linked to the word of ``output`` at the same relative place."""
    from .models.alignment import WordLink, word_spans

    src, out = word_spans(source, lang), word_spans(output)
    if not src or not out:
        return []
    return [WordLink(w, out[round(i * (len(out) - 1) / max(1, len(src) - 1))])
            for i, w in enumerate(src)]


def _insertions(before: str, after: str) -> tuple:
    """The moves (:func:`translate.masking.move_span`) of text inserted into ``before``
    to make ``after`` (what :func:`translate.masking.reinsert` does)."""
    import difflib

    return tuple((a, b, c, d) for tag, a, b, c, d in difflib.SequenceMatcher(
        None, before, after, autojunk=False).get_opcodes() if tag != "equal")


# ----------------------------------------------------------------------------- terms
#
# Glossary enforcement, as stages over frozen data:
#   match_terms (per source) -> verify (per output) -> plan_redo (protect + constraints,
#   for the sentences that miss a term) -> [constrained re-decode: the models layer]
#   -> restore -> verify -> keep_better
# A pivot is two route steps composed; enforcement only sees the last step's input.


@dataclass(frozen=True, slots=True)
class StepResult:
    """One route step over a batch of unique texts: what went in, what came out, and the
    warnings per text accumulated over the steps so far."""

    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    warnings: tuple[tuple[str, ...], ...]
    links: tuple[tuple[object, ...], ...] = ()  # align=True: each output's word links
    #: per text, the sum over the steps so far of each step's mean token log-probability
    #: (``None`` where a step gave none)
    scores: tuple[float | None, ...] = ()
    #: the same sums before this (the last) step: what a re-decoded last step adds to
    prior: tuple[float | None, ...] = ()


@dataclass(frozen=True, slots=True)
class Redo:
    """A sentence to decode again: its index in the batch, the protected last-step input,
    and the lexical constraints (one per required term, with its count)."""

    index: int
    protected: ProtectedTerms
    constraints: tuple[object, ...]


@dataclass(frozen=True, slots=True)
class Enforced:
    """A sentence after enforcement: its output, its term checks (as
    :attr:`Translation.terms`), its warnings."""

    text: str
    terms: tuple[object, ...]
    warnings: tuple[str, ...]
    score: float | None = None  # as StepResult.scores


def missing_any(checks: Sequence[Sequence]) -> tuple[int, ...]:
    """Indexes of the sentences where a required term is not found."""
    return tuple(i for i, c in enumerate(checks) if any(not x.ok for x in c))


def plan_redo(index: int, step_input: str, hits: Sequence, step_hits: Sequence,
              constraint_for: Callable[[str], object | None]) -> Redo:
    """Protect ``step_hits`` in the last step's input (terms written in their target form,
    or a placeholder where the vocabulary cannot spell them) and constrain decoding to
    every required term of ``hits`` (the original source's), as many times as it occurs.

    ``constraint_for(text)`` is the models layer's constraint for a text, ``None`` when
    the target vocabulary cannot spell it."""
    prot = protect(step_input, step_hits, lambda t: constraint_for(t) is not None)
    ph_for = {term: ph for ph, term in prot.placeholders}
    constraints = []
    counts: dict[str, int] = {}
    for h in hits:
        counts[h.target] = counts.get(h.target, 0) + 1
    for term, count in counts.items():
        c = constraint_for(ph_for.get(term, term))
        if c is None and term not in ph_for:  # not in the text: forced through a token
            prot, ph_for[term] = with_placeholder(prot, term)
            c = constraint_for(ph_for[term])
        if c is not None:
            constraints.append(dataclasses.replace(c, count=count))
    return Redo(index, prot, tuple(constraints))


def keep_better(current: Enforced, text: str, checks: Sequence, notes: Sequence[str],
                score: float | None = None) -> Enforced:
    """The re-decoded output (``score``: its steps' log-probability) where it carries
    more required terms, else ``current``."""
    if sum(c.ok for c in checks) > sum(c.ok for c in current.terms):
        return Enforced(text, tuple(checks), (*current.warnings, *notes), score)
    return current


def assemble(original: str, segments: Sequence[Segment], outputs: Sequence[str]) -> str:
    """Put each segment's output where the segment was; everything between is kept."""
    parts: list[str] = []
    pos = 0
    for seg, out in zip(segments, outputs, strict=True):
        parts.append(original[pos:seg.start])
        parts.append(out)
        pos = seg.end
    parts.append(original[pos:])
    return "".join(parts)


TranslateFn = Callable[[Sequence[str], str, str], list[Translation]]


def plan_article(text: str, src: str, tgt: str | None = None
                 ) -> tuple[str, list[Segment], list[str]]:
    """The article's language (``src``, or detected for ``"auto"``), its segments and the
    language of each: what :func:`translate_article` translates (a translation memory
    looks the same sentences up before an article goes to a worker)."""
    src = detect.source_language(src, text)
    segments = segment(text, src)
    return src, segments, detect.segment_languages(segments, src, tgt)


def translate_article(text: str, src: str, tgt: str, translate_batch: TranslateFn
                      ) -> ArticleTranslation:
    """Segment, identify, translate what is not already in ``tgt``, and reassemble."""
    src, segments, langs = plan_article(text, src, tgt)
    outputs = [s.text for s in segments]
    records = [SegmentRecord(s.start, s.end, s.text, lang, "kept", s.text)
               for s, lang in zip(segments, langs, strict=True)]
    for lang, idx in detect.by_language(langs, skip=tgt).items():
        results = translate_batch([segments[i].text for i in idx], lang, tgt)
        for i, res in zip(idx, results, strict=True):
            s = segments[i]
            outputs[i] = res.text
            records[i] = SegmentRecord(s.start, s.end, s.text, lang, "translated", res.text,
                                       res.models, res.warnings, res.terms,
                                       res.from_memory,
                                       confidence=getattr(res, "confidence", None),
                                       review=tuple(getattr(res, "review", ())),
                                       human=getattr(res, "human", False))
    return ArticleTranslation(assemble(text, segments, outputs), src, tgt, tuple(records))
