"""The command layer: one module per ``translate`` subcommand.

Each module has ``add_parser(subparsers)`` (its arguments) and ``run(args) -> int`` (build
the :class:`~translate.config.TranslatorConfig`, call the library, print, exit code). No
translation logic lives here, and nothing below this layer imports argparse.
"""

from __future__ import annotations

from . import article, evaluate, glossary, localise, segment, serve, tm

#: in ``translate --help`` order
COMMANDS = (article, segment, glossary, evaluate, localise, tm, serve)

__all__ = ["COMMANDS"]
