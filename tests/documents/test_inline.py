"""The projection of inline markup onto a translation, with hand-written word links."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from translate.documents.inline import Inline, Markup, check_nesting, project, render


class L:
    def __init__(self, src, tgt):
        self.src, self.tgt = src, tgt


def words(text):
    return [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]


def links(source, target, pairs):
    s, t = words(source), words(target)
    return [L(s[i], t[j]) for i, j in pairs]


def el(start, end, tag, depth=0, void=False, frozen=None):
    close = "" if void else f"</{tag}>"
    return Inline(start, end, tag, Markup(f"<{tag}>", close, frozen, start * 100 + depth),
                  void, depth)


def html(text, inlines):
    return render(text, inlines)


def test_an_element_wraps_its_reordered_translation():
    src, tgt = "the red house is big", "la casa rossa è grande"
    out = project([el(4, 13, "b")], src, tgt, links(src, tgt, [(0, 0), (1, 2), (2, 1),
                                                              (3, 3), (4, 4)]))
    assert html(tgt, out) == "la <b>casa rossa</b> è grande"


def test_unaligned_word_inside_the_span_stays_inside_and_at_the_edge_outside():
    src, tgt = "diplomatic corps leaders and others", "i capi del corpo diplomatico e altri"
    ln = links(src, tgt, [(0, 4), (1, 3), (2, 1), (3, 5), (4, 6)])
    out = project([el(0, 24, "strong")], src, tgt, ln)
    assert html(tgt, out) == "i <strong>capi del corpo diplomatico</strong> e altri"


def test_nested_elements_on_the_same_words_stay_nested():
    src, tgt = "were ruthlessly killed today", "furono uccise senza pietà oggi"
    ln = links(src, tgt, [(0, 0), (1, 2), (1, 3), (2, 1), (3, 4)])
    out = project([el(5, 22, "strong"), el(5, 22, "em", depth=1)], src, tgt, ln)
    assert html(tgt, out) == "furono <strong><em>uccise senza pietà</em></strong> oggi"


def test_a_void_element_follows_its_aligned_word():
    src, tgt = "one day and emphasized it", "un giorno e ha sottolineato"
    ln = links(src, tgt, [(0, 0), (1, 1), (2, 2), (3, 3), (3, 4)])
    out = project([el(11, 11, "br", void=True)], src, tgt, ln)
    assert html(tgt, out) == "un giorno e<br> ha sottolineato"


def test_a_void_element_at_the_start_goes_before_the_first_aligned_word():
    src, tgt = "Hello world", "Ciao mondo"
    out = project([el(0, 0, "img", void=True)], src, tgt, links(src, tgt, [(0, 0), (1, 1)]))
    assert html(tgt, out) == "<img>Ciao mondo"


def test_an_element_with_no_aligned_word_keeps_its_relative_place():
    src, tgt = "alpha beta gamma delta", "uno due tre quattro"
    out = project([el(11, 16, "i")], src, tgt, [])
    assert html(tgt, out) == "uno due <i>tre</i> quattro"


def test_crossing_siblings_are_cut_apart_and_nothing_is_lost():
    # "of" and "the", in two elements, both align to "del": the later one is cut after it
    src, tgt = "x of the y", "x del y"
    ln = [L((0, 1), (0, 1)), L((2, 4), (2, 5)), L((5, 8), (2, 5)), L((9, 10), (6, 7))]
    out = project([el(0, 4, "b"), el(5, 10, "i")], src, tgt, ln)
    check_nesting(out, len(tgt))
    assert html(tgt, out) == "<b>x del</b> <i>y</i>"


def test_an_element_covering_another_ones_words_holds_it():
    src, tgt = "x of the y", "x del y"
    ln = [L((2, 4), (2, 5)), L((5, 8), (2, 5)), L((0, 1), (0, 1)), L((9, 10), (6, 7))]
    out = project([el(2, 4, "b"), el(5, 10, "i")], src, tgt, ln)
    check_nesting(out, len(tgt))
    assert html(tgt, out) == "x <i><b>del</b> y</i>"


def test_a_sibling_landing_inside_another_is_nested_in_it():
    src, tgt = "big house", "casagrande"
    ln = [L((0, 3), (0, 10)), L((4, 9), (0, 4))]
    out = project([el(0, 3, "b"), el(4, 9, "i")], src, tgt, ln)
    check_nesting(out, len(tgt))
    assert html(tgt, out) == "<b><i>casa</i>grande</b>"


def test_a_link_is_never_nested_in_a_link():
    src, tgt = "big house", "casagrande"
    ln = [L((0, 3), (0, 10)), L((4, 9), (0, 4))]
    out = project([el(0, 3, "a"), el(4, 9, "a")], src, tgt, ln)
    check_nesting(out, len(tgt))
    assert [x.depth for x in out] == [0, 0]


def test_whole_segments_map_whole_and_the_space_between_is_kept():
    src = "One. Two three."
    tgt = "Uno. Due tre."
    segs = [((0, 4), (0, 4)), ((5, 15), (5, 13))]
    # no links at all: whole-segment elements still land exactly
    out = project([el(0, 4, "b"), el(4, 5, "span"), el(5, 15, "i")], src, tgt, [],
                  segments=segs)
    assert html(tgt, out) == "<b>Uno.</b><span> </span><i>Due tre.</i>"


def test_punctuation_cut_off_a_whitespace_word_is_cut_off_the_target_word():
    src, tgt = 'the "Orchestra Sannita" played', "l'\"Orchestra Sannita\" ha suonato"
    ln = links(src, tgt, [(1, 0), (2, 1), (3, 2), (3, 3)])
    out = project([el(5, 22, "span")], src, tgt, ln)
    assert html(tgt, out) == "l'\"<span>Orchestra Sannita</span>\" ha suonato"


def test_a_frozen_element_writes_its_original_inside():
    src, tgt = "all news on Facebook now", "tutte le notizie su Fb ora"
    ln = links(src, tgt, [(0, 0), (1, 2), (2, 3), (3, 4), (4, 5)])
    out = project([el(12, 20, "code", frozen="Facebook")], src, tgt, ln)
    assert html(tgt, out) == "tutte le notizie su <code>Facebook</code> ora"


# ----------------------------------------------------------------------------- properties

@st.composite
def trees(draw):
    """A source text of words, a well-nested set of inlines over it, a target text and
    random links (any alignment, crossing and many-to-many included)."""
    n = draw(st.integers(1, 8))
    src_words = [draw(st.sampled_from(["a", "bb", "ccc", "dd", "e"])) for _ in range(n)]
    source = " ".join(src_words)
    spans = words(source)
    m = draw(st.integers(1, 9))
    target = " ".join(draw(st.sampled_from(["x", "yy", "zzz"])) for _ in range(m))
    tspans = words(target)
    ln = [L(spans[i], tspans[j]) for i, j in draw(st.lists(
        st.tuples(st.integers(0, n - 1), st.integers(0, m - 1)), max_size=12))]
    inlines: list[Inline] = []

    def build(lo, hi, depth):  # word indices [lo, hi)
        pos = lo
        while pos < hi and len(inlines) < 10 and draw(st.booleans()):
            kind = draw(st.sampled_from(["el", "el", "void", "empty"]))
            if kind == "void":
                at = spans[pos][0] if draw(st.booleans()) else spans[pos][1]
                inlines.append(el(at, at, "br", depth, void=True))
                pos += 1
                continue
            end = draw(st.integers(pos + 1, hi))
            if kind == "empty":
                inlines.append(el(spans[pos][0], spans[pos][0], "a", depth))
                pos = end
                continue
            tag = draw(st.sampled_from(["b", "i", "a", "code"]))
            frozen = source[spans[pos][0]:spans[end - 1][1]] if tag == "code" else None
            inlines.append(el(spans[pos][0], spans[end - 1][1], tag, depth, frozen=frozen))
            if frozen is None:
                build(pos, end, depth + 1)
            pos = end + draw(st.integers(0, 1))

    build(0, n, 0)
    return source, target, inlines, ln


def strip_tags(text):
    return re.sub(r"</?[a-z]+>", "", text)


@settings(max_examples=300, deadline=None)
@given(trees())
def test_projection_is_well_nested_complete_and_keeps_the_text(case):
    source, target, inlines, ln = case
    check_nesting(inlines, len(source))
    out = project(inlines, source, target, ln)
    check_nesting(out, len(target))
    # every element exactly once, same tags and payloads
    assert sorted(x.payload.key for x in out) == sorted(x.payload.key for x in inlines)
    assert sorted((x.tag, x.void) for x in out) == sorted((x.tag, x.void) for x in inlines)
    # the text is unchanged outside frozen elements, and the markup is balanced
    written = render(target, out)
    if not any(x.frozen for x in out):
        assert strip_tags(written) == target
    depth = 0
    for m in re.finditer(r"<(/?)([a-z]+)>", written):
        if m.group(2) == "br":
            continue
        depth += -1 if m.group(1) else 1
        assert depth >= 0
    assert depth == 0


@settings(max_examples=100, deadline=None)
@given(trees())
def test_projection_is_deterministic(case):
    source, target, inlines, ln = case
    assert project(inlines, source, target, ln) == project(inlines, source, target, ln)
