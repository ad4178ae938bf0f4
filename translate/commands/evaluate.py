"""``translate evaluate``: score a translation (chrF, BLEU, glossary terms)."""

from __future__ import annotations

import argparse
import json
import sys


def add_parser(sub) -> None:
    p = sub.add_parser("evaluate", help="score a translation: chrF, BLEU, glossary terms")
    p.add_argument("--ref", required=True, metavar="REF", help="reference, one segment a line")
    p.add_argument("--hyp", required=True, metavar="HYP", help="translation, line-aligned")
    p.add_argument("--lang", required=True, metavar="LANG", help="language of REF and HYP")
    p.add_argument("--src", metavar="SRC", help="source text, line-aligned: adds term accuracy")
    p.add_argument("--src-lang", metavar="LANG", help="language of SRC")
    p.add_argument("--glossary", metavar="FILE", action="append", default=[],
                   help="glossary for term accuracy, repeatable; later files win "
                        "(default: the shipped glossaries/news.tsv)")
    p.add_argument("--json", action="store_true", help="print a JSON object")
    p.set_defaults(func=run, flags={"src": "--src"})


def run(args: argparse.Namespace) -> int:
    from ..evaluate import evaluate_files

    result = evaluate_files(args.ref, args.hyp, args.lang, src=args.src,
                            src_lang=args.src_lang, glossaries=args.glossary)
    if args.json:
        json.dump(result.as_dict(), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(result.table() + "\n")
    return 0
