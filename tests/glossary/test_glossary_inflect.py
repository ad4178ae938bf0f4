"""Azerbaijani suffix generation (inflect_az) and analysis, driven by data/az_suffixes.tsv."""

from __future__ import annotations

import pytest

from translate.glossary import AZ_CASES, analyse_az_suffix, inflect_az, match_terms
from translate.glossary import default_glossary as news


@pytest.mark.parametrize("form, case, expected", [
    ("Xocalı", "locative", "Xocalıda"),
    ("Müqəddəs Taxt-Tac", "locative_attr", "Müqəddəs Taxt-Tacdakı"),
    ("İtaliya", "genitive", "İtaliyanın"),
    ("İtaliya", "nominative", "İtaliya"),
    ("Azərbaycan", "genitive", "Azərbaycanın"),
    ("Azərbaycan", "dative", "Azərbaycana"),
    ("Azərbaycan", "accusative", "Azərbaycanı"),
    ("Azərbaycan", "locative", "Azərbaycanda"),
    ("Azərbaycan", "ablative", "Azərbaycandan"),
    ("Azərbaycan", "instrumental", "Azərbaycanla"),
    ("Bakı", "dative", "Bakıya"),
    ("Bakı", "accusative", "Bakını"),
    ("Bakı", "instrumental", "Bakıyla"),
    ("Gəncə", "ablative", "Gəncədən"),
    ("Gəncə", "locative_attr", "Gəncədəki"),
    ("Gəncə", "genitive", "Gəncənin"),
    ("Şuşa", "locative_attr", "Şuşadakı"),
    ("İstanbul", "locative_attr", "İstanbuldakı"),  # -dakı has two-way harmony only
    ("Moskva", "genitive", "Moskvanın"),
    ("Tbilisi", "genitive", "Tbilisinin"),
    ("Tokio", "genitive", "Tokionun"),
    ("Füzuli", "dative", "Füzuliyə"),
    ("Türkiyə", "locative", "Türkiyədə"),
    ("Ağdam", "genitive", "Ağdamın"),
    ("Rusiya", "ablative", "Rusiyadan"),
    ("Özbəkistan", "genitive", "Özbəkistanın"),
    ("Köln", "genitive", "Kölnün"),
    ("Avropa İttifaqı", "dative", "Avropa İttifaqına"),  # compound head: pronominal n
    ("Avropa İttifaqı", "locative", "Avropa İttifaqında"),
    ("Avropa İttifaqı", "genitive", "Avropa İttifaqının"),
    ("Xəzər dənizi", "accusative", "Xəzər dənizini"),
    ("NATO", "genitive", "NATO-nun"),
    ("AMEA", "genitive", "AMEA-nın"),
    ("ATƏT", "genitive", "ATƏT-in"),
    ("BMT", "dative", "BMT-yə"),  # read letter by letter: be-em-te
    ("ABŞ", "locative", "ABŞ-da"),
    ("Qarabağ", "possessive_1pl", "Qarabağımız"),
    ("Roma", ("locative_attr", "plural", "dative"), "Romadakılara"),
    ("Şuşa", "plural+genitive", "Şuşaların"),
])
def test_inflect_by_case_name(form, case, expected):
    assert inflect_az(form, case) == expected


@pytest.mark.parametrize("form, suffix, expected", [
    ("Gəncə", "dan", "Gəncədən"),  # a suffix seen after another stem, re-harmonised
    ("Bakı", "dakı", "Bakıdakı"),
    ("Gəncə", "dakı", "Gəncədəki"),
    ("Xocalı", "-nın", "Xocalının"),
    ("Azərbaycan", "nın", "Azərbaycanın"),  # buffer consonant dropped after a consonant
    ("NATO", "ın", "NATO-nun"),
])
def test_inflect_by_suffix_transfer(form, suffix, expected):
    assert inflect_az(form, suffix) == expected


def test_inflect_with_source_hit_cases():
    hit = match_terms("Azerbaijan's ambassador", news(), "en", "az")[0]
    assert inflect_az(hit.target, hit.cases) == "Azərbaycanın"
    hit = match_terms("nell'Italia", news(), "it", "az")[0]
    assert inflect_az(hit.target, hit.cases) == "İtaliyada"
    hit = match_terms("Romadakı səfir", news(), "az", "az")[0]
    assert inflect_az(hit.target, hit.suffix) == "Romadakı"


@pytest.mark.parametrize("case", ["vocative", "xyz", "plural+vocative"])
def test_inflect_rejects_unknown_cases(case):
    with pytest.raises(ValueError):
        inflect_az("Bakı", case)


def test_inflect_rejects_impossible_orders():
    with pytest.raises(ValueError, match="cannot follow"):
        inflect_az("Bakı", ("genitive", "plural"))


def test_every_generated_form_is_analysed_back():
    for form in ("Xocalı", "Azərbaycan", "Gəncə", "Şuşa", "NATO", "BMT", "Avropa İttifaqı",
                 "Müqəddəs Taxt-Tac", "Köln", "Tokio"):
        for case in AZ_CASES:
            word = inflect_az(form, case)
            suffix = word[len(form):]
            expected = () if case == "nominative" else (case,)
            assert analyse_az_suffix(form, suffix) == expected, (form, case, word)


def test_analyse_rejects_bad_chains():
    assert analyse_az_suffix("Xocalı", "yda") is None
    assert analyse_az_suffix("Xocalı", "daa") is None
    assert analyse_az_suffix("Bakı", "lı") is None
    assert analyse_az_suffix("Roma", "ntik") is None
    assert analyse_az_suffix("Roma", "") == ()
