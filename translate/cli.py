"""The ``translate`` command: ``main()`` and the parser; each subcommand is a module of
:mod:`translate.commands` (``add_parser`` + ``run``).

Exit codes: 0 done, 1 internal error, 2 user error (one line on stderr), 3 ``--strict``
found a missing glossary term. ``--debug`` (anywhere on the line) shows tracebacks.
"""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Sequence

from .errors import TermsMissingError, UserError


def build_parser() -> argparse.ArgumentParser:
    from . import __version__
    from .commands import COMMANDS
    from .commands.common import Parser
    from .languages import NAMES, one_of

    parser = Parser(
        prog="translate",
        description=f"Translate and localise between {one_of(NAMES.values(), 'and')} "
                    "with MarianMT (OPUS-MT) models.",
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    parser.add_argument("--version", action="version", version=f"translate {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    sub.required = True
    for command in COMMANDS:
        command.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # --debug is a flag of the whole command: accepted in any position
    end = argv.index("--") if "--" in argv else len(argv)
    debug = "--debug" in argv[:end]
    argv = [a for a in argv[:end] if a != "--debug"] + argv[end:]
    args = None
    try:
        args = build_parser().parse_args(argv)
        return int(args.func(args) or 0)
    except UserError as exc:
        from .commands.common import error_lines

        if debug:  # the traceback, then the same line and exit code as without --debug
            traceback.print_exc()
        for line in error_lines(exc, args):
            print(line, file=sys.stderr)
        return exc.exit_code
    except TermsMissingError as exc:
        if debug:
            traceback.print_exc()
        print(f"translate: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("translate: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # noqa: BLE001 - the one place internal errors are reported
        if debug:
            traceback.print_exc()
            return 1
        print(f"translate: internal error: {type(exc).__name__}: {exc} "
              "(run with --debug for the traceback)", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
