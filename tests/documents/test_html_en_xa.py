"""Regression tests for the HTML defects the en-XA oracle found on real pages (issue 23),
each on a few lines of HTML through the API; en-XA loads no model and aligns each word
to itself, so the output is exact: the input with the letters accented and each segment
in brackets."""

from __future__ import annotations

import pytest

from translate import Translator
from translate.documents import translate_document
from translate.pseudo import accent


@pytest.fixture(scope="module")
def xa():
    return Translator(glossary=False)


def run(xa, html: str):
    return translate_document(html.encode(), "html", "en", "en-XA", xa, name="t.html")


def x(text: str) -> str:
    return accent(text)


def test_a_link_around_block_content_is_valid_html5_and_is_not_repaired(xa):
    src = ('<div><a href="/story"><div class="logo">Logo text</div>'
           '<p>The summary of it.</p></a></div>\n'
           '<div><a href="/x">Read <span>more <div>inside</div> here</span> now</a></div>')
    result = run(xa, src)
    assert result.text == (
        f'<div><a href="/story"><div class="logo">[{x("Logo text")}]</div>'
        f'<p>[{x("The summary of it")}.]</p></a></div>\n'
        f'<div><a href="/x">[{x("Read")} <span>{x("more")}] <div>[{x("inside")}]</div> '
        f'[{x("here")}</span> {x("now")}]</a></div>')
    assert result.notes == ()


def test_an_icon_in_a_link_stays_in_the_link_with_its_words(xa):
    svg = '<svg viewBox="0 0 8 8"><title>Share</title><path d="M0 0h8"/></svg>'
    src = f'<p>Click <a href="/s">{svg} Share this</a> now.</p>'
    assert run(xa, src).text == (f'<p>[{x("Click")} <a href="/s">{svg} {x("Share this")}</a> '
                                 f'{x("now")}.]</p>')


def test_adjacent_sibling_spans_stay_siblings(xa):
    src = '<p><span>one</span><span>two</span> <em>three</em>, four.</p>'
    assert run(xa, src).text == (f'<p>[<span>{x("one")}</span><span>{x("two")}</span> '
                                 f'<em>{x("three")}</em>, {x("four")}.]</p>')


@pytest.mark.parametrize("src", [
    "<p>Do we need <em>non</em>-standalone Wasm?</p>",
    '<p>as <em>email alerts</em>,<sup><a href="#n22">22</a></sup> and pages.</p>',
    '<p>[<a href="/t">txt</a>|<a href="/p">pdf</a>] formats</p>',
    '<p><a href="/a"><span>developer survey<!----></span></a><a href="/b"><span>DevSecOps'
    '<!----></span></a></p>',
])
def test_words_stay_in_the_element_that_cuts_them(xa, src):
    out = run(xa, src).text
    # every element wraps exactly its own letters, accented
    assert out.replace("[", "").replace("]", "") == _accent_text(src).replace("[", "").replace(
        "]", "")


@pytest.mark.parametrize("src", [
    '<li><a href="/t">Twitter<span> (@mozilla)</span></a></li>',
    '<h2>Designed to <br class="wide">be redesigned</h2>',
    '<p>the same price tag of<b>&nbsp;</b>$35 today.</p>',
    '<p><span><b>&#160;Priority:</b> labels first.&#160;</span></p>',
    '<p>Alan Goodale <span class="photo"><img src="a.png"></span> <span>says:</span></p>',
    '<p>Bureau | <a href="/p">Privacy</a><img src="b.png"> | <img src="c.png"> <a href="/t">'
    'Terms</a></p>',
])
def test_spaces_do_not_cross_tags(xa, src):
    out = run(xa, src).text
    assert out.replace("[", "").replace("]", "") == _accent_text(src).replace(
        "&nbsp;", "\u00a0").replace("[", "").replace("]", "").replace(
        "@ḿöžîĺĺå", "@mozilla")  # a handle is kept as it is (#23)


def _accent_text(html: str) -> str:
    """``html`` with the letters of its text (not of its tags) accented."""
    out, inside = [], False
    for ch in html:
        if ch == "<":
            inside = True
        if ch == "&":
            inside = True  # an entity: kept
        out.append(ch if inside else accent(ch))
        if ch == ">" or (ch == ";" and inside and "&" in "".join(out[-8:])):
            inside = False
    return "".join(out)


@pytest.mark.parametrize("link", [
    '<a href="https://e.com/x"><span class="invisible">https://</span>'
    '<span class="">e.com/x</span><span class="invisible"></span></a>',
    '<a href="https://m.social/@bob" class="u-url mention">@<span>bob</span></a>',
    '<a href="https://m.social/tags/rust" class="mention hashtag">#<span>rust</span></a>',
    '<a href="mailto:desk@example.org">desk@example.org</a>',
    '<a href="https://example.org/a">www.example.org/a</a>',
])
def test_a_link_whose_text_is_a_url_an_address_or_a_handle_is_kept_as_it_is(xa, link):
    out = run(xa, f"<p>Ask {link} about it.</p>").text
    assert out == f'<p>[{x("Ask")} {link} {x("about it")}.]</p>'


def test_words_next_to_a_never_translated_element_are_kept(xa):
    src = ('<p>Use <span translate="no">Foo</span>Bar and <code>run()</code>ning, '
           'ask <a href="/u/bob" class="mention">@bob</a>today.</p>')
    assert run(xa, src).text == (
        f'<p>[{x("Use")} <span translate="no">Foo</span>{x("Bar and")} <code>run()</code>'
        f'{x("ning")}, {x("ask")} <a href="/u/bob" class="mention">@bob</a>{x("today")}.]</p>')


def test_crossed_end_tags_are_kept_as_written_and_said(xa):
    result = run(xa, "<p>Some <b>bold <i>both</b> italic</i> plain.</p>")
    assert result.text == (f'<p>[{x("Some")} <b>{x("bold")} <i>{x("both")}</b> '
                           f'{x("italic")}</i> {x("plain")}.]</p>')
    assert len(result.notes) == 1 and "kept as it was" in result.notes[0]
    assert "<i> at line 1 crosses </b>" in result.notes[0]


def test_an_element_its_block_closes_is_still_repaired_and_said(xa):
    result = run(xa, "<p>Some <b>bold</p><p>Next</p>")
    assert result.text == f'<p>[{x("Some")} <b>{x("bold")}</b>]</p><p>[{x("Next")}]</p>'
    assert result.notes == ("t.html: invalid HTML repaired: <b> at line 1 not closed "
                            "before </p>",)


def test_an_element_left_open_at_the_end_of_a_fragment_gets_no_end_tag(xa):
    result = run(xa, "<li>Open <b>to the end")
    assert result.text == f"<li>[{x('Open')} <b>{x('to the end')}]"
    assert result.notes == ()


def test_old_style_anchors_left_open_are_closed_by_the_next_link(xa):
    # <a name> never closed, before each heading (old pages): a browser closes each at the
    # next <a>, so they do not nest 200 deep; nothing is added or said
    src = "".join(f'<a name="s{i}"><h2>Part {i}</h2><p>See <a href="#s{i}">this</a>.</p>'
                  for i in range(200))
    result = run(xa, src)
    assert result.text == "".join(
        f'<a name="s{i}"><h2>[{x("Part")} {i}]</h2><p>[{x("See")} <a href="#s{i}">'
        f'{x("this")}</a>.]</p>' for i in range(200))
    assert result.notes == ()
