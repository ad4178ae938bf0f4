"""The development sets: the shared ones (copied from ../shared/segmentation) and this
project's news cases for quotations and abbreviations (``*_quotes_dev.json``, issue #15).
All must pass."""

from __future__ import annotations

import pytest

from translate.segment import segment

from .helpers import check_offsets, load_cases

SETS = [
    ("golden_en.json", "en", 48),
    ("golden_it.json", "it", 34),
    ("it_news_dev.json", "it", 8),
    ("az_dev.json", "az", 12),
    ("en_quotes_dev.json", "en", 29),
    ("az_quotes_dev.json", "az", 18),
    ("it_quotes_dev.json", "it", 20),
]
CASES = [
    pytest.param(lang, case, id=f"{name.removesuffix('.json')}-{i}")
    for name, lang, _ in SETS
    for i, case in enumerate(load_cases(name))
]


@pytest.mark.parametrize(("name", "lang", "count"), SETS)
def test_set_sizes(name: str, lang: str, count: int) -> None:
    assert len(load_cases(name)) == count


@pytest.mark.parametrize(("lang", "case"), CASES)
def test_dev_case(lang: str, case: dict) -> None:
    segments = segment(case["text"], lang)
    assert [s.text.strip() for s in segments] == case["expected"]
    check_offsets(case["text"], segments)
