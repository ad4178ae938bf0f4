"""Placeholder masking, tolerant restore, and message splitting (ICU, lines)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from translate.localise.messages import split_message
from translate.localise.placeholders import (
    Protected,
    find_spans,
    has_words,
    mask,
    restore,
    token_problems,
)

KINDS = [
    ("%s", "printf"), ("%d", "printf"), ("%1$s", "printf"), ("%%", "printf"),
    ("%.2f", "printf"), ("%lu", "printf"), ("%(name)s", "printf"), ("%{name}", "printf"),
    ("{name}", "format"), ("{0}", "format"), ("{}", "format"), ("{name!r:>10}", "format"),
    ("{user.name}", "format"), ("{{count}}", "i18next"), ("$t(common.ok)", "i18next"),
    ("{d, date, short}", "icu-arg"), ("{n, number}", "icu-arg"),
    ("{n, plural, one {# file} other {# files}}", "icu"),
    ("<b>", "tag"), ("</b>", "tag"), ('<a href="/x?a=1&amp;b=2">', "tag"), ("<br/>", "tag"),
    ('<x id="1"/>', "tag"), ("<1>", "tag"), ("</1>", "tag"), ("<!-- note -->", "comment"),
    ("&amp;", "entity"), ("&nbsp;", "entity"), ("&#39;", "entity"), ("&#x2014;", "entity"),
    ("https://example.com/a?b=c", "url"), ("news@example.com", "url"), ("\n", "newline"),
    ("__PH0__", "lookalike"), ("ph 12", "lookalike"),
]


@pytest.mark.parametrize(("ph", "kind"), KINDS)
def test_every_placeholder_kind_is_protected(ph, kind):
    text = f"Read {ph} now"
    spans = find_spans(text)
    assert [(s.text, s.kind) for s in spans] == [(ph, kind)]
    p = mask(text)
    assert p.text == "Read __PH0__ now"
    assert p.originals == (ph,)
    assert restore(p.text, p) == text


def test_plain_percent_and_braces_are_text():
    assert find_spans("100% sure, GRAPH1 {not a field}") == []


def test_icu_hash_is_protected_only_in_plural_branches():
    assert find_spans("# of files") == []
    p = mask("# file", icu_branch=True)
    assert p.text == "__PH0__ file"


def test_restore_tolerates_case_spaces_and_underscores():
    p = mask("Hello %(name)s, you have <b>{count}</b> new messages!")
    assert p.text == "Hello __PH0__, you have __PH1____PH2____PH3__ new messages!"
    for model_output in [
        "Ciao __PH0__, hai __PH1____PH2____PH3__ nuovi messaggi!",
        "Ciao __ph0__, hai __PH1__ __PH2__ __PH3__ nuovi messaggi!",
        "Ciao __ PH0 __, hai __PH 1____PH2__ __PH3__ nuovi messaggi!",
        "Ciao _PH0_, hai PH1 PH2 PH3 nuovi messaggi!",
    ]:
        assert restore(model_output, p) == "Ciao %(name)s, hai <b>{count}</b> nuovi messaggi!"


def test_restore_removes_spaces_the_model_put_before_punctuation():
    p = mask("Total: %d!")
    assert restore("Totale: __PH0__ !", p) == "Totale: %d!"
    p = mask("(%s)")
    assert restore("( __PH0__ )", p) == "(%s)"


def test_restore_keeps_spaces_between_a_moved_token_and_words():
    p = mask("%s's profile")
    assert restore("profilo di __PH0__", p) == "profilo di %s"


def test_dropped_duplicated_and_invented_tokens_are_reported_not_guessed():
    p = mask("Page %1$s of %2$s")
    assert token_problems("Pagina __PH0__ di __PH1__", p) == []
    assert token_problems("Pagina __PH0__ di", p) == \
        ["the model dropped '%2$s' (__PH1__)"]
    assert "repeated" in token_problems("__PH0__ __PH0__ di __PH1__", p)[0]
    assert "invented" in token_problems("__PH0__ di __PH1__ __PH7__", p)[0]
    # restore never invents: a dropped token's placeholder is simply absent
    assert restore("Pagina __PH0__ di", p) == "Pagina %1$s di"
    # and an unknown token stays visible for the leak check
    assert "__PH7__" in restore("__PH0__ di __PH1__ __PH7__", p)


def test_protected_is_frozen_and_knows_its_source():
    p = mask("Hi %s")
    assert isinstance(p, Protected)
    assert p.source == "Hi %s"
    with pytest.raises(AttributeError):
        p.text = "x"  # type: ignore[misc]


def test_has_words():
    assert has_words("Save %s")
    assert not has_words("%s: %d")
    assert not has_words("<b>{{count}}</b> 42 —")


_PIECES = st.sampled_from(
    list("_PpHh0123 %s{}<>&;#/bx!:.\n\r\t'\"$tac(),=-")
    + ["__PH0__", "__PH1__", "PH", "ph", "{n, plural, one {# x} other {y}}", "<b>", "</b>",
       "&amp;", "%(a)s", "{{v}}", "%1$s", "{0}", "https://x.org/", "word"])
ANY_STRING = st.one_of(st.text(), st.lists(_PIECES, max_size=30).map("".join))


@settings(max_examples=600, suppress_health_check=list(HealthCheck), deadline=None)
@given(ANY_STRING, st.booleans())
def test_restore_of_mask_is_identity_for_any_string(text, icu_branch):
    p = mask(text, icu_branch=icu_branch)
    assert restore(p.text, p) == text


@settings(max_examples=400, suppress_health_check=list(HealthCheck), deadline=None)
@given(ANY_STRING)
def test_masked_text_holds_only_our_tokens(text):
    p = mask(text)
    assert token_problems(p.text, p) == []


# ----------------------------------------------------------------------------- splitting


def test_split_keeps_newlines_and_edges_out_of_pieces():
    s = split_message("  Subscribe now.\n\nUnsubscribe any time.\n")
    assert [p.text for p in s.pieces] == ["Subscribe now.", "Unsubscribe any time."]
    assert s.join(["Iscriviti ora.", "Annulla quando vuoi."]) == \
        "  Iscriviti ora.\n\nAnnulla quando vuoi.\n"


def test_split_icu_translates_only_branch_text():
    s = split_message("{count, plural, =0 {No articles} one {# article} other {# articles}}")
    pieces = s.pieces
    assert [p.text for p in pieces] == ["No articles", "# article", "# articles"]
    assert all(p.icu_branch for p in pieces)
    assert s.join(["Nessun articolo", "# articolo", "# articoli"]) == \
        "{count, plural, =0 {Nessun articolo} one {# articolo} other {# articoli}}"


def test_split_icu_inside_text_and_nested_select():
    text = ("You have {n, plural, one {# file} other {# files}} in "
            "{g, select, male {his folder} other {their folder}}.")
    s = split_message(text)
    assert [p.text for p in s.pieces] == [text, "# file", "# files", "his folder",
                                          "their folder"]
    assert not s.pieces[3].icu_branch
    out = s.join([text.replace("You have", "Hai").replace(" in ", " in "), "# file",
                  "# file", "la sua cartella", "la loro cartella"])
    assert out == ("Hai {n, plural, one {# file} other {# file}} in "
                   "{g, select, male {la sua cartella} other {la loro cartella}}.")


def test_split_nothing_to_translate():
    assert split_message("{{count}}").pieces == ()
    assert split_message("%s: %d").join([]) == "%s: %d"


@settings(max_examples=400, suppress_health_check=list(HealthCheck), deadline=None)
@given(ANY_STRING)
def test_split_join_is_identity(text):
    s = split_message(text)
    assert s.join([p.text for p in s.pieces]) == text
