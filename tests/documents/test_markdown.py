"""Markdown articles: the tagged article in Markdown (fixtures/documents) and the
constructs one by one, through the real fixture models (and the gold links for placement)."""

from __future__ import annotations

import pytest
from documents.gold import GoldTranslator
from documents.markup import elements, plain, sequence, wrapped_exactly
from documents.test_html_corpus import PAIRS, needs_alignment
from markdown_it import MarkdownIt

from support import FIXTURES, aligned_rows
from translate.documents import translate_document

DOCS = FIXTURES / "documents"
ROWS = aligned_rows()
A_EN, A_IT = ROWS[11]["en"], ROWS[11]["it"]
B_EN, B_IT = ROWS[14]["en"], ROWS[14]["it"]
C_EN, C_IT = ROWS[13]["en"], ROWS[13]["it"]
HEAD_EN, HEAD_IT = ROWS[0]["en"], ROWS[0]["it"]


def md(lang: str) -> str:
    return (DOCS / f"khojaly-rome.{lang}.md").read_text(encoding="utf-8")


def to_html(text: str) -> str:
    if text.startswith("---\n"):  # the front matter is not Markdown
        text = text.split("\n---\n", 1)[1]
    body = MarkdownIt("commonmark").enable("table").render(text)
    return f"<!DOCTYPE html><html><head></head><body>{body}</body></html>"


def tr(text: str, translator, tgt: str = "it", src: str = "en"):
    return translate_document(text.encode("utf-8"), "markdown", src, tgt, translator)


@pytest.mark.parametrize("tgt", ["it", "az"])
def test_gold_alignment_reproduces_the_expected_markdown_exactly(tgt):
    result = translate_document(md("en").encode(), "markdown", "en", tgt, GoldTranslator())
    assert result.text == md(tgt)


@pytest.mark.parametrize(("src", "tgt"), PAIRS)
def test_fixture_models_give_the_reference_text_and_every_element(translator, src, tgt):
    result = translate_document(md(src).encode(), "markdown", src, tgt, translator)
    got, want = to_html(result.text), to_html(md(tgt))
    assert plain(got) == plain(want)
    assert sorted(sequence(got)) == sorted(sequence(want))
    # front matter: title translated, other keys as they were
    assert result.text.split("\n---\n")[0] == md(tgt).split("\n---\n")[0]


@needs_alignment
@pytest.mark.parametrize(("src", "tgt"), PAIRS)
def test_fixture_models_place_the_markdown_markup_by_alignment(translator, src, tgt):
    result = translate_document(md(src).encode(), "markdown", src, tgt, translator)
    got, want = to_html(result.text), to_html(md(tgt))
    assert sequence(got) == sequence(want)
    assert wrapped_exactly(got, want) >= len(elements(want)) - 1


def test_lists_quotes_tables_code_and_links(translator):
    src = (f"- {A_EN}\n"
           f"- see [{C_EN}](https://example.org/a_b*c \"t\")\n\n"
           f"> {B_EN}\n\n"
           f"| {C_EN} | 2010 |\n|---|---:|\n| `{B_EN}` | ![{A_EN}](a.png) |\n\n"
           f"    {A_EN}\n\n"
           f"```\n{A_EN}\n```\n")
    out = tr(src, translator).text
    assert out.startswith(f"- {A_IT}\n- ")
    assert "](https://example.org/a_b*c \"t\")\n\n" in out
    assert f"\n\n> {B_IT}\n\n" in out
    assert f"| {C_IT} | 2010 |\n|---|---:|\n| `{B_EN}` | ![{A_IT}](a.png) |\n\n" in out
    assert out.endswith(f"\n\n    {A_EN}\n\n```\n{A_EN}\n```\n")


def test_a_quote_over_several_lines_and_crlf(translator):
    words = A_EN.split(" ")
    half = len(words) // 2
    src = "> " + " ".join(words[:half]) + "\r\n> " + " ".join(words[half:]) + "\r\n"
    out = tr(src, translator).text
    assert out == f"> {A_IT}\r\n"


def test_front_matter_values_and_other_keys(translator):
    src = (f"---\ntitle: {C_EN}\ndescription: '{HEAD_EN.replace(chr(39), chr(39) * 2)}'\n"
           f"summary: \"{B_EN}\"\nauthor: {B_EN}\ndate: 2024-02-26\n---\n# {C_EN}\n")
    out = tr(src, translator).text
    import yaml

    meta = yaml.safe_load(out.split("---\n")[1])
    assert meta["title"] == C_IT and meta["description"] == HEAD_IT
    assert meta["summary"] == B_IT and meta["author"] == B_EN
    assert out.endswith(f"date: 2024-02-26\n---\n# {C_IT}\n")
    assert "\nsummary: \"" in out and "\ndescription: '" in out


def test_raw_html_blocks_are_translated_as_html(translator):
    src = (f"<div class=\"box\">\n<p>{A_EN}</p>\n<pre>{B_EN}</pre>\n</div>\n\n"
           f"<!-- {C_EN} -->\n\n{C_EN}\n")
    out = tr(src, translator).text
    assert out == (f"<div class=\"box\">\n<p>{A_IT}</p>\n<pre>{B_EN}</pre>\n</div>\n\n"
                   f"<!-- {C_EN} -->\n\n{C_IT}\n")


def test_escapes_and_entities_outside_translated_text_are_kept(translator):
    src = f"\\# 2024 &copy; \\*\n\n{C_EN}\n"
    out = tr(src, translator).text
    assert out == f"\\# 2024 &copy; \\*\n\n{C_IT}\n"
