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
    p.add_argument("--from", dest="src", metavar="LANG",
                   help=f"source language: {one_of((*SUPPORTED, 'auto'))} (required, "
                        "except with --import-xliff)")
    p.add_argument("--to", dest="tgt", metavar="LANG[,LANG...]",
                   help="target language(s), comma separated (required, except with "
                        "--import-xliff)")
    p.add_argument("-o", "--output-dir", metavar="DIR",
                   help="write DIR/<stem>.<lang>.txt per target instead of stdout")
    p.add_argument("--report", metavar="FILE.json", help="write a JSON report per segment")
    p.add_argument("--strict", action="store_true",
                   help="exit 3 when a glossary term is missing from the output, or its "
                        "source spelling is still in it")
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
    p.add_argument("--export-xliff", metavar="DIR",
                   help="write DIR/<stem>.<src>-<tgt>.xlf (XLIFF 1.2, for a CAT tool or an "
                        "editor) instead of the translation: one unit per segment, inline "
                        "markup as XLIFF codes, confidence and review notes")
    p.add_argument("--import-xliff", metavar="FILE.xlf",
                   help="rebuild the document of an XLIFF written by --export-xliff from "
                        "its (edited) targets into -o DIR; with --tm, store every edited "
                        "target there as a human translation")
    p.add_argument("--fail-fast", action="store_true",
                   help="stop at the first bad input, before anything is written (default: "
                        "report every bad input, translate the good ones, exit 2 at the end)")
    add_model_options(p)
    add_glossary_options(p)
    add_executor_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..article import plan_files, run_files, segment_warnings
    from ..languages import normalise_lang, parse_lang_list

    if args.import_xliff:
        return run_import_xliff(args)
    missing = [flag for flag, value in (("--from", args.src), ("--to", args.tgt))
               if not value]
    if missing:
        raise UserError(f"the following arguments are required: {', '.join(missing)} "
                        "(see `translate article --help`)")
    parallel = wants_executor(args)  # --workers/--scheduler: refused before anything
    src = normalise_lang(args.src, allow_auto=True)
    targets = parse_lang_list(args.tgt)
    if args.export_xliff:
        return run_export_xliff(args, src, targets)
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
        for line in segment_warnings(output.file, output.tgt, output.report):
            print(f"translate: warning: {line}", file=sys.stderr)
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
    if args.strict and result.untranslated_terms:
        raise TermsMissingError(f"{result.untranslated_terms} glossary term(s) left in their "
                                "source spelling in the output (--strict); see --report "
                                "for which")
    return 0


def run_export_xliff(args: argparse.Namespace, src: str, targets: list[str]) -> int:
    """``--export-xliff DIR``: each document as XLIFF 1.2 (:mod:`translate.documents.
    xliff_export`), in this process."""
    from ..documents.xliff_export import export_files

    if wants_executor(args):
        raise UserError("--export-xliff runs in this process; leave out --workers/--executor")
    if any(t == src for t in targets):
        raise UserError(f"--export-xliff: source and target are both {src}; nothing to "
                        "translate")
    translator = make_translator(translator_config(args), progress=sys.stderr.isatty())
    memory = None
    if args.tm:
        from ..memory import TranslationMemory

        memory = TranslationMemory(args.tm)
    try:
        written = export_files(args.files or ["-"], src, targets, args.export_xliff,
                               translator, fmt=args.format, memory=memory,
                               max_size_mb=args.max_size, limits=translator.config.limits)
    finally:
        if memory is not None:
            memory.close()
    for path in written:
        print(f"translate: wrote {path}", file=sys.stderr)
    return 0


def run_import_xliff(args: argparse.Namespace) -> int:
    """``--import-xliff FILE.xlf -o DIR [--tm TM]``: the document rebuilt from the
    XLIFF's targets; edited targets stored in the memory as human translations."""
    from ..documents.xliff_export import import_file

    if not args.output_dir:
        raise UserError("--import-xliff needs -o DIR (where the rebuilt document goes)")
    if args.files and args.files != ["-"]:
        raise UserError("--import-xliff takes the XLIFF alone (it holds its document); "
                        "leave out the FILE arguments")
    done = import_file(args.import_xliff, args.output_dir, memory=args.tm)
    print(f"translate: wrote {done.path}"
          + (f"; {done.edited} edited target(s) stored in {args.tm} as human translations"
             if args.tm else f"; {done.edited} edited target(s)"), file=sys.stderr)
    return 0
