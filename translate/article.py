"""``translate article``: read article files, translate them, write results and a report.

Reading and writing only; the translation itself is :meth:`Translator.translate_article`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

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


def run_article_command(args, make_translator, read_text) -> int:
    src = normalise_lang(args.src, allow_auto=True)
    targets = parse_lang_list(args.tgt)
    files = args.files or ["-"]
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
    translator = make_translator(args)
    translator.progress = sys.stderr.isatty()
    report: dict = {"files": []}
    missing_terms = 0
    for name, text, shown in inputs:
        has_bom = text.startswith(BOM)
        body = text[1:] if has_bom else text
        entry = {"file": shown, "targets": {}}
        for tgt in targets:
            if tgt == src:  # nothing to do: copy, byte for byte (the note said so)
                result = ArticleTranslation(body, src, tgt)
            else:
                result = translator.translate_article(body, src, tgt)
            out_text = (BOM if has_bom else "") + result.text
            if out_dir is None:
                sys.stdout.write(out_text)
                sys.stdout.flush()
            else:
                dest = output_path(out_dir, name, tgt)
                atomic_write(dest, out_text)
                entry["targets"][tgt] = {"output": str(dest)}
            rep = result.report()
            entry["targets"].setdefault(tgt, {}).update(rep)
            missing_terms += sum(1 for s in result.segments for t in s.terms
                                 if getattr(t, "status", None) == "missing")
        report["files"].append(entry)
    if args.report:
        atomic_write(args.report, json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    if getattr(args, "strict", False) and missing_terms:
        raise TermsMissingError(f"{missing_terms} glossary term(s) missing from the output "
                                "(--strict); see --report for which")
    return 0
