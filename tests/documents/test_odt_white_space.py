"""Pretty-printed ODT (issue 23): ``content.xml`` indented between paragraphs, spans and
links (odfdo's ``pretty=True``, lxml's ``pretty_print``, hand-edited templates) holds
white space that ODF collapses (ODF 1.2 part 1, 6.1.2: a tab, line feed or carriage return
in paragraph text is a space, a space after a space is none, and white space at the start
and end of a paragraph is none). It was translated as line breaks and runs of spaces:
every indented paragraph came back with ``text:line-break`` and ``text:s`` elements of its
own, and its sentences cut at each line of the XML. Translated to ``en-XA`` such a file
comes back with the same elements and its indentation as it was (tests/oracle_office.py),
through the command line as a user runs it."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from lxml import etree
from oracle_office import differences, odt_package, paragraph_xml, untranslated

from support import FIXTURES
from translate.cli import main
from translate.documents import translate_document

TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"

INDENTED = """
      <text:h text:outline-level="1">
        <text:span text:style-name="T2">Court</text:span>
        news today
      </text:h>
      <text:p text:style-name="P1">
        <text:span text:style-name="T1">The court said</text:span>
        <text:a xlink:type="simple" xlink:href="https://a.example/x">
          <text:span text:style-name="T2">the news</text:span>
        </text:a>
        <text:span text:style-name="T1">on Monday.</text:span>
      </text:p>
      <text:p text:style-name="P1">The team
        said it was <text:span text:style-name="T2">late</text:span>.
      </text:p>
"""


def to_xa(capsys, tmp_path, data: bytes) -> bytes:
    """``translate article f.odt --from en --to en-XA``: the output package."""
    (tmp_path / "f.odt").write_bytes(data)
    code = main(["article", str(tmp_path / "f.odt"), "--from", "en", "--to", "en-XA",
                 "-o", str(tmp_path / "out")])
    _, err = capsys.readouterr()
    assert code == 0, err
    return (tmp_path / "out/f.en-XA.odt").read_bytes()


def shape(data: bytes) -> tuple[list, list]:
    """content.xml's elements (tags in document order) and its indentation (each run of
    white space with a line feed, in its text node), in order."""
    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("content.xml"))
    tags = [el.tag for el in root.iter()]
    indents = [re.findall(r"\s*\n\s*", s) for el in root.iter() for s in (el.text, el.tail)
               if s is not None and "\n" in s]
    return tags, indents


def count(data: bytes, name: str) -> int:
    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("content.xml"))
    return sum(1 for _ in root.iter(f"{{{TEXT}}}{name}"))


def test_an_indented_paragraph_comes_back_with_its_elements_and_indentation(capsys,
                                                                            tmp_path):
    data = odt_package(INDENTED)
    out = to_xa(capsys, tmp_path, data)
    assert differences(data, out, "odt") == []
    assert untranslated(out, "odt") == []
    assert shape(out) == shape(data)  # no line break, no text:s, the indentation as it was
    # each paragraph one sentence to translate, its words where they were
    assert paragraph_xml(out, "odt", 1).rstrip() == (
        '<text:p text:style-name="P1">\n        <text:span text:style-name="T1">[Ţĥé çöûŕţ '
        'šåîḋ</text:span>\n        <text:a xlink:type="simple" xlink:href="https://a.example/'
        'x">\n          <text:span text:style-name="T2">ţĥé ñéŵš</text:span>\n        '
        '</text:a>\n        <text:span text:style-name="T1">öñ Ḿöñḋåý.]</text:span>\n      '
        '</text:p>')
    assert paragraph_xml(out, "odt", 2).rstrip() == (
        '<text:p text:style-name="P1">[Ţĥé ţéåḿ\n        šåîḋ îţ ŵåš <text:span '
        'text:style-name="T2">ĺåţé</text:span>.]\n      </text:p>')


def test_white_space_wrapped_inside_a_span_stays_in_that_span(capsys, tmp_path):
    data = odt_package('<text:p text:style-name="P1">News: <text:span text:style-name="T1">'
                       'The court\n      said</text:span>   it was late today.</text:p>')
    out = to_xa(capsys, tmp_path, data)
    assert differences(data, out, "odt") == []
    assert shape(out) == shape(data)
    assert "çöûŕţ\n      šåîḋ</text:span>   îţ ŵåš" in paragraph_xml(out, "odt")


def pretty_printed(data: bytes) -> bytes:
    """The package with content.xml re-saved indented, as lxml's ``pretty_print`` (and
    odfdo's ``pretty=True``) writes it: every element whose content is elements only
    (a paragraph of spans and links too) on indented lines."""
    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as dst:
        for info in src.infolist():
            raw = src.read(info)
            if info.filename == "content.xml":
                raw = etree.tostring(etree.fromstring(raw), pretty_print=True,
                                     xml_declaration=True, encoding="UTF-8")
            dst.writestr(info, raw, compress_type=info.compress_type)
    return buf.getvalue()


def test_a_real_odt_resaved_pretty_printed_round_trips(capsys, tmp_path):
    """odfdo's table of contents (tabs with leaders, links to headings), re-saved indented:
    13 of its paragraphs are spans and links on indented lines."""
    data = pretty_printed((FIXTURES / "documents-real/odt/odfdo-toc-done.odt").read_bytes())
    content = zipfile.ZipFile(io.BytesIO(data)).read("content.xml").decode()
    assert len(re.findall(r"<text:[ph]\b[^>]*>\n\s+<", content)) >= 10
    out = to_xa(capsys, tmp_path, data)
    assert differences(data, out, "odt") == []
    assert shape(out) == shape(data)
    assert (count(out, "line-break"), count(out, "s")) == (count(data, "line-break"),
                                                          count(data, "s")) == (0, 0)


@pytest.mark.parametrize("path", sorted((FIXTURES / "documents-real/odt").glob("*.odt")),
                         ids=lambda p: p.name)
def test_every_real_odt_resaved_pretty_printed_round_trips(path, translator):
    data = pretty_printed(path.read_bytes())
    out = translate_document(data, "odt", "en", "en-XA", translator, name="f.odt").data
    assert differences(data, out, "odt") == []
    assert count(out, "line-break") == count(data, "line-break")
    assert shape(out)[1] == shape(data)[1]  # the indentation as it was
