"""The server's options, as one frozen value built by the command layer."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..limits import DEFAULT_LIMITS, Limits


@dataclass(frozen=True)
class ServeSettings:
    """How the server behaves (the translator's own options are a separate config).

    Args:
        char_limit: most characters in one text (``q`` item, detect text, uploaded text);
            ``-1`` for none.
        req_limit: requests per minute per API key (or per client address without one);
            ``-1`` for none.
        max_upload_mb: largest file ``/translate_file`` accepts.
        timeout_s: how long a request may wait for its translation (queue and decoding).
        max_queue: sentences waiting for the model at most; more is answered 503.
        batching: decode sentences of concurrent requests together.
        gather_ms: how long the batcher waits for more sentences after the first arrives.
        batch_tokens: source tokens (about) in one batched model call.
        require_api_key: refuse requests without a valid key (403).
        keys_db: the SQLite file of API keys (``None``: keys are off).
        cors_origins: origins allowed by CORS (``("*",)`` as LibreTranslate; ``()`` off).
        glossaries: name -> glossary file paths; the first is the default.
        glossary: ``False`` turns glossaries off for every request.
        suggestions_tm: the translation memory where ``/suggest`` stores editors'
            corrections as human entries, and where every translation looks sentences
            (and whole texts) up first (:mod:`translate.serve.suggestions`); ``None``:
            suggestions are off (``/suggest`` is 403). ``translate serve
            --suggestions`` puts it in ``data_dir``; ``--suggestions-tm`` elsewhere.
        download_ttl_s: how long a translated file stays downloadable.
        download_max_mb: translated files kept in memory at most (oldest dropped first).
        load: ``"start"`` loads every direction's models before serving, ``"first-use"``
            when a request first needs them.
        frontend_timeout_ms: what ``/frontend/settings`` tells a web client.
        alternatives_limit: most ``alternatives`` one request may ask for (more is a 400,
            as LibreTranslate's ``--alternatives-limit``); ``-1`` for none. The default,
            3, is what a beam of 4 holds besides the best: beyond it the beam widens.
        data_dir: the directory where the server keeps its state (``None``: nothing is
            kept; API glossaries live in memory until the server stops). Its layout:

            - ``glossaries.sqlite``: glossaries made over HTTP (DeepL's ``/v2/glossaries``
              and ``/v3/glossaries``, :mod:`translate.serve.glossary_store`);
            - ``api_keys.sqlite``: the API keys, where ``translate serve --keys-db``
              defaults to (:mod:`translate.serve.keys`);
            - ``suggestions.sqlite``: ``/suggest``'s memory (``--suggestions``), the
              default ``suggestions_tm``.

            The command line's default is ``$XDG_DATA_HOME/translate``
            (``~/.local/share/translate``).
        batch_limit: most texts in one ``q`` list (LibreTranslate's ``--batch-limit``;
            more is a 400 at once); ``-1`` for none.
        request_tokens: most source tokens (about: words x 1.3) one request may send
            (more is a 400 at once); ``-1`` for none.
        queue_timeout_s: a request whose translation has not started after this long is
            answered 503 with ``Retry-After`` (its work leaves the queue).
        file_memory_mb: memory (address space) of the worker process that opens one
            uploaded document or catalog; past it the upload is a 400.
        file_timeout_s: how long one file job may take (503 past it).
        file_jobs: file jobs at once (more wait, up to the queue timeout).
        limits: what a document package may inflate to, checked while reading
            (:class:`translate.limits.Limits`, the ``--limit NAME=N`` option).
        key_failures: invalid API keys from one address within ``key_window_s`` before
            that address gets 429 for ``key_lockout_s``; ``-1``: never locked out.
        key_window_s: the window the invalid keys are counted in.
        key_lockout_s: how long an address is refused (429) after too many invalid keys.
        request_timeout_s: a client must send a request's headers and body within this
            long (a stalled connection is closed).
        keep_alive_s: an idle keep-alive connection is closed after this long.
        max_connections: connections (and requests in progress) at once; more get 503.
        max_header_kb: largest request head (request line and headers).
    """

    char_limit: int = 5000
    req_limit: int = -1
    max_upload_mb: float = 10.0
    timeout_s: float = 60.0
    max_queue: int = 2048
    batching: bool = True
    gather_ms: float = 5.0
    batch_tokens: int = 2048
    require_api_key: bool = False
    keys_db: str | None = None
    cors_origins: tuple[str, ...] = ("*",)
    glossaries: tuple[tuple[str, tuple[str, ...]], ...] = field(default=())
    glossary: bool = True
    suggestions_tm: str | None = None
    download_ttl_s: float = 600.0
    download_max_mb: float = 256.0
    load: str = "first-use"
    frontend_timeout_ms: int = 60000
    alternatives_limit: int = 3
    data_dir: str | None = None
    batch_limit: int = 128
    request_tokens: int = 8192
    queue_timeout_s: float = 15.0
    file_memory_mb: int = 1024
    file_timeout_s: float = 120.0
    file_jobs: int = 2
    limits: Limits = DEFAULT_LIMITS
    key_failures: int = 10
    key_window_s: float = 60.0
    key_lockout_s: float = 300.0
    request_timeout_s: float = 30.0
    keep_alive_s: float = 5.0
    max_connections: int = 512
    max_header_kb: int = 16
