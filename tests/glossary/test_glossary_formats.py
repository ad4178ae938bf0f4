"""Loading glossaries: TSV/CSV/TBX, every checked problem as FILE:LINE, merging."""

from __future__ import annotations

import filecmp
from pathlib import Path

import pytest

from translate.errors import InputFileError
from translate.glossary import (
    Glossary,
    check_file,
    default_glossary,
    load_glossary,
    match_terms,
)
from translate.glossary.load import default_glossary_path

REPO = Path(__file__).resolve().parents[2]
NEWS = REPO / "glossaries" / "news.tsv"
PACKAGED = REPO / "translate" / "glossary" / "data" / "news.tsv"


def write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    p = tmp_path / name
    if isinstance(text, bytes):
        p.write_bytes(text)
    else:
        p.write_text(text, encoding="utf-8")
    return p


# ------------------------------------------------------------------------ TSV / CSV


def test_tsv_alternatives_comments_note_and_canonical(tmp_path):
    p = write(tmp_path, "g.tsv", "# comment\nen\taz\tit\tnote\n"
                                 "Khojaly|Khodjaly|Hojaly\tXocalı\tKhojaly\ta town\n"
                                 "  # indented comment\nRome\tRoma\tRoma\t\n")
    g = load_glossary(p)
    assert len(g) == 2 and g.languages == ("en", "az", "it")
    khojaly = g.concepts[0]
    assert khojaly.term("en").forms == ("Khojaly", "Khodjaly", "Hojaly")
    assert khojaly.term("az").canonical == "Xocalı"
    assert khojaly.note == "a town" and khojaly.origin == f"{p}:3"
    entries = {e.form: e for e in g.for_pair("en", "az")}
    assert entries["Hojaly"].source == "Khojaly" and entries["Hojaly"].target == "Xocalı"


def test_csv_with_quoting_bom_and_crlf(tmp_path):
    p = write(tmp_path, "g.csv", "\ufeffen,it\r\n\"Council of Europe\",\"Consiglio d'Europa\"\r\n"
                                 "\"Rome, the city\",Roma\r\n")
    g = load_glossary(p)
    assert [c.term("it").canonical for c in g] == ["Consiglio d'Europa", "Roma"]
    assert g.concepts[1].term("en").canonical == "Rome, the city"


def test_empty_target_cell_keeps_the_source_form(tmp_path):
    p = write(tmp_path, "g.tsv", "en\taz\tit\nFacebook\t\t\nRome\tRoma\tRoma\n")
    g = load_glossary(p)
    [hit] = match_terms("All news on our Facebook page", g, "en", "az")
    assert hit.keep and hit.target == "Facebook" and hit.surface == "Facebook"
    # the empty az cell has no source forms: nothing to match from Azerbaijani
    assert match_terms("Facebook səhifəmizdə", g, "az", "en") == []


def test_absent_column_is_unknown_not_do_not_translate(tmp_path):
    a = write(tmp_path, "a.tsv", "en\taz\nRome\tRoma\n")
    g = load_glossary(a)
    assert g.for_pair("en", "it") == ()
    assert match_terms("Rome", g, "en", "it") == []


@pytest.mark.parametrize("text, line, fragment", [
    ("", 1, "empty file"),
    ("   \n\n", 1, "empty file"),
    ("# only a comment\n", 1, "no header row"),
    ("Rome\tRoma\tRoma\n", 1, "no header row"),
    ("en\taz\tfr\nRome\tRoma\tRome\n", 1, "unknown language column 'fr'"),
    ("en\taz\taz\nRome\tRoma\tRoma\n", 1, "appears 2 times"),
    ("en\tnote\nRome\tcity\n", 1, "at least two"),
    ("en\taz\tit\nRome\tRoma\tRoma\n\nItaly\tİtaliya\tItalia\n", 3, "empty row"),
    ("en\taz\tit\nRome\tRoma\tRoma\n\t\t\n", 3, "empty row"),
    ("en\taz\tit\tnote\nRome\tRoma\tRoma\nItaly\tİtaliya\tItalia\t\n", 2,
     "3 columns, but the header has 4"),
    ("en\taz\tit\nRome\tRoma\tRoma\tx\n", 2, "4 columns"),
    ("en\taz\tit\tnote\n\t\t\tjust a note\n", 2, "only a note"),
    ("en\taz\nRome||Roma\tRoma\n", 2, "empty alternative"),
    ("en\taz\tit\nGeorgia\tGürcüstan\tGeorgia\nRome\tRoma\tRoma\nGeorgia\tCorciya\tGeorgia\n",
     4, "'Georgia' is also on line 2 with a different az target"),
])
def test_problems_are_reported_with_file_and_line(tmp_path, text, line, fragment):
    p = write(tmp_path, "bad.tsv", text)
    problems = check_file(p)
    assert problems, text
    assert problems[0].startswith(f"{p}:{line}: ") and fragment in problems[0], problems
    with pytest.raises(InputFileError) as err:
        load_glossary(p)
    assert err.value.line == line and fragment in str(err.value)
    assert str(err.value) == problems[0]


def test_bad_encoding_is_reported_with_its_line(tmp_path):
    p = write(tmp_path, "latin1.tsv", "en\taz\nRome\tRoma\nCaf\xe9\tKafe\n".encode("latin-1"))
    [problem] = check_file(p)
    assert problem.startswith(f"{p}:3: invalid UTF-8")
    with pytest.raises(InputFileError, match="invalid UTF-8"):
        load_glossary(p)


def test_missing_file_is_one_line(tmp_path):
    missing = tmp_path / "nope.tsv"
    assert check_file(missing) == [f"{missing}: no such file; check the path"]
    with pytest.raises(InputFileError, match="no such file"):
        load_glossary([missing])


def test_all_problems_are_listed_not_just_the_first(tmp_path):
    p = write(tmp_path, "many.tsv", "en\taz\nRome\tRoma\n\nItaly\tİtaliya\textra\n"
                                    "Rome\tRomа2\n")
    problems = check_file(p)
    assert [int(x.split(":")[1]) for x in problems] == [3, 4, 5]


def test_same_form_same_target_twice_is_fine(tmp_path):
    p = write(tmp_path, "g.tsv", "en\taz\nRome\tRoma\nRome|Roma city\tRoma\n")
    assert check_file(p) == []


# ------------------------------------------------------------------------ merging


def test_later_files_win_on_conflicts(tmp_path):
    base = write(tmp_path, "base.tsv", "en\taz\tit\nGeorgia\tGürcüstan\tGeorgia\n"
                                       "Rome\tRoma\tRoma\n")
    local = write(tmp_path, "local.tsv", "en\taz\nGeorgia\tCorciya\n")
    g = load_glossary([base, local])
    assert {e.form: e.target for e in g.for_pair("en", "az")} == {
        "Georgia": "Corciya", "Rome": "Roma"}
    # the later file says nothing about Italian, so the earlier row still answers
    assert {e.form: e.target for e in g.for_pair("en", "it")}["Georgia"] == "Georgia"
    # reverse direction: both az spellings are known
    assert {e.form: e.target for e in g.for_pair("az", "en")} == {
        "Gürcüstan": "Georgia", "Roma": "Rome", "Corciya": "Georgia"}
    reverse = load_glossary([local, base])
    assert {e.form: e.target for e in reverse.for_pair("en", "az")}["Georgia"] == "Gürcüstan"
    assert (Glossary() + g).for_pair("en", "az") == g.for_pair("en", "az")


def test_later_do_not_translate_overrides_a_translation(tmp_path):
    base = write(tmp_path, "base.tsv", "en\tit\nMilan\tMilano\n")
    dnt = write(tmp_path, "dnt.tsv", "en\tit\nMilan\t\n")
    [hit] = match_terms("AC Milan won", load_glossary([base, dnt]), "en", "it")
    assert hit.keep and hit.target == "Milan"


# ------------------------------------------------------------------------ TBX

TBX_BASIC = """<?xml version="1.0" encoding="UTF-8"?>
<martif type="TBX-Basic" xml:lang="en">
 <martifHeader><fileDesc><sourceDesc><p>test</p></sourceDesc></fileDesc></martifHeader>
 <text><body>
  <termEntry id="c1">
   <descrip type="definition">capital of Azerbaijan</descrip>
   <langSet xml:lang="en"><tig><term>Baku</term></tig></langSet>
   <langSet xml:lang="az-Latn-AZ">
    <tig><term>Baki</term>
     <termNote type="administrativeStatus">deprecatedTerm-admn-sts</termNote></tig>
    <tig><term>Bakı</term>
     <termNote type="administrativeStatus">preferredTerm-admn-sts</termNote></tig>
   </langSet>
   <langSet xml:lang="it"><ntig><termGrp><term>Baku</term></termGrp></ntig></langSet>
   <langSet xml:lang="de"><tig><term>Baku</term></tig></langSet>
  </termEntry>
  <termEntry id="c2">
   <langSet xml:lang="en-GB"><tig><term>Holy  See</term></tig></langSet>
   <langSet xml:lang="az"><tig><term>Müqəddəs Taxt-Tac</term></tig></langSet>
  </termEntry>
 </body></text>
</martif>
"""

TBX_V3 = """<?xml version="1.0" encoding="UTF-8"?>
<tbx xmlns="urn:iso:std:iso:30042:ed-2" type="TBX-Basic" style="dca" xml:lang="en">
 <text><body>
  <conceptEntry id="1">
   <langSec xml:lang="en"><termSec><term>Italy</term></termSec></langSec>
   <langSec xml:lang="it"><termSec><term>Italia</term></termSec></langSec>
  </conceptEntry>
 </body></text>
</tbx>
"""


def test_tbx_basic_import(tmp_path):
    g = load_glossary(write(tmp_path, "g.tbx", TBX_BASIC))
    assert len(g) == 2 and g.languages == ("en", "az", "it")
    baku = g.concepts[0]
    assert baku.term("az").forms == ("Bakı", "Baki")  # preferred first, deprecated last
    assert baku.note == "capital of Azerbaijan"
    assert baku.origin.endswith(":5")
    assert g.concepts[1].term("en").forms == ("Holy See",)
    assert g.concepts[1].term("it") is None
    [hit] = match_terms("Baki şəhərində", g, "az", "en")  # deprecated still matched...
    assert hit.target == "Baku"
    [hit] = match_terms("in Baku", g, "en", "az")  # ...but never written
    assert hit.target == "Bakı"


def test_tbx_v3_namespaced_import(tmp_path):
    g = load_glossary(write(tmp_path, "g.xml", TBX_V3))
    assert [(e.form, e.target) for e in g.for_pair("en", "it")] == [("Italy", "Italia")]


def test_tbx_merges_with_tsv_later_wins(tmp_path):
    tbx = write(tmp_path, "g.tbx", TBX_BASIC)
    tsv = write(tmp_path, "g.tsv", "en\taz\nBaku\tBakü\n")
    assert {e.form: e.target for e in load_glossary([tbx, tsv]).for_pair("en", "az")}[
        "Baku"] == "Bakü"


XXE = """<?xml version="1.0"?>
<!DOCTYPE martif [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<martif type="TBX-Basic"><text><body><termEntry>
 <langSet xml:lang="en"><tig><term>&xxe;</term></tig></langSet>
 <langSet xml:lang="az"><tig><term>x</term></tig></langSet>
</termEntry></body></text></martif>
"""

LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<martif><text><body><termEntry><langSet xml:lang="en"><tig><term>&lol3;</term></tig>
</langSet></termEntry></body></text></martif>
"""


@pytest.mark.parametrize("doc, line", [(XXE, 2), (LAUGHS, 3)])
def test_tbx_entities_are_refused(tmp_path, doc, line):
    p = write(tmp_path, "evil.tbx", doc)
    [problem] = check_file(p)
    assert problem.startswith(f"{p}:{line}: declares XML entities")
    with pytest.raises(InputFileError, match="entities"):
        load_glossary(p)


def test_tbx_external_dtd_is_not_fetched_or_expanded(tmp_path):
    secret = write(tmp_path, "secret.txt", "SECRET")
    doc = TBX_V3.replace('<?xml version="1.0" encoding="UTF-8"?>',
                         f'<?xml version="1.0"?>\n<!DOCTYPE tbx SYSTEM "{secret.as_uri()}">')
    g = load_glossary(write(tmp_path, "dtd.tbx", doc))
    assert "SECRET" not in repr(g.concepts)


@pytest.mark.parametrize("doc, fragment", [
    ("<martif><text><body><termEntry>", "not well-formed XML"),
    ("<html><body/></html>", "not a TBX"),
    ("<martif><text><body><termEntry><langSet xml:lang='en'><tig><term>Rome</term></tig>"
     "</langSet></termEntry></body></text></martif>", "no terms in two of en, az, it"),
])
def test_tbx_problems(tmp_path, doc, fragment):
    p = write(tmp_path, "bad.tbx", doc)
    problems = check_file(p)
    assert problems and problems[0].startswith(f"{p}:1: ") and fragment in problems[0]


def test_tbx_duplicate_forms_with_different_targets(tmp_path):
    doc = TBX_BASIC.replace("<term>Holy  See</term>", "<term>Baku</term>")
    problems = check_file(write(tmp_path, "dup.tbx", doc))
    assert len(problems) == 1 and ":17: en 'Baku' is also on line 5" in problems[0]


# ------------------------------------------------------------------------ shipped glossary


def test_news_glossary_is_clean_and_sized():
    assert check_file(NEWS) == []
    g = load_glossary(NEWS)
    assert 60 <= len(g) <= 120
    assert g.languages == ("en", "az", "it")
    assert all(c.term(lang) and c.term(lang).forms for c in g for lang in ("en", "az", "it"))


def test_packaged_copy_is_identical_to_the_shipped_glossary():
    assert filecmp.cmp(NEWS, PACKAGED, shallow=False), (
        "cp glossaries/news.tsv translate/glossary/data/news.tsv")


def test_default_glossary_is_news_tsv():
    assert default_glossary_path() == NEWS
    assert default_glossary().concepts == load_glossary(NEWS).concepts
    assert default_glossary() is default_glossary()


# The corpus README table (shared/corpus/README.md), spelled exactly as there.
README_TABLE = [
    ("Khojaly", "Xocalı", "Khojaly"),
    ("Santa Maria della Mercede", "Santa Maria della Mercede", "Santa Maria della Mercede"),
    ("Rome", "Roma", "Roma"),
    ("Vatican", "Vatikan", "Vaticano"),
    ("Holy See", "Müqəddəs Taxt-Tac", "Santa Sede"),
    ("Italy", "İtaliya", "Italia"),
    ("Azerbaijan", "Azərbaycan", "Azerbaigian"),
    ("Armenia", "Ermənistan", "Armenia"),
    ("Karabakh", "Qarabağ", "Karabakh"),
    ("Ilgar Muxtarov", "İlqar Muxtarov", "Ilgar Muxtarov"),
    ("Rashad Aslanov", "Rəşad Aslanov", "Rashad Aslanov"),
    ("SIA", "SİA", "SIA"),
    ("European Court of Human Rights", "Avropa İnsan Hüquqları Məhkəməsi",
     "Corte europea dei diritti dell'uomo"),
    ('"Justice for Khojaly"', '"Xocalıya ədalət"', '"Giustizia per Khojaly"'),
    ("Orchestra dell'Accademia Sannita", "Orchestra dell'Accademia Sannita",
     "Orchestra dell'Accademia Sannita"),
]


@pytest.mark.parametrize("en, az, it", README_TABLE)
def test_news_glossary_has_the_reference_names(en, az, it):
    by_en = {c.term("en").canonical: c for c in load_glossary(NEWS)}
    concept = by_en[en]
    assert (concept.term("az").canonical, concept.term("it").canonical) == (az, it)


@pytest.mark.parametrize("en, az, it", [
    ("Baku", "Bakı", "Baku"), ("Shusha", "Şuşa", "Shusha"), ("Ganja", "Gəncə", "Ganja"),
    ("Nakhchivan", "Naxçıvan", "Nakhchivan"), ("Turkey", "Türkiyə", "Turchia"),
    ("Milan", "Milan", "Milano"), ("Naples", "Neapol", "Napoli"),
    ("Florence", "Florensiya", "Firenze"), ("Venice", "Venesiya", "Venezia"),
    ("Turin", "Turin", "Torino"), ("Milli Majlis", "Milli Məclis", "Milli Majlis"),
    ("OSCE", "ATƏT", "OSCE"), ("Council of Europe", "Avropa Şurası", "Consiglio d'Europa"),
])
def test_news_glossary_newsdesk_spellings(en, az, it):
    g = load_glossary(NEWS)
    assert {e.form: e.target for e in g.for_pair("en", "az")}[en] == az
    assert {e.form: e.target for e in g.for_pair("en", "it")}[en] == it
