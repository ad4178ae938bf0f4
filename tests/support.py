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


def run_bounded(*argv: str, seconds: float = 60, address_space_gb: float = 4,
                cwd: Path = ROOT):
    """``translate ARGV`` in a child process that is killed after ``seconds`` and may not
    map more than ``address_space_gb`` (a hostile input may neither hang nor exhaust the
    machine): the CompletedProcess (``TimeoutExpired`` when it ran too long)."""
    import os
    import resource
    import subprocess
    import sys

    cap = int(address_space_gb * 1024 ** 3)

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run([sys.executable, "-m", "translate.cli", *argv], capture_output=True,
                          text=True, cwd=cwd, env=env, timeout=seconds, preexec_fn=limit)
