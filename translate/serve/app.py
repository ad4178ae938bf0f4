"""The HTTP layer: LibreTranslate's routes, request and response shapes, and error codes.

Errors are ``{"error": "..."}`` with 400 (bad request, unsupported language or format,
a request past a limit), 403 (invalid or missing key, feature off), 429 (rate limit, an
address locked out after invalid keys), 500 (internal, logged here, never a traceback or
an internal message to the client) and 503 with ``Retry-After`` (queue full, could not
start within the queue timeout, timed out, shutting down).

Admission control: a request past ``--batch-limit`` texts or ``--request-tokens`` tokens
is refused before anything is queued; the batcher (:mod:`.batcher`) gives each request
its turn; a request whose client disconnects is cancelled and its queued work dropped.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from importlib import resources
from pathlib import PurePosixPath

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .. import detect
from ..errors import UserError
from ..languages import NAMES, SUPPORTED, TARGETS, normalise_lang
from .batcher import BatcherClosed, QueueFull, QueueTimeout, estimate_tokens
from .deepl import deepl_routes
from .files import DownloadStore, content_disposition
from .keys import ApiKey, KeyStore
from .limits import KeyLockout, RateLimiter
from .service import (
    LOCALISE_EXTENSIONS,
    TEXT_EXTENSIONS,
    Pinned,
    ServeError,
    TranslationService,
    check_text_size,
    client_message,
)
from .settings import ServeSettings
from .spec import openapi_document

log = logging.getLogger("translate.serve")
access_log = logging.getLogger("translate.serve.access")

STATIC = {"/": ("index.html", "text/html; charset=utf-8"),
          "/static/app.js": ("app.js", "application/javascript; charset=utf-8"),
          "/static/style.css": ("style.css", "text/css; charset=utf-8")}
TRUE = ("1", "true", "yes", "on")
TEXT_DOCUMENTS = (".html", ".htm", ".md", ".markdown", ".srt", ".vtt")


def error(status: int, message: str, retry_after: float | None = None) -> JSONResponse:
    headers = {"Retry-After": str(max(1, math.ceil(retry_after)))} if retry_after else None
    return JSONResponse({"error": message}, status_code=status, headers=headers)


class AllowOrigin:
    """ASGI middleware: ``Access-Control-Allow-Origin: *`` on every response, as
    LibreTranslate sends it (with or without an ``Origin`` header)."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_wrapper(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers") or [])
                if not any(k.lower() == b"access-control-allow-origin" for k, _ in headers):
                    headers.append((b"access-control-allow-origin", b"*"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_wrapper)


class AccessLog:
    """ASGI middleware: one JSON line per request (method, path, status, ms, client)."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        start = time.perf_counter()
        status = [500]

        async def send_wrapper(message):
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            client = scope.get("client") or ("-", 0)
            state = scope.get("state") or {}
            access_log.info(json.dumps({
                "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime()),
                "method": scope["method"], "path": scope["path"], "status": status[0],
                "ms": round((time.perf_counter() - start) * 1000, 1), "client": client[0],
                "key": state.get("key_id"), "chars": state.get("chars")},
                ensure_ascii=False))


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, refused once it grows past ``limit`` bytes (with or without a
    Content-Length); kept on the request, where Starlette's form parser reads it. Once
    it is read, the request is watched for its client going away (see :func:`answer`)."""
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ServeError(400, f"Invalid request: the request is larger than "
                                  f"{limit / 1024 / 1024:.3g} MB")
        chunks.append(chunk)
    body = b"".join(chunks)
    request._body = body  # noqa: SLF001 - Starlette's cache of the body
    body_read = request.scope.get("translate.body_read")
    if body_read is not None:
        body_read.set()
    return body


def check_unicode(value: object, name: str) -> None:
    """A 400 for a string anywhere in ``value`` (its lists and objects, keys included)
    that is not valid Unicode: a lone surrogate (``"\\ud800"`` in JSON) cannot be
    encoded, segmented, stored or translated. Walked without recursion (a value nested
    as deep as the JSON parser goes)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError as exc:
                raise ServeError(400, f"Invalid request: {name} is not valid Unicode (a "
                                      f"lone surrogate at character {exc.start})") from None
        elif isinstance(item, list):
            stack.extend(reversed(item))
        elif isinstance(item, dict):
            for key, val in reversed(item.items()):
                stack.extend((val, key))


def _multipart_complete(body: bytes, ctype: str) -> bool:
    from email.message import Message

    msg = Message()
    msg["content-type"] = ctype
    boundary = msg.get_param("boundary")
    if not boundary or not isinstance(boundary, str):
        return False
    return f"--{boundary}--".encode() in body


async def read_params(request: Request, limit: int = 16 << 20) -> tuple[dict, dict]:
    """Parameters from JSON or a form (urlencoded or multipart), and uploaded files."""
    ctype = request.headers.get("content-type", "")
    params: dict = dict(request.query_params)
    files: dict = {}
    raw = await read_body(request, limit)
    if ctype.startswith("multipart/form-data") and not _multipart_complete(raw, ctype):
        raise ServeError(400, "Invalid request: malformed form data (the multipart body "
                              "is incomplete or has no boundary)")
    if "application/json" in ctype:
        try:
            body = json.loads(raw or b"null")
        except (ValueError, UnicodeDecodeError, RecursionError):
            # RecursionError: nested deeper than the parser goes (100,000 brackets)
            raise ServeError(400, "Invalid JSON format") from None
        if not isinstance(body, dict):
            raise ServeError(400, "Invalid JSON format")
        for name, value in body.items():
            check_unicode(name, "a parameter name")
            check_unicode(value, name)
        params.update(body)
    elif ctype.startswith("application/x-www-form-urlencoded"):
        # decoded as UTF-8 ourselves: Starlette reads raw (not %-escaped) bytes as Latin-1,
        # which garbles `curl -d q=Xocalı`
        from urllib.parse import parse_qsl

        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise ServeError(400, "Invalid request: form data is not UTF-8") from None
        params.update(parse_qsl(text, keep_blank_values=True, encoding="utf-8"))
    elif ctype.startswith("multipart/form-data"):
        try:
            form = await request.form()
        except Exception as exc:  # noqa: BLE001 - a malformed body of any kind
            raise ServeError(400, f"Invalid request: malformed form data "
                                  f"({str(exc)[:120] or type(exc).__name__})") from None
        for key, value in form.multi_items():
            if hasattr(value, "filename") and hasattr(value, "read"):
                files[key] = value
            else:
                params[key] = value
    return params, files


class Server:
    """The routes, bound to one service, key store, limiter and download store."""

    def __init__(self, service: TranslationService, settings: ServeSettings) -> None:
        self.service = service
        self.settings = settings
        self.keys = KeyStore(settings.keys_db) if settings.keys_db else None
        self.limiter = RateLimiter()
        self.lockout = KeyLockout(settings.key_failures, settings.key_window_s,
                                  settings.key_lockout_s)
        self.file_slots = asyncio.Semaphore(max(1, settings.file_jobs))
        self.file_running = 0
        # each file job holds a thread while its worker process runs: their own threads,
        # so they never take the shared executor's from the other requests
        self.file_threads = ThreadPoolExecutor(max(1, settings.file_jobs),
                                               thread_name_prefix="translate-file-job")
        self.downloads = DownloadStore(settings.download_ttl_s,
                                       int(settings.download_max_mb * 1024 * 1024))
        self._static: dict[str, bytes] = {}
        pkg = resources.files(__package__).joinpath("static")
        for path, (name, _type) in STATIC.items():
            self._static[path] = pkg.joinpath(name).read_bytes()

    # ------------------------------------------------------------------ access

    def access(self, request: Request, params: dict) -> ApiKey | None:
        """Key check (403), then the rate limit (429); the key record when one is valid."""
        key = params.get("api_key") or None
        record = None
        if key is not None and not isinstance(key, str):
            raise ServeError(400, "Invalid request: api_key must be a string")
        address = (request.client or ("-",))[0]
        if key:
            locked = self.lockout.locked(address)
            if locked:
                raise RetryLater(429, "Too many invalid API keys from this address; try "
                                      f"again in {math.ceil(locked)} s", locked)
            record = self.keys.lookup(key) if self.keys else None
            if record is None and (self.keys is not None or self.settings.require_api_key):
                self.lockout.failed(address)
                raise ServeError(403, "Invalid API key")
        elif self.settings.require_api_key:
            raise ServeError(403, "Please contact the server operator to get an API key")
        who = f"key:{record.id}" if record else f"ip:{(request.client or ('-',))[0]}"
        limit = (record.req_limit if record and record.req_limit is not None
                 else self.settings.req_limit)
        if not self.limiter.allow(who, limit):
            raise ServeError(429, f"Slowdown: {limit} per 1 minute")
        if record is not None:
            request.scope.setdefault("state", {})["key_id"] = record.id
        return record

    def admit(self, texts: list[str], batch: bool) -> None:
        """Admission control, before anything is queued: ``--batch-limit`` texts and
        ``--request-tokens`` tokens per request (400 naming the limit)."""
        limit = self.settings.batch_limit
        if batch and limit != -1 and len(texts) > limit:
            raise ServeError(400, f"Invalid request: request ({len(texts)} texts) exceeds "
                                  f"the batch limit ({limit})")
        budget = self.settings.request_tokens
        if budget != -1:
            tokens = sum(estimate_tokens(t) for t in texts)
            if tokens > budget:
                raise ServeError(400, f"Invalid request: request (about {tokens} tokens) "
                                      f"exceeds the token limit per request ({budget})")

    def char_limit(self, record: ApiKey | None) -> int:
        if record is not None and record.char_limit is not None:
            return record.char_limit
        return self.settings.char_limit

    @staticmethod
    def lang(value: object, name: str, *, auto: bool = False) -> str:
        if value and not isinstance(value, str):
            raise ServeError(400, f"Invalid request: {name} must be a string")
        if not value:
            raise ServeError(400, f"Invalid request: missing {name} parameter")
        code = value.strip().lower()
        if code == "auto" and auto:
            return code
        if code in SUPPORTED:
            return code
        if name == "target" and code.replace("_", "-") in (t.lower() for t in TARGETS):
            return normalise_lang(code)  # a pseudo-locale (en-XA), a target only
        raise ServeError(400, f"{value} is not supported")

    # ------------------------------------------------------------------ routes

    async def translate(self, request: Request) -> Response:
        params, _files = await read_params(request)
        record = self.access(request, params)
        q = params.get("q")
        if not q:
            raise ServeError(400, "Invalid request: missing q parameter")
        batch = isinstance(q, list)
        texts = q if batch else [q]
        if not all(isinstance(t, str) for t in texts):
            raise ServeError(400, "Invalid request: q must be a string or a list of strings")
        self.admit(texts, batch)
        source = self.lang(params.get("source"), "source", auto=True)
        target = self.lang(params.get("target"), "target")
        fmt = params.get("format") or "text"
        if fmt not in ("text", "html"):
            raise ServeError(400, f"{fmt} format is not supported")
        try:
            alternatives = max(0, int(params.get("alternatives") or 0))
        except (TypeError, ValueError, OverflowError):
            raise ServeError(400, "Invalid request: alternatives parameter is not a number"
                             ) from None
        cap = self.settings.alternatives_limit
        if cap != -1 and alternatives > cap:
            raise ServeError(400, f"Invalid request: alternatives parameter must be <= {cap}")
        if "application/json" not in request.headers.get("content-type", ""):
            # as LibreTranslate: form text gets LF line ends, so the limit counts alike
            texts = ["\n".join(t.splitlines()) for t in texts]
        check_text_size(texts, self.char_limit(record))
        request.scope.setdefault("state", {})["chars"] = sum(len(t) for t in texts)
        glossary = self.service.glossary_name(params.get("glossary")
                                              or params.get("glossary_id"))
        report = str(params.get("report", "")).lower() in TRUE
        if fmt == "html":
            results = await self._translate_html(texts, source, target, glossary)
            body: dict = {"translatedText": [r[0] for r in results] if batch
                          else results[0][0]}
            if source == "auto":
                det = [r[1] for r in results]
                body["detectedLanguage"] = det if batch else det[0]
            if alternatives:  # as LibreTranslate: no n-best for html
                body["alternatives"] = [[] for _ in texts] if batch else []
            if report:
                reps = [r[2] for r in results]
                body["report"] = reps if batch else reps[0]
            return JSONResponse(body)
        results = await self.service.translate_texts(
            texts, source, target, glossary=glossary, timeout=self.settings.timeout_s,
            alternatives=alternatives)
        body = {"translatedText": [r.text for r in results] if batch else results[0].text}
        if source == "auto":
            det = [r.detected for r in results]
            body["detectedLanguage"] = det if batch else det[0]
        if alternatives:  # LibreTranslate's shape: a list, or a list per item of q
            alts = [r.alternatives[:alternatives] for r in results]
            body["alternatives"] = alts if batch else alts[0]
        reviews = [r.review() for r in results]  # an extra field: confidence, reasons
        body["review"] = reviews if batch else reviews[0]
        if report:
            reps = [r.report() for r in results]
            body["report"] = reps if batch else reps[0]
        return JSONResponse(body)

    async def _translate_html(self, texts, source, target, glossary):
        out = []
        for text in texts:
            detected = None
            src = source
            if source == "auto":
                from lxml import html as lxml_html

                try:
                    plain = lxml_html.fromstring(text).text_content() if text.strip() else ""
                except Exception:  # noqa: BLE001 - not parseable: detect on the raw text
                    plain = text
                detected = detect.candidates(plain)[0]
                src = detected["language"]
            if src == target:
                out.append((text, detected, None))
                continue
            data, rep = await self._run_blocking(self.service.translate_document,
                                                 text.encode("utf-8"), "html", src, target,
                                                 glossary)
            out.append((data.decode("utf-8"), detected, rep))
        return out

    async def _run_blocking(self, fn, *args):
        loop = asyncio.get_running_loop()
        try:
            return await asyncio.wait_for(loop.run_in_executor(None, fn, *args),
                                          self.settings.timeout_s + 1)
        except TimeoutError:
            raise ServeError(503, "Translation timed out; try again later or send less "
                                  "text") from None

    async def detect(self, request: Request) -> Response:
        params, _ = await read_params(request)
        record = self.access(request, params)
        q = params.get("q")
        if not q or not isinstance(q, str):
            raise ServeError(400, "Invalid request: missing q parameter")
        check_text_size([q], self.char_limit(record))
        return JSONResponse(detect.candidates(q))

    async def languages(self, request: Request) -> Response:
        return JSONResponse(self.service.languages())

    async def glossaries(self, request: Request) -> Response:
        return JSONResponse(self.service.describe_glossaries())

    async def health(self, request: Request) -> Response:
        """``{"status", "queue", "oldest_wait_s", "running_s", ...}``: 503 when a request
        could not start within the queue timeout now (one waits longer, or the model call
        in progress has run longer), or the server is shutting down."""
        batcher = self.service.batcher
        oldest, running = batcher.oldest_wait(), batcher.running()
        limit = self.settings.queue_timeout_s
        busy = oldest >= limit or running >= limit or batcher.closed
        body = {"status": "busy" if busy else "ok", "queue": batcher.pending,
                "oldest_wait_s": round(oldest, 3), "running_s": round(running, 3),
                "queue_timeout_s": self.settings.queue_timeout_s,
                "file_jobs": self.file_running}
        headers = ({"Retry-After": str(max(1, math.ceil(self.settings.queue_timeout_s)))}
                   if busy else None)
        return JSONResponse(body, status_code=503 if busy else 200, headers=headers)

    async def spec(self, request: Request) -> Response:
        """The OpenAPI document of every endpoint (LibreTranslate's ``/spec``)."""
        return JSONResponse(openapi_document(self.settings))

    async def frontend_settings(self, request: Request) -> Response:
        return JSONResponse({
            "charLimit": self.settings.char_limit,
            "batchLimit": self.settings.batch_limit,
            "frontendTimeout": self.settings.frontend_timeout_ms,
            "apiKeys": self.keys is not None,
            "keyRequired": self.settings.require_api_key,
            "suggestions": self.settings.suggestions_tm is not None,
            "filesTranslation": True,
            "supportedFilesFormat": self.service.supported_file_formats(),
            "language": {"source": {"code": "auto", "name": "Auto Detect"},
                         "target": {"code": "it", "name": NAMES["it"]}},
            "glossaries": self.service.describe_glossaries(),
        })

    async def suggest(self, request: Request) -> Response:
        """LibreTranslate's ``/suggest`` (``--suggestions``): ``s``, an editor's
        translation of ``q``, is stored as a human entry of the server's memory
        (:mod:`.suggestions`); the next translation of ``q`` (a sentence, or the whole
        text) returns it."""
        memory = self.service.suggestions
        if memory is None:
            raise ServeError(403, "Suggestions are disabled on this server.")
        params, _ = await read_params(request)
        record = self.access(request, params)
        for name in ("q", "s", "source", "target"):
            if not params.get(name) or not isinstance(params.get(name), str):
                raise ServeError(400, f"Invalid request: missing {name} parameter")
        source = self.lang(params["source"], "source")
        target = self.lang(params["target"], "target")
        if source == target:
            raise ServeError(400, "Invalid request: source and target are the same "
                                  "language")
        q, s = params["q"], params["s"]
        if not q.strip() or not s.strip():
            raise ServeError(400, "Invalid request: q and s must not be blank")
        check_text_size([q, s], self.char_limit(record))
        await self._run_blocking(memory.store, source, target, q, s)
        return JSONResponse({"success": True})

    async def translate_file(self, request: Request) -> Response:
        ctype = request.headers.get("content-type", "")
        if not ctype.startswith("multipart/form-data"):
            raise ServeError(400, "Invalid request: missing file parameter")
        length = request.headers.get("content-length")
        limit = int(self.settings.max_upload_mb * 1024 * 1024)
        if length and length.isdigit() and int(length) > limit + 64 * 1024:
            raise ServeError(400, f"Invalid request: file is larger than "
                                  f"{self.settings.max_upload_mb:g} MB")
        params, files = await read_params(request, limit + 256 * 1024)
        record = self.access(request, params)
        upload = files.get("file")
        if upload is None:
            raise ServeError(400, "Invalid request: missing file parameter")
        source = self.lang(params.get("source"), "source", auto=True)
        target = self.lang(params.get("target"), "target")
        glossary = self.service.glossary_name(params.get("glossary")
                                              or params.get("glossary_id"))
        name = PurePosixPath((upload.filename or "").replace("\\", "/")).name
        if not name:
            raise ServeError(400, "Invalid request: empty file")
        ext = PurePosixPath(name).suffix.lower()
        if ext not in self.service.supported_file_formats():
            raise ServeError(400, "Invalid request: file format not supported")
        data = await upload.read(limit + 1)
        if len(data) > limit:
            raise ServeError(400, f"Invalid request: file is larger than "
                                  f"{self.settings.max_upload_mb:g} MB")
        request.scope.setdefault("state", {})["chars"] = len(data)
        out, filename, media, report = await self.translate_upload(
            data, name, source, target, glossary, record)
        ident = self.downloads.put(out, filename, media)
        url = str(request.url_for("download_file", ident=ident))
        body = {"translatedFileUrl": url}
        if report is not None and str(params.get("report", "")).lower() in TRUE:
            body["report"] = report  # an extra field: the segments, for the editor page
        return JSONResponse(body)

    async def translate_upload(self, data: bytes, name: str, source: str, target: str,
                               glossary: Pinned, record: ApiKey | None, *,
                               queue_wait: bool = True, on_start=None
                               ) -> tuple[bytes, str, str, dict | None]:
        """An uploaded file (its size, key and rate limit already checked) translated:
        text within 100x the char limit, a document or catalog in an isolated file job
        (``queue_wait``, ``on_start``: :meth:`file_job`'s). Its bytes, download name,
        media type and report (text and documents: the segments; else ``None``).
        ``/translate_file``'s work, and ``/v2/document``'s."""
        ext = PurePosixPath(name).suffix.lower()
        if not data.strip():
            raise ServeError(400, "Invalid request: empty file")
        text = None
        if ext in TEXT_EXTENSIONS or ext in LOCALISE_EXTENSIONS or ext in TEXT_DOCUMENTS:
            try:
                text = data.decode("utf-8-sig")
            except UnicodeDecodeError:
                raise ServeError(400, "Invalid request: the file is not UTF-8 text") from None
        if source == "auto":
            if text is None:
                raise ServeError(400, "Invalid request: give the source language for this "
                                      "file format (auto needs a text file)")
            source = detect.source_language(source, text)
        if ext in TEXT_EXTENSIONS or source == target:  # no file job to wait for
            if on_start is not None:
                on_start()
        if ext in TEXT_EXTENSIONS:
            check_text_size([text], self.char_limit(record) * 100
                            if self.char_limit(record) > 0 else -1)
            results = await self.service.translate_texts(
                [text], source, target, glossary=glossary, timeout=self.settings.timeout_s)
            out = results[0].text.encode("utf-8")
            media = "text/plain; charset=utf-8"
            report = results[0].report()
        elif source == target:
            out, media, report = data, "application/octet-stream", None
        else:
            kind = "catalog" if ext in LOCALISE_EXTENSIONS else "document"
            out, report = await self.file_job(kind, data, ext, source, target, glossary,
                                              name, queue_wait=queue_wait, on_start=on_start)
            media = "application/octet-stream"
            if kind == "catalog":
                report = None
        stem = name[:-len(ext)] if ext else name
        return out, f"{stem}.{target}{ext}", media, report

    async def file_job(self, kind: str, data: bytes, ext: str, source: str, target: str,
                       glossary: str | Pinned, name: str, *, queue_wait: bool = True,
                       on_start=None) -> tuple[bytes, dict]:
        """A document or catalog in an isolated worker (:mod:`.jobs`): at most
        ``--file-jobs`` at once, a later one waits up to the queue timeout (then 503;
        with ``queue_wait=False``, as long as it takes: a background job);
        ``on_start()`` once it has its turn; stopped when the client goes away. For any
        endpoint that translates files."""
        try:
            await asyncio.wait_for(self.file_slots.acquire(),
                                   self.settings.queue_timeout_s if queue_wait else None)
        except TimeoutError:
            raise QueueTimeout() from None
        if on_start is not None:
            on_start()
        cancelled = threading.Event()
        self.file_running += 1
        try:
            return await asyncio.get_running_loop().run_in_executor(
                self.file_threads, lambda: self.service.translate_file_job(
                    kind, data, ext, source, target, glossary, name=name,
                    cancelled=cancelled))
        finally:
            cancelled.set()  # the worker is stopped when this request is cancelled
            self.file_running -= 1
            self.file_slots.release()

    async def download_file(self, request: Request) -> Response:
        stored = self.downloads.get(request.path_params["ident"])
        if stored is None:
            raise ServeError(404, "File not found (translated files expire; translate it "
                                  "again)")
        return Response(stored.data, media_type=stored.media_type,
                        headers={"Content-Disposition": content_disposition(stored.filename)})

    async def page(self, request: Request) -> Response:
        path = request.url.path
        media = STATIC[path][1]
        return Response(self._static[path], media_type=media,
                        headers={"Cache-Control": "no-cache"})


class RetryLater(ServeError):
    """An error answered with ``Retry-After`` (seconds)."""

    def __init__(self, status: int, message: str, retry_after: float) -> None:
        super().__init__(status, message)
        self.retry_after = retry_after


async def until_disconnected(request: Request, body_read: asyncio.Event) -> None:
    """Returns when the client goes away (watched only once the body is read: before,
    the handler itself is reading it)."""
    await body_read.wait()
    while True:
        message = await request.receive()
        if message["type"] == "http.disconnect":
            return


async def answer(handler, request: Request, settings: ServeSettings,
                 shape=error) -> Response:
    """``handler(request)``, its errors answered by ``shape(status, message,
    retry_after)`` (LibreTranslate's ``{"error": ...}`` by default; DeepL's routes give
    their own); cancelled when the client disconnects, so its queued work leaves the
    batcher. Every route of this module and of :mod:`.deepl` goes through it."""
    retry = max(1.0, settings.queue_timeout_s / 2)
    body_read = asyncio.Event()
    request.scope["translate.body_read"] = body_read
    work = asyncio.ensure_future(handler(request))
    gone = asyncio.ensure_future(until_disconnected(request, body_read))
    try:
        await asyncio.wait({work, gone}, return_when=asyncio.FIRST_COMPLETED)
        if not work.done():  # the client went away: nobody reads the answer
            work.cancel()
            return Response(status_code=499)
        return work.result()
    except RetryLater as exc:
        return shape(exc.status, exc.message, exc.retry_after)
    except ServeError as exc:
        return shape(exc.status, exc.message, retry if exc.status == 503 else None)
    except QueueFull:
        return shape(503, "Server busy: too many texts are waiting; try again shortly",
                     retry)
    except QueueTimeout:
        return shape(503, f"Server busy: the request could not start within "
                          f"{settings.queue_timeout_s:g} s; try again shortly", retry)
    except BatcherClosed:
        return shape(503, "Server is shutting down", retry)
    except TimeoutError:
        return shape(503, "Translation timed out; try again later or send less text",
                     retry)
    except UserError as exc:
        return shape(400, client_message(exc))
    except ClientDisconnect:
        return Response(status_code=499)
    except Exception:  # noqa: BLE001 - logged here, never sent
        log.exception("internal error on %s", request.url.path)
        return shape(500, "Internal server error (logged on the server)")
    finally:
        gone.cancel()
        if not work.done():
            work.cancel()


def create_app(translator, settings: ServeSettings | None = None) -> Starlette:
    """The ASGI app serving ``translator`` (a :class:`translate.Translator`)."""
    settings = settings or ServeSettings()
    service = TranslationService(translator, settings)
    server = Server(service, settings)

    def route(path, fn, methods, name=None):
        async def endpoint(request: Request) -> Response:
            return await answer(fn, request, settings)
        return Route(path, endpoint, methods=methods, name=name)

    routes = [
        route("/translate", server.translate, ["POST"]),
        route("/detect", server.detect, ["POST"]),
        route("/languages", server.languages, ["GET", "POST"]),
        route("/glossaries", server.glossaries, ["GET"]),
        route("/health", server.health, ["GET"]),
        route("/spec", server.spec, ["GET"]),
        route("/frontend/settings", server.frontend_settings, ["GET"]),
        route("/suggest", server.suggest, ["POST"]),
        route("/translate_file", server.translate_file, ["POST"]),
        route("/download_file/{ident:str}", server.download_file, ["GET"],
              name="download_file"),
        *(route(p, server.page, ["GET"]) for p in STATIC),
        *deepl_routes(server, read_params, answer),  # DeepL's API (translate/serve/deepl.py)
    ]

    async def http_error(request, exc: HTTPException):
        return error(exc.status_code, str(exc.detail))

    async def any_error(request, exc: Exception):
        log.exception("internal error")
        return error(500, "Internal server error")

    middleware = [Middleware(AccessLog)]
    if "*" in settings.cors_origins:
        middleware.append(Middleware(AllowOrigin))
    if settings.cors_origins:
        middleware.append(Middleware(
            CORSMiddleware, allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "POST", "PATCH", "PUT", "DELETE"],
            allow_headers=["Authorization", "Content-Type"],
            max_age=60 * 60 * 24 * 20))

    from contextlib import asynccontextmanager

    @asynccontextmanager
    async def lifespan(app):
        from .jobs import warm_up

        await asyncio.get_running_loop().run_in_executor(None, warm_up)
        if settings.load == "start":
            await asyncio.get_running_loop().run_in_executor(None, service.load_all)
        yield
        await asyncio.get_running_loop().run_in_executor(None, service.close)
        server.file_threads.shutdown(wait=False, cancel_futures=True)

    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan,
                    exception_handlers={HTTPException: http_error, Exception: any_error})
    app.state.service = service
    app.state.server = server
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    return app
