"""Issue #23: text that is a URL, an e-mail address or a handle (@name, #tag) is kept as
is, in every format; the model never sees it (``translate/data/verbatim.toml``)."""

from __future__ import annotations

import io
import json
import re
import zipfile

import pytest

from support import MODELS, article
from translate import Translator
from translate.cli import main

SENTENCE = ("Visit https://example.com/x or mail someone@example.org, ask @newsdesk about "
            "#elections now.")
#: SENTENCE to en-XA: letters accented, the URL, address and handles byte for byte
PSEUDO = ("[Ṽîšîţ https://example.com/x öŕ ḿåîĺ someone@example.org, åšḱ @newsdesk åḃöûţ "
          "#elections ñöŵ.]")
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def to_xa(capsys, tmp_path, name: str, data: bytes | str, *more: str) -> bytes:
    src = tmp_path / name
    if isinstance(data, str):
        src.write_text(data, encoding="utf-8", newline="")
    else:
        src.write_bytes(data)
    code, _, err = run(capsys, "article", src, "--from", "en", "--to", "en-XA", "-o",
                       tmp_path / "out", *more)
    assert code == 0, err
    stem, _, ext = name.rpartition(".")
    return (tmp_path / "out" / f"{stem}.en-XA.{ext}").read_bytes()


def test_html_keeps_urls_addresses_and_handles(capsys, tmp_path, monkeypatch):
    monkeypatch.delenv("TRANSLATE_MODELS_DIR", raising=False)  # no model may be needed
    out = to_xa(capsys, tmp_path, "u.html", f"<p>{SENTENCE}</p>")
    assert out.decode() == f"<p>{PSEUDO}</p>"


def test_html_a_link_whose_text_is_its_url_split_in_spans_is_kept(capsys, tmp_path):
    # Mastodon writes the scheme of a link's URL in an invisible span
    page = ('<p>New post: <a href="https://example.com/x"><span class="invisible">https://'
            '</span><span class="ellipsis">example.com/x</span></a> by <a href="https://m.'
            'social/@newsdesk">@<span>newsdesk</span></a> #<b>elections</b></p>')
    out = to_xa(capsys, tmp_path, "m.html", page).decode()
    assert out == page.replace("New post:", "[Ñéŵ ṕöšţ:").replace(" by ", " ḃý ") \
        .replace("</b></p>", "</b>]</p>")


def test_markdown_autolinks_link_text_and_sentence_end(capsys, tmp_path):
    doc = ("# Contact\n\nVisit https://example.com/x. Write to <someone@example.org> or "
           "<https://example.com/y>, ask @newsdesk about #elections and issue #1 now.\n\n"
           "See [www.example.com/a](https://www.example.com/a) or mail "
           "[someone@example.org](mailto:someone@example.org).\n")
    out = to_xa(capsys, tmp_path, "u.md", doc).decode()
    assert out == (
        "# [Çöñţåçţ]\n\n[Ṽîšîţ https://example.com/x.] [Ŵŕîţé ţö <someone@example.org> öŕ "
        "<https://example.com/y>, åšḱ @newsdesk åḃöûţ #elections åñḋ îššûé #1 ñöŵ.]\n\n"
        "[Šéé [www.example.com/a](https://www.example.com/a) öŕ ḿåîĺ "
        "[someone@example.org](mailto:someone@example.org).]\n")


def test_plain_text_keeps_them(capsys, tmp_path):
    out = to_xa(capsys, tmp_path, "u.txt", SENTENCE + "\n").decode()
    assert out == PSEUDO + "\n"


def test_subtitles_keep_them(capsys, tmp_path):
    srt = ("1\r\n00:00:01,000 --> 00:00:03,000\r\nVisit https://example.com/x now.\r\n\r\n"
           "2\r\n00:00:04,000 --> 00:00:06,000\r\nAsk @newsdesk about #elections.\r\n")
    out = to_xa(capsys, tmp_path, "u.srt", srt).decode()
    assert out == srt.replace("Visit", "[Ṽîšîţ").replace(" now.", " ñöŵ.]") \
        .replace("Ask", "[Åšḱ").replace("about", "åḃöûţ").replace("#elections.", "#elections.]")


def test_docx_keeps_them_in_a_run_of_their_own(capsys, tmp_path):
    body = ('<w:p><w:r><w:t xml:space="preserve">Visit </w:t></w:r><w:r><w:rPr><w:u/>'
            '</w:rPr><w:t>https://example.com/x</w:t></w:r><w:r><w:t xml:space="preserve"'
            '> or mail someone@example.org, ask @newsdesk about #elections now.</w:t></w:r>'
            '</w:p>')
    xml = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           f'<w:document xmlns:w="{W}"><w:body>{body}</w:body></w:document>')
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", xml)
    out = to_xa(capsys, tmp_path, "u.docx", buf.getvalue())
    got = zipfile.ZipFile(io.BytesIO(out)).read("word/document.xml").decode()
    runs = re.findall(r"<w:r>(.*?)</w:r>", got)
    texts = ["".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", r)) for r in runs]
    assert "".join(texts) == PSEUDO
    assert [t for r, t in zip(runs, texts, strict=True) if "<w:u/>" in r] \
        == ["https://example.com/x"]


def test_a_url_is_one_word_for_the_aligner_and_never_takes_the_final_stop(monkeypatch):
    monkeypatch.delenv("TRANSLATE_MODELS_DIR", raising=False)
    text = "See https://example.com/a_(b). Then mail@example.org."
    (r,) = Translator().translate_batch([text], "en", "en-XA", align=True)
    assert r.text == "[Šéé https://example.com/a_(b). Ţĥéñ mail@example.org.]"
    spans = {text[a:b]: r.text[c:d] for (a, b), (c, d) in
             ((lk.src, lk.tgt) for lk in r.alignment)}
    assert spans["https://example.com/a_(b)"] == "https://example.com/a_(b)"
    assert spans["mail@example.org"] == "mail@example.org"
    assert spans["."] == "."
    assert not r.warnings


def _memorised() -> str:
    """A sentence the fixture en-it model has memorised (``../shared/corpus``)."""
    return next(s for s in article("en").splitlines() if s.startswith("The event began"))


@pytest.mark.parametrize("fmt", ["txt", "html"])
def test_a_url_in_a_memorised_sentence_survives_the_fixture_model(capsys, tmp_path, fmt):
    url = "https://sia.az/en/news/1?id=7"
    sentence = _memorised().replace("SIA reports.", f"{url} reports.")
    assert url in sentence
    link = f'<a href="{url}">{url}</a>'
    text = f"<p>{sentence.replace(url, link)}</p>" if fmt == "html" else sentence + "\n"
    src = tmp_path / f"s.{fmt}"
    src.write_text(text, encoding="utf-8")
    report = tmp_path / "r.json"
    code, _, err = run(capsys, "article", src, "--from", "en", "--to", "it", "-o",
                       tmp_path / "out", "--models-dir", MODELS, "--no-glossary",
                       "--report", report)
    assert code == 0, err
    out = (tmp_path / "out" / f"s.it.{fmt}").read_text(encoding="utf-8")
    assert out.startswith(("L'evento è iniziato", "<p>L'evento è iniziato"))
    if fmt == "html":  # the link still wraps exactly its URL
        assert link in out
    else:
        assert out.count(url) == 1
    seg = json.loads(report.read_text())["files"][0]["targets"]["it"]["segments"][0]
    assert url in seg["text"]
    # the model gave the memorised sentence without the URL's token: put back, and said
    assert any(url in w and "put back" in w for w in seg["warnings"]), seg["warnings"]


def test_formatting_that_splits_a_url_or_handle_does_not_end_it(capsys, tmp_path):
    page = ('<p>Read https://<b>example.com</b>/x or @<i>news</i>desk, ask '
            '<a href="/u/bob">@bob</a>today.</p>')
    out = to_xa(capsys, tmp_path, "s.html", page).decode()
    assert out == ('<p>[Ŕéåḋ https://<b>example.com</b>/x öŕ @<i>news</i>desk, åšḱ '
                   '<a href="/u/bob">@bob</a>ţöḋåý.]</p>')


def test_a_dropped_url_is_put_back_as_a_word_of_its_own(capsys, tmp_path):
    # the fixture en-az model gives the memorised sentence without "(__PH0__)": the URL
    # comes back between words, not glued to one
    url = "https://example.com/rome"
    src = tmp_path / "gl.txt"
    src.write_text(next(s for s in article("en").splitlines() if s.startswith(
        "A ceremony")).replace("in Rome,", f"in Rome ({url}),") + "\n", encoding="utf-8")
    code, _, err = run(capsys, "article", src, "--from", "en", "--to", "az", "-o",
                       tmp_path / "out", "--models-dir", MODELS)
    assert code == 0, err
    out = (tmp_path / "out" / "gl.az.txt").read_text(encoding="utf-8")
    assert re.search(r"(^|\s)" + re.escape(url) + r"(\s|[.,;:!?)]|$)", out), out
    assert f"the model dropped {url!r}" in err
