"""``translate tm list|import|export``: the translation memory, listed or as TMX."""

from __future__ import annotations

import argparse
import sys

from .common import Parser


def add_parser(sub) -> None:
    p = sub.add_parser("tm", help="translation memory: list, TMX import and export")
    tsub = p.add_subparsers(dest="tm_command", metavar="ACTION", parser_class=Parser)
    tsub.required = True
    i = tsub.add_parser("import", help="add the pairs of a TMX file to the memory")
    i.add_argument("file", metavar="FILE.tmx", help="TMX 1.4b file")
    i.add_argument("--tm", required=True, metavar="DB", help="translation memory (SQLite)")
    i.set_defaults(func=run_import)
    e = tsub.add_parser("export", help="write the memory as TMX 1.4b")
    e.add_argument("--tm", required=True, metavar="DB", help="translation memory (SQLite)")
    e.add_argument("-o", "--output", required=True, metavar="FILE.tmx", help="TMX file")
    e.add_argument("--from", dest="src", metavar="LANG", help="only this source language")
    e.add_argument("--to", dest="tgt", metavar="LANG", help="only this target language")
    e.set_defaults(func=run_export)
    ls = tsub.add_parser("list", help="list the memory's entries with their origin "
                                      "(human, or machine with its route)")
    ls.add_argument("--tm", required=True, metavar="DB", help="translation memory (SQLite)")
    ls.add_argument("--from", dest="src", metavar="LANG", help="only this source language")
    ls.add_argument("--to", dest="tgt", metavar="LANG", help="only this target language")
    ls.add_argument("--origin", choices=["human", "machine"], default=None,
                    help="only the entries people made, or only the model's")
    ls.add_argument("--json", action="store_true",
                    help="one JSON object per line instead of a table")
    ls.set_defaults(func=run_list)


def run(args: argparse.Namespace) -> int:
    return args.func(args)


def run_import(args: argparse.Namespace) -> int:
    from ..memory import TranslationMemory, import_tmx

    with TranslationMemory(args.tm) as tm:
        result = import_tmx(args.file, tm)
    print(f"{args.file}: {result.written} translation pair(s) imported into {args.tm}"
          + (f", {result.skipped} skipped" if result.skipped else ""), file=sys.stderr)
    return 0


def run_export(args: argparse.Namespace) -> int:
    from ..languages import normalise_lang
    from ..memory import TranslationMemory, export_tmx

    src = normalise_lang(args.src) if args.src else None
    tgt = normalise_lang(args.tgt) if args.tgt else None
    with TranslationMemory(args.tm, create=False) as tm:  # a typo is an error, not a file
        result = export_tmx(tm, args.output, src=src, tgt=tgt)
    print(f"{args.output}: {result.written} translation unit(s) exported"
          + (f", {result.skipped} left out (failed QA or not XML-safe)" if result.skipped
             else ""), file=sys.stderr)
    return 0


def run_list(args: argparse.Namespace) -> int:
    import json

    from ..languages import normalise_lang
    from ..memory import TranslationMemory

    src = normalise_lang(args.src) if args.src else None
    tgt = normalise_lang(args.tgt) if args.tgt else None
    shown = 0
    with TranslationMemory(args.tm, create=False) as tm:
        for e in tm.entries(src, tgt):
            if args.origin and (args.origin == "human") != e.human:
                continue
            shown += 1
            origin = "human" if e.human else "machine"
            if args.json:
                print(json.dumps({"src": e.src, "tgt": e.tgt, "source": e.source,
                                  "target": e.target, "origin": origin,
                                  "origin_detail": e.origin, "route": e.route,
                                  "route_key": e.context or "", "confidence": e.confidence,
                                  "qa": e.qa, "changed": e.changed}, ensure_ascii=False))
            else:
                detail = origin if e.human else f"machine {e.route or e.context or ''}".strip()
                conf = "" if e.confidence is None else f" {e.confidence:.2f}"
                print(f"{e.src}->{e.tgt}\t{detail}{conf}\t{e.source}\t{e.target}")
    print(f"{args.tm}: {shown} entr{'y' if shown == 1 else 'ies'}", file=sys.stderr)
    return 0
