"""What the commands share: the one-line-error parser and how an error is said (flags for
the library's parameters), the model / glossary / executor options, and building the one
:class:`~translate.config.TranslatorConfig` from them."""

from __future__ import annotations

import argparse
import os
from typing import Any

from ..config import TranslatorConfig
from ..errors import UserError, render
from ..limits import Limits

#: How the command line says a parameter that a library message names
#: (:func:`translate.errors.param`): by its flag. A command whose flag for a parameter
#: differs passes its own with ``set_defaults(flags={...})``.
FLAGS = {
    "allow_pickle": "--allow-pickle",
    "backend": "--backend",
    "batch_size": "--batch-size",
    "beam_size": "--beam-size",
    "device": "--device",
    "executor": "--executor",
    "export_xliff": "--export-xliff",
    "fmt": "--format",
    "glossaries": "--glossary",
    "data_dir": "--data-dir",
    "keys_db": "--keys-db",
    "limits": "--limit",
    "max_batch_tokens": "--max-batch-tokens",
    "max_size_mb": "--max-size",
    "models": "--model",
    "models_dir": "--models-dir",
    "out_dir": "-o",
    "pseudo_expansion": "--pseudo-expansion",
    "report": "--report",
    "review_below": "--review-below",
    "scheduler": "--scheduler",
    "src_lang": "--src-lang",
    "targets": "--to",
    "tgts": "--to",
    "threads": "--threads",
    "tm": "--tm",
    "workers": "--workers",
}


def error_lines(exc: UserError, args: argparse.Namespace | None) -> list[str]:
    """What the command line prints for ``exc``: the problems of a batch (each on its
    line), then the error's own line, every parameter spelt as the flag that sets it."""
    flags = {**FLAGS, **getattr(args, "flags", {})}
    problems = getattr(exc, "problems", ())  # a BatchError: its inputs' problems
    listed = [render(p.marked() if p.path else p.problem, flags, " ") for p in problems
              ] if len(problems) > 1 else []
    return [*listed, f"translate: error: {exc.render(flags, ' ')}"]


class Parser(argparse.ArgumentParser):
    """argparse that reports usage errors in one line, with exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UserError(f"{message} (see `{self.prog} --help`)")


def add_model_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--models-dir", metavar="DIR", default=os.environ.get("TRANSLATE_MODELS_DIR"),
                   help="directory holding <src>-<tgt>/ checkpoints, searched first "
                        "(default: $TRANSLATE_MODELS_DIR)")
    p.add_argument("--model", metavar="SRC-TGT=PATH_OR_HUB_ID", action="append", default=[],
                   help="use this checkpoint for one direction (repeatable)")
    p.add_argument("--device", choices=["cpu", "cuda"], default=None,
                   help="where to run the model (default: cuda when available)")
    from ..models.backends import DEFAULT_BACKEND

    p.add_argument("--backend", choices=["torch", "ctranslate2", "auto"],
                   default=DEFAULT_BACKEND,
                   help="decoder: ctranslate2 (the checkpoint converted once, int8 on CPU, "
                        "no torch at run time), torch (transformers) or auto (ctranslate2 "
                        f"when installed); default: {DEFAULT_BACKEND}")
    p.add_argument("--beam-size", type=int, default=None, metavar="N",
                   help="beam width (default: 4, as OPUS-MT)")
    p.add_argument("--max-batch-tokens", type=int, default=4096, metavar="N",
                   help="token budget of one decoder batch, source tokens x sentences "
                        "(default: 4096)")
    p.add_argument("--threads", type=int, default=None, metavar="N",
                   help="CPU threads per model (default: decided by the backend)")
    p.add_argument("--allow-pickle", action="store_true",
                   help="allow checkpoints that only ship pickle weights (unsafe)")
    p.add_argument("--pseudo-expansion", type=float, default=0.0, metavar="FRACTION",
                   help="with --to en-XA (pseudo-locale): pad each segment with ~ by this "
                        "fraction of its length, e.g. 0.3 (default: 0, no padding)")
    p.add_argument("--review-below", type=float, default=0.5, metavar="CONFIDENCE",
                   help="flag a translation for review when the model's confidence in it "
                        "(0-1, ranks sentences within one model) is below this "
                        "(default: 0.5)")


def add_limit_option(p: argparse.ArgumentParser) -> None:
    """``--limit NAME=N``: the :class:`~translate.limits.Limits` of the configuration."""
    from dataclasses import fields

    p.add_argument("--limit", action="append", default=None, metavar="NAME=N",
                   help="raise (or lower) a limit on what an input file may hold, checked "
                        "while reading (repeatable): " + ", ".join(
                            f"{f.name} (default {f.default})" for f in fields(Limits)))


def add_glossary_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--glossary", metavar="FILE", action="append", default=[],
                   help="glossary file (TSV/CSV/TBX), repeatable; later files win. "
                        "Default: the shipped glossaries/news.tsv")
    p.add_argument("--no-glossary", action="store_true", help="apply no glossary")
    p.add_argument("--no-enforce", action="store_true",
                   help="only verify and report glossary terms; do not re-decode sentences "
                        "that miss one (faster; shows what the model does on its own)")


def add_executor_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--workers", type=int, default=1, metavar="N",
                   help="worker processes: with --executor local a process pool of N "
                        "(1: this process), with --executor dask and no scheduler a local "
                        "Dask cluster of N (default: 1)")
    p.add_argument("--executor", choices=["local", "dask"], default="local",
                   help="where batches run: local (processes on this machine) or dask "
                        "(pip install 'newsdesk-translate[dist]'); default: local")
    p.add_argument("--scheduler", metavar="ADDRESS", default=None,
                   help="Dask scheduler to use with --executor dask, e.g. tcp://host:8786 "
                        "(default: $DASK_SCHEDULER_ADDRESS; none: start a local cluster)")


def translator_config(args: argparse.Namespace) -> TranslatorConfig:
    """The one :class:`TranslatorConfig` these options describe: what this process's
    translator is built from and what every worker receives."""
    return TranslatorConfig(
        models=tuple(args.model),
        models_dir=args.models_dir,
        device=args.device,
        backend=args.backend,
        beam_size=args.beam_size,
        max_batch_tokens=args.max_batch_tokens,
        glossary=False if args.no_glossary else (tuple(args.glossary) or None),
        enforce_terms=not args.no_enforce,
        allow_pickle=args.allow_pickle,
        threads=args.threads,
        pseudo_expansion=args.pseudo_expansion,
        review_below=getattr(args, "review_below", 0.5),
        limits=Limits.parse(getattr(args, "limit", None)),
    )


def make_translator(config: TranslatorConfig, *, progress: bool = False) -> Any:
    """The translator of this process (models load lazily, on first use)."""
    from ..translator import Translator

    return Translator.from_config(config, progress=progress)


def wants_executor(args: argparse.Namespace) -> bool:
    if args.workers < 1:
        raise UserError("--workers must be at least 1")
    if args.scheduler and args.executor != "dask":
        raise UserError("--scheduler needs --executor dask")
    return args.executor != "local" or args.workers > 1


def make_executor(args: argparse.Namespace) -> Any:
    """The executor ``--executor/--workers/--scheduler`` ask for. The environment's
    ``$DASK_SCHEDULER_ADDRESS`` is read only when the Dask executor is chosen."""
    from ..scale.executors import make_executor as build

    return build(args.executor, args.workers, args.scheduler)
