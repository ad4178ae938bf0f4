"""The en-XA oracle on real HTML pages (issue 23): each page of
fixtures/documents-real/html translated to en-XA is the same page, every tag, comment and
script byte for byte, every element around exactly its own words (see tests/oracle_html.py).
No model is loaded: en-XA is the pseudo-locale."""

from __future__ import annotations

import re

import pytest
from oracle_html import compare, items

from support import FIXTURES
from translate import Translator
from translate.cli import main
from translate.documents import translate_document

PAGES = sorted((FIXTURES / "documents-real/html").glob("*.html"))


@pytest.fixture(scope="module")
def pseudo():
    return Translator(glossary=False)


def test_the_corpus_is_there():
    assert len(PAGES) >= 15


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_a_real_page_round_trips_to_en_xa_with_every_element_around_its_own_words(
        pseudo, page):
    source = page.read_text(encoding="utf-8")
    result = translate_document(page.read_bytes(), "html", "en", "en-XA", pseudo,
                                name=page.name)
    assert compare(source, result.text) == []
    # these pages are valid HTML5 as browsers read them: nothing was "repaired"
    assert not any("repaired" in n for n in result.notes), result.notes
    assert all(s.action == "translated" for s in result.segments)
    # and the oracle is not vacuous: text was translated
    assert sum(1 for it in items(result.text) if it.kind == "text"
               and re.search("[åéîöû]", it.raw)) > 5


def test_the_cli_writes_the_same_page(capsys, tmp_path):
    page = FIXTURES / "documents-real/html/gitlab-blog.html"
    code = main(["article", str(page), "--from", "en", "--to", "en-XA", "-o", str(tmp_path)])
    _, err = capsys.readouterr()
    assert code == 0, err
    out = (tmp_path / "gitlab-blog.en-XA.html").read_text(encoding="utf-8")
    assert compare(page.read_text(encoding="utf-8"), out) == []
    assert "repaired" not in err


def test_the_comparator_finds_what_it_is_for():
    """The oracle itself: each kind of damage is found (a comparator that passes
    everything would make the tests above vacuous)."""
    src = ('<p>One <a href="/x">two three</a> four <span translate="no">Keep me</span>'
           ' <a href="https://e.org/a">https://e.org/a</a>.</p>')
    good = ('<p>[Öñé <a href="/x">ţŵö ţĥŕéé</a> ḟöûŕ <span translate="no">Keep me</span>'
            ' <a href="https://e.org/a">https://e.org/a</a>.]</p>')
    assert compare(src, good) == []
    bad = {
        "word left the link": good.replace("ţŵö ţĥŕéé</a> ḟöûŕ", "ţŵö</a> ţĥŕéé ḟöûŕ"),
        "space crossed a tag": good.replace('Öñé <a href="/x">ţŵö', 'Öñé<a href="/x"> ţŵö'),
        "link emptied": good.replace(">ţŵö ţĥŕéé</a> ḟöûŕ", "></a>ţŵö ţĥŕéé ḟöûŕ"),
        "tag changed": good.replace('href="/x"', 'href="/y"'),
        "end tag added": good.replace("ḟöûŕ ", "ḟöûŕ </a>"),
        "untranslated": good.replace("ḟöûŕ", "four"),
        "kept text translated": good.replace("Keep me", "Ķééṕ ḿé"),
        "URL link translated": good.replace(">https://e.org/a<", ">ĥţţṕš://é.öŕĝ/å<"),
        "word lost": good.replace("Öñé ", ""),
    }
    for what, out in bad.items():
        assert compare(src, out), what
