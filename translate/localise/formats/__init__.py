"""File formats: each module reads a file into units and writes a filled copy back.

Every format module has the same functions::

    read(data, path, lang=None) -> Document
    existing(doc, lang) -> dict[key, Existing]      # translations the file holds
    write(doc, fills, tgt, previous=None, *, src=None) -> bytes
    output_name(name) -> str                         # messages.pot -> messages.po

and may have ``escape_text(text)`` (how plain model output is embedded, e.g. XML) and
``check_fill(text, unit) -> list[str]`` (problems that stop a string from being written).
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

from . import android, jsonfmt, po, xliff

FORMATS: tuple[ModuleType, ...] = (po, jsonfmt, xliff, android)


def format_for(path: str | Path) -> ModuleType | None:
    """The format module for a file name, or ``None`` when no format reads it."""
    name = str(path).lower()
    for fmt in FORMATS:
        if name.endswith(fmt.EXTENSIONS):
            return fmt
    return None


def supported_extensions() -> tuple[str, ...]:
    return tuple(ext for fmt in FORMATS for ext in fmt.EXTENSIONS)
