"""``translate segment``: split text into sentences."""

from __future__ import annotations

import argparse
import json
import sys


def add_parser(sub) -> None:
    from ..languages import one_of

    p = sub.add_parser("segment", help="split text into sentences")
    p.add_argument("file", nargs="?", default="-", metavar="FILE", help="text file or -")
    p.add_argument("--lang", required=True, metavar="LANG", help=one_of())
    p.add_argument("--json", action="store_true",
                   help="print a JSON array of {text, start, end}")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..article import read_input
    from ..languages import normalise_lang
    from ..segment import segment

    text, _ = read_input(args.file)
    segments = segment(text, normalise_lang(args.lang))
    if args.json:
        json.dump([{"text": s.text, "start": s.start, "end": s.end} for s in segments],
                  sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        for s in segments:
            sys.stdout.write(" ".join(s.text.splitlines()) + "\n")
    return 0
