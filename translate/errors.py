"""Errors a user can cause, and how the command line reports them.

Anything raised as :class:`UserError` ends in one line on stderr and exit code 2;
everything else is an internal error (exit 1).
"""

from __future__ import annotations


class UserError(Exception):
    """A problem the user can fix: bad input, a missing file, an unknown language.

    The message is one line naming the problem and, where there is one, the fix.
    """

    exit_code = 2


class InputFileError(UserError):
    """A file that cannot be read, or read as what it should be.

    ``FILE:LINE: problem`` is the message when a line is known.
    """

    def __init__(self, path: str, problem: str, line: int | None = None) -> None:
        where = f"{path}:{line}" if line is not None else str(path)
        super().__init__(f"{where}: {problem}")
        self.path = str(path)
        self.line = line
        self.problem = problem


class ModelUnavailableError(UserError):
    """A checkpoint that cannot be loaded here (not local, not cached, offline)."""


class TermsMissingError(Exception):
    """Raised by ``--strict`` when a glossary term is missing from the output (exit 3)."""

    exit_code = 3
