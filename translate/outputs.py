"""Where outputs go: the one output-path function of the toolkit, and its safety rule.

Every command that writes files under an output directory (``article -o``, ``localise
-o``) names its outputs through :func:`output_path`, which refuses a path that would land
outside that directory (``..``, an absolute part, a symlink pointing elsewhere).
"""

from __future__ import annotations

from pathlib import Path, PurePath

from .errors import UserError
from .languages import SUPPORTED


def inside(path: Path, root: Path) -> bool:
    """``path`` is ``root`` or below it (both already resolved)."""
    return path == root or root in path.parents


def output_path(out_dir: Path, rel_dir: PurePath, name: str, *, source: object = None
                ) -> Path:
    """``out_dir/rel_dir/name``; a :class:`UserError` when that would leave ``out_dir``.

    ``source`` (the input the output is made from) is named in the error."""
    rel = PurePath(rel_dir) / name
    what = f"{source}: " if source is not None else ""
    if rel.is_absolute() or any(part in ("..", "") for part in rel.parts):
        raise UserError(f"{what}output path {rel} would leave the output directory")
    target = Path(out_dir) / rel
    root = Path(out_dir).resolve()
    resolved = target.resolve()
    if not inside(resolved, root) or resolved == root:
        raise UserError(f"{target}: resolves outside the output directory {out_dir} "
                        "(through a symlink); remove the link or choose another -o")
    return target


def article_name(name: str, lang: str, ext: str = ".txt") -> str:
    """``<stem>.<lang><ext>`` for an article file (``ext``: its format's extension, the
    input's own for documents); a language suffix already in the stem is replaced
    (``story.en.txt`` -> ``story.it.txt``, ``story.en.docx`` -> ``story.it.docx``),
    stdin is ``stdin``."""
    stem = Path(name).stem if name != "-" else "stdin"
    base, dot, suffix = stem.rpartition(".")
    if dot and suffix.lower() in SUPPORTED:
        stem = base
    return f"{stem}.{lang}{ext}"
