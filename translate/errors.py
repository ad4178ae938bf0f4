"""Errors a user can cause, in the library's own terms.

Anything raised as :class:`UserError` ends in one line on stderr and exit code 2 at the
command line, and in a 4xx answer at the server; everything else is an internal error
(exit 1).

A message names the parameters of the call it is about with :func:`param`, never with a
front's spelling of them: ``f"{param('max_size_mb', 0)}: must be more than 0"``. Each
front says them its own way through :meth:`UserError.render`: the library (``str()``)
as the keyword, ``max_size_mb=0``; the command line as its flag, ``--max-size 0``; the
server as its request field.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

# a parameter inside a message: Unicode's interlinear annotation anchor, separator and
# terminator (U+FFF9..U+FFFB), characters text does not carry, around NAME[SEP VALUE]
_ANCHOR, _SEP, _END = "\ufff9", "\ufffa", "\ufffb"
_PARAM = re.compile(f"{_ANCHOR}([^{_ANCHOR}{_SEP}{_END}]+)(?:{_SEP}([^{_ANCHOR}{_END}]*))?{_END}")
_NO_VALUE = object()


def param(name: str, value: object = _NO_VALUE) -> str:
    """The parameter ``name`` of the call (with the ``value`` it was given, if shown),
    marked for a :class:`UserError` message; :meth:`UserError.render` spells it."""
    if value is _NO_VALUE:
        return f"{_ANCHOR}{name}{_END}"
    return f"{_ANCHOR}{name}{_SEP}{value}{_END}"


def params_of(message: str) -> tuple[str, ...]:
    """The parameters a message names, in order."""
    return tuple(m.group(1) for m in _PARAM.finditer(message))


def render(message: str, names: Mapping[str, str] | None = None, sep: str = "=") -> str:
    """``message`` with each parameter spelt ``names[name]`` (the name itself when not
    in ``names``); one given with a value reads ``NAME{sep}VALUE``."""
    names = names or {}

    def spell(m: re.Match[str]) -> str:
        name = names.get(m.group(1), m.group(1))
        return name if m.group(2) is None else f"{name}{sep}{m.group(2)}"

    return _PARAM.sub(spell, message)


class UserError(Exception):
    """A problem the user can fix: bad input, a missing file, an unknown language.

    The message is one line naming the problem and, where there is one, the fix, in
    terms of the call: its parameters through :func:`param`, its files, its values.
    ``str(error)`` reads the parameters as keywords (``tm=news.sqlite``);
    :meth:`render` lets a front spell them its way.
    """

    exit_code = 2

    @property
    def message(self) -> str:
        """The message with its parameters still marked (to build another message)."""
        return str(self.args[0]) if self.args else ""

    @property
    def params(self) -> tuple[str, ...]:
        """The parameters of the call the message names (the first is what it is about)."""
        return params_of(self.message)

    def render(self, names: Mapping[str, str] | None = None, sep: str = "=") -> str:
        """The message with each parameter spelt ``names[name]``, a value after ``sep``:
        the command line passes its flags and ``" "`` (``--tm news.sqlite``)."""
        if len(self.args) > 1:
            return super().__str__()
        return render(self.message, names, sep)

    def __str__(self) -> str:
        return self.render()


class InputFileError(UserError):
    """A file that cannot be read, or read as what it should be.

    ``FILE:LINE: problem`` is the message when a line is known (``problem`` keeps its
    parameters marked, to build another message; ``str()`` spells them).
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
