"""The ``translate`` command: argument parsing and exit codes only.

Every subcommand hands its arguments to a function of the library; this module holds
no translation logic. Exit codes: 0 done, 1 internal error, 2 user error (one line on
stderr), 3 ``--strict`` found a missing glossary term.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence

from .errors import TermsMissingError, UserError


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors in one line, with exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UserError(f"{message} (see `{self.prog} --help`)")


def _read_text_arg(path: str) -> tuple[str, str]:
    """Read FILE or ``-`` (stdin); returns (text, display name)."""
    from .textio import read_text

    if path == "-":
        data = sys.stdin.buffer.read()
        return read_text(data, "<stdin>"), "<stdin>"
    return read_text(path), path


# ---------------------------------------------------------------------------- article


def _add_model_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--models-dir", metavar="DIR", default=os.environ.get("TRANSLATE_MODELS_DIR"),
                   help="directory holding <src>-<tgt>/ checkpoints, searched first "
                        "(default: $TRANSLATE_MODELS_DIR)")
    p.add_argument("--model", metavar="SRC-TGT=PATH_OR_HUB_ID", action="append", default=[],
                   help="use this checkpoint for one direction (repeatable)")
    p.add_argument("--device", choices=["cpu", "cuda"], default=None,
                   help="where to run the model (default: cuda when available)")
    p.add_argument("--backend", choices=["torch", "ctranslate2", "auto"], default="torch",
                   help="decoder: torch (transformers), ctranslate2 (converted once, int8 on "
                        "CPU; pip install 'newsdesk-translate[fast]') or auto (ctranslate2 "
                        "when installed); default: torch")
    p.add_argument("--beam-size", type=int, default=None, metavar="N",
                   help="beam width (default: 4, as OPUS-MT)")
    p.add_argument("--allow-pickle", action="store_true",
                   help="allow checkpoints that only ship pickle weights (unsafe)")


def _add_glossary_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--glossary", metavar="FILE", action="append", default=[],
                   help="glossary file (TSV/CSV/TBX), repeatable; later files win. "
                        "Default: the shipped glossaries/news.tsv")
    p.add_argument("--no-glossary", action="store_true", help="apply no glossary")
    p.add_argument("--no-enforce", action="store_true",
                   help="only verify and report glossary terms; do not re-decode sentences "
                        "that miss one (faster; shows what the model does on its own)")


def _translator_from_args(args: argparse.Namespace):
    from .translator import Translator

    return Translator(
        models=args.model,
        models_dir=args.models_dir,
        device=args.device,
        backend=getattr(args, "backend", "torch"),
        beam_size=args.beam_size,
        glossary=False if args.no_glossary else (args.glossary or None),
        enforce_terms=not getattr(args, "no_enforce", False),
        allow_pickle=args.allow_pickle,
    )


def _translator_config(args: argparse.Namespace) -> dict:
    """The keyword arguments of Translator for these options, as plain data: what
    ``--workers``/``--executor dask`` send to each worker process."""
    return {
        "models": list(args.model),
        "models_dir": args.models_dir,
        "device": args.device,
        "backend": getattr(args, "backend", "torch"),
        "beam_size": args.beam_size,
        "glossary": False if args.no_glossary else (list(args.glossary) or None),
        "allow_pickle": args.allow_pickle,
    }


def _add_executor_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--workers", type=int, default=1, metavar="N",
                   help="worker processes: with --executor local a process pool of N "
                        "(1: this process), with --executor dask and no scheduler a local "
                        "Dask cluster of N (default: 1)")
    p.add_argument("--executor", choices=["local", "dask"], default="local",
                   help="where batches run: local (processes on this machine) or dask "
                        "(pip install 'newsdesk-translate[dist]'); default: local")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   default=os.environ.get("DASK_SCHEDULER_ADDRESS") or None,
                   help="Dask scheduler to use with --executor dask, e.g. tcp://host:8786 "
                        "(default: $DASK_SCHEDULER_ADDRESS; none: start a local cluster)")


def _cmd_article(args: argparse.Namespace) -> int:
    from .article import run_article_command

    return run_article_command(args, _translator_from_args, _read_text_arg,
                               _translator_config)


def _add_article(sub) -> None:
    p = sub.add_parser("article", help="translate article files, keeping their layout")
    p.add_argument("files", nargs="*", default=["-"], metavar="FILE",
                   help="article file(s) or directories of .txt files; - or nothing "
                        "reads stdin")
    p.add_argument("--from", dest="src", required=True, metavar="LANG",
                   help="source language: en, az, it or auto")
    p.add_argument("--to", dest="tgt", required=True, metavar="LANG[,LANG...]",
                   help="target language(s), comma separated")
    p.add_argument("-o", "--output-dir", metavar="DIR",
                   help="write DIR/<stem>.<lang>.txt per target instead of stdout")
    p.add_argument("--report", metavar="FILE.json", help="write a JSON report per segment")
    p.add_argument("--strict", action="store_true",
                   help="exit 3 when a glossary term is missing from the output")
    p.add_argument("--max-size", type=float, default=None, metavar="MB",
                   help="refuse articles larger than this (default: 10 MB)")
    _add_model_options(p)
    _add_glossary_options(p)
    _add_executor_options(p)
    p.set_defaults(func=_cmd_article)


# ---------------------------------------------------------------------------- segment


def _cmd_segment(args: argparse.Namespace) -> int:
    from .languages import normalise_lang
    from .segment import segment

    text, _ = _read_text_arg(args.file)
    segments = segment(text, normalise_lang(args.lang))
    if args.json:
        json.dump([{"text": s.text, "start": s.start, "end": s.end} for s in segments],
                  sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        for s in segments:
            sys.stdout.write(" ".join(s.text.splitlines()) + "\n")
    return 0


def _add_segment(sub) -> None:
    p = sub.add_parser("segment", help="split text into sentences")
    p.add_argument("file", nargs="?", default="-", metavar="FILE", help="text file or -")
    p.add_argument("--lang", required=True, metavar="LANG", help="en, az or it")
    p.add_argument("--json", action="store_true",
                   help="print a JSON array of {text, start, end}")
    p.set_defaults(func=_cmd_segment)


# ---------------------------------------------------------------------------- glossary


def _cmd_glossary_check(args: argparse.Namespace) -> int:
    from .glossary import check_file, describe_glossary, load_glossary

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


def _add_glossary(sub) -> None:
    p = sub.add_parser("glossary", help="work with glossary files (TSV, CSV, TBX)")
    gsub = p.add_subparsers(dest="glossary_command", metavar="ACTION", parser_class=_Parser)
    gsub.required = True
    c = gsub.add_parser("check", help="report every problem as FILE:LINE (exit 2 if any)")
    c.add_argument("files", nargs="+", metavar="FILE", help="glossary file(s)")
    c.set_defaults(func=_cmd_glossary_check)


# ---------------------------------------------------------------------------- evaluate


def _cmd_evaluate(args: argparse.Namespace) -> int:
    from .evaluate import evaluate_files

    result = evaluate_files(args.ref, args.hyp, args.lang, src=args.src,
                            src_lang=args.src_lang, glossaries=args.glossary)
    if args.json:
        json.dump(result.as_dict(), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(result.table() + "\n")
    return 0


def _add_evaluate(sub) -> None:
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
    p.set_defaults(func=_cmd_evaluate)


# ---------------------------------------------------------------------------- localise


def _cmd_localise(args: argparse.Namespace) -> int:
    from .localise.jobs import run_localise_command

    return run_localise_command(args, _translator_from_args, _translator_config)


def _add_localise(sub) -> None:
    p = sub.add_parser("localise", aliases=["localize"],
                       help="translate catalogs: .po/.pot, JSON bundles, XLIFF 1.2/2.0")
    p.add_argument("sources", nargs="+", metavar="SRC",
                   help="catalog file(s) or directory tree(s) of them")
    p.add_argument("--from", dest="src", required=True, metavar="LANG",
                   help="source language: en, az or it")
    p.add_argument("--to", dest="tgt", required=True, metavar="LANG[,LANG...]",
                   help="target language(s), comma separated")
    p.add_argument("-o", "--output-dir", required=True, metavar="OUT",
                   help="write OUT/<lang>/<path relative to SRC> (.pot becomes .po)")
    p.add_argument("--tm", metavar="FILE",
                   help="translation memory (SQLite), reused and updated; also the journal "
                        "that makes a rerun resume (default: OUT/.translate-memory.sqlite)")
    p.add_argument("--batch-size", type=int, default=32, metavar="N",
                   help="strings per model call; the memory is written after each "
                        "(default: 32)")
    p.add_argument("--retry-failed", action="store_true",
                   help="ask the model again for strings that failed QA in an earlier run "
                        "(otherwise they are reported again and left untranslated)")
    p.add_argument("--overwrite", action="store_true",
                   help="replace translations the output already has")
    p.add_argument("--no-fuzzy", action="store_true",
                   help="do not mark machine translations fuzzy / needing review")
    p.add_argument("--mo", action="store_true", help="also compile .mo files next to .po")
    p.add_argument("--plural-rules", choices=("gettext", "cldr"), default="gettext",
                   help="plural forms of a new catalog / JSON keys: gettext (what msginit "
                        "writes; default) or cldr (e.g. Italian nplurals=3, _many)")
    p.add_argument("--width", type=int, default=76, metavar="N",
                   help="PO line width for entries the job changes (default: 76)")
    p.add_argument("--no-wrap", action="store_true",
                   help="do not wrap PO lines of entries the job changes")
    p.add_argument("--report", metavar="FILE.json",
                   help="write the JSON report here (default: stdout)")
    _add_model_options(p)
    _add_glossary_options(p)
    _add_executor_options(p)
    p.set_defaults(func=_cmd_localise)


# ---------------------------------------------------------------------------- tm


def _cmd_tm_import(args: argparse.Namespace) -> int:
    from .memory import TranslationMemory, import_tmx

    with TranslationMemory(args.tm) as tm:
        result = import_tmx(args.file, tm)
    print(f"{args.file}: {result.written} translation pair(s) imported into {args.tm}"
          + (f", {result.skipped} skipped" if result.skipped else ""), file=sys.stderr)
    return 0


def _cmd_tm_export(args: argparse.Namespace) -> int:
    from .languages import normalise_lang
    from .memory import TranslationMemory, export_tmx

    src = normalise_lang(args.src) if args.src else None
    tgt = normalise_lang(args.tgt) if args.tgt else None
    with TranslationMemory(args.tm) as tm:
        result = export_tmx(tm, args.output, src=src, tgt=tgt)
    print(f"{args.output}: {result.written} translation unit(s) exported"
          + (f", {result.skipped} left out (failed QA or not XML-safe)" if result.skipped
             else ""), file=sys.stderr)
    return 0


def _add_tm(sub) -> None:
    p = sub.add_parser("tm", help="translation memory: TMX import and export")
    tsub = p.add_subparsers(dest="tm_command", metavar="ACTION", parser_class=_Parser)
    tsub.required = True
    i = tsub.add_parser("import", help="add the pairs of a TMX file to the memory")
    i.add_argument("file", metavar="FILE.tmx", help="TMX 1.4b file")
    i.add_argument("--tm", required=True, metavar="DB", help="translation memory (SQLite)")
    i.set_defaults(func=_cmd_tm_import)
    e = tsub.add_parser("export", help="write the memory as TMX 1.4b")
    e.add_argument("--tm", required=True, metavar="DB", help="translation memory (SQLite)")
    e.add_argument("-o", "--output", required=True, metavar="FILE.tmx", help="TMX file")
    e.add_argument("--from", dest="src", metavar="LANG", help="only this source language")
    e.add_argument("--to", dest="tgt", metavar="LANG", help="only this target language")
    e.set_defaults(func=_cmd_tm_export)


# ---------------------------------------------------------------------------- main


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="translate",
        description="Translate and localise between English, Azerbaijani and Italian "
                    "with MarianMT (OPUS-MT) models.",
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    _add_article(sub)
    _add_segment(sub)
    _add_glossary(sub)
    _add_evaluate(sub)
    _add_localise(sub)
    _add_tm(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv
    try:
        args = build_parser().parse_args(argv)
        return int(args.func(args) or 0)
    except UserError as exc:
        if debug:
            raise
        print(f"translate: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except TermsMissingError as exc:
        print(f"translate: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("translate: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # noqa: BLE001 - the one place internal errors are reported
        if debug:
            raise
        print(f"translate: internal error: {type(exc).__name__}: {exc} "
              "(run with --debug for the traceback)", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
