"""Which translations an editor should look at: a confidence per sentence and the
reasons to review it.

``confidence`` is the model's own certainty about the output it chose: the geometric
mean of its token probabilities, ``exp(mean log-probability per token)`` of the chosen
hypothesis (``</s>`` included), as Bergamot's unsupervised quality estimation scores a
sentence. In ``[0, 1]``; 1 means every token was certain. A pivot (az->it through
English) multiplies its two steps' confidences (both must be right). It **ranks the
sentences of one model**: a small or overconfident model scores everything high, another
model has another scale, so compare sentences within a model and set the threshold for
yours (``TranslatorConfig.review_below``, ``--review-below``), never compare numbers
across models.

:func:`reasons` combines it with what the pipeline already knows about the sentence: a
glossary term missing (or malformed), a glossary term whose *source* spelling is still in
the output, a placeholder the alignment had to put back, ``<unk>`` in the output or the
source, a runaway repetition cut or the length cap reached, and an output length far from
the language pair's norm (``data/length_ratios.json``). A sentence with any reason is
flagged for review (``Translation.review``).
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from functools import cache
from importlib import resources

#: the confidence below which a sentence is flagged for review, by default
REVIEW_BELOW = 0.5


def confidence(score: float | None) -> float | None:
    """A mean token log-probability (or a sum of them, a pivot's) as a confidence in
    [0, 1], rounded to 4 places; ``None`` stays ``None``."""
    if score is None or math.isnan(score):
        return None
    return round(min(1.0, max(0.0, math.exp(score))), 4)


@cache
def _ratios() -> dict:
    data = resources.files(__package__).joinpath("data", "length_ratios.json")
    return json.loads(data.read_text("utf-8"))


def length_reason(source: str, output: str, src: str, tgt: str) -> str | None:
    """A reason when ``output``'s length is far from the pair's norm (``None``: it is
    not, or the pair has no norm, or the source is too short to tell)."""
    table = _ratios()
    norm = table["pairs"].get(f"{src}-{tgt}")
    n = len(source.strip())
    if norm is None or n < table["min_source_chars"]:
        return None
    ratio = len(output.strip()) / n
    spread = table["spread"]
    if ratio > norm * spread:
        return f"output {ratio:.1f}x as long as the source (usual for {src}->{tgt}: {norm:.2f}x)"
    if ratio < norm / spread:
        return (f"output only {ratio:.2f}x as long as the source (usual for {src}->{tgt}: "
                f"{norm:.2f}x)")
    return None


#: model and pipeline warnings that make a sentence worth a look, by a word they contain
_WARNING_REASONS = (
    ("<unk>", "<unk> token"),
    ("runaway repetition", "runaway repetition cut"),
    ("length cap", "output may be incomplete (length cap)"),
    ("placeholder", "placeholder repaired"),
)


def reasons(source: str, output: str, src: str, tgt: str, *, confidence: float | None,
            warnings: Sequence[str] = (), terms: Sequence[object] = (),
            review_below: float = REVIEW_BELOW) -> tuple[str, ...]:
    """Why ``output`` should be reviewed (empty: no reason)."""
    found: list[str] = []
    if confidence is not None and confidence < review_below:
        found.append(f"low confidence {confidence:.2f} (below {review_below:g})")
    for check in terms:
        status = getattr(check, "status", "found")
        target = check.hit.target
        if status == "missing":
            found.append(f"glossary term {target!r} missing")
        elif status == "malformed":
            found.append(f"glossary term {target!r} malformed")
        kept = getattr(check, "source_kept", None)
        if kept:
            found.append(f"glossary term {check.hit.surface!r} left untranslated "
                         f"(required: {target!r})")
    for warning in warnings:
        low = warning.lower()
        for needle, reason in _WARNING_REASONS:
            if needle in low and reason not in found:
                found.append(reason)
    ratio = length_reason(source, output, src, tgt)
    if ratio:
        found.append(ratio)
    return tuple(dict.fromkeys(found))
