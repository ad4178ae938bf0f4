"""Glossaries as delimited text: TSV (tab) or CSV (comma, with csv quoting).

The first row names the columns: language codes (en, az, it) and optionally ``note``.
Each further row is one concept. A cell may hold alternatives separated by ``|``, the
first canonical; an empty cell means "keep the source form". Lines starting with ``#``
are comments.
"""

from __future__ import annotations

import csv
import io

from ..errors import UserError
from ..languages import SUPPORTED, normalise_lang
from .model import Concept, Parsed, Problem, Term
from .text import collapse_spaces

NOTE_COLUMNS = ("note", "notes", "comment")
_HEADER_EXAMPLE = f"{'<TAB>'.join(SUPPORTED)} (optionally <TAB>note)"


def _rows(text: str, delimiter: str) -> list[tuple[int, list[str] | None]]:
    """(line, cells) for every line; cells None for a comment."""
    if delimiter == "\t":
        lines = text.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        return [(n, None if line.lstrip().startswith("#") else line.rstrip("\r").split("\t"))
                for n, line in enumerate(lines, 1)]
    out: list[tuple[int, list[str] | None]] = []
    reader = csv.reader(io.StringIO(text, newline=""))
    line = 1
    for row in reader:
        out.append((line, None if row and row[0].lstrip().startswith("#") else row))
        line = reader.line_num + 1
    return out


def parse_delimited(text: str, origin: str, delimiter: str = "\t") -> Parsed:
    """Parse a TSV (``delimiter="\\t"``) or CSV glossary; ``origin`` names the file."""
    text = text.removeprefix("\ufeff")
    problems: list[Problem] = []
    if not text.strip():
        return Parsed((), (), (Problem(1, f"empty file: expected a header row such as "
                                          f"{_HEADER_EXAMPLE}"),))
    rows = iter(r for r in _rows(text, delimiter) if r[1] is not None)
    header_line, header = next(rows, (1, None))
    while header is not None and not any(c.strip() for c in header):
        problems.append(Problem(header_line, "empty row before the header: delete it"))
        header_line, header = next(rows, (header_line, None))
    if header is None:
        return Parsed((), (), (Problem(header_line, "no header row, only comments: add one "
                                                    f"such as {_HEADER_EXAMPLE}"),))
    columns, header_problems = _read_header(header_line, header)
    problems += header_problems
    if header_problems:
        return Parsed((), (), tuple(problems))
    languages = tuple(c for c in columns if c != "note")

    concepts: list[tuple[int, Concept]] = []
    for line, cells in rows:
        assert cells is not None
        if not any(c.strip() for c in cells):
            problems.append(Problem(line, "empty row: delete it, or start it with # to keep it "
                                          "as a comment"))
            continue
        if len(cells) != len(columns):
            problems.append(Problem(line, f"{len(cells)} columns, but the header has "
                                          f"{len(columns)} ({', '.join(columns)})"))
            continue
        terms: list[Term] = []
        note = ""
        for column, cell in zip(columns, cells, strict=True):
            if column == "note":
                note = collapse_spaces(cell)
                continue
            forms = tuple(collapse_spaces(f) for f in cell.split("|")) if cell.strip() else ()
            if any(not f for f in forms):
                problems.append(Problem(line, f"empty alternative in {column} cell "
                                              f"{cell.strip()!r}: remove the extra '|'"))
                forms = tuple(f for f in forms if f)
            terms.append(Term(column, forms))
        if not any(t.forms for t in terms):
            problems.append(Problem(line, "empty row: only a note, no term in any language"))
            continue
        concepts.append((line, Concept(tuple(terms), note, f"{origin}:{line}")))
    return Parsed(tuple(concepts), languages, tuple(problems))


def _read_header(line: int, header: list[str]) -> tuple[list[str], list[Problem]]:
    cells = [c.strip() for c in header]
    columns: list[str] = []
    problems: list[Problem] = []
    known = 0
    for cell in cells:
        if cell.lower() in NOTE_COLUMNS:
            columns.append("note")
            continue
        try:
            columns.append(normalise_lang(cell))
            known += 1
        except UserError:
            columns.append(cell)
            problems.append(Problem(line, f"unknown language column {cell!r}: columns are "
                                          f"{', '.join(SUPPORTED)} and optionally note"))
    if known == 0:
        return columns, [Problem(line, f"no header row: the first row must name the columns, "
                                       f"e.g. {_HEADER_EXAMPLE}; found {header!r}")]
    for col in dict.fromkeys(columns):
        if columns.count(col) > 1:
            problems.append(Problem(line, f"column {col!r} appears {columns.count(col)} times "
                                          "in the header"))
    if not problems and known < 2:
        problems.append(Problem(line, "the header names one language: a glossary needs at "
                                      "least two, e.g. en<TAB>az"))
    return columns, problems
