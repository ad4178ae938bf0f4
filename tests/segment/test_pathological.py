"""Inputs that make backtracking or quadratic scanners hang. There are no timing
assertions: each case just has to finish (they run in well under a second each)."""

from __future__ import annotations

import pytest

from translate.segment import segment

from .helpers import check_offsets

N = 100_000

CASES = {
    "dots": "." * N,
    "spaces": " " * N,
    "one long line": ("abcdefghij" * (N // 10 + 1)) * 10,  # 1 MB, no punctuation
    "spaced dots": ". " * N,
    "dot runs": "a.... " * (N // 6),
    "letters and periods": "a. " * (N // 3),
    "initials": "A. " * (N // 3),
    "numbered items": "1. " * (N // 3),
    "opening brackets": "(" * N,
    "straight quotes": '"' * N,
    "quote pairs": '"A. b." ' * (N // 8),
    "exclamations": "! " * N,
    "punctuation only": "$. " * (N // 3),
    "line breaks": "\n" * N,
    "short lines": "A\n" * (N // 2),
    "wrapped lines": "a\n" * (N // 2),
    "spaces before a break": " " * N + "\nA.",
    "long word before period": "x" * N + ". Next.",
    "attributions": "\"Help!\" Hammel Smith Jones Brown Green " * (N // 40),
    "lettered references": "a) x " + "lett. b) del " * (N // 13),
    "sentence brackets": "(A b. C d.) " * (N // 12),
    "era dates": "Nel 79 d.C. Pompei " * (N // 19),
    "cited quotations": '"a / b. C" (x) ' * (N // 15),
}


@pytest.mark.parametrize("lang", ["en", "az", "it"])
@pytest.mark.parametrize("name", list(CASES))
def test_pathological_input_completes(name: str, lang: str) -> None:
    text = CASES[name]
    check_offsets(text, segment(text, lang))
