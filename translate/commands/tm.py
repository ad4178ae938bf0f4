"""``translate tm import|export``: the translation memory as TMX."""

from __future__ import annotations

import argparse
import sys

from .common import Parser


def add_parser(sub) -> None:
    p = sub.add_parser("tm", help="translation memory: TMX import and export")
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
    with TranslationMemory(args.tm) as tm:
        result = export_tmx(tm, args.output, src=src, tgt=tgt)
    print(f"{args.output}: {result.written} translation unit(s) exported"
          + (f", {result.skipped} left out (failed QA or not XML-safe)" if result.skipped
             else ""), file=sys.stderr)
    return 0
