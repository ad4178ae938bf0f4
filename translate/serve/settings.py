"""The server's options, as one frozen value built by the command layer."""

from __future__ import annotations

from dataclasses import dataclass, field


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
        suggestions_tm: translation-memory file where ``/suggest`` stores pairs (``None``:
            suggestions are off, 403).
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
            - ``suggestions.sqlite``: reserved for ``/suggest``'s memory.

            The command line's default is ``$XDG_DATA_HOME/translate``
            (``~/.local/share/translate``).
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
