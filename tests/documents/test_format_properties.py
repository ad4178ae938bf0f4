"""Properties of Markdown, DOCX, ODT and SRT/WebVTT translation on generated documents
with nested inline markup (issue 23), derandomized and bounded (a few seconds each):

* generated ODT paragraphs (styled spans, links, tabs, line breaks, runs of spaces, soft
  hyphens, bookmarks, notes, fields; some pretty-printed) come back from ``en-XA`` with
  the oracle property of tests/oracle_office.py (Markdown, DOCX and subtitles have theirs
  in test_oracle_*.py);
* for ANY word alignment (tests/random_links.py: random links between the source's words
  and its pseudo form's, fed through the real pipeline) every format's output is
  well-formed, every element is there once and not empty, and nothing but the translated
  text changed.
"""

from __future__ import annotations

import functools
import io
import os
import re
import zipfile
from collections import Counter

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from lxml import etree
from markdown_it import MarkdownIt
from oracle_office import (
    _docx_items,
    _odt_items,
    _outside,
    _paragraphs,
    differences,
    docx_package,
    odt_package,
    paragraph_xml,
    text_parts,
    untranslated,
)
from random_links import GivenLinks, RandomLinks

from translate.documents import translate_document
from translate.pseudo import unpseudo


def _sibling(name: str):
    """A test module next to this one (its readers and generators), loaded by path."""
    import importlib.util
    from pathlib import Path

    spec = importlib.util.spec_from_file_location(
        f"_{name}", Path(__file__).with_name(f"{name}.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_subs = _sibling("test_oracle_subtitles")
TAG, cues, lines_of, subtitle_file, tags = (
    _subs.TAG, _subs.cues, _subs.lines_of, _subs.subtitle_file, _subs.tags)

# PROPS_EXAMPLES=3000 runs each property on that many random examples (a new seed each
# run) instead of the bounded, derandomized 60
_MANY = int(os.environ.get("PROPS_EXAMPLES", "0"))
BOUNDED = settings(max_examples=_MANY or 60, deadline=None, derandomize=not _MANY,
                   suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
# a property that still finds a defect (named in its xfail): found fast, not shrunk
KNOWN = settings(BOUNDED, phases=[Phase.explicit, Phase.reuse, Phase.generate])
WORD = st.sampled_from(["news", "Rome", "the", "court", "said", "42", "it's", "team",
                        "e-mail", "Yes!", "end.", "(aside)", "news\u00adroom", "été"])


@functools.cache
def _pseudo():
    from translate import Translator

    return Translator(glossary=False)


def _words(n: int = 3):
    return st.lists(WORD, min_size=1, max_size=n).map(" ".join)


def _letters(text: str) -> str:
    """What a reader reads, to compare: pseudo letters back, brackets and white space
    (and soft hyphens) out."""
    return re.sub(r"[\s\[\]\u00ad]", "", unpseudo(text))


def _subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(ch in it for ch in short)


# ----------------------------------------------------------------------------- ODT

_ODT_VOID = [
    "<text:tab/>", "<text:line-break/>", '<text:s text:c="3"/>', "<text:s/>",
    '<text:bookmark text:name="b1"/>', "<text:soft-page-break/>",
    '<text:page-number text:select-page="current">3</text:page-number>',
    '<text:bookmark-ref text:reference-format="text" text:ref-name="b1">Rome</text:bookmark-ref>',
    '<text:note text:id="n1" text:note-class="footnote"><text:note-citation>1'
    '</text:note-citation><text:note-body><text:p>A note on the court.</text:p>'
    '</text:note-body></text:note>',
]


def _odt_inline(in_link: bool, depth: int = 0):
    # a tab, break or run of spaces stands between two words (white space next to it
    # is not this test's business); the others anywhere
    between = st.tuples(_words(2), st.sampled_from(_ODT_VOID[:4]), _words(2)).map("".join)
    leaf = st.one_of(_words(), _words(), between, st.sampled_from(_ODT_VOID[4:]))
    if depth >= 2:
        return leaf
    inner = st.lists(_odt_inline(in_link, depth + 1), min_size=1, max_size=3).map(" ".join)
    span = st.tuples(st.sampled_from(["T1", "T2", "Emphasis"]), inner).map(
        lambda t: f'<text:span text:style-name="{t[0]}">{t[1]}</text:span>')
    if in_link:
        return st.one_of(leaf, span)
    inner_link = st.lists(_odt_inline(True, depth + 1), min_size=1, max_size=3).map(" ".join)
    link = st.tuples(st.sampled_from(["https://a.example/x", "#b1"]), inner_link).map(
        lambda t: f'<text:a xlink:type="simple" xlink:href="{t[0]}">{t[1]}</text:a>')
    return st.one_of(leaf, span, link)


@st.composite
def odt_paragraph(draw, pretty: bool = False) -> str:
    tag = draw(st.sampled_from(["p", "p", "h"]))
    body = "".join(draw(st.lists(st.tuples(_odt_inline(False), st.sampled_from(
        [" ", " ", ", ", ". ", ""])).map("".join), min_size=1, max_size=4)))
    attrs = ' text:outline-level="2"' if tag == "h" else ' text:style-name="P1"'
    body = body.strip()
    if pretty and draw(st.integers(0, 3)) == 0:  # indentation between elements, which
        body = "\n    " + body.replace("><", ">\n    <") + "\n  "  # ODF collapses
    return f"<text:{tag}{attrs}>{body}</text:{tag}>"


def _odt(paragraphs: list[str]) -> bytes:
    return odt_package("".join(paragraphs))


def _xa_differences(paragraph: str) -> list[str]:
    """What breaks the oracle property when an ODT of ``paragraph`` goes to ``en-XA``."""
    data = _odt([paragraph])
    out = translate_document(data, "odt", "en", "en-XA", _pseudo(), name="f.odt").data
    return differences(data, out, "odt")


@BOUNDED
@given(st.lists(odt_paragraph(pretty=True), min_size=1, max_size=3))
def test_generated_odt_round_trips_to_en_xa(paragraphs):
    data = _odt(paragraphs)
    result = translate_document(data, "odt", "en", "en-XA", _pseudo(), name="f.odt")
    assert differences(data, result.data, "odt") == []
    assert untranslated(result.data, "odt") == []


# ----------------------------------------------------------------------------- any alignment

_DOCX_LOOK = st.sampled_from(["", "<w:b/>", "<w:i/>", '<w:color w:val="FF0000"/>'])
_DOCX_VOID = ["<w:tab/>", "<w:br/>", "<w:softHyphen/>", "<w:noBreakHyphen/>"]


@st.composite
def _docx_run(draw) -> str:
    look = draw(_DOCX_LOOK)
    rpr = f"<w:rPr>{look}</w:rPr>" if look else ""
    inner = f'<w:t xml:space="preserve">{draw(_words())} </w:t>'
    if draw(st.booleans()):
        inner = (f"<w:t>{draw(_words(2))}</w:t>{draw(st.sampled_from(_DOCX_VOID))}"
                 f'<w:t xml:space="preserve">{draw(_words(2))} </w:t>')
    return f"<w:r>{rpr}{inner}</w:r>"


@st.composite
def docx_paragraph(draw) -> str:
    parts = []
    for n in range(draw(st.integers(1, 5))):
        runs = "".join(draw(st.lists(_docx_run(), min_size=1, max_size=2)))
        if draw(st.integers(0, 3)) == 0:
            runs = f'<w:hyperlink r:id="rId{n}">{runs}</w:hyperlink>'
        elif draw(st.integers(0, 5)) == 0:
            runs = f'<w:bookmarkStart w:id="{n}" w:name="b{n}"/>{runs}<w:bookmarkEnd w:id="{n}"/>'
        parts.append(runs)
    return "<w:p>" + "".join(parts) + "</w:p>"


def _office_checks(source: bytes, output: bytes, kind: str) -> None:
    """``output`` is a well-formed package with every member but the text parts as it
    was, every element outside the paragraphs too, and in each paragraph every tab, break,
    field, note or anchor once, every hyperlink once (not split), every formatting and
    link that had words still holding words, and the words those of the source."""
    za, zb = zipfile.ZipFile(io.BytesIO(source)), zipfile.ZipFile(io.BytesIO(output))
    assert za.namelist() == zb.namelist()
    parts = set(text_parts(za.namelist(), kind))
    items = _docx_items if kind == "docx" else _odt_items
    link_tag = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}hyperlink" \
        if kind == "docx" else "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}a"
    for member in za.namelist():
        a, b = za.read(member), zb.read(member)
        if member not in parts:
            assert a == b, member
            continue
        ra, rb = etree.fromstring(a), etree.fromstring(b)  # well-formed
        assert _outside(ra, kind) == _outside(rb, kind), member
        pa, pb = _paragraphs(ra, kind), _paragraphs(rb, kind)
        assert len(pa) == len(pb)
        for n, (x, y) in enumerate(zip(pa, pb, strict=True)):
            ia, ib = items(x), items(y)
            where = f"{member} paragraph {n + 1}"

            def voids(its):
                return Counter(i for i in its if i[0] not in ("text", "lastRenderedPageBreak"))

            assert voids(ib) == voids(ia), f"{where}: an element lost or duplicated"

            # every link and every formatting still holds words, the paragraph's own
            # (the one covering most text, which the words no element holds take) too
            def looks(its):
                return {(i[1], None) for i in its if i[0] == "text" and i[3].strip()} | {
                    (None, i[2]) for i in its if i[0] == "text" and i[3].strip() and i[2]}

            assert looks(ib) == looks(ia), f"{where}: a formatting or link emptied or new"
            assert len(list(y.iter(link_tag))) == len(list(x.iter(link_tag))), \
                f"{where}: a hyperlink split or lost"
            text = "".join(i[3] for i in ib if i[0] == "text")
            assert _letters(text) == _letters("".join(i[3] for i in ia if i[0] == "text")), \
                f"{where}: its words"


@BOUNDED
@given(st.lists(docx_paragraph(), min_size=1, max_size=3), st.data())
def test_any_word_alignment_gives_a_well_formed_docx_with_every_element_once(paragraphs,
                                                                            data):
    source = docx_package("".join(paragraphs))
    result = translate_document(source, "docx", "en", "en-XA", RandomLinks(data),
                                name="f.docx")
    _office_checks(source, result.data, "docx")


def test_a_formatted_run_in_a_hyperlink_keeps_words_when_another_lands_on_them():
    # "news court" (bold) linked into the hyperlink's italic "the Yes!": the bold was
    # nested in the italic over all its words, and the italic came back empty
    source = docx_package(
        '<w:p><w:hyperlink r:id="rId0"><w:r><w:t xml:space="preserve">42 said </w:t></w:r>'
        '<w:r><w:rPr><w:i/></w:rPr><w:t xml:space="preserve">the Yes! </w:t></w:r>'
        '</w:hyperlink><w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">news court </w:t>'
        '</w:r><w:r><w:t>end. Rome team said court</w:t></w:r></w:p>')
    result = translate_document(source, "docx", "en", "en-XA",
                                GivenLinks([[], [], [], [7], [0], [0, 7]]), name="f.docx")
    _office_checks(source, result.data, "docx")


@BOUNDED
@given(st.lists(odt_paragraph(), min_size=1, max_size=3), st.data())
def test_any_word_alignment_gives_a_well_formed_odt_with_every_element_once(paragraphs,
                                                                           data):
    source = _odt(paragraphs)
    result = translate_document(source, "odt", "en", "en-XA", RandomLinks(data),
                                name="f.odt")
    _office_checks(source, result.data, "odt")


_MD_WORD = st.sampled_from(["news", "Rome", "the", "court", "said", "42", "a_b", "it's",
                            "C++", "team", "(aside)"])


def _md_inline(depth: int):
    words = st.lists(_MD_WORD, min_size=1, max_size=3).map(" ".join)
    leaf = st.one_of(words, words, words.map(lambda w: f"`{w}`"),
                     st.tuples(words, st.sampled_from(["[^1]", "[^note]"])).map("".join),
                     words.map(lambda w: f"<b>{w}</b>"))
    if depth == 0:
        return leaf
    inner = _md_inline(depth - 1)
    return st.one_of(
        leaf, inner.map(lambda s: f"*{s}*"), inner.map(lambda s: f"**{s}**"),
        inner.map(lambda s: f"~~{s}~~"),
        st.tuples(words, st.sampled_from(["https://a.example/x", "/doc 'Title'"])).map(
            lambda t: f"[{t[0]}]({t[1]})"),
        st.tuples(inner, inner).map(lambda t: f"{t[0]} {t[1]}"))


@st.composite
def markdown_document(draw) -> str:
    blocks = []
    for _ in range(draw(st.integers(1, 3))):
        text = "".join(a + b for a, b in draw(st.lists(st.tuples(
            _md_inline(2), st.sampled_from([". ", ", ", " ", "\n"])), min_size=1,
            max_size=3))).strip()
        blocks.append(draw(st.sampled_from(["", "# ", "- ", "> ", "1. "])) + text)
    return "\n\n".join(blocks) + "\n\n[^1]: A note.\n\n[^note]: Another note.\n"


_MD_FOOTNOTE = re.compile(r"\[\^[^\]\s]+\]")


def _md_shape(text: str) -> tuple[list, list, list]:
    """Block tokens; for each inline token its elements (all but text, as a multiset),
    the elements opened with no words (nor code) before they close, and its text. A
    footnote reference (``[^1]``, text to CommonMark) is an element as the writer has it:
    a void, placed by the alignment like a line break or an image, not a word. An
    emphasis is the same written with ``*`` or ``_`` (the writer takes the other one
    where the alignment puts two emphases' delimiters together)."""
    blocks, elements, empty, words = [], [], [], []
    for t in MarkdownIt("commonmark").enable("table").enable("strikethrough").parse(text):
        if t.type != "inline":
            blocks.append((t.type, t.tag, t.nesting, t.markup, t.info,
                           t.content if t.type in ("code_block", "fence") else ""))
            continue
        children = t.children or []
        notes = [m for c in children if c.type == "text"
                 for m in _MD_FOOTNOTE.findall(c.content)]
        elements.append(Counter(
            (c.type, c.tag, c.nesting, tuple(sorted(c.attrs.items())),
             c.markup.replace("_", "*") if c.tag in ("em", "strong") else c.markup,
             c.content if c.type in ("code_inline", "html_inline") else "")
            for c in children if c.type != "text") + Counter(("footnote", m) for m in notes))
        opened: list[list] = []
        for c in children:
            if c.nesting == 1:
                opened.append([c.type, False])
            elif c.nesting == -1 and opened:
                kind, full = opened.pop()
                if not full:
                    empty.append(kind)
            elif c.type in ("code_inline", "image") or _MD_FOOTNOTE.sub(
                    "", c.content).strip():
                for o in opened:
                    o[1] = True

        def text(c):
            return _MD_FOOTNOTE.sub("", c.content) if c.type == "text" else c.content

        words.append(("".join(text(c) for c in children if c.type == "text"),
                      "".join(text(c) for c in children
                              if c.type in ("text", "code_inline"))))
    return blocks, elements, empty, words


@KNOWN
@given(markdown_document(), st.data())
def test_any_word_alignment_gives_well_formed_markdown_with_every_element_once(doc, data):
    out = translate_document(doc.encode(), "markdown", "en", "en-XA", RandomLinks(data),
                             name="f.md").text
    (ba, ea, emptya, wa), (bb, eb, emptyb, wb) = _md_shape(doc), _md_shape(out)
    assert bb == ba  # the same blocks, code as it was
    assert eb == ea  # every element once, with its URL, title, markup, code
    assert emptyb == emptya == []  # none emptied
    # the words: those of the source, in order, and maybe the translation of a code
    # span's words that the alignment gave to no word (the code itself is written as it
    # was), as the HTML property allows for never-translated elements
    for (text_a, all_a), (text_b, _) in zip(wa, wb, strict=True):
        assert _subsequence(_letters(text_a), _letters(text_b))
        assert _subsequence(_letters(text_b), _letters(all_a))


def test_two_emphases_the_alignment_puts_on_the_same_words_stay_two_emphases():
    # both emphases' words linked to "said team." (the second's to nothing): nested, their
    # "*" met as "**" and the two read as one strong
    doc = "*news court* *said team*.\n"
    out = translate_document(doc.encode(), "markdown", "en", "en-XA",
                             GivenLinks([[], [2, 3], [], []]), name="f.md").text
    assert _md_shape(out)[1:3] == _md_shape(doc)[1:3]
    assert "**" not in out


def test_a_footnote_reference_no_word_places_stays_before_the_words_punctuation():
    # no alignment: the reference was put after the whole target word "[ñéŵš.]", moved
    # past the full stop and after a "]" (where it can read as a link's label)
    doc = "news[^1].\n\n[^1]: A note.\n"
    out = translate_document(doc.encode(), "markdown", "en", "en-XA", GivenLinks([]),
                             name="f.md").text
    assert out.splitlines()[0] == "[ñéŵš[^1].]"


def _md_same(doc: str, links: list[list[int]]) -> str:
    """``doc`` through the writer with the word alignment ``links``: it reads back with
    the same blocks and elements, none emptied, and the words (the property's checks);
    its output."""
    out = translate_document(doc.encode(), "markdown", "en", "en-XA", GivenLinks(links),
                             name="f.md").text
    (ba, ea, _, wa), (bb, eb, emptyb, wb) = _md_shape(doc), _md_shape(out)
    assert (bb, eb, emptyb) == (ba, ea, []), out
    for (text_a, all_a), (text_b, _) in zip(wa, wb, strict=True):
        assert _subsequence(_letters(text_a), _letters(text_b)), out
        assert _subsequence(_letters(text_b), _letters(all_a)), out
    return out


def test_two_emphases_the_alignment_puts_on_one_word_are_written_apart():
    # both linked to the first word, split between them: written '*[ñ**éŵš*' (one run
    # of '**' in the middle: no emphasis at all); now one of them takes '_'
    out = _md_same("*news* *court* said.\n", [[0], [0], []])
    assert "**" not in out


def test_nested_emphases_that_share_an_edge_are_not_read_as_strong():
    # the outer emphasis left with the inner one's word only: '**[ñéŵš**', a strong
    out = _md_same("*news *court* said*.\n", [[], [0], []])
    assert out.startswith("_*") or out.startswith("*_")


def test_a_footnote_reference_stays_in_its_word_when_the_alignment_links_its_full_stop():
    # "." linked to the target word "[ñéŵš.]", "news" to none: the reference went before
    # the whole word, before the word it follows
    out = _md_same("news[^1].\n\n[^1]: A note.\n", [[], [0]])
    assert out.splitlines()[0] == "[ñéŵš[^1].]"


def test_a_footnote_reference_placed_before_a_parenthesis_does_not_make_a_link():
    # '[^1](åšîḋé)' is a link to 'åšîḋé'
    out = _md_same("news (aside) news[^1] news\n\n[^1]: A note.\n", [[], [], [], [], [], [1]])
    assert "[^1]\\(" in out


def test_a_link_is_never_placed_inside_another_link_through_an_emphasis():
    # the second strong (holding its link) landed in the first link: '[**[...](x)**](x)'
    _md_same("**[news](https://a.example/x)**. **[news](https://a.example/x)**\n",
             [[], [], [0]])


def test_two_strikethroughs_the_alignment_puts_on_one_word_next_to_markup_stay_two():
    # both linked to the first word, split between them: '~~<b>[ñ</b>~~~~éŵš~~' (the
    # '~~~~' after '>' can open but not close, and '~~' has no other delimiter)
    out = _md_same("~~<b>news</b>~~ ~~court~~ said.\n", [[0], [0], []])
    assert "~~~~" not in out
    _md_same("said ~~<b>news</b>~~ ~~court~~\n", [[], [1], [1]])
    # a footnote reference before the shared edge: '~~[ñ[^1]~~~~éŵš[^1]~~'
    _md_same("news ~~news[^1]~~ ~~news[^1]~~\n\n[^1]: A note.\n", [[], [0], [0]])


def test_nested_strikethroughs_placed_at_a_lines_start_do_not_read_as_a_code_fence():
    # 'court' linked to the second line's first word: '\n~~~~šåîḋ~~~~', a fence
    for doc in ("news\nsaid ~~~~court~~ team~~\n", "news\nsaid ~~~~`court`~~ team~~\n"):
        for links in ([[], [], [1], [1]], [[], [], [1], [2]]):
            out = _md_same(doc, links)
            assert "\n~~~" not in out


def test_a_code_span_is_not_widened_over_the_full_stop_when_its_emphasis_moves_apart():
    # the strong around the code and the emphasis after it touching: moving their
    # shared edge on to the white space took the code span with it, over '.' ("." lost)
    out = _md_same("**`news`**. *(aside)*\n", [[], [], [], [], [1, 2]])
    assert "`news`." in out or "`news`**." in out


def test_nested_strongs_the_alignment_puts_on_one_parenthesis_grow_out_together():
    # '(aside)' and the nested strongs' word linked to '(åšîḋé)': all three strongs on
    # '(', written '__****(****__åšîḋé)' (none of them can close after '(' before a
    # letter) and each widened alone does not read better
    _md_same("news **(aside)** ****news****\n", [[], [], [], [1], [1]])


def test_a_strikethrough_touching_nested_ones_around_markup_moves_apart_without_it():
    # a strikethrough ending inside the word where nested ones around '<b>' start:
    # '~~ñéŵ~~~~~~<b>š' (a run after a letter before '<' cannot open); the shared edge
    # moved back between two letters took '<b>' with it; now it may also leave it
    _md_same("news ~~news~~. ~~~~<b>news</b>~~~~.\n", [[], [3]])


def test_a_code_span_is_written_over_its_own_words_copy_not_over_other_words():
    # the code's word linked to a target word holding more (its full stop, or the first
    # "news" of the sentence): the code was written over all of it, and "." or "news"
    # was lost
    assert _md_same("`news`.\n", [[0]]) == "[`news`.]\n"
    assert _md_same("news news news. `news`\n", [[], [], [], [], [0]]) == \
        "[ñéŵš ñéŵš ñéŵš. `news`]\n"


def test_an_element_around_a_code_span_goes_where_the_code_goes():
    # the code's word linked to the first (or last) target word: the strong (the
    # strikethrough) went there and took the code with it, over "news" (over "news.")
    assert _md_same("news. **`news`**\n", [[], [], [0]]) == "[ñéŵš. **`news`**]\n"
    assert "ñéŵš ñéŵš ñéŵš." in _md_same("~~`news` news news news~~.\n", [[], [], [], [3]])


def test_a_code_span_its_parent_cannot_keep_is_not_written_over_another_word():
    # the strong, cut where it crossed the <b>, left its code outside it: the code was
    # moved onto the nearest whole word, "ñéŵš.", and wrote over its full stop
    _md_same("**news `news`**. <b>news news</b>\n", [[], [2], [], [], [0, 1]])


def test_an_emphasis_left_on_punctuation_grows_to_its_siblings_edge():
    # the strong was left with '[^note])' right after a letter ('åšîḋé**[^note])**': no
    # strong), and the word before it is a sibling's: it may grow to that sibling's end
    _md_same("1. ~~said~~\n**the (aside) court[^note]**. ~~~~team team court[^1]~~~~,\n"
             "\n[^1]: A note.\n\n[^note]: Another note.\n",
             [[2], [1], [], [4], [3, 1], [1], [1, 2], [3], [], [0, 3], [0, 1]])


def test_nested_strikethroughs_moved_to_a_lines_start_do_not_make_a_code_fence():
    # '~~~~<b>[ñéŵš</b>~~~~' at a line's start is a code fence
    out = _md_same("news. ~~~~<b>news</b>~~~~\n", [[], [], [0]])
    assert out.startswith("[~~~~")


# ----------------------------------------------------------------------------- subtitles


@BOUNDED
@given(subtitle_file(), st.data())
def test_any_word_alignment_keeps_every_cue_with_its_timing_styling_and_words(doc, data):
    kind, text = doc
    out = translate_document(text.encode(), kind, "en", "en-XA", RandomLinks(data)).text
    src, new = lines_of(text), lines_of(out)
    before, after = cues(text, kind), cues(out, kind)
    assert len(after) == len(before)
    src_text = {i for c in before for i in c["text"]}
    out_text = {i for c in after for i in c["text"]}
    assert [x for i, x in enumerate(src) if i not in src_text] == \
        [x for i, x in enumerate(new) if i not in out_text]  # all but cue text as it was
    for n, (a, b) in enumerate(zip(before, after, strict=True), 1):
        assert [new[i] for i in b["head"]] == [src[i] for i in a["head"]], n
        old_lines, new_lines = [src[i][0] for i in a["text"]], [new[i][0] for i in b["text"]]
        assert Counter(tags(new_lines)) == Counter(tags(old_lines)), f"cue {n}: styling"
        assert _letters(TAG.sub("", "".join(new_lines))), f"cue {n} came back empty"
    # the words, in order (a sentence's words may move between its cues)
    every = "".join(new[i][0] for c in after for i in c["text"])
    assert _letters(TAG.sub("", every)) == _letters(
        TAG.sub("", "".join(src[i][0] for c in before for i in c["text"])))


# ----------------------------------------------------------------------------- regressions
# found by the properties above; each failed before its fix in translate/documents/office.py


def test_a_hyperlink_holding_only_a_tab_is_written_back():
    """It crashed: KeyError (a hyperlink with no text had no end)."""
    data = _odt(['<text:p>Name:<text:a xlink:type="simple" xlink:href="https://a.example/x">'
                 '<text:tab/></text:a>John</text:p>'])
    out = translate_document(data, "odt", "en", "en-XA", _pseudo(), name="f.odt").data
    assert differences(data, out, "odt") == []


def test_a_bookmark_in_a_hyperlink_of_its_own_stays_after_the_words_it_follows():
    """The anchor (in a link with no words) was taken for a child of the tab before it,
    and written between the first two words (found with a random seed)."""
    data = _odt(['<text:p text:style-name="P1">news<text:tab/>news <text:a xlink:type='
                 '"simple" xlink:href="https://a.example/x"><text:bookmark text:name="b1"/>'
                 '</text:a></text:p>'])
    out = translate_document(data, "odt", "en", "en-XA", _pseudo(), name="f.odt").data
    assert differences(data, out, "odt") == []


def test_a_bookmark_right_before_a_hyperlink_leaves_the_hyperlinks_words_and_tab_in_it():
    """Two bookmarks of one name around a hyperlink: the first (outside it, where it
    starts) was ordered after the hyperlink, so the hyperlink's tab or second bookmark
    was taken for its child and written before the hyperlink's words (found with a
    random seed)."""
    for inside in ("said news <text:bookmark text:name=\"b1\"/> court",
                   "said<text:tab/>news <text:bookmark text:name=\"b1\"/>"):
        assert _xa_differences(
            '<text:p text:style-name="P1">news <text:bookmark text:name="b1"/><text:a '
            f'xlink:type="simple" xlink:href="#b1">{inside}</text:a> team.</text:p>') == []


def test_a_field_in_a_hyperlink_of_its_own_is_not_written_inside_another():
    """The page number (in a hyperlink with no words) landed between the words of the
    other hyperlink, which was written split in two around it."""
    data = _odt(['<text:p>news <text:a xlink:type="simple" xlink:href="#b1"><text:page-number '
                 'text:select-page="current">3</text:page-number></text:a> team <text:a '
                 'xlink:type="simple" xlink:href="#b1">court end</text:a>.</text:p>'])
    out = translate_document(data, "odt", "en", "en-XA", GivenLinks([[2]]), name="f.odt").data
    _office_checks(data, out, "odt")


def test_an_anchor_placed_where_a_hyperlink_starts_is_written_inside_it():
    """The alignment put the hyperlink's words after a bookmark reference that was
    outside it; its line break went before the reference, in the hyperlink, and the
    reference outside: the hyperlink was written twice."""
    data = _odt(['<text:p><text:a xlink:type="simple" xlink:href="#b1">news<text:line-break/>'
                 'court team</text:a>, <text:bookmark-ref text:reference-format="text" '
                 'text:ref-name="b1">Rome</text:bookmark-ref>42 said</text:p>'])
    out = translate_document(data, "odt", "en", "en-XA", GivenLinks([[], [], [4], [3]]),
                             name="f.odt").data
    _office_checks(data, out, "odt")


def test_a_tab_opening_a_hyperlink_stays_in_it_after_an_earlier_bookmark():
    """The tab (before the hyperlink's first word) was read as the bookmark's child, and
    written at the start of the paragraph."""
    assert _xa_differences(
        '<text:p text:style-name="P1"><text:bookmark text:name="b1"/>news said<text:a '
        'xlink:type="simple" xlink:href="https://a.example/x"><text:tab/>court</text:a> team.'
        '</text:p>') == []


def test_indentation_ending_a_hyperlink_at_a_sentence_end_takes_the_space_it_stood_for():
    """The indentation before ``</text:a>`` (after "Yes!", ending a sentence) was placed
    before the en-XA "]" of its sentence, the space between the sentences after it: that
    space was not taken out, and came back as an extra space before ", news" (found with
    a random seed)."""
    assert _xa_differences(
        '<text:p text:style-name="P1">\n    <text:bookmark text:name="b1"/>, <text:a '
        'xlink:type="simple" xlink:href="https://a.example/x">\n    <text:span '
        'text:style-name="T1">Yes!</text:span>\n    </text:a>, news\n  </text:p>') == []


def test_a_void_moved_after_a_hyperlink_goes_before_the_next_ones_tab():
    """A cross-reference (in a hyperlink with no words) that landed inside the first
    hyperlink was moved to its end, where the next hyperlink starts with a tab: written
    after the tab, it split that hyperlink in two."""
    data = _odt(['<text:p>end <text:a xlink:type="simple" xlink:href="#a">news said</text:a> '
                 '<text:a xlink:type="simple" xlink:href="https://a.example/x"><text:bookmark-ref '
                 'text:reference-format="text" text:ref-name="b1">Rome</text:bookmark-ref></text:a>'
                 ' team<text:a xlink:type="simple" xlink:href="#b"><text:tab/>court</text:a>'
                 '</text:p>'])
    out = translate_document(data, "odt", "en", "en-XA", GivenLinks([[], [3], [0], [], [4]]),
                             name="f.odt").data
    _office_checks(data, out, "odt")


def test_the_fields_of_a_hyperlink_with_no_words_stay_in_one_hyperlink():
    """Its bookmark and page number were placed apart, a space put between them: each
    was written in a hyperlink element of its own."""
    data = _odt(['<text:p>news, <text:a xlink:type="simple" xlink:href="https://a.example/x">'
                 '<text:bookmark text:name="b1"/> <text:page-number text:select-page="current">3'
                 '</text:page-number> <text:page-number text:select-page="current">3'
                 '</text:page-number></text:a>. team said</text:p>'])
    out = translate_document(data, "odt", "en", "en-XA", GivenLinks([[0]]), name="f.odt").data
    _office_checks(data, out, "odt")


def test_a_formatting_and_a_hyperlink_in_one_word_both_keep_part_of_it():
    """"court" (T2) and the hyperlink's "end." are one word: the alignment placing none,
    the hyperlink was put inside T2 with its own formatting over all of it, and T2 came
    back empty."""
    data = _odt(['<text:p><text:span text:style-name="T1">The team said.</text:span> <text:span '
                 'text:style-name="T2">court</text:span><text:a xlink:type="simple" '
                 'xlink:href="https://a.example/x">end.</text:a></text:p>'])
    out = translate_document(data, "odt", "en", "en-XA", GivenLinks([]), name="f.odt").data
    _office_checks(data, out, "odt")


def test_a_formatting_on_punctuation_alone_keeps_a_character():
    """The unformatted ", " between two spans (neither of them the paragraph's own
    formatting) was placed on no character and written with none: a formatting on
    punctuation alone was not filled like one on words (found with a random seed)."""
    data = _odt(['<text:p text:style-name="P1"><text:span text:style-name="T2">news<text:tab/>'
                 'news news</text:span>, <text:span text:style-name="T1">news news news'
                 '</text:span></text:p>'])
    out = translate_document(data, "odt", "en", "en-XA", GivenLinks([[], [], [], [3]]),
                             name="f.odt").data
    _office_checks(data, out, "odt")


def test_a_line_break_placed_away_from_its_white_space_is_written_once():
    """The break went where the alignment put it, and its ``\n`` in the translation was
    written as a second ``w:br``."""
    data = docx_package('<w:p><w:hyperlink r:id="rId0"><w:r><w:t>news news</w:t><w:br/>'
                        '<w:t xml:space="preserve">news </w:t></w:r></w:hyperlink></w:p>')
    for links in ([[], [0], []], [[], [], [0]]):  # next to a space, and next to none
        out = translate_document(data, "docx", "en", "en-XA", GivenLinks(links),
                                 name="f.docx").data
        _office_checks(data, out, "docx")
        assert paragraph_xml(out, "docx").count("<w:br/>") == 1


def test_a_tab_placed_outside_its_hyperlink_does_not_split_the_hyperlink():
    """A second ``w:hyperlink`` of the same link was written around the tab alone."""
    data = docx_package('<w:p><w:bookmarkStart w:id="0" w:name="b0"/><w:r>'
                        '<w:t xml:space="preserve">news news news </w:t></w:r>'
                        '<w:bookmarkEnd w:id="0"/><w:hyperlink r:id="rId1"><w:r>'
                        '<w:t>news</w:t><w:tab/>'
                        '<w:t xml:space="preserve">news </w:t></w:r></w:hyperlink></w:p>')
    out = translate_document(data, "docx", "en", "en-XA", GivenLinks([[], [], [0]]),
                             name="f.docx").data
    assert paragraph_xml(out, "docx").count("<w:hyperlink") == 1
    _office_checks(data, out, "docx")


def test_a_bookmark_placed_end_first_is_written_start_first():
    """The alignment moved the marked word before the first: ``w:bookmarkEnd`` was
    written before its ``w:bookmarkStart`` (no range)."""
    data = docx_package('<w:p><w:r><w:t xml:space="preserve">news </w:t></w:r>'
                        '<w:bookmarkStart w:id="0" w:name="b0"/><w:r>'
                        '<w:t xml:space="preserve">news </w:t></w:r><w:bookmarkEnd w:id="0"/>'
                        '<w:r><w:t>news</w:t></w:r></w:p>')
    out = translate_document(data, "docx", "en", "en-XA", GivenLinks([[2], [], [0]]),
                             name="f.docx").data
    xml = paragraph_xml(out, "docx")
    assert xml.index("<w:bookmarkStart") < xml.index("<w:bookmarkEnd")
    _office_checks(data, out, "docx")


def test_the_paragraphs_own_formatting_keeps_a_word_when_another_takes_all_of_them():
    """"team" (bold) linked to the first and last words: the bold covered the whole
    paragraph and its plain words (the paragraph's own formatting, which no element
    holds) came back with no word at all."""
    data = docx_package('<w:p><w:r><w:t xml:space="preserve">news court said </w:t></w:r>'
                        '<w:r><w:rPr><w:b/></w:rPr><w:t>team</w:t></w:r></w:p>')
    out = translate_document(data, "docx", "en", "en-XA", GivenLinks([[], [], [], [0, 3]]),
                             name="f.docx").data
    _office_checks(data, out, "docx")
    paragraph = _paragraphs(etree.fromstring(zipfile.ZipFile(io.BytesIO(out)).read(
        "word/document.xml")), "docx")[0]
    assert b"" in {i[1] for i in _docx_items(paragraph) if i[0] == "text" and i[3].strip()}


def test_a_formatting_the_alignment_puts_around_a_hyperlink_keeps_words():
    """The italic and the hyperlink (all bold) were put on the same two words: the
    hyperlink was nested in the italic, its bold took every word, the italic none."""
    data = docx_package('<w:p><w:r><w:rPr><w:i/></w:rPr><w:t xml:space="preserve">news court '
                        '</w:t></w:r><w:hyperlink r:id="rId1"><w:r><w:rPr><w:b/></w:rPr>'
                        '<w:t xml:space="preserve">said team </w:t></w:r></w:hyperlink>'
                        '<w:r><w:t>the end of the day</w:t></w:r></w:p>')
    out = translate_document(data, "docx", "en", "en-XA", GivenLinks([[1], [2], [1], [2]]),
                             name="f.docx").data
    _office_checks(data, out, "docx")


def test_a_void_of_a_hyperlink_placed_with_another_at_its_start_stays_in_one_hyperlink():
    """The soft hyphen (in the hyperlink) and the bookmark start (outside it) both went
    before the hyperlink's words, in that order: the hyperlink was written twice, around
    the soft hyphen and around the words, the bookmark between."""
    data = docx_package('<w:p><w:hyperlink r:id="rId0"><w:r><w:t>news</w:t><w:softHyphen/>'
                        '<w:t xml:space="preserve">room </w:t></w:r></w:hyperlink>'
                        '<w:bookmarkStart w:id="1" w:name="b1"/><w:r><w:t>court said team'
                        '</w:t></w:r><w:bookmarkEnd w:id="1"/></w:p>')
    out = translate_document(data, "docx", "en", "en-XA", GivenLinks([[], [0], [1], [2]]),
                             name="f.docx").data
    assert paragraph_xml(out, "docx").count("<w:hyperlink") == 1
    _office_checks(data, out, "docx")


def test_a_hyperlink_after_a_bookmarked_stretch_keeps_both_its_formattings():
    """The bookmark's end, at the hyperlink's start, was read between the hyperlink's
    first and second formatted runs and closed the hyperlink: the bold run was taken for
    a child of the bookmark end and came back plain, even from ``en-XA``."""
    data = docx_package('<w:p><w:bookmarkStart w:id="0" w:name="b0"/><w:r>'
                        '<w:t xml:space="preserve">news room </w:t></w:r>'
                        '<w:bookmarkEnd w:id="0"/><w:hyperlink r:id="rId1"><w:r><w:rPr>'
                        '<w:color w:val="FF0000"/></w:rPr><w:t xml:space="preserve">été </w:t>'
                        "</w:r><w:r><w:rPr><w:b/></w:rPr><w:t>it's</w:t></w:r></w:hyperlink>"
                        '</w:p>')
    out = translate_document(data, "docx", "en", "en-XA", _pseudo(), name="f.docx").data
    assert differences(data, out, "docx") == []


def test_a_hyperlink_placed_on_a_lone_bracket_still_holds_both_its_formattings():
    """Every word of the hyperlink (italic "court", bold "team") linked to the ")" of
    "(aside)": the hyperlink was put on that one character, the bold and the italic had
    to share it, and the bold came back empty."""
    data = docx_package('<w:p><w:r><w:t xml:space="preserve">news (aside) </w:t></w:r>'
                        '<w:hyperlink r:id="rId1"><w:r><w:rPr><w:i/></w:rPr>'
                        '<w:t xml:space="preserve">court </w:t></w:r><w:r><w:rPr><w:b/></w:rPr>'
                        '<w:t>team</w:t></w:r></w:hyperlink></w:p>')
    # the words as the alignment sees them: news ( aside ) court team
    out = translate_document(data, "docx", "en", "en-XA",
                             GivenLinks([[0], [1], [2], [3], [3], [3]]), name="f.docx").data
    _office_checks(data, out, "docx")


def test_the_paragraphs_own_formatting_shares_words_with_an_element_that_can_spare_them():
    """No word was left for the paragraph's own formatting: it took half of the nearest
    element's, the hyperlink's three letters "ţĥé", and left the hyperlink one letter for
    its italic and its bold (the bold came back empty). It shares the blue "ţéåḿ Ŕöḿé]"
    instead."""
    data = docx_package('<w:p><w:hyperlink r:id="rId0"><w:r><w:rPr><w:i/></w:rPr>'
                        '<w:t xml:space="preserve">news </w:t></w:r><w:r><w:rPr><w:b/></w:rPr>'
                        '<w:t xml:space="preserve">court </w:t></w:r></w:hyperlink><w:r>'
                        '<w:t xml:space="preserve">said the </w:t></w:r><w:r><w:rPr>'
                        '<w:color w:val="FF0000"/></w:rPr><w:t xml:space="preserve">team </w:t>'
                        '</w:r><w:r><w:rPr><w:color w:val="0000FF"/></w:rPr><w:t>Rome</w:t>'
                        '</w:r></w:p>')
    out = translate_document(data, "docx", "en", "en-XA",
                             GivenLinks([[3], [3], [], [], [0, 2], [4, 5]]), name="f.docx").data
    _office_checks(data, out, "docx")


def test_a_hyperlink_left_a_lone_bracket_takes_words_rather_than_the_bracket_again():
    """The hyperlink (italic "news", bold "court") was put on the ")" of "(aside)" and,
    too short for its two formattings, given the nearest free word: that same ")"."""
    data = docx_package('<w:p><w:hyperlink r:id="rId0"><w:r><w:rPr><w:i/></w:rPr>'
                        '<w:t xml:space="preserve">news </w:t></w:r><w:r><w:rPr><w:b/></w:rPr>'
                        '<w:t xml:space="preserve">court </w:t></w:r></w:hyperlink><w:r><w:rPr>'
                        '<w:color w:val="FF0000"/></w:rPr><w:t xml:space="preserve">said 42 </w:t>'
                        '</w:r><w:r><w:t xml:space="preserve">the (aside) </w:t></w:r><w:r><w:rPr>'
                        '<w:color w:val="0000FF"/></w:rPr><w:t>Rome</w:t></w:r></w:p>')
    # the words as the alignment sees them: news court said 42 the ( aside ) Rome
    out = translate_document(data, "docx", "en", "en-XA", GivenLinks(
        [[7], [7], [0], [6], [], [], [], [], [8]]), name="f.docx").data
    _office_checks(data, out, "docx")


def test_a_hyperlink_with_no_words_placed_inside_another_is_written_after_it():
    """The bookmark in a hyperlink of its own (no words: a linked image is the same)
    went after "court", which the alignment put inside the first hyperlink: written in
    its own hyperlink there, it split the first in two."""
    data = docx_package('<w:p><w:hyperlink r:id="rId1"><w:r><w:t xml:space="preserve">news '
                        'court </w:t></w:r></w:hyperlink><w:hyperlink r:id="rId2">'
                        '<w:bookmarkStart w:id="0" w:name="b0"/></w:hyperlink><w:r>'
                        '<w:t>said team</w:t></w:r><w:bookmarkEnd w:id="0"/></w:p>')
    out = translate_document(data, "docx", "en", "en-XA", GivenLinks([[3], [0], [], []]),
                             name="f.docx").data
    assert paragraph_xml(out, "docx").count('r:id="rId1"') == 1
    _office_checks(data, out, "docx")


@pytest.mark.xfail(strict=True, reason=(
    "not fixed yet (about 1 in 3,000 random alignments): nested strikethroughs given only "
    "a block's opening '[' while an emphasis around a code span covers the rest of the "
    "word are written '~~~~[~~~~*~~`...', a code fence; the writer names the block in the "
    "notes (it writes the closest version). A fix moves the shared edge one letter on, "
    "shrinking the code span's start, and starts the strikethrough one character in"))
def test_nested_strikethroughs_next_to_a_code_span_at_a_blocks_start():
    doc = ("*~~`news news`~~* ~~~~news~~~~\n\n~~~~news~~~~.\n\n[^1]: A note.\n\n"
           "[^note]: Another note.\n")
    _md_same(doc, [[], [], [0, 1]])
