"""The reference article (shared/corpus, copied to data/): every row, with news.tsv.

The English sentences carry the names of the corpus README table; the human references
translate them as the table says, so verifying the hits' targets against the aligned
reference sentence is a measure of the matcher and verifier themselves: 37/37 for
Azerbaijani and 37/37 for Italian (one reference renders "from Italy" as the adjective
"italiana", which data/it_derived.tsv accepts for Italia).
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from translate.evaluate import term_score
from translate.glossary import FOUND, default_glossary, match_terms, verify_terms

ALIGNED = Path(__file__).parent / "data" / "khojaly-rome.aligned.tsv"
with ALIGNED.open(encoding="utf-8", newline="") as fh:
    ROWS = list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))

# For each row of the aligned file: the names matched in the English sentence.
EXPECTED_EN = [
    ["Rome", "Santa Maria della Mercede", "Khojaly Genocide"],
    ["Khojaly genocide", "Santa Maria della Mercede", "Rome", "Vatican", "Italy"],
    ["Khojaly genocide", "SIA"],
    ["Azerbaijan", "Holy See", "Ilgar Muxtarov", "Khojaly genocide"],
    ["Khojaly genocide", "Khojaly"],
    [],
    ["European Court of Human Rights", "Khojaly"],
    ['"Justice for Khojaly"'],
    ["Khojaly genocide", "Armenia"],
    ["Rashad Aslanov", "Azerbaijan", "Italy", "Khojaly", "Karabakh"],
    ["Khojaly genocide"],
    ["Khojaly"],
    ["Khojaly genocide", "Azerbaijan", "Khojaly"],
    ["Khojaly"],
    ["Khojaly"],
    ["Khojaly", "Khojaly"],
    ["Orchestra dell'Accademia Sannita", "Italy"],
    [],
]

# Where a human reference does not use the glossary term (row, target).
NOT_TRANSLATED_WITH_THE_TERM: set[tuple[str, int, str]] = set()


def test_the_copy_has_every_row():
    assert len(ROWS) == len(EXPECTED_EN) == 18


@pytest.mark.parametrize("row", range(len(EXPECTED_EN)))
def test_english_sentences_find_the_names(row):
    found = [h.surface for h in match_terms(ROWS[row]["en"], default_glossary(), "en", "az")]
    assert found == EXPECTED_EN[row]


@pytest.mark.parametrize("tgt", ["az", "it"])
@pytest.mark.parametrize("row", range(len(EXPECTED_EN)))
def test_reference_translations_carry_the_terms(row, tgt):
    hits = match_terms(ROWS[row]["en"], default_glossary(), "en", tgt)
    for check in verify_terms(ROWS[row][tgt], hits, tgt):
        expected = (tgt, row, check.hit.target) not in NOT_TRANSLATED_WITH_THE_TERM
        assert (check.status == FOUND) == expected, (check, ROWS[row][tgt])


def test_inflected_names_in_the_azerbaijani_reference():
    suffixes = {}
    for row in ROWS:
        for h in match_terms(row["az"], default_glossary(), "az", "en"):
            suffixes.setdefault(h.surface + h.suffix, h.cases)
    for word, cases in [("Müqəddəs Taxt-Tacdakı", ("locative_attr",)),
                        ("Xocalıda", ("locative",)), ('"Xocalıya ədalət"', ()),
                        ("İtaliyadakı", ("locative_attr",)), ("Romanın", ("genitive",)),
                        ("Azərbaycanın", ("genitive",)), ("Romadakı", ("locative_attr",)),
                        ("Ermənistanın", ("genitive",)), ("Vatikanın", ("genitive",))]:
        assert suffixes[word] == cases


def test_human_reference_term_accuracy():
    en = [r["en"] for r in ROWS]
    az = term_score(en, [r["az"] for r in ROWS], "en", "az", default_glossary())
    it = term_score(en, [r["it"] for r in ROWS], "en", "it", default_glossary())
    assert (az.found, az.hits, az.accuracy) == (37, 37, 1.0)
    assert (it.found, it.hits, it.accuracy) == (37, 37, 1.0)


def test_place_name_adjectives_count_as_the_name_in_translations():
    hits = match_terms("the orchestra from Italy", default_glossary(), "en", "it")
    assert [c.status for c in verify_terms("l'orchestra italiana", hits, "it")] == [FOUND]
    hits = match_terms("Azərbaycan bayrağı", default_glossary(), "az", "en")
    assert [c.status for c in verify_terms("the Azerbaijani flag", hits, "en")] == [FOUND]
    assert [c.status for c in verify_terms("the flag", hits, "en")] == ["missing"]


def test_campaign_name_matches_only_when_quoted():
    hits = match_terms('"Xocalıya ədalət" kampaniyası və Xocalıya ədalət məsələsi',
                       default_glossary(), "az", "en")
    assert [h.surface for h in hits] == ['"Xocalıya ədalət"', "Xocalı"]
    assert hits[1].suffix == "ya"  # the town, in the dative: ordinary words


def test_headline_case_counts_as_the_term_in_translations():
    hits = match_terms("Xocalı soyqırımının ildönümü", default_glossary(), "az", "en")
    assert [c.status for c in verify_terms("the Khojaly Genocide anniversary", hits, "en")] \
        == [FOUND]
    hits = match_terms("Khojaly genocide", default_glossary(), "en", "az")
    assert [c.status for c in verify_terms("XOCALI SOYQIRIMI", hits, "az")] == ["missing"]
