"""``translate serve``: start the server, or manage its API keys.

    translate serve --models-dir models [--host 127.0.0.1] [--port 5000]
    translate serve keys add --name weblate [--req-limit 120] --keys-db keys.sqlite
    translate serve keys list --keys-db keys.sqlite
    translate serve keys revoke ID --keys-db keys.sqlite

``add_parser(subparsers)`` and ``run(args) -> int`` follow the shape of the commands in
``translate/commands/``; registered in translate/commands/__init__.py.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from ..errors import UserError

DEFAULT_PORT = 5000


def default_data_dir() -> str:
    """Where the server keeps its state (``ServeSettings.data_dir``): per user."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return str(Path(base) / "translate")


def default_keys_db(data_dir: str | None = None) -> str:
    return str(Path(data_dir or default_data_dir()) / "api_keys.sqlite")


def add_parser(subparsers) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "serve", help="run a LibreTranslate-compatible HTTP API and web page",
        description="Serve translations over HTTP with LibreTranslate's API (Weblate, "
                    "Mastodon and other clients work unchanged) and a web page at /.")
    configure_parser(p)
    p.set_defaults(func=run)  # translate/cli.py dispatches on args.func
    return p


def configure_parser(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("server")
    g.add_argument("--host", default="127.0.0.1",
                   help="address to bind (default 127.0.0.1; 0.0.0.0 for every interface)")
    g.add_argument("--port", type=int, default=DEFAULT_PORT, help="default 5000")
    g.add_argument("--char-limit", type=int, default=5000,
                   help="most characters per text (default 5000; -1: none)")
    g.add_argument("--alternatives-limit", type=int, default=3,
                   help="most n-best alternatives per request (default 3: a beam of 4 "
                        "besides its best; -1: none)")
    g.add_argument("--req-limit", type=int, default=-1,
                   help="requests per minute per key or client (default -1: none)")
    g.add_argument("--max-upload-mb", type=float, default=10.0, help="default 10")
    g.add_argument("--timeout", type=float, default=60.0,
                   help="seconds a request may wait for its translation (default 60)")
    g.add_argument("--max-queue", type=int, default=2048,
                   help="sentences waiting at most; beyond it 503 (default 2048)")
    g.add_argument("--no-batching", action="store_true",
                   help="decode each request on its own (no dynamic batching)")
    g.add_argument("--gather-ms", type=float, default=5.0,
                   help="how long a batch waits for more sentences (default 5 ms)")
    g.add_argument("--batch-tokens", type=int, default=2048,
                   help="source tokens in one batched model call (default 2048)")
    g.add_argument("--data-dir", default=None, metavar="DIR",
                   help="where the server keeps its state: API glossaries "
                        "(glossaries.sqlite), the default key database, /suggest's "
                        f"memory (suggestions.sqlite) (default {default_data_dir()})")
    g.add_argument("--keys-db", default=None,
                   help="API key database (SQLite; default DATA_DIR/api_keys.sqlite when "
                        "--require-api-key is given or that file exists)")
    g.add_argument("--require-api-key", action="store_true",
                   help="refuse requests without a valid API key (403)")
    g.add_argument("--cors-origin", action="append", default=None, metavar="ORIGIN",
                   help="allowed CORS origin (repeatable; default *)")
    g.add_argument("--no-cors", action="store_true", help="send no CORS headers")
    g.add_argument("--load", choices=("start", "first-use"), default="first-use",
                   help="load every model at start, or when first needed (default)")
    g.add_argument("--download-ttl", type=float, default=600.0,
                   help="seconds a translated file stays downloadable (default 600)")
    g.add_argument("--log-level", default="info", choices=("debug", "info", "warning"))
    add_limit_options(p)
    add_editor_options(p)
    t = p.add_argument_group("translation")
    t.add_argument("--models-dir", default=None)
    t.add_argument("--model", action="append", default=[], metavar="SRC-TGT=REF")
    t.add_argument("--device", choices=("cpu", "cuda"), default=None)
    t.add_argument("--backend", choices=("torch", "ctranslate2", "auto"), default=None,
                   help="default: the library's (TranslatorConfig.backend, as the other "
                        "commands and the API)")
    t.add_argument("--beam-size", type=int, default=None)
    t.add_argument("--threads", type=int, default=None,
                   help="CPU threads per model (with TranslatorConfig; default: the backend's)")
    t.add_argument("--glossary", action="append", default=[], metavar="[NAME=]FILE",
                   help="a glossary a request can name (repeatable; the first is the "
                        "default; NAME defaults to the file's stem); default: the shipped "
                        "news glossary")
    t.add_argument("--no-glossary", action="store_true", help="no glossary for any request")
    t.add_argument("--no-enforce", action="store_true",
                   help="verify and report glossary terms without re-decoding")
    t.add_argument("--allow-pickle", action="store_true")
    sub = p.add_subparsers(dest="serve_command", metavar="{keys}")
    keys = sub.add_parser("keys", help="manage API keys")
    ksub = keys.add_subparsers(dest="keys_command", metavar="{add,list,revoke}")
    ksub.required = True
    add = ksub.add_parser("add", help="create a key (printed once)")
    add.add_argument("--name", default="")
    add.add_argument("--req-limit", dest="key_req_limit", type=int, default=None,
                     help="this key's requests per minute (default: the server's)")
    add.add_argument("--char-limit", dest="key_char_limit", type=int, default=None)
    ksub.add_parser("list", help="list keys (never the keys themselves)")
    rev = ksub.add_parser("revoke", help="revoke a key by id or name")
    rev.add_argument("ident", metavar="ID")
    for sp in ksub.choices.values():
        sp.add_argument("--keys-db", dest="keys_db_sub", default=None)


def add_editor_options(p: argparse.ArgumentParser) -> None:
    """Editors in the loop: corrections that stick, and which translations to flag."""
    e = p.add_argument_group("editors (corrections, review)")
    e.add_argument("--suggestions", action="store_true",
                   help="enable POST /suggest (else 403): editors' corrections are stored "
                        "in DATA_DIR/suggestions.sqlite and returned by later "
                        "translations of the same text")
    e.add_argument("--suggestions-tm", default=None, metavar="FILE",
                   help="keep /suggest's corrections in this translation memory instead "
                        "of DATA_DIR/suggestions.sqlite (implies --suggestions)")
    e.add_argument("--review-below", type=float, default=None, metavar="CONFIDENCE",
                   help="flag a translation for review (the review field of /translate) "
                        "when the model's confidence in it (0-1) is below this (default: "
                        "TranslatorConfig's, 0.5)")


def add_limit_options(p: argparse.ArgumentParser) -> None:
    """What one request, client or connection may cost (ServeSettings has each default)."""
    from ..serve.settings import ServeSettings
    from .common import add_limit_option

    d = ServeSettings()
    a = p.add_argument_group("limits (admission, files, connections, abuse)")
    a.add_argument("--batch-limit", type=int, default=d.batch_limit,
                   help=f"most texts in one q list, as LibreTranslate's (default "
                        f"{d.batch_limit}; -1: none); more is a 400")
    a.add_argument("--request-tokens", type=int, default=d.request_tokens,
                   help=f"most source tokens (about words x 1.3) per request (default "
                        f"{d.request_tokens}; -1: none); more is a 400")
    a.add_argument("--queue-timeout", type=float, default=d.queue_timeout_s,
                   help=f"seconds a request may wait to start before a 503 with "
                        f"Retry-After (default {d.queue_timeout_s:g})")
    a.add_argument("--file-memory-mb", type=int, default=d.file_memory_mb,
                   help=f"memory of the worker process that opens one uploaded document "
                        f"or catalog (default {d.file_memory_mb}); more is a 400")
    a.add_argument("--file-timeout", type=float, default=d.file_timeout_s,
                   help=f"seconds one file job may take (default {d.file_timeout_s:g})")
    a.add_argument("--file-jobs", type=int, default=d.file_jobs,
                   help=f"file jobs at once (default {d.file_jobs})")
    add_limit_option(a)  # the one Limits of the configuration, as article/localise
    a.add_argument("--key-failures", type=int, default=d.key_failures,
                   help=f"invalid API keys from one address within --key-window before "
                        f"it gets 429 (default {d.key_failures}; -1: never)")
    a.add_argument("--key-window", type=float, default=d.key_window_s,
                   help=f"seconds the invalid keys are counted in (default "
                        f"{d.key_window_s:g})")
    a.add_argument("--key-lockout", type=float, default=d.key_lockout_s,
                   help=f"seconds an address gets 429 after too many invalid keys "
                        f"(default {d.key_lockout_s:g})")
    a.add_argument("--request-timeout", type=float, default=d.request_timeout_s,
                   help=f"seconds a client has to send a request's headers and body; a "
                        f"stalled connection is closed (default {d.request_timeout_s:g})")
    a.add_argument("--keep-alive", type=float, default=d.keep_alive_s,
                   help=f"seconds an idle keep-alive connection stays open (default "
                        f"{d.keep_alive_s:g})")
    a.add_argument("--max-connections", type=int, default=d.max_connections,
                   help=f"connections at once; more get 503 (default {d.max_connections})")
    a.add_argument("--max-header-kb", type=int, default=d.max_header_kb,
                   help=f"largest request head in KB (default {d.max_header_kb})")


def parse_glossaries(values: list[str]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    out: dict[str, list[str]] = {}
    for value in values:
        name, eq, path = value.partition("=")
        if not eq:
            name, path = Path(value).stem, value
        if not name or not path:
            raise UserError(f"--glossary {value!r}: use NAME=FILE or FILE")
        if not Path(path).is_file():
            raise UserError(f"--glossary {path}: no such file")
        out.setdefault(name, []).append(path)
    return tuple((n, tuple(p)) for n, p in out.items())


def build_translator(args):
    from .. import Translator

    kwargs = dict(models=args.model or None, models_dir=args.models_dir, device=args.device,
                  beam_size=args.beam_size, glossary=None,
                  enforce_terms=not args.no_enforce, allow_pickle=args.allow_pickle)
    if args.backend is not None:  # else the one default, TranslatorConfig's
        kwargs["backend"] = args.backend
    if not hasattr(Translator, "from_config"):  # before contract 1 (TranslatorConfig)
        return Translator(**kwargs)
    from ..config import TranslatorConfig
    from ..limits import Limits

    if args.threads is not None:
        kwargs["threads"] = args.threads
    kwargs["limits"] = Limits.parse(args.limit)  # the same limits as the file jobs'
    if args.review_below is not None:
        kwargs["review_below"] = args.review_below
    return Translator.from_config(TranslatorConfig(**kwargs))


def build_settings(args):
    from ..serve.settings import ServeSettings

    data_dir = args.data_dir or default_data_dir()
    keys_db = args.keys_db
    if keys_db is None and (args.require_api_key
                            or Path(default_keys_db(data_dir)).is_file()):
        keys_db = default_keys_db(data_dir)  # where `translate serve keys add` put them
    cors = () if args.no_cors else tuple(args.cors_origin or ("*",))
    return ServeSettings(
        char_limit=args.char_limit, req_limit=args.req_limit,
        max_upload_mb=args.max_upload_mb, timeout_s=args.timeout, max_queue=args.max_queue,
        batching=not args.no_batching, gather_ms=args.gather_ms,
        batch_tokens=args.batch_tokens, require_api_key=args.require_api_key,
        keys_db=keys_db, cors_origins=cors, glossaries=parse_glossaries(args.glossary),
        glossary=not args.no_glossary, suggestions_tm=suggestions_tm(args, data_dir),
        download_ttl_s=args.download_ttl, load=args.load,
        alternatives_limit=args.alternatives_limit, data_dir=data_dir,
        **limit_settings(args))


def suggestions_tm(args, data_dir: str) -> str | None:
    """Where /suggest's memory is (``None``: suggestions are off)."""
    if args.suggestions_tm:
        return args.suggestions_tm
    return str(Path(data_dir) / "suggestions.sqlite") if args.suggestions else None


def limit_settings(args) -> dict:
    """The ServeSettings fields of :func:`add_limit_options`."""
    from ..limits import Limits

    return dict(
        batch_limit=args.batch_limit, request_tokens=args.request_tokens,
        queue_timeout_s=args.queue_timeout, file_memory_mb=args.file_memory_mb,
        file_timeout_s=args.file_timeout, file_jobs=args.file_jobs,
        limits=Limits.parse(args.limit), key_failures=args.key_failures,
        key_window_s=args.key_window, key_lockout_s=args.key_lockout,
        request_timeout_s=args.request_timeout, keep_alive_s=args.keep_alive,
        max_connections=args.max_connections, max_header_kb=args.max_header_kb)


def run_keys(args) -> int:
    from ..serve.keys import KeyStore

    store = KeyStore(args.keys_db_sub or args.keys_db
                     or default_keys_db(getattr(args, "data_dir", None)))
    try:
        if args.keys_command == "add":
            key, rec = store.add(args.name, req_limit=args.key_req_limit,
                                 char_limit=args.key_char_limit)
            print(key)
            print(f"key {rec.id} ({rec.name or 'unnamed'}) added to {store.path}; it is "
                  "shown only now", file=sys.stderr)
        elif args.keys_command == "list":
            for k in store.list():
                state = "active" if k.active else f"revoked {k.revoked}"
                limits = (f"req-limit {k.req_limit if k.req_limit is not None else '-'} "
                          f"char-limit {k.char_limit if k.char_limit is not None else '-'}")
                print(f"{k.id}\t{k.name or '-'}\t{k.prefix}…\t{k.created}\t{limits}\t{state}")
        else:
            rec = store.revoke(args.ident)
            print(f"revoked key {rec.id} ({rec.name or 'unnamed'})", file=sys.stderr)
    finally:
        store.close()
    return 0


def run(args) -> int:
    if getattr(args, "serve_command", None) == "keys":
        return run_keys(args)
    try:
        import uvicorn
    except ImportError:
        raise UserError("translate serve needs the serve extra: pip install "
                        "'newsdesk-translate[serve]'") from None
    from ..serve.app import create_app
    from ..serve.connections import uvicorn_options

    logging.basicConfig(level=args.log_level.upper(), stream=sys.stderr,
                        format="%(message)s")
    settings = build_settings(args)
    app = create_app(build_translator(args), settings)
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        print(f"translate serve: listening on {args.host}, reachable from other machines",
              file=sys.stderr)
    # uvicorn handles SIGTERM/SIGINT: it stops accepting, lets in-flight requests finish,
    # then runs the app's shutdown (the model thread finishes its queue)
    uvicorn.run(app, host=args.host, port=args.port, access_log=False,
                log_level=args.log_level, timeout_graceful_shutdown=int(args.timeout) + 5,
                **uvicorn_options(settings))
    return 0
