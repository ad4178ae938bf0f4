"""Paths and corpus readers shared by the tests (importable as ``support``)."""

from __future__ import annotations

import csv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"
MODELS = FIXTURES / "models"
CORPUS = FIXTURES / "corpus"



def article(lang: str) -> str:
    return (CORPUS / f"khojaly-rome.{lang}.txt").read_text(encoding="utf-8")


def aligned_rows() -> list[dict[str, str]]:
    with (CORPUS / "khojaly-rome.aligned.tsv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))
