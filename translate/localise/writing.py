"""Reading catalogs and writing the filled ones (atomically, only when they change)."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

from ..errors import InputFileError
from ..textio import atomic_write, read_bytes
from .placeholders import MAX_BRACE_DEPTH, brace_depth
from .units import Document, Existing


def read_document(fmt: ModuleType, path: Path, lang: str) -> Document:
    """Read a catalog; a message nested deeper than any real one is refused (its ICU
    arguments would cost time growing with the cube of the depth)."""
    doc = fmt.read(read_bytes(path), str(path), lang)
    for unit in doc.units:
        for text in (*unit.sources, *unit.translations):
            depth = brace_depth(text)
            if depth > MAX_BRACE_DEPTH:
                key = unit.key if len(unit.key) <= 40 else unit.key[:40] + "..."
                raise InputFileError(str(path), f"message {key!r} nests braces {depth} deep "
                                                f"(limit {MAX_BRACE_DEPTH})")
    return doc


def existing(fmt: ModuleType, doc: Document | None, lang: str) -> dict[str, Existing]:
    """The translations ``doc`` already holds for ``lang`` (none without a document)."""
    return {} if doc is None else fmt.existing(doc, lang)


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write atomically unless the file already holds ``data`` (:func:`atomic_write`
    clears what a killed earlier write of this output left behind)."""
    try:
        if path.is_file() and path.read_bytes() == data:
            return False
    except OSError:
        pass
    atomic_write(path, data)
    return True
