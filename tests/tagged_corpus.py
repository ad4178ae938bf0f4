"""The tagged reference article (shared/corpus/html) as runs, and DOCX/ODT/SRT/VTT files
built from it, so the document formats are checked against the same expected spans as
HTML. Each paragraph is a list of (text, marks) pieces; marks are the HTML elements
around the text (``strong``, ``em``, ``a``, ``span``, ``code``, ``br``)."""

from __future__ import annotations

import html.parser
import io
from pathlib import Path

from support import ROOT

HTML_DIR = ROOT.parent / "shared" / "corpus" / "html"
MARKS = ("strong", "em", "a", "span", "code")


class _Reader(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[list[tuple[str, tuple[str, ...]]]] = []
        self.stack: list[str] = []
        self.inside = False

    def handle_starttag(self, tag, attrs):
        if tag in ("h1", "p"):
            self.paragraphs.append([])
            self.inside = True
        elif self.inside and tag == "br":
            self.paragraphs[-1].append(("", ("br",)))
        elif self.inside:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if tag in ("h1", "p"):
            self.inside = False
        elif self.inside and self.stack and self.stack[-1] == tag:
            self.stack.pop()

    def handle_data(self, data):
        if self.inside:
            self.paragraphs[-1].append((data, tuple(self.stack)))


def paragraphs(lang: str) -> list[list[tuple[str, tuple[str, ...]]]]:
    reader = _Reader()
    reader.feed((HTML_DIR / f"khojaly-rome.{lang}.html").read_text(encoding="utf-8"))
    return reader.paragraphs


def plain(par) -> str:
    return "".join(t for t, _ in par)


def marked(par, mark: str) -> list[str]:
    """The texts that ``mark`` covers in a paragraph, one per maximal stretch."""
    out, cur = [], None
    for text, marks in par:
        if mark in marks and text:
            cur = (cur or "") + text
        elif cur is not None:
            out.append(cur)
            cur = None
    if cur is not None:
        out.append(cur)
    return out


def build_docx(lang: str = "en") -> bytes:
    import docx
    from docx.oxml.ns import qn
    from docx.oxml.parser import OxmlElement
    from docx.shared import RGBColor

    d = docx.Document()
    d.core_properties.title = plain(paragraphs(lang)[0])
    for par in paragraphs(lang):
        p = d.add_paragraph()
        for text, marks in par:
            if "br" in marks:
                p.add_run().add_break()
                continue
            if "a" in marks:
                link = OxmlElement("w:hyperlink")
                rid = d.part.relate_to("https://example.org/", docx.opc.constants
                                       .RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
                link.set(qn("r:id"), rid)
                p._p.append(link)
                run = OxmlElement("w:r")
                t = OxmlElement("w:t")
                t.text = text
                t.set(qn("xml:space"), "preserve")
                rpr = OxmlElement("w:rPr")
                u = OxmlElement("w:u")
                u.set(qn("w:val"), "single")
                rpr.append(u)
                run.append(rpr)
                run.append(t)
                link.append(run)
                continue
            r = p.add_run(text)
            r.bold = "strong" in marks or None
            r.italic = "em" in marks or None
            if "span" in marks:
                r.font.color.rgb = RGBColor(0x80, 0, 0)
            if "code" in marks:
                r.font.name = "Courier New"
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def build_odt(lang: str = "en") -> bytes:
    from odf import dc
    from odf.opendocument import OpenDocumentText
    from odf.style import Style, TextProperties
    from odf.text import A, H, LineBreak, P, Span

    doc = OpenDocumentText()
    styles = {}
    for name, props in (("Strong", {"fontweight": "bold"}), ("Em", {"fontstyle": "italic"}),
                        ("StrongEm", {"fontweight": "bold", "fontstyle": "italic"}),
                        ("Name", {"color": "#800000"}), ("Code", {"fontname": "Courier"})):
        st = Style(name=name, family="text")
        st.addElement(TextProperties(**props))
        doc.automaticstyles.addElement(st)
        styles[name] = st
    doc.meta.addElement(dc.Title(text=plain(paragraphs(lang)[0])))
    for n, par in enumerate(paragraphs(lang)):
        el = H(outlinelevel=1) if n == 0 else P()
        for text, marks in par:
            if "br" in marks:
                el.addElement(LineBreak())
                continue
            style = ("StrongEm" if {"strong", "em"} <= set(marks) else "Strong"
                     if "strong" in marks else "Em" if "em" in marks else "Name"
                     if "span" in marks else "Code" if "code" in marks else None)
            if "a" in marks:
                el.addElement(A(href="https://example.org/", text=text))
            elif style:
                el.addElement(Span(stylename=styles[style], text=text))
            else:
                el.addText(text)
        doc.text.addElement(el)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def srt_time(sec: float) -> str:
    ms = round(sec * 1000)
    return f"{ms // 3600000:02d}:{ms // 60000 % 60:02d}:{ms // 1000 % 60:02d},{ms % 1000:03d}"


def cues_from(sentences: list[str], split: int) -> list[str]:
    """One cue per sentence, sentence ``split`` spread over two cues at its middle word."""
    cues = []
    for i, s in enumerate(sentences):
        if i == split:
            words = s.split()
            half = len(words) // 2
            cues.extend([" ".join(words[:half]), " ".join(words[half:])])
        else:
            cues.append(s)
    return cues


def build_srt(cues: list[str]) -> bytes:
    out = []
    for k, text in enumerate(cues):
        t0 = 1 + 3.5 * k
        out.append(f"{k + 1}\n{srt_time(t0)} --> {srt_time(t0 + 3.2)}\n{text}\n")
    return "\n".join(out).encode("utf-8")


def build_vtt(cues: list[str]) -> bytes:
    out = ["WEBVTT - reference article\n", "NOTE built from the aligned corpus\n",
           "STYLE\n::cue(.name) { color: yellow; }\n"]
    for k, text in enumerate(cues):
        t0 = 1 + 3.5 * k
        a, b = srt_time(t0).replace(",", "."), srt_time(t0 + 3.2).replace(",", ".")
        out.append(f"c{k + 1}\n{a} --> {b} line:90%\n{text}\n")
    return "\n".join(out).encode("utf-8")


def path(name: str) -> Path:
    return HTML_DIR / name
