"""The reference article must split into exactly its aligned sentences: the translation
pipeline maps sentences across languages by position."""

from __future__ import annotations

import pytest

from translate.segment import segment

from .helpers import aligned_rows, check_offsets, corpus_dir


@pytest.mark.parametrize("lang", ["en", "az", "it"])
def test_article_gives_aligned_sentences(lang: str) -> None:
    rows = aligned_rows()
    text = (corpus_dir() / f"khojaly-rome.{lang}.txt").read_text(encoding="utf-8")
    expected = [row[lang] for row in rows]
    if lang == "en":
        # The English article keeps the site's Azerbaijani footer (row 18's az text).
        expected[-1] = rows[-1]["az"]
    segments = segment(text, lang)
    assert [s.text for s in segments] == expected
    check_offsets(text, segments)


@pytest.mark.parametrize("lang", ["en", "az", "it"])
def test_sentences_of_a_paragraph_join_to_it(lang: str) -> None:
    rows = aligned_rows()
    text = (corpus_dir() / f"khojaly-rome.{lang}.txt").read_text(encoding="utf-8")
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    by_paragraph: dict[str, list[str]] = {}
    for seg, row in zip(segment(text, lang), rows, strict=True):
        by_paragraph.setdefault(row["paragraph"], []).append(seg.text)
    assert [" ".join(v) for v in by_paragraph.values()] == [p.strip() for p in paragraphs]


def test_article_with_crlf_and_footer_in_another_language() -> None:
    text = (corpus_dir() / "khojaly-rome.en.txt").read_text(encoding="utf-8")
    crlf = text.replace("\n", "\r\n")
    segments = segment(crlf, "en")
    assert [s.text for s in segments] == [s.text for s in segment(text, "en")]
    assert segments[-1].text == "Bütün xəbərlər Facebook səhifəmizdə"
    check_offsets(crlf, segments)
