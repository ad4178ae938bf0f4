"""``translate article``: translate article files, keeping their layout."""

from __future__ import annotations

import argparse
import sys

from ..errors import TermsMissingError, UserError
from .common import (
    add_executor_options,
    add_glossary_options,
    add_limit_option,
    add_model_options,
    make_executor,
    make_translator,
    translator_config,
    wants_executor,
)


def add_parser(sub) -> None:
    from ..languages import SUPPORTED, one_of

    p = sub.add_parser("article", help="translate article files, keeping their layout")
    p.add_argument("files", nargs="*", default=["-"], metavar="FILE",
                   help="article file(s) (.txt, .html, .md, .docx, .odt, .srt, .vtt) or "
                        "directories of them; - or nothing reads stdin")
    p.add_argument("--from", dest="src", required=True, metavar="LANG",
                   help=f"source language: {one_of((*SUPPORTED, 'auto'))}")
    p.add_argument("--to", dest="tgt", required=True, metavar="LANG[,LANG...]",
                   help="target language(s), comma separated")
    p.add_argument("-o", "--output-dir", metavar="DIR",
                   help="write DIR/<stem>.<lang>.txt per target instead of stdout")
    p.add_argument("--report", metavar="FILE.json", help="write a JSON report per segment")
    p.add_argument("--strict", action="store_true",
                   help="exit 3 when a glossary term is missing from the output")
    p.add_argument("--max-size", type=float, default=None, metavar="MB",
                   help="refuse articles larger than this (default: 10 MB, the limit "
                        "input_mb)")
    add_limit_option(p)
    p.add_argument("--format", default=None,
                   choices=["text", "html", "markdown", "docx", "odt", "srt", "vtt"],
                   help="the input's format (default: by extension; stdin is text)")
    p.add_argument("--tm", metavar="FILE",
                   help="translation memory (SQLite, created if missing): sentences "
                        "translated before with the same models, options and glossary are "
                        "reused, only the others are decoded (and stored)")
    p.add_argument("--fail-fast", action="store_true",
                   help="stop at the first bad input, before anything is written (default: "
                        "report every bad input, translate the good ones, exit 2 at the end)")
    add_model_options(p)
    add_glossary_options(p)
    add_executor_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..article import plan_files, run_files
    from ..languages import normalise_lang, parse_lang_list

    parallel = wants_executor(args)  # --workers/--scheduler: refused before anything
    src = normalise_lang(args.src, allow_auto=True)
    targets = parse_lang_list(args.tgt)
    config = translator_config(args)
    # every input read and checked, every destination tried, before a model loads
    plan = plan_files(args.files or ["-"], src, targets, args.output_dir, report=args.report,
                      max_size_mb=args.max_size, fmt=args.format, tm=args.tm,
                      fail_fast=args.fail_fast, limits=config.limits)
    if parallel and any(f != "text" for f in plan.formats):
        doc = next(i[2] for i, f in zip(plan.inputs, plan.formats, strict=True) if f != "text")
        raise UserError(f"{doc}: --workers/--executor dask translate plain-text articles "
                        "only; translate the document formats without them")
    for tgt in targets:
        if tgt == src:
            print(f"translate: note: source and target are both {src}: the text is copied "
                  "unchanged", file=sys.stderr)
    # built here in any case: a bad option fails now, in this process, not on a worker
    translator = make_translator(config, progress=sys.stderr.isatty())
    executor = None
    if parallel:
        from ..scale.executors import ExecutorTranslate

        executor = make_executor(args)
        translator = ExecutorTranslate(config, executor)

    noted: set[str] = set()

    def show(output) -> None:
        for note in output.notes:  # about the document: once per file, not per target
            if note not in noted:
                noted.add(note)
                print(f"translate: warning: {note}", file=sys.stderr)
        if output.path is None:
            sys.stdout.write(output.text)
            sys.stdout.flush()

    try:
        result = run_files(plan, translator, on_output=show)
    finally:
        if executor is not None:
            executor.close()
    if args.tm:
        print(f"translate: {result.from_memory} segment(s) from the memory {args.tm}, "
              f"{result.translated} translated", file=sys.stderr)
    if args.strict and result.missing_terms:
        raise TermsMissingError(f"{result.missing_terms} glossary term(s) missing from the "
                                "output (--strict); see --report for which")
    return 0
