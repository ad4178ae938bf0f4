"""HTML documents through the real fixture models: what is translated, what is kept byte
for byte, repairs, and bad input."""

from __future__ import annotations

import pytest
from documents.markup import assert_well_formed

from support import aligned_rows
from translate.documents import detect_format, translate_document
from translate.errors import UserError

ROWS = aligned_rows()
HEAD_EN, HEAD_IT = ROWS[0]["en"], ROWS[0]["it"]
A_EN, A_IT, A_AZ = ROWS[11]["en"], ROWS[11]["it"], ROWS[11]["az"]
B_EN, B_IT = ROWS[14]["en"], ROWS[14]["it"]
C_EN, C_IT = ROWS[13]["en"], ROWS[13]["it"]
HEAD_ESC = HEAD_EN.replace("'", "&#39;")


def tr(data: str, translator, tgt: str = "it", src: str = "en", fmt: str = "html"):
    return translate_document(data.encode("utf-8"), fmt, src, tgt, translator, name="t.html")


DOC = f"""<!doctype html>
<HTML lang='en' class=page>
<head>
  <meta charset=utf-8>
  <title>{HEAD_EN}</title>
  <meta name="description" content="{B_EN}">
  <meta property='og:title' content='{HEAD_ESC}'>
  <meta name="keywords" content="{B_EN}">
  <style>p::before {{ content: "{B_EN}"; }}</style>
  <script>var s = "{B_EN}" && 1 < 2;</script>
</head>
<body>
<!-- {B_EN} -->
<div class="x"  data-note="{B_EN}">
  <p id=first>&nbsp;{A_EN}&#32;</p>
  <pre>{B_EN}</pre>
  <p translate="no">{B_EN}</p>
  <div class="notranslate lead">{B_EN}</div>
  <img src="a.png?x=1&amp;y=2" alt="{C_EN}" width=10>
  <a href="https://example.org/a?b=1&amp;c=2" title='{B_EN}'>{B_EN}</a>
</div>
</body>
</HTML>
"""


def test_document_translates_text_and_attributes_and_keeps_every_other_byte(translator):
    result = tr(DOC, translator)
    want = (DOC.replace("lang='en'", "lang='it'")
            .replace(f"<title>{HEAD_EN}", f"<title>{HEAD_IT}")
            .replace(f'content="{B_EN}">\n  <meta property', f'content="{B_IT}">\n  <meta property')
            .replace(f"content='{HEAD_ESC}'", f"content='{HEAD_IT}'")
            .replace(f"&nbsp;{A_EN}&#32;", f"&nbsp;{A_IT}&#32;")
            .replace(f'alt="{C_EN}"', f'alt="{C_IT}"')
            .replace(f"title='{B_EN}'>{B_EN}</a>", f"title='{B_IT}'>{B_IT}</a>"))
    assert result.text == want
    assert not any("repaired" in n for n in result.notes)
    assert_well_formed(result.text)
    kinds = {s.where.split()[-1] for s in result.segments if s.where.split()[-1].isalpha()}
    assert {"title", "content", "alt"} <= kinds


def test_a_fragment_works_and_entities_in_translated_text_are_escaped_minimally(translator):
    frag = f"<li>{A_EN}</li>\n<li><b>{C_EN}</b></li>\n"
    result = tr(frag, translator)
    assert result.text == f"<li>{A_IT}</li>\n<li><b>{C_IT}</b></li>\n"
    assert_well_formed(result.text)
    # an output with & or < is escaped (the model copies "&" from the source here)
    amp = tr("<p>Khojaly &amp; Rome</p>", translator).text
    assert amp.startswith("<p>") and "&amp;" in amp or "&" not in amp.replace("&amp;", "")


def test_code_kbd_and_translate_no_inside_a_sentence_come_out_unchanged(translator):
    words = "Orchestra dell'Accademia Sannita"
    src = ROWS[16]["en"].replace(words, f'<span class="notranslate">{words}</span>')
    result = tr(f"<p>{src}</p>", translator)
    assert f'<span class="notranslate">{words}</span>' in result.text
    assert result.text.replace('<span class="notranslate">', "").replace("</span>", "") \
        == f"<p>{ROWS[16]['it']}</p>"


def test_az_target_translates_english_and_html_lang_becomes_the_target(translator):
    result = tr(f'<html lang="en-GB"><body><p>{A_EN}</p></body></html>', translator, "az")
    assert result.text == f'<html lang="az"><body><p>{A_AZ}</p></body></html>'


def test_invalid_html_is_repaired_only_where_it_must_be_and_said_once(translator):
    src = f"<p>{A_EN.replace('resolutions', '<b>resolutions')}</p>\n<p>2010</p></i>"
    result = tr(src, translator)
    repaired = [n for n in result.notes if "invalid HTML repaired" in n]
    assert len(repaired) == 1 and "<b> at line 1" in repaired[0]
    assert result.text.count("<b>") == 1 and result.text.count("</b>") == 1
    assert result.text.endswith("<p>2010</p></i>")  # a stray end tag: left where it was
    assert result.text.replace("<b>", "").replace("</b>", "").startswith(f"<p>{A_IT}</p>")


def test_the_same_language_is_copied_byte_for_byte(translator):
    data = DOC.encode()
    result = translate_document(data, "html", "en", "en", translator)
    assert result.data == data


def test_a_bom_and_crlf_are_kept(translator):
    src = "\ufeff<p>" + A_EN + "</p>\r\n<p>\r\n" + C_EN + "\r\n</p>\r\n"
    result = tr(src, translator)
    assert result.text == "\ufeff<p>" + A_IT + "</p>\r\n<p>\r\n" + C_IT + "\r\n</p>\r\n"


@pytest.mark.parametrize(("data", "problem"), [
    (b"\x00\x01PNG\x00", "binary"),
    ("<p>caf\u00e9</p>".encode("cp1252"), "invalid UTF-8"),
])
def test_binary_or_mis_encoded_input_is_one_user_error(translator, data, problem):
    with pytest.raises(UserError) as info:
        translate_document(data, "html", "en", "it", translator, name="story.html")
    message = str(info.value)
    assert message.startswith("story.html") and problem in message and "\n" not in message
    assert info.value.exit_code == 2


def test_detect_format_by_extension():
    assert detect_format("a/story.HTML") == "html"
    assert detect_format("x.htm") == "html"
    assert detect_format("notes.md") == "markdown"
    assert detect_format("notes.markdown") == "markdown"
    assert detect_format("story.txt") == "text"
    assert detect_format("-") == "text"
    with pytest.raises(UserError, match="unknown document format"):
        detect_format("book.epub")


def test_plain_text_format_matches_the_text_pipeline(translator):
    text = "\n\n" + A_EN + "  " + C_EN + "\n"
    result = tr(text, translator, fmt="text")
    assert result.text == "\n\n" + A_IT + "  " + C_IT + "\n"
    assert result.text == translator.translate_article(text, "en", "it").text


def test_auto_detects_the_language_of_the_page_not_of_its_markup(translator):
    page = f'<html lang="xx"><body class="a the of"><p>{ROWS[11]["az"]}</p></body></html>'
    result = tr(page, translator, tgt="it", src="auto")
    assert result.text == f'<html lang="it"><body class="a the of"><p>{A_IT}</p></body></html>'
    assert result.segments and all(s.lang == "az" for s in result.segments)


def test_other_translated_attributes_and_an_unquoted_value(translator):
    src = (f'<input placeholder="{C_EN}" aria-label=\'{B_EN}\' data-x="{B_EN}">'
           f'<abbr title=Khojaly>2010</abbr>')
    out = tr(src, translator).text
    assert out.startswith(f'<input placeholder="{C_IT}" aria-label=\'{B_IT}\' data-x="{B_EN}">')
    # an unquoted value whose translation has spaces gets quotes, nothing else changes
    tail = out.split(">", 1)[1]
    assert tail.startswith("<abbr title=") and tail.endswith(">2010</abbr>")
    value = tail[len("<abbr title="):-len(">2010</abbr>")]
    assert " " not in value or (value[0] == value[-1] == '"')
