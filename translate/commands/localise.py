"""``translate localise``: translate catalogs (.po/.pot, JSON bundles, XLIFF 1.2/2.0)."""

from __future__ import annotations

import argparse
import contextlib
import sys
from pathlib import Path

from ..errors import UserError
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
    from ..languages import one_of

    p = sub.add_parser("localise", aliases=["localize"],
                       help="translate catalogs: .po/.pot, JSON bundles, XLIFF 1.2/2.0")
    p.add_argument("sources", nargs="+", metavar="SRC",
                   help="catalog file(s) or directory tree(s) of them")
    p.add_argument("--from", dest="src", required=True, metavar="LANG",
                   help=f"source language: {one_of()}")
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
    p.add_argument("--fail-fast", action="store_true",
                   help="stop at the first bad catalog, before anything is written "
                        "(default: report every bad catalog, localise the good ones, exit 2 "
                        "at the end)")
    add_limit_option(p)
    add_model_options(p)
    add_glossary_options(p)
    add_executor_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Build the translator, run the job, report.

    With ``--executor local --workers 1`` (the default) the model runs in this process;
    otherwise batches go to a process pool or a Dask cluster, each worker building the
    translator from the same :class:`~translate.config.TranslatorConfig` once.
    """
    from ..languages import normalise_lang, parse_lang_list
    from ..localise.jobs import execute_job, plan_job
    from ..localise.qa import glossary_term_check
    from ..localise.units import WriteOptions

    src = normalise_lang(args.src)
    targets = parse_lang_list(args.tgt)
    parallel = wants_executor(args)
    if args.batch_size < 1:
        raise UserError("--batch-size must be at least 1")
    out = Path(args.output_dir)
    config = translator_config(args)
    # every input read and checked, every destination tried, before a model loads
    plan = plan_job(args.sources, src, targets, out, tm=args.tm, mo=args.mo,
                    batch_size=args.batch_size, report=args.report, fail_fast=args.fail_fast,
                    limits=config.limits)
    translator = make_translator(config)
    glossary = None if args.no_glossary else translator.glossary
    executor = None
    translate = translator
    if parallel:
        from ..scale.executors import ExecutorTranslate

        executor = make_executor(args)
        translate = ExecutorTranslate(config, executor)
    with executor if executor is not None else contextlib.nullcontext():
        if args.width < 1:
            raise UserError("--width must be at least 1 (use --no-wrap for no wrapping)")
        report = execute_job(plan, translate,
                             glossary=glossary_term_check(glossary) if glossary else None,
                             overwrite=args.overwrite, fuzzy=not args.no_fuzzy,
                             batch_size=args.batch_size, retry_failed=args.retry_failed,
                             finish=False,
                             write_options=WriteOptions(plural_rules=args.plural_rules,
                                                        width=0 if args.no_wrap else args.width))
    if args.report is None:
        sys.stdout.write(report.to_json())
    print(f"translate: {len(report.files_written)} file(s) written, "
          f"{report.translated} unit(s) translated, {report.reused_from_tm} from the "
          f"translation memory, {report.kept_existing} kept, {len(report.failed)} failed QA"
          + (f" (see {args.report})" if args.report and report.failed else ""),
          file=sys.stderr)
    plan.problems.finish(total=plan.total)  # the bad inputs, after what was done
    return 0
