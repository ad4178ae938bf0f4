"""Properties that hold for any input: offsets slice the original text, the segments and
the gaps between them rebuild it exactly, gaps are white space, segments are non-empty
and stripped, and paragraphs are segmented independently of each other."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from translate.segment import segment

from .helpers import check_offsets

LANGS = st.sampled_from(["en", "az", "it"])

# Any Unicode, with line breaks, CR, NUL, combining marks and BOMs made likely.
ANY_TEXT = st.text(
    alphabet=st.one_of(
        st.characters(),
        st.sampled_from(["\n", "\r", "\x00", "\u0307", "\u0301", "\ufeff",
                         "\u2028", "\u2029", "\x0c", "\x85", "\xa0", " ", "\t"]),
    ),
    max_size=300,
)

# Fragments that reach the interesting rules: abbreviations, initials, numbers, quotes,
# brackets, ellipses, list markers, URLs, and every kind of white space between them.
FRAGMENTS = st.sampled_from([
    "Mr.", "Dr.", "U.S.", "a.m.", "etc.", "No.", "p.", "prof.", "dos.", "mln.", "küç.",
    "ş.", "və s.", "e.ə.", "Dott.", "Prof.ssa", "S.p.A.", "pagg.", "n.", "ecc.", "l'Avv.",
    "R.", "İ.", "Ə.", "I.", "a.", "b.", "1.", "2.", "1)", "2.)", "•", "⁃", "-", "*",
    "word", "Word", "İndi", "Bu", "The", "Il", "2010-cu", "22.04.2010", "10.00", "1,5",
    "www.stat.gov.az", "jane@example.com", "https://x.it/a.html", "«", "»", "“", "”",
    '"', "'", "‘", "’", "(", ")", "[", "]", "...", "…", ". . .", ".", "!", "?", "?!",
    ",", ";", ":", "x", "ı", "İ",
    # quotations, attributions and the abbreviations of issue #15
    "Oct.", "Blvd.", "Ave.", "NW", "Sens.", "Gov.", "D.C.", "Fla.", "d.C.", "a.C.", "79",
    "VII", "a)", "b)", "lett.", "Mr.", "Jr.", "said", "added", "bildirib", "deyə", "detto",
    "Hammel", "!'\"", "?\"", "!»", ".»", "„", "‹", "›", "(Manzoni)", " / ", "–", "—",
])
SPACES = st.sampled_from([" ", " ", " ", "", "\n", "\r\n", "\n\n", "\r\n\r\n", "\t",
                          "\u2029", "\xa0", "\n \n"])
NEWS_TEXT = st.lists(st.tuples(FRAGMENTS, SPACES), max_size=60).map(
    lambda parts: "".join(f + s for f, s in parts))

TEXTS = st.one_of(ANY_TEXT, NEWS_TEXT)


@settings(max_examples=400, deadline=None)
@given(text=TEXTS, lang=LANGS)
def test_segments_slice_and_rebuild_the_text(text: str, lang: str) -> None:
    check_offsets(text, segment(text, lang))


@settings(max_examples=300, deadline=None)
@given(text=TEXTS, lang=LANGS)
def test_no_segment_crosses_a_paragraph_break(text: str, lang: str) -> None:
    import re

    brk = r"(?>\r\n|[\r\n\x0b\x85\u2028])"
    blank_line = re.compile(
        rf"{brk}[^\S\r\n\x0b\x85\u2028\x0c\x1c-\x1e\u2029]*{brk}|[\x0c\x1c-\x1e\u2029]")
    for seg in segment(text, lang):
        assert not blank_line.search(seg.text)


@settings(max_examples=300, deadline=None)
@given(first=TEXTS, second=TEXTS, lang=LANGS)
def test_paragraphs_are_independent(first: str, second: str, lang: str) -> None:
    second = second.lstrip("\ufeff")  # a BOM is only skipped at the very start
    joined = first + "\n\n" + second
    offset = len(first) + 2
    expected = [s.text for s in segment(first, lang)] + [s.text for s in segment(second, lang)]
    got = segment(joined, lang)
    assert [s.text for s in got] == expected
    tail = got[len(got) - len(segment(second, lang)):]
    assert [s.start - offset for s in tail] == [s.start for s in segment(second, lang)]
