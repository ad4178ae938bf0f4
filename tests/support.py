"""Paths and corpus readers shared by the tests (importable as ``support``)."""

from __future__ import annotations

import csv
import sqlite3
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


def tm_count(path: Path) -> int:
    """Rows in a translation memory, read-only (0 while it does not exist or is locked)."""
    if not path.exists():
        return 0
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
        try:
            return db.execute("SELECT COUNT(*) FROM units").fetchone()[0]
        finally:
            db.close()
    except sqlite3.Error:
        return 0
