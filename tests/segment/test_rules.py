"""Per-language rules beyond the dev sets: abbreviations, initials, numbers and dates,
URLs, quotes, ellipses, lists and line breaks, each with a case that must split and,
where it matters, one that must not."""

from __future__ import annotations

import pytest

from translate.segment import Segment, segment
from translate.segment.core import rules_for
from translate.segment.rules import Kind

from .helpers import check_offsets

AZ = [
    # abbreviations: titles, units, addresses, eras, "və s." / "və b."
    ("Tədbirdə akad. Ə. Əlizadə və t.e.d., prof. Ş. Məmmədova çıxış ediblər. "
     "Sonra mükafatlar təqdim olunub.",
     ["Tədbirdə akad. Ə. Əlizadə və t.e.d., prof. Ş. Məmmədova çıxış ediblər.",
      "Sonra mükafatlar təqdim olunub."]),
    ("Layihəyə 100 mln. ABŞ dolları ayrılıb. Bu vəsait 2025-ci ilədək xərclənəcək.",
     ["Layihəyə 100 mln. ABŞ dolları ayrılıb.", "Bu vəsait 2025-ci ilədək xərclənəcək."]),
    ("Büdcə 2,5 mlrd. manat təşkil edir. Bu, ötən ilə nisbətən çoxdur.",
     ["Büdcə 2,5 mlrd. manat təşkil edir.", "Bu, ötən ilə nisbətən çoxdur."]),
    ("Bakı ş. Xətai r. ərazisində yeni məktəb açılıb. Məktəb 960 şagird yerlikdir.",
     ["Bakı ş. Xətai r. ərazisində yeni məktəb açılıb.", "Məktəb 960 şagird yerlikdir."]),
    ("Ünvan: Nərimanov r., Təbriz küç. 44. Qəbul hər gün saat 9-dan 18-dək aparılır.",
     ["Ünvan: Nərimanov r., Təbriz küç. 44.",
      "Qəbul hər gün saat 9-dan 18-dək aparılır."]),
    ("Kitablar, jurnallar və s. nəşrlər sərgidə nümayiş olunub. Sərgi 5 gün davam edəcək.",
     ["Kitablar, jurnallar və s. nəşrlər sərgidə nümayiş olunub.",
      "Sərgi 5 gün davam edəcək."]),
    ("Sərgidə kitablar, jurnallar və s. Tədbir 5 gün davam edəcək.",
     ["Sərgidə kitablar, jurnallar və s.", "Tədbir 5 gün davam edəcək."]),
    ("Görüşdə nazirlər, deputatlar və b. Tədbirdən sonra mətbuat konfransı keçirilib.",
     ["Görüşdə nazirlər, deputatlar və b.",
      "Tədbirdən sonra mətbuat konfransı keçirilib."]),
    ("Abidə b.e. V əsrə aiddir. Qazıntılar 2010-cu ildən aparılır.",
     ["Abidə b.e. V əsrə aiddir.", "Qazıntılar 2010-cu ildən aparılır."]),
    ("Görüşdə gen.-mayor Ə. Əliyev iştirak edib. Sonra tədbir başa çatıb.",
     ["Görüşdə gen.-mayor Ə. Əliyev iştirak edib.", "Sonra tədbir başa çatıb."]),
    ("Məs. Bakıda 20 yeni park salınıb. Parklar istifadəyə verilib.",
     ["Məs. Bakıda 20 yeni park salınıb.", "Parklar istifadəyə verilib."]),
    ("Dos. R. Hüseynov məruzə edib. Məruzə maraqla qarşılanıb.",
     ["Dos. R. Hüseynov məruzə edib.", "Məruzə maraqla qarşılanıb."]),
    # initials with Azerbaijani capitals
    ("Prezident İ. Əliyev qonaqları qəbul edib. Görüşdə əlaqələr müzakirə olunub.",
     ["Prezident İ. Əliyev qonaqları qəbul edib.", "Görüşdə əlaqələr müzakirə olunub."]),
    ("Məruzəçilər Ş. Ç. Quliyev, Ö. Ü. Ğ. Məmmədli və Ə. Rzayev olub. İclas bitib.",
     ["Məruzəçilər Ş. Ç. Quliyev, Ö. Ü. Ğ. Məmmədli və Ə. Rzayev olub.", "İclas bitib."]),
    # numbers, dates, times, ordinals with suffixes
    ("Saat 10.00-da başlayan iclas 12.30-da başa çatıb. İclasda 25 nəfər iştirak edib.",
     ["Saat 10.00-da başlayan iclas 12.30-da başa çatıb.", "İclasda 25 nəfər iştirak edib."]),
    ("Sənəd 22.04.2010-cu il tarixli qərarla təsdiqlənib. Qərar dərhal qüvvəyə minib.",
     ["Sənəd 22.04.2010-cu il tarixli qərarla təsdiqlənib.", "Qərar dərhal qüvvəyə minib."]),
    ("Qiymət 5-dək artıb. Ötən il artım 2,5 faiz idi.",
     ["Qiymət 5-dək artıb.", "Ötən il artım 2,5 faiz idi."]),
    ("Müqavilə 2024. Sonra yenidən baxılacaq.",
     ["Müqavilə 2024.", "Sonra yenidən baxılacaq."]),
    # URLs, e-mail addresses, domains
    ("Xəbəri president.az yayıb. Ətraflı: www.azertag.az.",
     ["Xəbəri president.az yayıb.", "Ətraflı: www.azertag.az."]),
    ("Sorğular info@stat.gov.az ünvanına göndərilir. Cavab 3 gün ərzində verilir.",
     ["Sorğular info@stat.gov.az ünvanına göndərilir.", "Cavab 3 gün ərzində verilir."]),
    ("Hesabat https://www.stat.gov.az/source/budget/?lang=az saytındadır. Baxın.",
     ["Hesabat https://www.stat.gov.az/source/budget/?lang=az saytındadır.", "Baxın."]),
    # quotes
    # inside a quotation the rules are those outside (issue #15)
    ("Nazir bildirib: «Biz hazırıq. Danışıqlar davam edəcək». Sonra suallar olub.",
     ["Nazir bildirib: «Biz hazırıq.", "Danışıqlar davam edəcək».", "Sonra suallar olub."]),
    ("«Azərsu» ASC bildirib ki, işlər davam edir. Sakinlər narahat olmamalıdır.",
     ["«Azərsu» ASC bildirib ki, işlər davam edir.", "Sakinlər narahat olmamalıdır."]),
    ("O dedi: “Hər şey qaydasındadır.” İclas bitdi.",
     ["O dedi: “Hər şey qaydasındadır.”", "İclas bitdi."]),
    # question, exclamation, ellipsis
    ("Niyə? Çünki qiymətlər artıb! Bəs sonra… Sonra hər şey dəyişdi.",
     ["Niyə?", "Çünki qiymətlər artıb!", "Bəs sonra…", "Sonra hər şey dəyişdi."]),
]

IT = [
    ("Il Presidente, On. Mattarella, ha firmato il D.Lgs. n. 36/2023. Il testo entra in "
     "vigore domani.",
     ["Il Presidente, On. Mattarella, ha firmato il D.Lgs. n. 36/2023.",
      "Il testo entra in vigore domani."]),
    ("Secondo l'art. 3 della Costituzione tutti sono uguali. Lo ha ricordato il Sen. Rossi.",
     ["Secondo l'art. 3 della Costituzione tutti sono uguali.",
      "Lo ha ricordato il Sen. Rossi."]),
    ("Il Magg. Bianchi e il Col. Verdi hanno guidato l'operazione. Cinque gli arresti.",
     ["Il Magg. Bianchi e il Col. Verdi hanno guidato l'operazione.", "Cinque gli arresti."]),
    ("Il Gen. C.A. Figliuolo ha visitato il centro. È stato accolto dal sindaco.",
     ["Il Gen. C.A. Figliuolo ha visitato il centro.", "È stato accolto dal sindaco."]),
    ("Ha parlato la Dott.ssa Neri. Poi è intervenuto il Prof. Bianchi.",
     ["Ha parlato la Dott.ssa Neri.", "Poi è intervenuto il Prof. Bianchi."]),
    ("Sono intervenuti il Sig. La Russa e la Sig.ra Bianchi. La seduta è tolta.",
     ["Sono intervenuti il Sig. La Russa e la Sig.ra Bianchi.", "La seduta è tolta."]),
    ("Lo ha detto S.E. l'Ambasciatore. La cerimonia è finita alle 18.",
     ["Lo ha detto S.E. l'Ambasciatore.", "La cerimonia è finita alle 18."]),
    ("La Fiat S.p.A. ha chiuso in utile. Il titolo è salito del 3%.",
     ["La Fiat S.p.A. ha chiuso in utile.", "Il titolo è salito del 3%."]),
    ("L'appalto è andato alla Rossi S.r.l. La firma è prevista a maggio.",
     ["L'appalto è andato alla Rossi S.r.l.", "La firma è prevista a maggio."]),
    ("Il fatturato è di 3,5 mld. di euro. La società prevede una crescita.",
     ["Il fatturato è di 3,5 mld. di euro.", "La società prevede una crescita."]),
    ("Nel 2023 i ricavi sono stati di 5 mln. Quest'anno si prevede un aumento.",
     ["Nel 2023 i ricavi sono stati di 5 mln.", "Quest'anno si prevede un aumento."]),
    ("Vedi pagg. 12-15 e cfr. Tab. 3. I dati sono provvisori.",
     ["Vedi pagg. 12-15 e cfr. Tab. 3.", "I dati sono provvisori."]),
    ("Parteciperanno Rossi, Bianchi ecc. La riunione inizierà alle 9.",
     ["Parteciperanno Rossi, Bianchi ecc.", "La riunione inizierà alle 9."]),
    ("Il D.P.R. n. 445 è del 28.12.2000. Da allora è cambiato poco.",
     ["Il D.P.R. n. 445 è del 28.12.2000.", "Da allora è cambiato poco."]),
    ("L'incontro è fissato alle ore 10.00. Si terrà a Roma, in via Nazionale n. 12.",
     ["L'incontro è fissato alle ore 10.00.", "Si terrà a Roma, in via Nazionale n. 12."]),
    ("Il sito è www.governo.it. Le informazioni sono aggiornate.",
     ["Il sito è www.governo.it.", "Le informazioni sono aggiornate."]),
    ("«Siamo pronti. Andremo avanti», ha detto il ministro. Poi ha lasciato la sala.",
     ["«Siamo pronti.", "Andremo avanti», ha detto il ministro.", "Poi ha lasciato la sala."]),
    ("Il vertice si è chiuso... Nessun accordo è stato raggiunto.",
     ["Il vertice si è chiuso...", "Nessun accordo è stato raggiunto."]),
    ("Il premier (accompagnato dal Min. Tajani) è arrivato. L'incontro è durato un'ora.",
     ["Il premier (accompagnato dal Min. Tajani) è arrivato.",
      "L'incontro è durato un'ora."]),
]

EN = [
    ("Mr. Smith met Dr. Jones at 10 a.m. on Jan. 5. They discussed the U.S. economy.",
     ["Mr. Smith met Dr. Jones at 10 a.m. on Jan. 5.", "They discussed the U.S. economy."]),
    ("The company, Acme Inc., reported a loss. Its shares fell 5%.",
     ["The company, Acme Inc., reported a loss.", "Its shares fell 5%."]),
    ("He was born in Washington, D.C. He moved to Baku in 2010.",
     ["He was born in Washington, D.C.", "He moved to Baku in 2010."]),
    ("The vote was 52-48. Sen. Smith voted no. Rep. Jones voted yes.",
     ["The vote was 52-48.", "Sen. Smith voted no.", "Rep. Jones voted yes."]),
    ("The U.N. Security Council met on Monday. It adopted a resolution.",
     ["The U.N. Security Council met on Monday.", "It adopted a resolution."]),
    ("The J. Paul Getty Museum opened in 1974. It is in Los Angeles.",
     ["The J. Paul Getty Museum opened in 1974.", "It is in Los Angeles."]),
    ("Fruit, vegetables etc. Prices rose again.",
     ["Fruit, vegetables etc.", "Prices rose again."]),
    ("See No. 5 on the list. No. It was not there.",
     ["See No. 5 on the list.", "No.", "It was not there."]),
    ("He said (see p. 5) that the U.S. Army was ready. Then he left.",
     ["He said (see p. 5) that the U.S. Army was ready.", "Then he left."]),
    ('"We are ready," the minister said. "The talks will continue."',
     ['"We are ready," the minister said.', '"The talks will continue."']),
    ("In the '90s growth was fast. Students' fees rose.",
     ["In the '90s growth was fast.", "Students' fees rose."]),
    ("She called it 'a disaster. A total one.' Then she left.",
     ["She called it 'a disaster.", "A total one.'", "Then she left."]),
    ("Visit www.example.com for details. Contact press@example.org.",
     ["Visit www.example.com for details.", "Contact press@example.org."]),
]

LAYOUT = [
    # a headline without final punctuation, then the body
    ("en", "Headline without punctuation\nThe body starts here. It continues.",
     ["Headline without punctuation", "The body starts here.", "It continues."]),
    # list items on their own lines, with and without bullets
    ("en", "Bullets:\n- first item\n- second item\n\nEnd.",
     ["Bullets:", "- first item", "- second item", "End."]),
    ("it", "Devi comprare:\n1. pesce\n2. sale\n3. pane",
     ["Devi comprare:", "1. pesce", "2. sale", "3. pane"]),
    # hard-wrapped text joins where the next line goes on in lower case
    ("en", "This line is hard\nwrapped in the middle of a sentence. Next one.",
     ["This line is hard\nwrapped in the middle of a sentence.", "Next one."]),
    ("az", "Nazir bildirib ki,\nBakıda yeni layihələr başlayır. Sonra suallar olub.",
     ["Nazir bildirib ki,\nBakıda yeni layihələr başlayır.", "Sonra suallar olub."]),
    # one paragraph per line: a line ending in sentence punctuation ends the segment,
    # even after an abbreviation that could go on ("U.S.", "mln."), but not after a title
    ("en", "The deal was signed in the U.S.\nWashington welcomed it.",
     ["The deal was signed in the U.S.", "Washington welcomed it."]),
    ("az", "Dövlət 2 mlrd. ayırıb, özəl sektor 3 mlrd.\nNazirlik bildirib ki, işlər başlayıb.",
     ["Dövlət 2 mlrd. ayırıb, özəl sektor 3 mlrd.", "Nazirlik bildirib ki, işlər başlayıb."]),
    ("en", "Signed by Mr.\nSmith and Dr.\nJones.", ["Signed by Mr.\nSmith and Dr.\nJones."]),
    ("it", "Ha parlato il Dott.\nRossi. Poi il Prof.\nBianchi.",
     ["Ha parlato il Dott.\nRossi.", "Poi il Prof.\nBianchi."]),
    ("en", "Why?\nBecause it rained.\nthe end", ["Why?", "Because it rained.\nthe end"]),
    # CRLF, a lone CR, paragraph breaks with spaces in between
    ("en", "Line one\r\nLine two.\r\n \r\nNew paragraph.",
     ["Line one", "Line two.", "New paragraph."]),
    ("en", "Old Mac line\rNext line.", ["Old Mac line", "Next line."]),
    # a paragraph break wins over any rule: a title cannot carry a sentence across it
    ("en", "Signed by Dr.\n\nSmith came later.", ["Signed by Dr.", "Smith came later."]),
    # U+2029 and form feed separate paragraphs
    ("en", "One\u2029two", ["One", "two"]),
    ("en", "One\x0ctwo", ["One", "two"]),
]


def _texts(text: str, lang: str) -> list[str]:
    segments = segment(text, lang)
    check_offsets(text, segments)
    return [s.text for s in segments]


@pytest.mark.parametrize(("text", "expected"), AZ)
def test_azerbaijani(text: str, expected: list[str]) -> None:
    assert _texts(text, "az") == expected


@pytest.mark.parametrize(("text", "expected"), IT)
def test_italian(text: str, expected: list[str]) -> None:
    assert _texts(text, "it") == expected


@pytest.mark.parametrize(("text", "expected"), EN)
def test_english(text: str, expected: list[str]) -> None:
    assert _texts(text, "en") == expected


@pytest.mark.parametrize(("lang", "text", "expected"), LAYOUT)
def test_layout(lang: str, text: str, expected: list[str]) -> None:
    assert _texts(text, lang) == expected


def test_empty_and_blank_text() -> None:
    assert segment("", "en") == []
    assert segment(" \n\r\n\t \u2029 ", "az") == []


def test_offsets_and_leading_bom() -> None:
    text = "\ufeff  Bir. İki."
    assert segment(text, "az") == [Segment("Bir.", 3, 7), Segment("İki.", 8, 12)]


def test_azerbaijani_lower_case() -> None:
    az = rules_for("az")
    assert az.lower("İLQAR IŞIQ") == "ilqar ışıq"
    assert az.is_starter("İndi") and az.is_starter("İLK")
    assert rules_for("en").lower("IN") == "in"


def test_abbreviation_lookup_respects_case_of_entries() -> None:
    en = rules_for("en")
    assert en.kind("Mr") is en.kind("MR") is en.kind("mr") is Kind.TITLE
    assert en.kind("Mar") is Kind.NUMERIC and en.kind("mar") is None  # the month only


def test_language_aliases_and_unknown_language() -> None:
    from translate.errors import UserError

    assert segment("Bir. İki.", "aze") == segment("Bir. İki.", "az")
    with pytest.raises(UserError, match="unsupported language"):
        segment("Text.", "fr")


def test_nfd_input_keeps_original_offsets() -> None:
    import unicodedata

    text = unicodedata.normalize("NFD", "Görüşdə İ. Əliyev çıxış edib. Sonra fasilə olub.")
    segments = segment(text, "az")
    check_offsets(text, segments)
    assert len(segments) == 2


def test_kinds_of_issue_15_abbreviations() -> None:
    en, it, az = rules_for("en"), rules_for("it"), rules_for("az")
    assert en.kind("Sens") is en.kind("Gov") is Kind.OFFICE and en.kind("Mr") is Kind.TITLE
    assert en.kind("D.C") is en.kind("Calif") is Kind.PLACE
    assert en.kind("Oct") is Kind.NUMERIC and en.kind("Blvd") is Kind.FINAL
    assert it.kind("d.C") is it.kind("a.C") is Kind.ERA and it.kind("A.C") is None
    assert az.kind("Mr") is Kind.TITLE and az.kind("Jr") is Kind.AMBIGUOUS
    assert en.is_reporting("Added") and az.is_reporting("bildirib") and it.is_reporting("detto")
