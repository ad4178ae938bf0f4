"""QA gating: a translation's verdict (critical problems block writing it; the rest are
warnings), and the glossary QA hook."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .checkers import CheckContext, Finding, TermCheck, run_checks


@dataclass(frozen=True, slots=True)
class Verdict:
    """The translation of one (context, text) and its QA verdict."""

    target: str | None
    origin: str  # "mt" (this run), "tm", "copy" (nothing to translate)
    problems: tuple[Finding, ...] = ()
    machine: bool = False  # model output (now or earlier), so marked fuzzy
    review: bool = False  # changed after the model (a placeholder put back): fuzzy always
    #: why an editor should look at it (:mod:`translate.review`; a placeholder put back,
    #: low confidence, ...): fuzzy always, named in a translator comment
    reasons: tuple[str, ...] = ()

    @property
    def critical(self) -> tuple[str, ...]:
        return tuple(f"{p.check}: {p.message}" for p in self.problems if p.critical)

    @property
    def warnings(self) -> tuple[str, ...]:
        return tuple(f"{p.check}: {p.message}" for p in self.problems if not p.critical)


def verify(source: str, target: str, origin: str, ctx: CheckContext, *, machine: bool,
           extra: Iterable[str] = ()) -> Verdict:
    """Run the QA checks; ``extra`` mask-token findings join a placeholder failure."""
    problems = run_checks(source, target, ctx)
    if any(p.critical and p.check in ("placeholders", "mask-token") for p in problems):
        problems.extend(Finding("mask-token", m) for m in extra)
    return Verdict(target, origin, tuple(problems), machine)


def glossary_term_check(glossary: object) -> TermCheck:
    """A QA hook from a ``translate.glossary.Glossary``: required terms must be in the
    translation (``match_terms`` on the source, ``verify_terms`` on the output)."""
    from ..glossary import match_terms, verify_terms

    def check(source: str, target: str, src: str, tgt: str) -> list[str]:
        hits = match_terms(source, glossary, src, tgt)  # type: ignore[arg-type]
        return [f"glossary term {c.hit.surface!r} should be {c.hit.target!r} ({c.status})"
                for c in verify_terms(target, hits, tgt) if not c.ok]

    return check
