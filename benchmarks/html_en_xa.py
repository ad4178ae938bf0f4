"""HTML through the pipeline without a model: time and peak memory of translating to the
pseudo-locale en-XA (issue 23), for the largest real pages of fixtures/documents-real/html
and for pages of about 100 KB, 500 KB and 2 MB built from one of them.

    python benchmarks/html_en_xa.py

Each file runs in its own process (peak memory is that process's maximum RSS; "before"
is the RSS with the translator made, before the document). Prints a table.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGES = ROOT / "fixtures/documents-real/html"

ONE = r'''
import resource, sys, time
from translate import Translator
from translate.documents import translate_document
data = open(sys.argv[1], "rb").read()
tr = Translator(glossary=False)
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
result = translate_document(data, "html", "en", "en-XA", tr, name=sys.argv[1])
took = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(f"{len(data) / 1e3:.0f}\t{took:.2f}\t{peak / 1024:.0f}\t{before / 1024:.0f}")
'''


def built(size: int, folder: Path) -> Path:
    """A page of about ``size`` bytes: the body of a real page repeated."""
    page = (PAGES / "firefox-nightly-blog.html").read_text(encoding="utf-8")
    body = re.search(r"<body[^>]*>(.*)</body>", page, re.S).group(1)
    text = ("<!doctype html><html lang=en><head><title>Built page</title></head><body>"
            + body * max(1, round(size / len(body))) + "</body></html>")
    path = folder / f"built-{size // 1000}k.html"
    path.write_text(text, encoding="utf-8")
    return path


def main() -> None:
    largest = sorted(PAGES.glob("*.html"), key=lambda p: -p.stat().st_size)[:4]
    with tempfile.TemporaryDirectory() as tmp:
        files = largest + [built(n, Path(tmp)) for n in (100_000, 500_000, 2_000_000)]
        print("| file | KB | seconds | s per 100 KB | peak MB | before MB |")
        print("|---|---|---|---|---|---|")
        for path in files:
            run = subprocess.run([sys.executable, "-c", ONE, str(path)], capture_output=True,
                                 text=True, cwd=ROOT, check=True)
            kb, took, peak, before = run.stdout.split()
            print(f"| {path.name} | {kb} | {took} | {float(took) / float(kb) * 100:.2f} | "
                  f"{peak} | {before} |")


if __name__ == "__main__":
    main()
