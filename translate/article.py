"""``translate article``: read article files, translate them, write results and a report.

Reading and writing only; the translation itself is :meth:`Translator.translate_article`.

Batch form: ``translate article DIR_OR_FILES... -o OUT``; a directory stands for its
``.txt`` files (recursively, hidden ones skipped), written to ``OUT/<subdir>/``. With
``--workers N`` or ``--executor dask`` each (article, target) is one task on a worker
process that keeps its models loaded (:mod:`translate.scale`); this process reads the
inputs and writes every output.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import TermsMissingError, UserError
from .languages import SUPPORTED, normalise_lang, parse_lang_list
from .pipeline import ArticleTranslation
from .textio import BOM, atomic_write


def output_path(out_dir: Path, name: str, lang: str) -> Path:
    """``DIR/<stem>.<lang>.txt``; a language suffix already in the stem is replaced
    (``story.en.txt`` -> ``story.it.txt``)."""
    stem = Path(name).stem if name != "-" else "stdin"
    base, dot, suffix = stem.rpartition(".")
    if dot and suffix.lower() in SUPPORTED:
        stem = base
    return out_dir / f"{stem}.{lang}.txt"


#: The largest article read by default (``--max-size``): a bigger file is almost always a
#: mistake (a dump, a binary), and would take hours; split it or raise the limit.
MAX_ARTICLE_BYTES = 10 * 1024 * 1024


def _check_size(name: str, text: str, limit_mb: float) -> None:
    size = len(text.encode("utf-8"))
    if size > limit_mb * 1024 * 1024:
        raise UserError(f"{name}: {size / 1024 / 1024:.1f} MB is over the {limit_mb:g} MB "
                        "limit for one article; split it, or raise --max-size")
    if not text.strip(BOM + " \t\r\n"):
        raise UserError(f"{name}: is empty; nothing to translate")


@dataclass(frozen=True, slots=True)
class ArticleOutcome:
    """One translated article as plain data (what a worker sends back)."""

    text: str
    report: dict
    missing_terms: int = 0


def translate_one(translator: Any, text: str, src: str, tgt: str) -> ArticleOutcome:
    """Translate one article (no BOM) and summarise it for the report."""
    if tgt == src:  # nothing to do: copy, byte for byte
        return ArticleOutcome(text, ArticleTranslation(text, src, tgt).report())
    result = translator.translate_article(text, src, tgt)
    missing = sum(1 for s in result.segments for t in s.terms
                  if getattr(t, "status", None) == "missing")
    return ArticleOutcome(result.text, result.report(), missing)


def expand_inputs(names: list[str]) -> list[tuple[str, Path | None]]:
    """Files as given; a directory becomes its ``.txt`` files in sorted order, each with
    its directory relative to the one given (where its outputs go under ``-o``)."""
    out: list[tuple[str, Path | None]] = []
    for name in names:
        path = Path(name)
        if name == "-" or not path.is_dir():
            out.append((name, None))
            continue
        found = []
        for dirpath, dirnames, filenames in os.walk(path):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for f in sorted(filenames):
                if f.endswith(".txt") and not f.startswith("."):
                    found.append(Path(dirpath) / f)
        if not found:
            raise UserError(f"{name}: no .txt article files in this directory")
        out.extend((str(f), f.parent.relative_to(path)) for f in found)
    return out


def run_article_command(args, make_translator, read_text, config_from_args=None) -> int:
    src = normalise_lang(args.src, allow_auto=True)
    targets = parse_lang_list(args.tgt)
    expanded = expand_inputs(args.files or ["-"])
    files = [name for name, _ in expanded]
    out_dir = Path(args.output_dir) if args.output_dir else None
    if out_dir is None and (len(targets) > 1 or len(files) > 1):
        raise UserError("several targets or files need -o DIR (one file per target); "
                        "with one file and one target the translation goes to stdout")
    if out_dir is not None and out_dir.exists() and not out_dir.is_dir():
        raise UserError(f"-o {out_dir}: exists and is not a directory")
    # Read every input first: a bad file fails before any model loads or output is written.
    inputs = [(name, *read_text(name)) for name in files]
    limit = getattr(args, "max_size", None) or MAX_ARTICLE_BYTES / 1024 / 1024
    for _, text, shown in inputs:
        _check_size(shown, text, limit)
    for tgt in targets:
        if tgt == src:
            print(f"translate: note: source and target are both {src}: the text is copied "
                  "unchanged", file=sys.stderr)
    dests: dict[Path, str] = {}
    if out_dir is not None:
        for (name, rel), tgt in ((e, t) for e in expanded for t in targets):
            dest = output_path(out_dir / rel if rel else out_dir, name, tgt)
            if dest in dests:
                raise UserError(f"{dests[dest]} and {name} would both be written to {dest}; "
                                "rename one or translate them separately")
            dests[dest] = name
    translator = make_translator(args)
    translator.progress = sys.stderr.isatty()
    bodies = [text[1:] if text.startswith(BOM) else text for _, text, _ in inputs]
    work = [(i, tgt) for i in range(len(inputs)) for tgt in targets]
    workers = getattr(args, "workers", 1)
    executor = None
    if getattr(args, "executor", "local") != "local" or workers > 1:
        from .scale.executors import make_executor
        from .scale.tasks import ArticleTask, translate_article

        if config_from_args is None:
            raise UserError("--workers/--executor need a translator configuration")
        config = config_from_args(args).portable()
        executor = make_executor(args.executor, workers, getattr(args, "scheduler", None))
        outcomes = executor.map_batches(
            translate_article, [ArticleTask(config, src, tgt, bodies[i]) for i, tgt in work])
    else:
        outcomes = (translate_one(translator, bodies[i], src, tgt) for i, tgt in work)
    report: dict = {"files": [{"file": shown, "targets": {}} for _, _, shown in inputs]}
    missing_terms = 0
    try:
        for (i, tgt), result in zip(work, outcomes, strict=True):
            name, text, _ = inputs[i]
            entry = report["files"][i]
            out_text = (BOM if text.startswith(BOM) else "") + result.text
            if out_dir is None:
                sys.stdout.write(out_text)
                sys.stdout.flush()
            else:
                rel = expanded[i][1]
                dest = output_path(out_dir / rel if rel else out_dir, name, tgt)
                atomic_write(dest, out_text)
                entry["targets"][tgt] = {"output": str(dest)}
            entry["targets"].setdefault(tgt, {}).update(result.report)
            missing_terms += result.missing_terms
    finally:
        if executor is not None:
            executor.close()
    if args.report:
        atomic_write(args.report, json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    if getattr(args, "strict", False) and missing_terms:
        raise TermsMissingError(f"{missing_terms} glossary term(s) missing from the output "
                                "(--strict); see --report for which")
    return 0
