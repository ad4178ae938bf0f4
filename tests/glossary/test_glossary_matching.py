"""Matching terms in source text and verifying them in translations, per language."""

from __future__ import annotations

import pytest

from translate.glossary import (
    FOUND,
    MALFORMED,
    MISSING,
    Glossary,
    default_glossary,
    match_terms,
    verify_terms,
)
from translate.glossary.model import Concept, Term


def glossary(*rows: tuple[str, str, str]) -> Glossary:
    return Glossary(tuple(
        Concept(tuple(Term(lang, tuple(f for f in cell.split("|") if f))
                      for lang, cell in zip(("en", "az", "it"), row, strict=True)))
        for row in rows))


G = default_glossary()


def hits(text: str, src: str, tgt: str = "en", g: Glossary = G) -> list[tuple[str, str]]:
    return [(h.surface, h.suffix) for h in match_terms(text, g, src, tgt)]


# ------------------------------------------------------------------------ English source


@pytest.mark.parametrize("text, expected", [
    ("Azerbaijan's ambassador", [("Azerbaijan", "'s")]),
    ("Azerbaijan’s ambassador", [("Azerbaijan", "’s")]),
    ("in Azerbaijan.", [("Azerbaijan", "")]),
    ("(Azerbaijan)", [("Azerbaijan", "")]),
    ("the Rome-based group", [("Rome", "")]),
    ("Holy\nSee", [("Holy\nSee", "")]),
    ("the Holy  See's envoy", [("Holy  See", "'s")]),
])
def test_english_positive(text, expected):
    assert hits(text, "en", "az") == expected


@pytest.mark.parametrize("text", [
    "Azerbaijanis living in the country",  # no plural/demonym: a different word
    "Armenians",
    "Romeo and Juliet",
    "the rome of it",  # "Rome" has a capital: matches only as written
    "ROME",
    "O'Rome",  # glued with an apostrophe to a word before it
    "Baku2024",
])
def test_english_negative(text):
    assert hits(text, "en", "az") == []


def test_english_possessive_is_a_genitive_for_azerbaijani():
    [hit] = match_terms("Azerbaijan's flag", G, "en", "az")
    assert (hit.start, hit.end, hit.word_end) == (0, 10, 12)
    assert hit.cases == ("genitive",) and hit.target == "Azərbaycan"


def test_longest_match_first_and_no_overlap():
    text = 'The European Court of Human Rights ruled on Khojaly; "Justice for Khojaly".'
    got = [(h.surface, h.target) for h in match_terms(text, G, "en", "az")]
    assert got == [("European Court of Human Rights", "Avropa İnsan Hüquqları Məhkəməsi"),
                   ("Khojaly", "Xocalı"), ('"Justice for Khojaly"', '"Xocalıya ədalət"')]


def test_lower_case_entries_match_in_any_case():
    g = glossary(("genocide", "soyqırımı", "genocidio"))
    assert hits("Genocide and GENOCIDE and genocide", "en", "az", g) == [
        ("Genocide", ""), ("GENOCIDE", ""), ("genocide", "")]


def test_alternative_spellings_map_to_the_canonical_target():
    [hit] = match_terms("Khodjaly", G, "en", "it")
    assert (hit.surface, hit.source, hit.target) == ("Khodjaly", "Khojaly", "Khojaly")


def test_offsets_refer_to_the_original_text_even_when_not_nfc():
    text = "Re\u0301sume\u0301: S\u0327us\u0327a! in Şuşa"  # decomposed é and ş
    g = glossary(("Shusha", "Şuşa", "Shusha"))
    got = match_terms(text, g, "az", "en")
    assert [(h.start, h.end, h.surface) for h in got] == [
        (10, 16, "S\u0327us\u0327a"), (21, 25, "Şuşa")]


# ------------------------------------------------------------------------ Italian source


@pytest.mark.parametrize("text, article, cases", [
    ("L'ambasciatore dell'Azerbaigian presso la Santa Sede", "dell'", ("genitive",)),
    ("dell’Azerbaigian", "dell’", ("genitive",)),
    ("all'Azerbaigian", "all'", ("dative",)),
    ("l'Azerbaigian", "l'", ()),
    ("L'Azerbaigian", "L'", ()),
    ("nell'Azerbaigian", "nell'", ("locative",)),
    ("sull'Azerbaigian", "sull'", ()),
    ("dall'Azerbaigian", "dall'", ("ablative",)),
    ("in Azerbaigian", "", ()),
])
def test_italian_elision(text, article, cases):
    [hit] = [h for h in match_terms(text, G, "it", "az") if h.source == "Azerbaigian"]
    assert hit.surface == "Azerbaigian" and hit.article == article and hit.cases == cases
    assert text[hit.word_start:hit.start] == article
    assert text[hit.start:hit.end] == "Azerbaigian"


@pytest.mark.parametrize("text", [
    "la Romania",  # Roma is not Romania
    "romano",
    "Romanesco",
    "quattr'Italia",  # not an elided article
    "azerbaigiani",
])
def test_italian_negative(text):
    assert [h for h in hits(text, "it") if h[0] in ("Roma", "Italia", "Azerbaigian")] == []


def test_italian_multiword_with_apostrophe_inside():
    assert hits("la Corte europea dei diritti dell’uomo ha deciso", "it") == [
        ("Corte europea dei diritti dell’uomo", "")]
    assert hits("nel Consiglio d'Europa", "it") == [("Consiglio d'Europa", "")]


# ------------------------------------------------------------------------ Azerbaijani source


@pytest.mark.parametrize("text, surface, suffix, cases", [
    ("Xocalıda baş verən", "Xocalı", "da", ("locative",)),
    ("Xocalının", "Xocalı", "nın", ("genitive",)),
    ("Xocalıya", "Xocalı", "ya", ("dative",)),
    ("Xocalıdakı", "Xocalı", "dakı", ("locative_attr",)),
    ("Müqəddəs Taxt-Tacdakı səfiri", "Müqəddəs Taxt-Tac", "dakı", ("locative_attr",)),
    ("İtaliyadakı", "İtaliya", "dakı", ("locative_attr",)),
    ("Azərbaycanın", "Azərbaycan", "ın", ("genitive",)),
    ("Bakıya", "Bakı", "ya", ("dative",)),
    ("Bakıdan", "Bakı", "dan", ("ablative",)),
    ("Bakıyla", "Bakı", "yla", ("instrumental",)),
    ("Romanın", "Roma", "nın", ("genitive",)),
    ("Romadakılara", "Roma", "dakılara", ("locative_attr", "plural", "dative")),
    ("Gəncədən", "Gəncə", "dən", ("ablative",)),
    ("Şuşada", "Şuşa", "da", ("locative",)),
    ("Qarabağımız", "Qarabağ", "ımız", ("possessive_1pl",)),
    ("Bakıdadır", "Bakı", "dadır", ("locative", "predicative")),
    ("NATO-nun", "NATO", "-nun", ("genitive",)),
    ("BMT-yə", "BMT", "-yə", ("dative",)),
    ("ATƏT-in", "ATƏT", "-in", ("genitive",)),
    ("SİA-nın", "SİA", "-nın", ("genitive",)),
    ("Avropa İttifaqına", "Avropa İttifaqı", "na", ("dative",)),  # compound: pronominal n
    ("Xəzər dənizində", "Xəzər dənizi", "ndə", ("locative",)),
])
def test_azerbaijani_suffix_chains(text, surface, suffix, cases):
    found = match_terms(text, G, "az", "en")
    assert [(h.surface, h.suffix, h.cases) for h in found][:1] == [(surface, suffix, cases)]


def test_azerbaijani_acronym_suffix_with_apostrophe_or_hyphen():
    g = glossary(("ANAS", "AMEA", "ANAS"))
    for text, suffix in [("AMEA-nın", "-nın"), ("AMEA’nın", "’nın"), ("AMEA'da", "'da"),
                         ("AMEA-ya", "-ya"), ("AMEA", "")]:
        [hit] = match_terms(text, g, "az", "en")
        assert (hit.surface, hit.suffix) == ("AMEA", suffix), text


@pytest.mark.parametrize("text", [
    "Romantik musiqi",  # a longer word that merely starts with the term
    "Bakılı",  # -lı is derivational, not a case suffix: no hit
    "Qarabağlı",
    "Xocalıyda",  # wrong buffer consonant
    "Xocalıdaa",
    "Xocalıdə",  # wrong vowel harmony
    "Bakına",  # vowel-final single word: Bakıya, not Bakına
    "Azərbaycanlıların",
    "azərbaycanlılar",
    "Azərbaycannın",
    "Azərbaycanə",
])
def test_azerbaijani_negative(text):
    assert hits(text, "az") == []


def test_azerbaijani_case_folding_for_lower_case_entries():
    g = glossary(("genocide", "soyqırımı", "genocidio"), ("instance", "ilk", ""))
    assert hits("SOYQIRIMI soyqırımının Soyqırımı", "az", "en", g) == [
        ("SOYQIRIMI", ""), ("soyqırımı", "nın"), ("Soyqırımı", "")]
    # Azerbaijani I is dotless: ILK folds to ılk, not ilk; İLK folds to ilk
    assert hits("ILK", "az", "en", g) == []
    assert hits("İLK", "az", "en", g) == [("İLK", "")]


def test_azerbaijani_separator_without_a_suffix_ends_the_word():
    assert hits("Bakı-Tbilisi-Ceyhan kəməri", "az") == [("Bakı-Tbilisi-Ceyhan", "")]
    g = glossary(("Baku", "Bakı", "Baku"))
    assert hits("Bakı-Tbilisi dəmir yolu", "az", "en", g) == [("Bakı", "")]


# ------------------------------------------------------------------------ verification


def check(output: str, source: str, src: str, tgt: str, g: Glossary = G) -> list[str]:
    return [c.status for c in verify_terms(output, match_terms(source, g, src, tgt), tgt)]


@pytest.mark.parametrize("output, status", [
    ("Xocalı", FOUND),
    ("Xocalıda", FOUND),
    ("Xocalıya", FOUND),
    ("Xocalının", FOUND),
    ("Xocalıdakılar", FOUND),
    ("Xocalı'da", FOUND),
    ("Xocalıyda", MALFORMED),
    ("Xocalıdaa", MALFORMED),
    ("Xocalıdə", MALFORMED),
    ("Xocalılı", MALFORMED),
    ("Xocali", MISSING),  # no dotless ı: a different spelling
    ("Khojaly", MISSING),
    ("", MISSING),
])
def test_verify_azerbaijani_target(output, status):
    assert check(output, "in Khojaly", "en", "az") == [status]


def test_verify_azerbaijani_multiword_and_compounds():
    assert check("Müqəddəs Taxt-Tacdakı səfir", "the Holy See", "en", "az") == [FOUND]
    assert check("Müqəddəs Taxt-Tacyda", "the Holy See", "en", "az") == [MALFORMED]
    assert check("Avropa İttifaqının qərarı", "the European Union", "en", "az") == [FOUND]
    assert check("AMEA-nın", "ANAS", "en", "az") == [FOUND]


@pytest.mark.parametrize("output, status", [
    ("Azerbaijan", FOUND),
    ("Azerbaijan's", FOUND),
    ("Azerbaijan’s", FOUND),
    ("(Azerbaijan)", FOUND),
    ("Azerbaijani", FOUND),  # the adjective renders the name (data/en_derived.tsv)
    ("Azerbaijanian", MISSING),
    ("Azerbaijans", MISSING),
    ("azerbaijan", MISSING),
])
def test_verify_english_target(output, status):
    assert check(output, "Azərbaycanın", "az", "en") == [status]


@pytest.mark.parametrize("output, status", [
    ("l'ambasciatore dell'Azerbaigian", FOUND),
    ("dell’Azerbaigian", FOUND),
    ("in Azerbaigian", FOUND),
    ("azerbaigiano", FOUND),  # the adjective renders the name (data/it_derived.tsv)
    ("Azerbaigianese", MISSING),
    ("Azerbaigiano", FOUND),
    ("quattr'Azerbaigian", MISSING),
])
def test_verify_italian_target(output, status):
    assert check(output, "Azərbaycanın", "az", "it") == [status]


def test_verify_counts_each_occurrence_once():
    source = "Khojaly, Khojaly and Khojaly"
    assert check("Xocalı və Xocalıda", source, "en", "az") == [FOUND, FOUND, MISSING]


def test_verify_longer_targets_claim_their_words_first():
    # "Justice for Khojaly" needs "Xocalıya ədalət"; the separate "Khojaly" must not be
    # satisfied by the Xocalı inside it.
    source = 'Khojaly: "Justice for Khojaly"'
    assert check('"Xocalıya ədalət"', source, "en", "az") == [MISSING, FOUND]
    assert check('Xocalı: "Xocalıya ədalət"', source, "en", "az") == [FOUND, FOUND]


def test_verify_reports_where_and_with_what_suffix():
    text = "Səfir Xocalıda idi"
    [c] = verify_terms(text, match_terms("in Khojaly", G, "en", "az"), "az")
    assert (c.status, text[c.start:c.end], c.suffix, c.ok) == (FOUND, "Xocalı", "da", True)


def test_verify_do_not_translate():
    g = glossary(("Facebook", "", ""))
    assert check("Facebook səhifəmizdə", "our Facebook page", "en", "az", g) == [FOUND]
    assert check("Facebookda", "our Facebook page", "en", "az", g) == [FOUND]
    assert check("Feysbuk səhifəmizdə", "our Facebook page", "en", "az", g) == [MISSING]


def test_unknown_language_is_a_user_error():
    from translate.errors import UserError

    with pytest.raises(UserError):
        match_terms("Rome", G, "fr", "en")
    with pytest.raises(UserError):
        verify_terms("Roma", [], "de")
