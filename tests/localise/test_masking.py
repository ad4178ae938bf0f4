"""translate.masking: tokens never collide with the text, restore touches only its own
tokens, and what an output lost or repeated is reported."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from translate.masking import LETTER_STYLES, mask_spans, problems, restore, token_count


def test_a_token_already_in_the_text_is_never_used_as_a_mask():
    m = mask_spans("Keep __PH0__ and qx1 and %s", [(25, 27, "printf")])
    assert "__PH0__" not in m.tokens and "__QX0__" not in m.tokens
    # the look-alikes in the text come back untouched, the mask is restored
    out = restore(m.text.replace("Keep", "Tieni"), m)
    assert out == "Tieni __PH0__ and qx1 and %s"


def test_restore_touches_only_its_own_tokens():
    m = mask_spans("a %s b", [(2, 4)])
    assert restore("x __PH0__ __PH7__ y", m) == "x %s __PH7__ y"
    assert [p.kind for p in problems("x __PH0__ __PH7__ y", m)] == ["invented"]


def test_problems_report_lost_and_repeated_tokens():
    m = mask_spans("%s and %d", [(0, 2), (7, 9)])
    found = problems("__ph0__ e __PH0__", m)
    assert [(p.kind, p.original) for p in found] == [("repeated", "%s"), ("lost", "%d")]
    assert problems("__PH0__ e __ PH1 __", m) == []


def test_glossary_style_tokens_and_restore_map():
    text = "Visit Şuşa and ZQ0QZ"
    m = mask_spans(text, [(6, 10, "term")], styles=LETTER_STYLES)
    assert m.restore_map == {"QX0XQ": "Şuşa"}
    assert restore("Visita QX0XQ e ZQ0QZ", m) == "Visita Şuşa e ZQ0QZ"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="aPpHhQqXx_0123 %s", max_size=30), st.data())
def test_restore_of_the_masked_text_is_the_text(text, data):
    cuts = sorted(data.draw(st.lists(st.integers(0, len(text)), max_size=6)))
    spans = [(cuts[i], cuts[i + 1]) for i in range(0, len(cuts) - 1, 2)]
    m = mask_spans(text, spans)
    assert restore(m.text, m) == text
    assert problems(m.text, m) == []
    assert token_count(m.text, m.style) == len(spans)
