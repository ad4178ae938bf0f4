"""DOCX, ODT, SRT and WebVTT versions of the tagged reference article, through the real
fixture models: the text is the human reference translation, formatting lands on the
expected words (shared/corpus/html's spans), timings and untouched package parts are kept
byte for byte, and bad files are one-line errors."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile

import pytest
import tagged_corpus as corpus

from support import MODELS, aligned_rows
from translate.documents import translate_document
from translate.documents.subtitles import parse
from translate.errors import UserError

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def aligning():
    import inspect

    from translate import Translator

    tr = Translator(models_dir=MODELS, device="cpu", glossary=False)
    if "align" not in inspect.signature(tr.translate_batch).parameters:
        pytest.skip("this Translator has no word alignment (translate_batch(align=True))")
    res = tr.translate_batch(["The event began."], "en", "it", align=True)
    assert res[0].alignment, "the fixture models give word alignment"
    return tr


def _docx_paragraphs(data: bytes):
    import docx

    d = docx.Document(io.BytesIO(data))
    return d, [p for p in d.paragraphs]


def _run_marks(run) -> set[str]:
    marks = set()
    if run.bold:
        marks.add("strong")
    if run.italic:
        marks.add("em")
    if run.font.color is not None and run.font.color.rgb is not None:
        marks.add("span")
    if run.font.name == "Courier New":
        marks.add("code")
    return marks


def _docx_marked(paragraph, mark: str) -> list[str]:
    """Stretches of ``mark`` in a python-docx paragraph (links: w:hyperlink text)."""
    from docx.oxml.ns import qn

    pieces = []
    for child in paragraph._p:
        if child.tag == qn("w:hyperlink"):
            text = "".join(t.text or "" for t in child.iter(qn("w:t")))
            pieces.append((text, {"a"}))
        elif child.tag == qn("w:r"):
            from docx.text.run import Run

            run = Run(child, paragraph)
            pieces.append((run.text, _run_marks(run)))
    out, cur = [], None
    for text, marks in pieces:
        if mark in marks and text:
            cur = (cur or "") + text
        elif cur is not None and text:
            out.append(cur)
            cur = None
    if cur is not None:
        out.append(cur)
    return out


def _score(got_pars, want_pars, marked) -> tuple[int, int]:
    hit = total = 0
    for got, want in zip(got_pars, want_pars, strict=True):
        for mark in corpus.MARKS:
            expected = corpus.marked(want, mark)
            total += len(expected)
            found = marked(got, mark)
            hit += sum(1 for e in expected if e in found)
    return hit, total


@pytest.mark.parametrize(("src", "tgt"), [("en", "it"), ("en", "az"), ("az", "it")])
def test_docx_text_is_the_reference_and_runs_keep_their_formatting(aligning, src, tgt):
    source = corpus.build_docx(src)  # az -> it goes through English (alignment composed)
    result = translate_document(source, "docx", src, tgt, aligning, name="story.docx")
    doc, pars = _docx_paragraphs(result.data)
    want = corpus.paragraphs(tgt)
    # a <br> of the tagged article is a w:br run: python-docx reads it as "\n"
    assert [p.text.replace("\n", "") for p in pars] == [corpus.plain(w) for w in want]
    breaks = [p.text for p in pars if "\n" in p.text]
    assert len(breaks) == 1 and {"it": "e\n ha", "az": "və\n "}[tgt] in breaks[0]
    hit, total = _score(pars, want, _docx_marked)
    assert total >= 17 and hit >= total - 1, (hit, total)
    assert doc.core_properties.title == corpus.plain(want[0])
    # every other member of the package is byte for byte the input's
    a, b = zipfile.ZipFile(io.BytesIO(source)), zipfile.ZipFile(io.BytesIO(result.data))
    assert a.namelist() == b.namelist()
    changed = {n for n in a.namelist() if a.read(n) != b.read(n)}
    assert changed == {"word/document.xml", "docProps/core.xml"}
    assert b.testzip() is None
    xml = b.read("word/document.xml").decode()
    assert f'w:val="{ {"it": "it-IT", "az": "az-Latn-AZ"}[tgt] }"' in xml


@pytest.mark.skipif(shutil.which("unzip") is None, reason="unzip is not installed")
def test_docx_output_passes_unzip_t(aligning, tmp_path):
    result = translate_document(corpus.build_docx("en"), "docx", "en", "it", aligning)
    out = tmp_path / "story.it.docx"
    out.write_bytes(result.data)
    done = subprocess.run(["unzip", "-t", str(out)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout


@pytest.mark.parametrize("tgt", ["it", "az"])
def test_odt_text_is_the_reference_and_spans_keep_their_style(aligning, tgt):
    from lxml import etree
    from odf.opendocument import load

    source = corpus.build_odt("en")
    result = translate_document(source, "odt", "en", tgt, aligning, name="story.odt")
    load(io.BytesIO(result.data))  # odfpy opens it
    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(result.data)).read("content.xml"))
    ns = {"text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0"}
    pars = root.findall(".//text:h", ns) + root.findall(".//text:p", ns)
    want = corpus.paragraphs(tgt)
    assert ["".join(p.itertext()) for p in pars] == [corpus.plain(w) for w in want]
    style_of = {"Strong": {"strong"}, "Em": {"em"}, "StrongEm": {"strong", "em"},
                "Name": {"span"}, "Code": {"code"}}

    def marked(p, mark):
        out = []
        for el in p:
            tag = etree.QName(el).localname
            marks = {"a"} if tag == "a" else style_of.get(
                el.get(f"{{{ns['text']}}}style-name"), set())
            if mark in marks:
                out.append("".join(el.itertext()))
        return out

    hit, total = _score(pars, want, marked)
    assert total >= 17 and hit >= total - 1, (hit, total)
    a, b = zipfile.ZipFile(io.BytesIO(source)), zipfile.ZipFile(io.BytesIO(result.data))
    assert {n for n in a.namelist() if a.read(n) != b.read(n)} == {"content.xml", "meta.xml"}


def _sentences(lang: str) -> list[str]:
    return [r[lang] for r in aligned_rows()[1:-1]]  # no headline, no footer


SPLIT = 2  # this sentence runs over two cues


@pytest.mark.parametrize("kind", ["srt", "vtt"])
def test_subtitles_keep_timings_and_a_sentence_over_two_cues_is_translated_whole(
        aligning, kind):
    cues = corpus.cues_from(_sentences("en"), SPLIT)
    build = corpus.build_srt if kind == "srt" else corpus.build_vtt
    source = build(cues)
    result = translate_document(source, kind, "en", "it", aligning, name=f"a.{kind}")
    before = parse(source.decode(), kind)
    after = parse(result.data.decode(), kind)
    assert [c.head for c in after.cues] == [c.head for c in before.cues]
    assert [p for p in after.parts if isinstance(p, str)] == \
        [p for p in before.parts if isinstance(p, str)]
    texts = [" ".join(c.text.split()) for c in after.cues]
    want = _sentences("it")
    assert texts[:SPLIT] == want[:SPLIT]
    assert texts[SPLIT + 2:] == want[SPLIT + 1:]
    first, second = texts[SPLIT], texts[SPLIT + 1]
    assert first and second
    assert f"{first} {second}" == want[SPLIT]
    assert all(c.text.strip() for c in after.cues)
    for c in after.cues:
        lines = c.text.split("\n")
        assert all(len(line) <= 42 or " " not in line for line in lines)


def test_styling_tags_are_carried_to_the_translated_words(aligning):
    sentences = _sentences("en")
    sentences[0] = sentences[0].replace("diplomatic corps leaders",
                                        "<i>diplomatic corps leaders</i>")
    source = corpus.build_srt(sentences)
    result = translate_document(source, "srt", "en", "it", aligning)
    first = parse(result.data.decode(), "srt").cues[0].text.replace("\n", " ")
    assert "<i>capi del corpo diplomatico</i>" in first


@pytest.mark.parametrize(("data", "kind", "needle"), [
    (b"PK\x03\x04 this is not a zip at all", "docx", "corrupt zip"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "docx", "legacy binary document"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptedPackage".encode("utf-16-le"), "docx",
     "password-protected"),
    (b"not an odt", "odt", "corrupt zip"),
])
def test_bad_packages_are_one_line_errors(data, kind, needle):
    with pytest.raises(UserError) as err:
        translate_document(data, kind, "en", "it", translator=None, name="x." + kind)
    assert needle in str(err.value) and "\n" not in str(err.value)


def test_a_docx_that_is_a_zip_of_something_else_is_named(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("hello.txt", "hi")
    with pytest.raises(UserError, match="no word/document.xml"):
        translate_document(buf.getvalue(), "docx", "en", "it", translator=None,
                           name="x.docx")


@pytest.mark.parametrize(("text", "needle"), [
    ("1\n00:00:01,000 -> 00:00:02,000\nHello\n", "no timing line"),
    ("1\n00:00:05,000 --> 00:00:02,000\nHello\n", "ends before it starts"),
    ("1\n00:61:01,000 --> 00:62:02,000\nHello\n", "run to 59"),
    ("x\n00:00:01,000 --> 00:00:02,000\nHello\n", "is not a number"),
])
def test_bad_srt_timings_are_one_line_errors_naming_the_line(text, needle):
    with pytest.raises(UserError) as err:
        translate_document(text.encode(), "srt", "en", "it", translator=None, name="a.srt")
    assert needle in str(err.value) and "a.srt:" in str(err.value)


def test_vtt_without_header_is_refused():
    with pytest.raises(UserError, match="WEBVTT"):
        translate_document(b"00:01.000 --> 00:02.000\nHi\n", "vtt", "en", "it", None)


def test_wrap_never_drops_words_and_balances_two_lines():
    from translate.documents.cues import wrap

    text = "La cerimonia si è svolta nella chiesa di Santa Maria della Mercede a Roma"
    out = wrap(text, 42, 2)
    assert out.replace("\n", " ") == text
    assert len(out.split("\n")) == 2 and all(len(x) <= 42 for x in out.split("\n"))
    assert wrap("<i>uno due tre</i>", 8, 2).replace("\n", " ") == "<i>uno due tre</i>"
    long = " ".join(["parola"] * 30)
    assert wrap(long, 42, 2).replace("\n", " ") == long


def test_cut_points_follow_the_links_and_keep_every_piece_non_empty():
    from translate.documents.cues import cut_points
    from translate.models.alignment import WordLink as Link

    src = "the big house is red"
    tgt = "la casa grande è rossa"
    # the: la, big: grande, house: casa, is: è, red: rossa
    links = [Link((0, 3), (0, 2)), Link((4, 7), (8, 14)), Link((8, 13), (3, 7)),
             Link((14, 16), (15, 17)), Link((17, 20), (18, 23))]
    assert cut_points(src, tgt, [14], links) == [14]  # "la casa grande" | "è rossa"
    assert cut_points(src, tgt, [14], []) == [16]  # proportional: 14/20 of 23 chars
    cuts = cut_points("a b c d", "x y", [2, 4, 6], [])
    assert len(cuts) == 3


def test_a_vtt_cue_that_starts_without_a_blank_line_is_its_own_cue():
    """YouTube's WebVTT files start a cue right after the previous one's text; the WebVTT
    parser ends cue text at a line holding ``-->`` (regression: the timing line was read
    as text, its ``-->`` written as ``--&gt;``)."""
    text = ("WEBVTT\n\n00:00:01.000 --> 00:00:02.000 align:start\nyeah\n"
            "00:00:02.000 --> 00:00:03.000 align:start\nwhat\n")
    track = parse(text, "vtt")
    assert [c.head.splitlines()[0] for c in track.cues] == [
        "00:00:01.000 --> 00:00:02.000 align:start", "00:00:02.000 --> 00:00:03.000 align:start"]
    assert [c.text for c in track.cues] == ["yeah", "what"]
    assert track.render() == text


def test_the_last_cue_keeps_the_files_final_line_break(aligning):
    """Regression: the final newline was part of the last cue's text and went away with
    it when the cue was translated."""
    src = "1\n00:00:01,000 --> 00:00:03,000\nThe event began with prayers.\n"
    out = translate_document(src.encode(), "srt", "en", "it", aligning).data.decode()
    assert out.endswith("\n") and not out.endswith("\n\n")
    assert out.startswith("1\n00:00:01,000 --> 00:00:03,000\n")
