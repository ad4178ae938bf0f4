"""Which files a localisation job reads, and where each one's output goes."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePath
from types import ModuleType

from ..errors import InputFileError, UserError
from ..outputs import inside, output_path
from .formats import format_for, supported_extensions


@dataclass(frozen=True, slots=True)
class SourceFile:
    """A file to localise: where it is, the root its output path is relative to."""

    path: Path
    root: Path
    rel: PurePath
    fmt: ModuleType


def discover(sources: Sequence[str | os.PathLike[str]], out_dir: Path) -> list[SourceFile]:
    """Every supported file of ``sources`` (files, or directory trees walked in sorted
    order, without following symlinked directories and skipping hidden ones and OUT)."""
    found: list[SourceFile] = []
    out_resolved = Path(out_dir).resolve()
    exts = ", ".join(supported_extensions())
    for item in sources:
        path = Path(item)
        if path.is_dir():
            root = path
            for dirpath, dirnames, filenames in os.walk(path, followlinks=False):
                here = Path(dirpath)
                dirnames[:] = sorted(d for d in dirnames if not d.startswith(".")
                                     and not inside((here / d).resolve(), out_resolved))
                for name in sorted(filenames):
                    fmt = format_for(name)
                    if fmt is None or name.startswith("."):
                        continue
                    f = here / name
                    found.append(SourceFile(f, root, f.relative_to(root), fmt))
        elif path.exists():
            fmt = format_for(path.name)
            if fmt is None:
                raise InputFileError(str(path), f"unsupported file type; use {exts}")
            found.append(SourceFile(path, path.parent, PurePath(path.name), fmt))
        else:
            raise InputFileError(str(path), "no such file or directory; check the path")
    if not found:
        raise UserError(f"no files to localise in {', '.join(map(str, sources))} "
                        f"(looked for {exts})")
    return found


def catalog_output(out_dir: Path, lang: str, source: SourceFile) -> Path:
    """``OUT/<lang>/<rel>`` with the format's output name (``.pot`` -> ``.po``), through
    the one output-path function (:func:`translate.outputs.output_path`)."""
    rel = source.rel
    return output_path(out_dir, PurePath(lang) / rel.parent,
                       source.fmt.output_name(rel.name), source=source.path)
