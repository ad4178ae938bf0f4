"""Properties of HTML translation on generated documents with nested inline markup
(issue 23), derandomized and bounded (a few seconds each):

* to en-XA (the real pseudo-locale, no model) every document comes back with the oracle
  property of tests/oracle_html.py: every tag in place, every element around its words;
* for ANY word alignment (random links between the source's and the pseudo text's words,
  fed through the real pipeline: segmentation, projection, writing) the output is
  well-formed, every element is there once and not empty, and the text is the translation
  with nothing else changed.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from oracle_html import compare, norm
from random_links import RandomLinks

from translate import Translator
from translate.documents import translate_document

WORDS = ["word", "Rome", "the", "church", "was", "full", "non-standalone", "e-mail",
         "don't", "42", "x", "Khojaly's", "(aside)", "end.", "Yes!", "a,b", "\u00e9t\u00e9"]
GAPS = [" ", " ", " ", "", "\n  ", "&nbsp;", " &amp; ", ", ", ". ", "&#160;"]
INLINE = ["b", "i", "em", "strong", "span", "a", "small", "sup", "label"]


def _open(tag: str) -> str:
    return {"a": '<a href="/x?a=1&amp;b=2">', "span": '<span class="s">'}.get(tag, f"<{tag}>")


@st.composite
def _text(draw) -> str:
    n = draw(st.integers(1, 4))
    out = []
    for k in range(n):
        if k:
            out.append(draw(st.sampled_from(GAPS)))
        out.append(draw(st.sampled_from(WORDS)))
    return "".join(out)


def _inline(children: st.SearchStrategy[list[str]]) -> st.SearchStrategy[str]:
    element = st.tuples(st.sampled_from(INLINE), children).map(
        lambda t: _open(t[0]) + "".join(t[1]) + f"</{t[0]}>")
    kept = children.map(lambda c: '<span translate="no">' + "".join(c) + "</span>")
    code = _text().map(lambda t: f"<code>{t}</code>")
    return st.one_of(element, element, kept, code)


LEAF = st.one_of(_text(), _text(), st.sampled_from(
    [" ", "<br>", '<img src="i.png" alt="An icon">', "<!-- note -->",
     '<svg viewBox="0 0 1 1"><title>Icon</title><path d="M0 0"/></svg>']))
CONTENT = st.recursive(st.lists(LEAF, min_size=1, max_size=4),
                       lambda inner: st.lists(st.one_of(LEAF, _inline(inner)), min_size=1,
                                              max_size=4),
                       max_leaves=12)


@st.composite
def documents(draw) -> str:
    blocks = []
    for _ in range(draw(st.integers(1, 3))):
        tag = draw(st.sampled_from(["p", "li", "h2", "div", "td"]))
        body = "".join(draw(CONTENT))
        if draw(st.booleans()):  # a link around block content (valid HTML5)
            body = f'<a href="/y"><div>{body}</div> {draw(_text())}</a>'
        blocks.append(f"<{tag}>{body}</{tag}>")
    return "<div>\n" + "\n".join(blocks) + "\n</div>\n"


PSEUDO = Translator(glossary=False)


@settings(max_examples=150, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_generated_markup_round_trips_to_en_xa_with_every_element_around_its_words(doc):
    result = translate_document(doc.encode(), "html", "en", "en-XA", PSEUDO)
    assert compare(doc, result.text) == []
    assert not result.notes


# ----------------------------------------------------------------------------- any alignment

class _Tree(HTMLParser):
    """Elements of a document with their text, checking that it nests; the text inside
    never-translated elements (``code``, ``translate="no"``) apart."""

    VOID = {"br", "img", "wbr", "input", "hr", "meta", "link"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[list] = []
        self.elements: list[list] = []  # [tag, attrs, text]
        self.text: list[str] = []  # outside never-translated elements
        self.full: list[str] = []  # all of it
        self.errors: list[str] = []

    def kept(self) -> bool:
        return any(el[0] in ("code", "svg") or ("translate", "no") in el[1]
                   for el in self.stack)

    def handle_starttag(self, tag, attrs):
        el = [tag, attrs, ""]
        self.elements.append(el)
        if tag not in self.VOID:
            self.stack.append(el)

    def handle_startendtag(self, tag, attrs):
        self.elements.append([tag, attrs, ""])

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1][0] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1][0] if self.stack else None}")
            return
        self.stack.pop()

    def handle_data(self, data):
        self.full.append(data)
        if not self.kept():
            self.text.append(data)
        for el in self.stack:
            el[2] += data


def _tree(text: str) -> _Tree:
    t = _Tree()
    t.feed(text)
    t.close()
    return t


def _subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(ch in it for ch in short)


@settings(max_examples=150, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(documents(), st.data())
def test_any_word_alignment_gives_well_formed_output_with_every_element_once(doc, data):
    result = translate_document(doc.encode(), "html", "en", "en-XA", RandomLinks(data))
    out = result.text
    src_tree, out_tree = _tree(doc), _tree(out)
    assert out_tree.errors == [] and not out_tree.stack  # well-formed
    # every element once (a translation may reorder them), attributes as they were,
    # never-translated ones with their own text, and none that had text is empty (the
    # alignment may put an element's words on punctuation)
    def key(el):
        kept = el[0] in ("code", "svg") or ("translate", "no") in el[1]
        attrs = [(k, norm(v or "")) for k, v in el[1]]  # alt="An icon" is translated
        return el[0], attrs, el[2] if kept else ""

    assert sorted(map(key, out_tree.elements)) == sorted(map(key, src_tree.elements))
    for k in {repr(key(el)) for el in src_tree.elements}:
        def with_text(tree, k=k):
            return sum(1 for el in tree.elements if repr(key(el)) == k and el[2].strip())
        assert with_text(out_tree) >= with_text(src_tree), f"an element {k} came back empty"
    # nothing outside the translated text changed: the text outside never-translated
    # elements is the translation, in order, less the words that the alignment gave to
    # a never-translated element (its original is written there instead)
    assert _subsequence(norm("".join(out_tree.text)), norm("".join(src_tree.full)))
    assert re.findall(r"<!--.*?-->", out, re.S) == re.findall(r"<!--.*?-->", doc, re.S)
