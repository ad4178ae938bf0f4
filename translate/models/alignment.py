"""Word alignment between a source sentence and its translation, from the model itself.

OPUS-MT checkpoints are trained with guided alignment (Marian ``transformer-align``): one
cross-attention head of the decoder, the first head of the last layer, is taught to put
its weight on the source pieces that the target piece being produced translates. This
module turns that head into word links:

1. :func:`cross_attention` (torch) or CTranslate2's ``return_attention`` gives the head's
   weights, one row per target piece (``</s>`` included), one column per source position
   (the multilingual ``>>code<<`` token and ``</s>`` included).
2. :func:`piece_links` picks, for each target piece, the source piece it attends to most
   (or every piece above a threshold, as Marian's ``--alignment`` does). Weight on
   ``</s>`` or on the target-language token means "aligned to nothing".
3. :func:`align` maps piece links to :class:`WordLink` s: character spans ``[start, end)``
   of one source word and one target word. Words are the tokens of :func:`word_spans`
   (whitespace-delimited, punctuation split off, English ``'s`` and Italian elisions
   split): the tokenisation of the gold alignments in ``fixtures/corpus/alignment``.
4. :func:`compose` chains links through a pivot text (az -> en -> it).

Uses downstream: inline markup is projected onto the target words aligned to the words
it wrapped (:mod:`translate.documents`), and a placeholder the model dropped can be put
back at the target position aligned to its source position. Links say where a source
word went, not how good the translation is; a word with no link is one the model did not
translate word for word (an English article with no Azerbaijani counterpart, say).

CTranslate2 and torch agree because both read the same head: CTranslate2's transformers
converter builds its decoder spec with ``alignment_layer=-1, alignment_heads=1`` (the
last layer's first head, what ``return_attention`` returns), and :data:`ALIGNMENT_LAYER`
/ :data:`ALIGNMENT_HEAD` name the same head here. ``fixtures/build.py`` trains that head.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

#: The guided-alignment head: the last decoder layer (Marian's
#: ``--transformer-guided-alignment-layer last``), its first head.
ALIGNMENT_LAYER = -1
ALIGNMENT_HEAD = 0

Span = tuple[int, int]


@dataclass(frozen=True, slots=True)
class WordLink:
    """One source word linked to one target word: character spans ``[start, end)`` in the
    source text (``Translation.source``) and in the output text (``Translation.text``)."""

    src: Span
    tgt: Span

    def slice(self, source: str, target: str) -> tuple[str, str]:
        """The two linked words, ``(source[src], target[tgt])``."""
        return source[self.src[0]:self.src[1]], target[self.tgt[0]:self.tgt[1]]


# ----------------------------------------------------------------------------- words

#: Punctuation split off the start and end of a word, one token per character.
PUNCTUATION = frozenset('.,;:!?"“”«»()')
_APOSTROPHES = "'’"
_EN_POSSESSIVE = re.compile(r"^(.+)([" + _APOSTROPHES + r"]s)$")
_IT_ELISION = re.compile(r"^([^" + _APOSTROPHES + r"]+[" + _APOSTROPHES + r"])(.+)$")


def _split_word(word: str, start: int, lang: str | None) -> list[Span]:
    spans: list[Span] = []
    i, j = 0, len(word)
    while i < j and word[i] in PUNCTUATION:
        spans.append((start + i, start + i + 1))
        i += 1
    trail: list[Span] = []
    while j > i and word[j - 1] in PUNCTUATION:
        trail.insert(0, (start + j - 1, start + j))
        j -= 1
    core = word[i:j]
    if core:
        m = (_EN_POSSESSIVE.match(core) if lang == "en"
             else _IT_ELISION.match(core) if lang == "it" else None)
        if m and lang == "en":
            spans += [(start + i, start + i + m.end(1)), (start + i + m.end(1), start + j)]
        elif m:
            spans.append((start + i, start + i + m.end(1)))
            spans += _split_word(m.group(2), start + i + m.end(1), lang)
        else:
            spans.append((start + i, start + j))
    return spans + trail


def word_spans(text: str, lang: str | None = None) -> list[Span]:
    """The words of ``text`` as character spans, in order.

    Whitespace separates words; the characters of :data:`PUNCTUATION` at a word's edges
    are words of their own; English (``lang="en"``) splits a final ``'s`` (``Rome's`` ->
    ``Rome`` ``'s``), Italian (``"it"``) splits after an elided article or preposition
    (``dell'Azerbaigian`` -> ``dell'`` ``Azerbaigian``). Hyphens and apostrophes inside
    a word otherwise stay in it (``Taxt-Tacdakı``, ``32-ci``).
    """
    spans: list[Span] = []
    for m in re.finditer(r"\S+", text):
        spans += _split_word(m.group(), m.start(), lang)
    return spans


# ----------------------------------------------------------------------------- pieces


def piece_spans(text: str, pieces: Sequence[str]) -> list[Span | None]:
    """Where each SentencePiece piece of ``text`` lies in it (``None``: a piece that
    spells nothing there, such as ``</s>``, ``>>ita<<``, ``<unk>`` or a bare ``▁``).

    ``▁`` stands for the whitespace before a word; the rest of a piece must match the
    text character for character. A piece that does not match is looked for a few
    characters further on, so one odd piece does not lose the rest of the sentence.
    """
    spans: list[Span | None] = []
    pos = 0
    n = len(text)
    for piece in pieces:
        core = piece.replace("▁", "")
        if piece.startswith("▁"):
            while pos < n and text[pos].isspace():
                pos += 1
        if not core:
            spans.append(None)
            continue
        if text.startswith(core, pos):
            spans.append((pos, pos + len(core)))
            pos += len(core)
            continue
        found = text.find(core, pos, pos + len(core) + 16)
        if found < 0 or (core.startswith("<") and core.endswith(">")):
            spans.append(None)
            continue
        spans.append((found, found + len(core)))
        pos = found + len(core)
    return spans


def _overlapping(span: Span | None, words: Sequence[Span]) -> list[int]:
    if span is None:
        return []
    return [k for k, (s, e) in enumerate(words) if s < span[1] and span[0] < e]


def piece_links(attention: Sequence[Sequence[float]], *, rows: int | None = None,
                columns: Iterable[int] | None = None, threshold: float | None = None
                ) -> list[tuple[int, int]]:
    """Piece-level links ``(source position, target position)`` from one head's weights.

    ``attention[t][s]``: weight of source position ``s`` for target piece ``t``. Only the
    first ``rows`` rows are read (the target pieces; ``</s>`` left out). ``columns``: the
    source positions that are text (a link to any other, such as ``</s>``, is "no
    link"). With ``threshold=None`` each target piece links to its highest-weighted
    position; otherwise to every text position whose weight is at least ``threshold``.
    """
    rows = len(attention) if rows is None else min(rows, len(attention))
    allowed = None if columns is None else set(columns)
    links: list[tuple[int, int]] = []
    for t in range(rows):
        row = attention[t]
        if threshold is None:
            best = max(range(len(row)), key=row.__getitem__)
            if allowed is None or best in allowed:
                links.append((best, t))
        else:
            links += [(s, t) for s, w in enumerate(row)
                      if w >= threshold and (allowed is None or s in allowed)]
    return links


def align(source: str, target: str, source_pieces: Sequence[str],
          target_pieces: Sequence[str], attention: Sequence[Sequence[float]], *,
          src_lang: str | None = None, tgt_lang: str | None = None,
          threshold: float | None = None) -> tuple[WordLink, ...]:
    """Word links between ``source`` and ``target`` from the alignment head.

    ``source_pieces``: one entry per attention column, in order, including the
    target-language token and ``</s>`` when the model saw them (they link nothing).
    ``target_pieces``: the pieces of ``target`` (without ``</s>``), one per attention row
    from the first. ``attention``: rows x columns, e.g. ``result.attention[0]`` of
    CTranslate2's ``translate_batch(..., return_attention=True)``, or
    :func:`cross_attention`. A word links to every word one of its pieces links to.
    Returns links sorted by source then target span, without duplicates.
    """
    src_spans = piece_spans(source, source_pieces)
    tgt_spans = piece_spans(target, target_pieces)
    src_words = word_spans(source, src_lang)
    tgt_words = word_spans(target, tgt_lang)
    text_columns = [k for k, s in enumerate(src_spans) if s is not None]
    links: set[WordLink] = set()
    for s, t in piece_links(attention, rows=len(target_pieces), columns=text_columns,
                            threshold=threshold):
        for i in _overlapping(src_spans[s], src_words):
            for j in _overlapping(tgt_spans[t], tgt_words):
                links.add(WordLink(src_words[i], tgt_words[j]))
    return tuple(sorted(links, key=lambda link: (link.src, link.tgt)))


def compose(ab: Iterable[WordLink], bc: Iterable[WordLink]) -> tuple[WordLink, ...]:
    """Links A -> C through a pivot text B: ``a`` links to ``c`` when some B word linked to
    ``a`` (``ab``'s targets) overlaps a B word linked to ``c`` (``bc``'s sources)."""
    by_pivot: dict[Span, list[Span]] = {}
    for link in bc:
        by_pivot.setdefault(link.src, []).append(link.tgt)
    out: set[WordLink] = set()
    for link in ab:
        for pivot, targets in by_pivot.items():
            if pivot[0] < link.tgt[1] and link.tgt[0] < pivot[1]:
                out.update(WordLink(link.src, c) for c in targets)
    return tuple(sorted(out, key=lambda link: (link.src, link.tgt)))


def identity(text: str, lang: str | None = None) -> tuple[WordLink, ...]:
    """Each word linked to itself: the alignment of a text copied unchanged."""
    return tuple(WordLink(span, span) for span in word_spans(text, lang))


def shift(links: Iterable[WordLink], src_offset: int = 0, tgt_offset: int = 0
          ) -> tuple[WordLink, ...]:
    """The same links with their spans moved (a chunk's links into its sentence)."""
    return tuple(WordLink((a + src_offset, b + src_offset), (c + tgt_offset, d + tgt_offset))
                 for (a, b), (c, d) in ((link.src, link.tgt) for link in links))


def respan_source(links: Iterable[WordLink], original: str, normalised: str,
                  lang: str | None = None) -> tuple[WordLink, ...]:
    """Links over ``normalised`` (the NFC text the model saw) moved onto ``original``
    (the caller's text), word by word; none when the two do not split into as many words
    (normalisation never changes whitespace or punctuation, so they do)."""
    if original == normalised:
        return tuple(links)
    before = word_spans(normalised, lang)
    after = word_spans(original, lang)
    if len(before) != len(after):
        return ()
    index = dict(zip(before, after, strict=True))
    return tuple(WordLink(index[link.src], link.tgt) for link in links if link.src in index)


# ----------------------------------------------------------------------------- scoring


def link_indices(links: Iterable[WordLink], source_words: Sequence[Span],
                 target_words: Sequence[Span]) -> set[tuple[int, int]]:
    """Links as ``(source word index, target word index)`` pairs over the given words
    (each span linked to every word it overlaps): the Pharaoh ``i-j`` form."""
    out: set[tuple[int, int]] = set()
    for link in links:
        for i in _overlapping(link.src, source_words):
            for j in _overlapping(link.tgt, target_words):
                out.add((i, j))
    return out


def alignment_error_rate(predicted: Iterable[tuple[int, int]], sure: Iterable[tuple[int, int]],
                         possible: Iterable[tuple[int, int]] = ()) -> float:
    """AER (Och & Ney 2003): ``1 - (|A∩S| + |A∩P|) / (|A| + |S|)``, possible links ``P``
    including the sure ones ``S``. Sums the counts when given links of many sentences
    as ``(sentence, i, j)`` triples or similar hashables."""
    a, s = set(predicted), set(sure)
    p = set(possible) | s
    if not a and not s:
        return 0.0
    return 1.0 - (len(a & s) + len(a & p)) / (len(a) + len(s))


# ----------------------------------------------------------------------------- torch


def alignment_head(config) -> tuple[int, int]:
    """``(layer, head)`` of the alignment head, as non-negative indices, for a Marian
    config: the first head of the last decoder layer."""
    layers = int(config.decoder_layers)
    return (ALIGNMENT_LAYER % layers, ALIGNMENT_HEAD)


def cross_attention(model, input_ids, attention_mask, decoder_input_ids,
                    head: tuple[int, int] | None = None):
    """The alignment head's cross-attention weights in one teacher-forced forward pass:
    a ``(batch, target length, source length)`` tensor, rows summing to 1 over the
    unmasked source positions.

    Runs ``model`` (a ``MarianMTModel``) once and recomputes the one head's softmax from
    the inputs its layer received (query states and encoder output), so it works with
    any attention implementation (``sdpa`` returns no weights) and keeps gradients when
    called in training. Row ``t`` is the attention while predicting
    ``decoder_input_ids[:, t + 1]`` (or the token after the last): the row CTranslate2
    returns for that output token.
    """
    import torch

    layer, h = head or alignment_head(model.config)
    attn = model.model.decoder.layers[layer].encoder_attn
    seen: dict[str, object] = {}

    def grab(module, args, kwargs):
        seen["query"] = args[0] if args else kwargs["hidden_states"]
        seen["keys"] = kwargs.get("key_value_states")

    hook = attn.register_forward_pre_hook(grab, with_kwargs=True)
    try:
        model(input_ids=input_ids, attention_mask=attention_mask,
              decoder_input_ids=decoder_input_ids, use_cache=False)
    finally:
        hook.remove()
    query, keys = seen["query"], seen["keys"]
    d = attn.head_dim
    sl = slice(h * d, (h + 1) * d)
    # through the projection modules themselves (not their weights), so that a model whose
    # layers compute otherwise (fixtures/margins.py simulates int8 kernels) is read as it runs
    q = attn.q_proj(query)[..., sl]
    k = attn.k_proj(keys)[..., sl]
    scores = torch.matmul(q, k.transpose(1, 2)) * attn.scaling
    scores = scores.masked_fill(attention_mask[:, None, :] == 0, torch.finfo(scores.dtype).min)
    return torch.softmax(scores, dim=-1)


# ----------------------------------------------------------------------------- pipeline


def step_alignment(engine, inputs: Sequence[str], outputs: Sequence, texts: Sequence[str], *,
                   src_lang: str | None = None, tgt_lang: str | None = None
                   ) -> list[tuple[WordLink, ...]]:
    """Links of one route step, ``inputs[i]`` -> ``texts[i]``: those the engine found while
    decoding (``outputs[i].alignment``, from ``engine.translate(..., align=True)``) where
    ``texts[i]`` is still the decoded text, forced alignment (``engine.align``) where a
    later stage changed it (normalisation, glossary re-decoding)."""
    links: list[tuple[WordLink, ...] | None] = [
        tuple(out.alignment) if out.text == text else None
        for out, text in zip(outputs, texts, strict=True)]
    redo = [i for i, found in enumerate(links) if found is None]
    if redo:
        forced = engine.align([inputs[i] for i in redo], [texts[i] for i in redo],
                              src_lang=src_lang, tgt_lang=tgt_lang)
        for i, found in zip(redo, forced, strict=True):
            links[i] = found
    return [found or () for found in links]


def realign(engine, links: Sequence[tuple[WordLink, ...]], inputs: Sequence[str],
            aligned: Sequence[str], final: Sequence[str], *, src_lang: str | None = None,
            tgt_lang: str | None = None) -> list[tuple[WordLink, ...]]:
    """``links`` (``inputs[i]`` -> ``aligned[i]``) with those whose output a later stage
    changed (``final[i] != aligned[i]``: glossary re-decoding) replaced by the forced
    alignment of ``inputs[i]`` -> ``final[i]``."""
    out = list(links)
    changed = [i for i, (a, b) in enumerate(zip(aligned, final, strict=True)) if a != b]
    if changed:
        forced = engine.align([inputs[i] for i in changed], [final[i] for i in changed],
                              src_lang=src_lang, tgt_lang=tgt_lang)
        for i, found in zip(changed, forced, strict=True):
            out[i] = found
    return out


def chain(steps: Sequence[Sequence[tuple[WordLink, ...]]]) -> list[tuple[WordLink, ...]]:
    """Per sentence, the links of consecutive route steps composed (a pivot's az -> en
    and en -> it become az -> it); one step is returned as it is."""
    if not steps:
        return []
    out = [tuple(links) for links in steps[0]]
    for later in steps[1:]:
        out = [compose(ab, bc) for ab, bc in zip(out, later, strict=True)]
    return out
