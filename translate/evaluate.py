"""Score translations against references: chrF, BLEU and glossary term accuracy.

Files are line-aligned: line i of the hypothesis translates line i of the source and is
scored against line i of the reference (a document is scored segment by line). chrF and
BLEU are sacrebleu's corpus scores. Term accuracy is the share of glossary hits in the
source lines whose required target form :func:`~translate.glossary.verify_terms` finds
in the hypothesis line.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field

from .config import resolve_glossary
from .errors import InputFileError, UserError, param
from .glossary import (
    FOUND,
    MALFORMED,
    Glossary,
    match_terms,
    verify_terms,
)
from .languages import normalise_lang
from .textio import read_text

_LISTED = 20  # failures shown in the table


@dataclass(frozen=True, slots=True)
class TermFailure:
    """A source term whose target form the hypothesis lacks (``missing``/``malformed``)."""

    line: int  # 1-based
    source: str
    target: str
    status: str


@dataclass(frozen=True, slots=True)
class TermScore:
    hits: int
    found: int
    malformed: int
    failures: tuple[TermFailure, ...] = ()

    @property
    def missing(self) -> int:
        return self.hits - self.found - self.malformed

    @property
    def accuracy(self) -> float | None:
        return self.found / self.hits if self.hits else None


@dataclass(frozen=True, slots=True)
class Evaluation:
    lines: int
    chrf: float
    bleu: float
    terms: TermScore | None = field(default=None)

    def as_dict(self) -> dict:
        out: dict = {"lines": self.lines, "chrf": round(self.chrf, 2),
                     "bleu": round(self.bleu, 2), "terms": None}
        if self.terms is not None:
            t = self.terms
            out["terms"] = {
                "hits": t.hits, "found": t.found, "malformed": t.malformed,
                "missing": t.missing,
                "accuracy": None if t.accuracy is None else round(t.accuracy, 4),
                "failures": [{"line": f.line, "source": f.source, "target": f.target,
                              "status": f.status} for f in t.failures],
            }
        return out

    def table(self) -> str:
        rows = [("lines", str(self.lines)), ("chrF", f"{self.chrf:.2f}"),
                ("BLEU", f"{self.bleu:.2f}")]
        if self.terms is not None:
            t = self.terms
            acc = "n/a (no glossary terms in the source)" if t.accuracy is None else (
                f"{100 * t.accuracy:.1f}% ({t.found}/{t.hits}; "
                f"{t.missing} missing, {t.malformed} malformed)")
            rows.append(("term accuracy", acc))
        width = max(len(k) for k, _ in rows)
        lines = [f"{k:<{width}}  {v}" for k, v in rows]
        if self.terms is not None:
            failures = self.terms.failures
            lines += [f"  line {f.line}: {f.source} -> {f.target} {f.status}"
                      for f in failures[:_LISTED]]
            if len(failures) > _LISTED:
                lines.append(f"  ... and {len(failures) - _LISTED} more (--json lists all)")
        return "\n".join(lines)


def term_score(sources: Sequence[str], hyps: Sequence[str], src: str, tgt: str,
               glossary: Glossary) -> TermScore:
    """Glossary term accuracy of ``hyps`` (line-aligned with ``sources``)."""
    hits = found = malformed = 0
    failures: list[TermFailure] = []
    for n, (source, hyp) in enumerate(zip(sources, hyps, strict=True), 1):
        for check in verify_terms(hyp, match_terms(source, glossary, src, tgt), tgt):
            hits += 1
            if check.status == FOUND:
                found += 1
                continue
            malformed += check.status == MALFORMED
            failures.append(TermFailure(n, check.hit.surface, check.hit.target, check.status))
    return TermScore(hits, found, malformed, tuple(failures))


def evaluate(refs: Sequence[str], hyps: Sequence[str], lang: str, *,
             sources: Sequence[str] | None = None, src_lang: str | None = None,
             glossary: Glossary | None = None) -> Evaluation:
    """Corpus chrF and BLEU of ``hyps`` against ``refs``; term accuracy when ``sources``."""
    import sacrebleu

    lang = normalise_lang(lang)
    if len(refs) != len(hyps):
        raise UserError(f"{len(hyps)} hypothesis lines but {len(refs)} reference lines: "
                        "the files must be line-aligned")
    if not hyps:
        raise UserError("nothing to score: no hypothesis or reference lines")
    chrf = sacrebleu.corpus_chrf(list(hyps), [list(refs)]).score
    bleu = sacrebleu.corpus_bleu(list(hyps), [list(refs)]).score
    terms = None
    if sources is not None:
        if src_lang is None:
            raise UserError("term accuracy needs the source language: add "
                            f"{param('src_lang', 'LANG')}")
        if len(sources) != len(hyps):
            raise UserError(f"{len(sources)} source lines but {len(hyps)} hypothesis lines: "
                            "the files must be line-aligned")
        terms = term_score(sources, hyps, normalise_lang(src_lang), lang,
                           resolve_glossary(glossary))
    return Evaluation(len(hyps), chrf, bleu, terms)


def read_lines(path: str | os.PathLike[str]) -> list[str]:
    """The lines of a UTF-8 text file (no line ends, no BOM)."""
    text = read_text(path).removeprefix("\ufeff")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line.removesuffix("\r") for line in lines]


def evaluate_files(ref: str, hyp: str, lang: str, *, src: str | None = None,
                   src_lang: str | None = None,
                   glossaries: Sequence[str] = ()) -> Evaluation:
    """:func:`evaluate` on line-aligned files; ``glossaries`` default to the shipped one."""
    refs, hyps = read_lines(ref), read_lines(hyp)
    if not refs and not hyps:
        raise InputFileError(hyp, f"and the reference {ref} are both empty: nothing to "
                                  "score; give files with one segment a line")
    if len(refs) != len(hyps):
        raise InputFileError(hyp, f"has {len(hyps)} lines but the reference {ref} has "
                                  f"{len(refs)}: the files must be line-aligned")
    sources = None
    if src is not None:
        sources = read_lines(src)
        if len(sources) != len(hyps):
            raise InputFileError(src, f"has {len(sources)} lines but the hypothesis {hyp} "
                                      f"has {len(hyps)}: the files must be line-aligned")
    elif src_lang is not None or glossaries:
        raise UserError(f"{param('src_lang')} and {param('glossaries')} score glossary terms: "
                        f"add {param('src', 'FILE')} (the source text the hypothesis "
                        "translates)")
    glossary = resolve_glossary(tuple(glossaries) or None)
    return evaluate(refs, hyps, lang, sources=sources, src_lang=src_lang, glossary=glossary)
