"""Boundary precision, recall and F1 of the segmenter on sentence-segmented corpora.

    python benchmarks/segeval.py --dev                     # every dev set in tests/segment/data
    python benchmarks/segeval.py my_news.json --lang en    # your own corpus
    python benchmarks/segeval.py my_news.json --lang en --errors 20   # and its first errors

A corpus is a UTF-8 JSON list of items, one paragraph each, in any of these shapes:
``{"text": "...", "expected": ["sentence", ...]}`` (the dev sets' shape; the sentences
must occur in the text, in order), ``{"sentences": [...]}`` or a bare list of sentences
(the text is then the sentences joined by a space). An item's ``"lang"`` wins over
``--lang``; without either, the language is read from the file name (``golden_en.json``,
``az_dev.json``). A boundary is where a sentence other than an item's first one starts;
precision = correct / predicted boundaries, recall = correct / gold ones, over the whole
corpus. ``exact`` counts the items whose sentences all came out right. The last line of
the output is JSON. Details: ``translate/segment/evaluate.py``.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from translate.errors import UserError  # noqa: E402
from translate.segment.evaluate import Scores, evaluate, load_corpus  # noqa: E402

DEV_DIR = ROOT / "tests" / "segment" / "data"
LANGS = ("en", "az", "it")


def lang_from_name(path: Path) -> str | None:
    """``golden_en.json`` -> ``en``: a part of the file name that is a language code."""
    parts = re.split(r"[^a-z]+", path.name.lower())
    found = [p for p in parts if p in LANGS]
    return found[0] if len(found) == 1 else None


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog=__doc__.split("\n", 6)[6])
    ap.add_argument("corpus", nargs="*", type=Path, help="JSON corpus file(s)")
    ap.add_argument("--lang", choices=LANGS, help="language of items that name none")
    ap.add_argument("--dev", action="store_true", help="score every dev set in "
                    "tests/segment/data")
    ap.add_argument("--errors", type=int, default=0, metavar="N",
                    help="print the first N missed and false boundaries of each file")
    args = ap.parse_args(argv)
    files = list(args.corpus)
    if args.dev:
        files += sorted(DEV_DIR.glob("*.json"))
    if not files:
        ap.error("give a corpus file, or --dev")
    try:
        return _run(files, args.lang, args.errors)
    except UserError as exc:
        print(f"segeval: {exc}", file=sys.stderr)
        return 2


def _run(files: list[Path], lang: str | None, show_errors: int) -> int:
    rows: list[tuple[str, str, Scores]] = []
    by_lang: dict[str, Scores] = {}
    for path in files:
        items = load_corpus(path)
        file_lang = lang or lang_from_name(path)
        if file_lang is None and any(item.lang is None for item in items):
            raise UserError(f"{path}: cannot tell its language from its name; give --lang "
                            f"{'|'.join(LANGS)} or a \"lang\" field per item")
        report = evaluate(items, file_lang or "en")
        label = file_lang or "mixed"
        rows.append((path.name, label, report.scores))
        by_lang[label] = by_lang.get(label, Scores()) + report.scores
        for err in report.errors[:show_errors]:
            print(f"{path.name} item {err.item}: {err.kind:<6} {err.context()}")
    print(f"{'corpus':<24}{'lang':<6}{'items':>6}{'exact':>7}{'gold':>6}{'pred':>6}"
          f"{'P':>8}{'R':>8}{'F1':>8}")
    total = Scores()
    for name, label, s in rows:
        print(_row(name, label, s))
        total = total + s
    if len(rows) > 1:
        for label, s in sorted(by_lang.items()):
            print(_row("all", label, s))
        print(_row("all", "all", total))
    print(json.dumps({"files": {name: s.as_dict() for name, _, s in rows},
                      "languages": {k: v.as_dict() for k, v in sorted(by_lang.items())},
                      "all": total.as_dict()}))
    return 0


def _row(name: str, label: str, s: Scores) -> str:
    return (f"{name:<24}{label:<6}{s.items:>6}{s.exact:>7}{s.gold:>6}{s.predicted:>6}"
            f"{s.precision:>8.4f}{s.recall:>8.4f}{s.f1:>8.4f}")


if __name__ == "__main__":
    sys.exit(main())
