"""``translate glossary check``: report every problem of glossary files."""

from __future__ import annotations

import argparse
import sys

from .common import Parser


def add_parser(sub) -> None:
    p = sub.add_parser("glossary", help="work with glossary files (TSV, CSV, TBX)")
    gsub = p.add_subparsers(dest="glossary_command", metavar="ACTION", parser_class=Parser)
    gsub.required = True
    c = gsub.add_parser("check", help="report every problem as FILE:LINE (exit 2 if any)")
    c.add_argument("files", nargs="+", metavar="FILE", help="glossary file(s)")
    c.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..glossary import check_file, describe_glossary, load_glossary

    status = 0
    for path in args.files:
        problems = check_file(path)
        for problem in problems:
            print(problem, file=sys.stderr)
        if problems:
            status = 2
        else:
            print(f"{path}: {describe_glossary(load_glossary(path))}")
    return status
