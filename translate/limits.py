"""How large a document package (DOCX, ODT) may be once opened, checked while reading.

    >>> Limits().zip_member_mb
    100
    >>> Limits.parse(["zip_members=20000"]).zip_members
    20000

A zip holds compressed bytes: ``--max-size`` bounds only those, so a few megabytes can
inflate to gigabytes, and a small XML part can hold millions of elements. Every number
here is counted as the package is read (a member's bytes as they inflate, elements as
they are parsed) and reading stops at the first one past its limit: the file is refused
with one line naming the limit and the option that raises it, the other files of a batch
are still done. Python: ``translate_files(..., limits=Limits(zip_member_mb=500))``;
command line: ``--limit zip_member_mb=500`` (repeatable).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass

from .errors import UserError, param


@dataclass(frozen=True, slots=True)
class Limits:
    """Limits on one document package.

    Args:
        zip_member_mb: inflated size of one member of the package (MB).
        zip_total_mb: inflated size of all its members together (MB).
        zip_members: members in the package.
        xml_elements: elements in one XML part (each paragraph, run and text is one).
        xml_depth: nesting depth of elements in one XML part.
        space_run: spaces one ODF ``<text:s text:c="N"/>`` may stand for.
    """

    zip_member_mb: int = 100
    zip_total_mb: int = 250
    zip_members: int = 10_000
    xml_elements: int = 2_000_000
    xml_depth: int = 200
    space_run: int = 10_000

    @classmethod
    def parse(cls, settings: Iterable[str] | None) -> Limits:
        """Limits from ``NAME=N`` strings (the ``--limit`` option); the others default."""
        names = [f.name for f in dataclasses.fields(cls)]
        values: dict[str, int] = {}
        for setting in settings or ():
            name, sep, value = setting.partition("=")
            name = name.strip()
            if not sep or name not in names:
                raise UserError(f"{param('limits', setting)}: give NAME=N with NAME one of "
                                f"{', '.join(names)}")
            try:
                number = int(value)
            except ValueError:
                number = 0
            if number <= 0:
                raise UserError(f"{param('limits', setting)}: the limit must be a whole "
                                "number above 0")
            values[name] = number
        return cls(**values)

    def over(self, name: str, what: str, unit: str = "") -> str:
        """``what (limit N; raise it with ...)``: the one-line problem for limit ``name``."""
        return (f"{what} (limit {getattr(self, name)}{unit}; raise it with "
                f"{param('limits', f'{name}=N')})")


DEFAULT_LIMITS = Limits()
