"""Reading glossary files: format by extension, checks, merging, the shipped default.

``check_file(path)`` lists every problem as ``FILE:LINE: what is wrong``;
``load_glossary(paths)`` raises :class:`~translate.errors.InputFileError` on the first
one and merges the files in order (later files win where they disagree).
"""

from __future__ import annotations

import functools
import os
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from ..errors import InputFileError
from ..textio import decode_text, read_bytes
from .model import Concept, Glossary, GlossaryProblem, Parsed
from .tbx import parse_tbx
from .tsv import parse_delimited

PathLike = str | os.PathLike[str]

#: The shipped glossary: top-level ``glossaries/`` in a checkout, else the packaged copy.
_REPO_DEFAULT = Path(__file__).resolve().parents[2] / "glossaries" / "news.tsv"
_PACKAGED_DEFAULT = Path(__file__).resolve().parent / "data" / "news.tsv"


def default_glossary_path() -> Path:
    return _REPO_DEFAULT if _REPO_DEFAULT.is_file() else _PACKAGED_DEFAULT


def _format(path: Path, data: bytes) -> str:
    ext = path.suffix.lower()
    if ext in (".tsv", ".tab", ".txt"):
        return "tsv"
    if ext == ".csv":
        return "csv"
    if ext in (".tbx", ".xml"):
        return "tbx"
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    first_line = data.split(b"\n", 1)[0]
    return "tbx" if head == b"<" else "tsv" if b"\t" in first_line else "csv"


def parse_file(path: PathLike) -> Parsed:
    """Read and parse one glossary file, collecting problems (also conflicting rows).

    Raises :class:`InputFileError` only when the file cannot be read at all.
    """
    name = str(path)
    data = read_bytes(path)
    fmt = _format(Path(path), data)
    if fmt == "tbx":
        parsed = parse_tbx(data, name)
    else:
        try:
            text = decode_text(data, name)
        except InputFileError as exc:
            return Parsed((), (), (GlossaryProblem(exc.line, exc.problem),))
        parsed = parse_delimited(text, name, "\t" if fmt == "tsv" else ",")
    conflicts = find_conflicts(parsed.concepts) + term_problems(parsed.concepts)
    if not conflicts:
        return parsed
    problems = sorted(parsed.problems + conflicts, key=lambda p: p.line or 0)
    return Parsed(parsed.concepts, parsed.languages, tuple(problems))


def find_conflicts(concepts: Iterable[tuple[int, Concept]]) -> tuple[GlossaryProblem, ...]:
    """Source forms that stand in two rows of one file with different targets."""
    seen: dict[tuple[str, str], tuple[int, Concept]] = {}
    problems: list[GlossaryProblem] = []
    for line, concept in concepts:
        reported = False
        for term in concept.terms:
            for form in term.forms:
                first = seen.setdefault((term.lang, form), (line, concept))
                if first[1] is concept or reported:
                    continue
                for other in concept.terms:
                    earlier = first[1].term(other.lang)
                    if other.lang == term.lang or earlier is None:
                        continue
                    if earlier.canonical != other.canonical:
                        problems.append(GlossaryProblem(line, (
                            f"{term.lang} {form!r} is also on line {first[0]} with a different "
                            f"{other.lang} target ({_shown(earlier.canonical)} there, "
                            f"{_shown(other.canonical)} here): keep one row, or make the "
                            f"targets agree")))
                        reported = True
                        break
    return tuple(problems)


#: The longest term a glossary may hold, in characters. A term is forced into the output
#: token by token; the fixture and OPUS-MT models have 512 positions for a whole sentence,
#: and SentencePiece may need a token per character of an unusual word, so a term above
#: this cannot be placed (and makes constrained decoding run for minutes trying).
MAX_TERM_CHARS = 200


def term_problems(concepts: Iterable[tuple[int, Concept]]) -> tuple[GlossaryProblem, ...]:
    """Terms that cannot work: without any letter or digit (``-``, ``'``, zero-width
    characters would match inside words), or longer than :data:`MAX_TERM_CHARS`."""
    problems: list[GlossaryProblem] = []
    for line, concept in concepts:
        for term in concept.terms:
            for form in term.forms:
                if not any(unicodedata.category(c)[0] in "LN" for c in form):
                    problems.append(GlossaryProblem(line, (
                        f"{term.lang} term {form!r} has no letter or digit (only "
                        "punctuation, spaces or invisible characters), so it would match "
                        "inside words: remove it or write the word")))
                elif len(form) > MAX_TERM_CHARS:
                    problems.append(GlossaryProblem(line, (
                        f"{term.lang} term {form[:30]!r}... is {len(form)} characters, longer "
                        f"than a model can place in a sentence ({MAX_TERM_CHARS} at most): "
                        "shorten it or move it to a note")))
    return tuple(problems)


def _shown(form: str | None) -> str:
    return "empty" if form is None else repr(form)


def _format_problem(path: PathLike, problem: GlossaryProblem) -> str:
    where = f"{path}:{problem.line}" if problem.line is not None else str(path)
    return f"{where}: {problem.message}"


def check_file(path: PathLike) -> list[str]:
    """Every problem of one glossary file as ``FILE:LINE: what is wrong`` (empty: fine)."""
    try:
        parsed = parse_file(path)
    except InputFileError as exc:
        return [str(exc)]
    return [_format_problem(path, p) for p in parsed.problems]


def load_glossary(paths: PathLike | Iterable[PathLike]) -> Glossary:
    """Load and merge glossary files (TSV, CSV, TBX) in order; later files win.

    Raises :class:`InputFileError` (``FILE:LINE: problem``) on the first problem.
    """
    if isinstance(paths, str | os.PathLike):
        paths = [paths]
    concepts: list[Concept] = []
    for path in paths:
        parsed = parse_file(path)
        if parsed.problems:
            first = parsed.problems[0]
            raise InputFileError(str(path), first.message, first.line)
        concepts.extend(c for _, c in parsed.concepts)
    return Glossary(tuple(concepts))


@functools.cache
def default_glossary() -> Glossary:
    """The shipped news glossary (``glossaries/news.tsv``)."""
    return load_glossary(default_glossary_path())


def describe_glossary(glossary: Glossary) -> str:
    """``"85 concepts, languages en, az, it"``."""
    n = len(glossary)
    return f"{n} concept{'' if n == 1 else 's'}, languages {', '.join(glossary.languages)}"
