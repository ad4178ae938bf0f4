"""DeepL's API (v2, and v3 multilingual glossaries) on the same models, keys, limits and
batching as the LibreTranslate routes of :mod:`.app`.

Clients: the official ``deepl`` libraries (``deepl.Translator(key, server_url=...)``),
Weblate's DeepL backend, and anything else that speaks DeepL. Keys come as
``Authorization: DeepL-Auth-Key KEY`` or an ``auth_key`` field, checked and rate-limited
as ``api_key`` is on the LibreTranslate routes (the same lockout after invalid keys).
Every route goes through the app's :func:`.app.answer`, with the same protections: a
request whose client disconnects is cancelled, ``--batch-limit`` and ``--request-tokens``
refuse a request at once, a request that cannot start within the queue timeout is a 503
with ``Retry-After``, and a bad body is a 4xx. Errors are DeepL's ``{"message": ...}``
with its status codes: 400 (bad request, past an admission limit), 403 (key), 404 (no
such glossary or document), 413 (text or document too large), 429 (rate limit, locked
out), 500 (never an internal message), 503 (queue full, queue timeout, shutting down,
timed out, document not ready). 456 (quota) is never sent: this server has no quota.

Glossaries made here are kept in the data directory (:mod:`.glossary_store`) and served
to the batcher under their id, so ``/translate``'s ``glossary`` (or ``glossary_id``)
names them too; a request keeps the glossary it named (:class:`.service.Pinned`), deleted
or not. ``/v2/document`` runs the upload through ``/translate_file``'s own code
(:meth:`.app.Server.translate_upload`: an isolated file job), in the background, and
keeps the result until it is downloaded once or ``download_ttl_s`` has passed.
"""

from __future__ import annotations

import asyncio
import logging
import math
import re
import secrets
import threading
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..errors import UserError
from ..languages import NAMES, PSEUDO_LOCALES, SUPPORTED
from .batcher import BatcherClosed, QueueFull, QueueTimeout
from .glossary_store import (
    FILE_NAME,
    Dictionary,
    GlossaryNotFound,
    GlossaryRecord,
    GlossaryStore,
    as_glossary,
    deepl_lang,
    glossary_lang,
    parse_entries,
)
from .service import OFF, Pinned, ServeError, client_message

log = logging.getLogger("translate.serve")

#: what ``/v2/usage`` says of the limit: DeepL's figure for "no limit"
NO_LIMIT = 1_000_000_000_000
#: documents waiting, translating or waiting to be downloaded at most
MAX_DOCUMENTS = 256
#: clients whose billed characters ``/v2/usage`` remembers at most (as the rate limiter)
MAX_CLIENTS = 65536
FORMALITY = ("default", "prefer_more", "prefer_less")
SPLIT = ("0", "1", "nonewlines")
#: markup of ``tag_handling=xml``: comments, CDATA, tags, entities
MARKUP = re.compile(r"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<[^<>]*>"
                    r"|&(?:#\d+|#x[0-9a-fA-F]+|[A-Za-z][\w.-]*);", re.S)
TAG_NAME = re.compile(r"<\s*(/?)\s*([^\s/>]+)[^>]*?(/?)\s*>", re.S)
#: the placeholder :mod:`.service` keeps in place (``data/protected.txt``)
TOKEN = "[X{}X]"


def deepl_error(status: int, text: str, retry_after: float | None = None) -> JSONResponse:
    """An error in DeepL's shape, ``{"message": ...}``: a size past a limit is 413, as
    DeepL answers it; ``Retry-After`` where the app's answer gives one."""
    if status == 400 and "larger than" in text:
        status = 413
    headers = ({"Retry-After": str(max(1, math.ceil(retry_after)))} if retry_after
               else None)
    return JSONResponse({"message": text.removeprefix("Invalid request: ")},
                        status_code=status, headers=headers)


def deepl_code(lang: str) -> str:
    return lang.upper()


def target_lang(value: object) -> str:
    """``EN``, ``EN-GB``, ``en-us``, ``IT``, ``AZ``, ``EN-XA`` -> the toolkit's code."""
    if not isinstance(value, str) or not value.strip():
        raise ServeError(400, "Parameter 'target_lang' not specified.")
    return _lang(value, "target_lang", pseudo=True)


def source_lang(value: object) -> str:
    """``None`` or empty: ``auto`` (detected)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return "auto"
    if not isinstance(value, str):
        raise ServeError(400, "Value for 'source_lang' not supported.")
    return _lang(value, "source_lang", pseudo=False)


def _lang(value: str, name: str, *, pseudo: bool) -> str:
    lang = deepl_lang(value)
    if lang and ("-" not in lang or pseudo):
        return lang
    choices = ", ".join(deepl_code(c) for c in SUPPORTED)
    extra = "".join(f" (or {p.upper()}, a pseudo-locale)" for p in PSEUDO_LOCALES) \
        if pseudo else ""
    raise ServeError(400, f"Value for '{name}' not supported: {value!r}; use one of "
                          f"{choices}{extra}")


def tag_list(value: object) -> set[str]:
    """DeepL's tag lists: a list, or comma-separated strings."""
    if value is None:
        return set()
    items = value if isinstance(value, list) else [value]
    return {t.strip().lower() for item in items for t in str(item).split(",") if t.strip()}


# ----------------------------------------------------------------------------- xml

def mask_markup(text: str, ignore: set[str], splitting: set[str]
                ) -> tuple[list[tuple[str, str]], list[str]]:
    """``text`` as parts ``("text", masked)`` and ``("break", markup)``: markup between
    words becomes ``[X<n>X]`` placeholders (an element of ``ignore`` with its content, and
    markup side by side, one placeholder each); a tag of ``splitting`` ends a part.
    Returns the parts and, by placeholder number, the markup each stands for."""
    spans: list[tuple[int, int, bool]] = []  # start, end, splits
    pos = 0
    while True:
        m = MARKUP.search(text, pos)
        if m is None:
            break
        start, end = m.span()
        tag = TAG_NAME.fullmatch(m.group(0))
        splits = False
        if tag is not None:
            closing, name, empty = tag.group(1), tag.group(2).lower(), tag.group(3)
            splits = name in splitting
            if name in ignore and not closing and not empty:
                end = _element_end(text, end, name)
        spans.append((start, end, splits))
        pos = end
    first = max((int(n) for n in re.findall(r"\[X(\d+)X\]", text)), default=-1) + 1
    parts: list[tuple[str, str]] = []
    saved: list[str] = []
    chunk: list[str] = []
    pos = 0
    i = 0
    while i < len(spans):
        start, end, splits = spans[i]
        chunk.append(text[pos:start])
        if splits:
            parts.append(("text", "".join(chunk)))
            chunk = []
            parts.append(("break", text[start:end]))
            pos = end
            i += 1
            continue
        while i + 1 < len(spans) and spans[i + 1][0] == end and not spans[i + 1][2]:
            i += 1
            end = spans[i][1]
        chunk.append(TOKEN.format(first + len(saved)))
        saved.append(text[start:end])
        pos = end
        i += 1
    chunk.append(text[pos:])
    parts.append(("text", "".join(chunk)))
    return parts, [""] * first + saved


def _element_end(text: str, pos: int, name: str) -> int:
    """Where the element ``name`` opened just before ``pos`` ends (its closing tag
    included; the text's end when it is never closed)."""
    depth = 1
    for m in TAG_NAME.finditer(text, pos):
        if m.group(2).lower() != name or m.group(3):
            continue
        depth += -1 if m.group(1) else 1
        if depth == 0:
            return m.end()
    return len(text)


def unmask(text: str, saved: list[str]) -> str:
    return re.sub(r"\[X(\d+)X\]", lambda m: saved[int(m.group(1))]
                  if int(m.group(1)) < len(saved) and saved[int(m.group(1))] else m.group(0),
                  text)


# ----------------------------------------------------------------------------- documents

@dataclass
class Document:
    id: str
    key: str
    billed: int
    status: str = "queued"
    error: str | None = None
    data: bytes | None = None
    filename: str = ""
    media: str = "application/octet-stream"
    started: float = 0.0
    expires: float = float("inf")


class DeepL:
    """DeepL's routes over one :class:`.app.Server` (its service, keys, limiter)."""

    def __init__(self, server, read_params, answer) -> None:
        self.server = server
        self.answer = answer
        self.service = server.service
        self.settings = server.settings
        self.read_params = read_params
        path = (Path(self.settings.data_dir) / FILE_NAME if self.settings.data_dir
                else None)
        self.store = GlossaryStore(path)
        for record in self.store.all():
            self._publish(record)
        self.documents: OrderedDict[str, Document] = OrderedDict()
        self._tasks: set[asyncio.Task] = set()
        #: characters billed per key (or client address), since the server started
        self.billed: OrderedDict[str, int] = OrderedDict()
        self._lock = threading.Lock()

    # ------------------------------------------------------------------ plumbing

    def routes(self) -> list[Route]:
        r = self.route
        return [
            r("/v2/translate", self.translate, ["POST"]),
            r("/v2/languages", self.languages, ["GET", "POST"]),
            r("/v2/usage", self.usage, ["GET", "POST"]),
            r("/v2/glossary-language-pairs", self.language_pairs, ["GET"]),
            r("/v2/glossaries", self.v2_create, ["POST"]),
            r("/v2/glossaries", self.v2_list, ["GET"]),
            r("/v2/glossaries/{id}", self.v2_get, ["GET"]),
            r("/v2/glossaries/{id}", self.delete, ["DELETE"]),
            r("/v2/glossaries/{id}/entries", self.v2_entries, ["GET"]),
            r("/v3/glossaries", self.v3_create, ["POST"]),
            r("/v3/glossaries", self.v3_list, ["GET"]),
            r("/v3/glossaries/{id}", self.v3_get, ["GET"]),
            r("/v3/glossaries/{id}", self.v3_patch, ["PATCH"]),
            r("/v3/glossaries/{id}", self.delete, ["DELETE"]),
            r("/v3/glossaries/{id}/entries", self.v3_entries, ["GET"]),
            r("/v3/glossaries/{id}/dictionaries", self.v3_dictionaries, ["GET"]),
            r("/v3/glossaries/{id}/dictionaries", self.v3_put, ["PUT"]),
            r("/v3/glossaries/{id}/dictionaries", self.v3_delete_dictionary, ["DELETE"]),
            r("/v2/document", self.document_upload, ["POST"]),
            r("/v2/document/{id}", self.document_status, ["POST"]),
            r("/v2/document/{id}/result", self.document_result, ["POST"]),
        ]

    def route(self, path, fn, methods) -> Route:
        """``fn`` behind the app's :func:`.app.answer` (cancelled when its client goes
        away; every error a DeepL-shaped answer, never an internal message)."""
        async def handler(request: Request) -> Response:
            try:
                return await fn(request)
            except GlossaryNotFound:
                raise ServeError(404, "Glossary not found") from None

        async def endpoint(request: Request) -> Response:
            return await self.answer(handler, request, self.settings, shape=deepl_error)
        return Route(path, endpoint, methods=methods)

    def access(self, request: Request, params: dict) -> tuple[object, str | None]:
        """The key (``Authorization: DeepL-Auth-Key KEY`` or ``auth_key``) checked and
        rate-limited as ``api_key`` is (403, 429); the key record and the key."""
        header = request.headers.get("authorization")
        key = None
        if header is not None:
            scheme, _, value = header.strip().partition(" ")
            if scheme.lower() != "deepl-auth-key" or not value.strip():
                raise ServeError(403, "Authorization failure: send the header "
                                      "'Authorization: DeepL-Auth-Key KEY'")
            key = value.strip()
        elif params.get("auth_key"):
            key = params["auth_key"]
        return self.server.access(request, {"api_key": key} if key else {}), key

    @staticmethod
    def who(request: Request, record) -> str:
        return f"key:{record.id}" if record else f"ip:{(request.client or ('-',))[0]}"

    def bill(self, request: Request, record, chars: int) -> None:
        with self._lock:
            who = self.who(request, record)
            self.billed[who] = self.billed.pop(who, 0) + chars
            while len(self.billed) > MAX_CLIENTS:  # the least recently billed go first
                self.billed.popitem(last=False)
        request.scope.setdefault("state", {})["chars"] = chars

    async def multi(self, request: Request, params: dict, name: str) -> list:
        """Every value of ``name``: a JSON list, or a form field given more than once."""
        value = params.get(name)
        if isinstance(value, list) or value is None and name not in params:
            return value or []
        ctype = request.headers.get("content-type", "")
        if ctype.startswith("application/x-www-form-urlencoded"):
            from urllib.parse import parse_qsl

            pairs = parse_qsl(request._body.decode("utf-8"),  # noqa: SLF001 - read_params
                              keep_blank_values=True)
            found = [v for k, v in pairs if k == name]
            return found or [value]
        if ctype.startswith("multipart/form-data"):
            form = await request.form()
            return [v for v in form.getlist(name) if isinstance(v, str)] or [value]
        found = [v for k, v in request.query_params.multi_items() if k == name]
        return found or [value]

    def _publish(self, record: GlossaryRecord) -> None:
        self.service.glossaries[record.id] = as_glossary(record)

    # ------------------------------------------------------------------ translate

    async def translate(self, request: Request) -> Response:
        params, _ = await self.read_params(request)
        record, _key = self.access(request, params)
        texts = await self.multi(request, params, "text")
        if not texts:
            raise ServeError(400, "Parameter 'text' not specified.")
        if not all(isinstance(t, str) for t in texts):
            raise ServeError(400, "Parameter 'text' must be a string or a list of strings.")
        self.server.admit(texts, batch=True)  # --batch-limit, --request-tokens: 400
        target = target_lang(params.get("target_lang"))
        source = source_lang(params.get("source_lang"))
        check_formality(params.get("formality"), target)
        split = str(params.get("split_sentences", "1")).strip().lower()
        if split not in SPLIT:
            raise ServeError(400, f"Value for 'split_sentences' not supported: {split!r}; "
                                  "use 0, 1 or nonewlines")
        tags = params.get("tag_handling") or None
        if tags not in (None, "xml", "html"):
            raise ServeError(400, f"Value for 'tag_handling' not supported: {tags!r}; use "
                                  "xml or html")
        glossary = self.glossary_for(params.get("glossary_id"), source, target)
        limit = self.server.char_limit(record)
        for text in texts:
            if 0 <= limit < len(text):
                raise ServeError(413, f"Request too large: a text of {len(text)} characters "
                                      f"exceeds the limit ({limit})")
        if tags == "html":
            done = await self.server._translate_html(  # noqa: SLF001 - format=html's path
                texts, source, target, glossary)
            outs = [(out, (det or {}).get("language", source)) for out, det, _rep in done]
        elif tags == "xml":
            outs = await self._translate_xml(texts, source, target, glossary, params)
        else:
            results = await self.service.translate_texts(
                texts, source, target, glossary=glossary, timeout=self.settings.timeout_s)
            outs = [(r.text, r.detected["language"] if r.detected else source)
                    for r in results]
        self.bill(request, record, sum(len(t) for t in texts))
        return JSONResponse({"translations": [
            {"detected_source_language": deepl_code(det), "text": out,
             "billed_characters": len(text)}
            for text, (out, det) in zip(texts, outs, strict=True)]})

    async def _translate_xml(self, texts, source, target, glossary, params):
        """Markup kept exactly: each run of tags (an ignored element whole) is a
        placeholder the service keeps in place; a splitting tag separates the texts
        translated."""
        ignore = tag_list(params.get("ignore_tags"))
        splitting = tag_list(params.get("splitting_tags"))
        plans, pieces = [], []
        for text in texts:
            parts, saved = mask_markup(text, ignore, splitting)
            plans.append((parts, saved, len(pieces)))
            pieces.extend(p for kind, p in parts if kind == "text")
        todo = [i for i, p in enumerate(pieces) if any(c.isalpha() for c in
                                                       re.sub(r"\[X\d+X\]", "", p))]
        results = await self.service.translate_texts(
            [pieces[i] for i in todo], source, target, glossary=glossary,
            timeout=self.settings.timeout_s) if todo else []
        done = dict(zip(todo, results, strict=True))
        outs = []
        for parts, saved, at in plans:
            out, det, k = [], None, at
            for kind, piece in parts:
                if kind == "break":
                    out.append(piece)
                    continue
                res = done.get(k)
                k += 1
                if res is not None and det is None and res.detected:
                    det = res.detected["language"]
                out.append(unmask(res.text if res is not None else piece, saved))
            outs.append(("".join(out), det or (source if source != "auto" else "en")))
        return outs

    def glossary_for(self, value: object, source: str, target: str) -> Pinned:
        """The service's glossary for ``glossary_id`` (the server's default glossary
        when none is given), pinned for the request (:class:`.service.Pinned`)."""
        if value is None or value == "":
            return self.service.pin(self.service.default_glossary)
        if not isinstance(value, str):
            raise ServeError(400, "Value for 'glossary_id' not supported.")
        if source == "auto":
            raise ServeError(400, "Use of a glossary requires the source_lang parameter "
                                  "to be set.")
        try:
            record = self.store.get(value)
        except GlossaryNotFound:
            raise ServeError(400, f"Invalid glossary_id {value!r}: no such glossary "
                                  "(see GET /v3/glossaries)") from None
        tgt = target if "-" not in target else target.split("-", 1)[0]
        if target in PSEUDO_LOCALES:  # a pseudo-locale is made, not translated: no terms
            return self.service.pin(OFF)
        if record.dictionary(source, tgt) is None:
            pairs = ", ".join(f"{d.source_lang}->{d.target_lang}"
                              for d in record.dictionaries) or "none"
            raise ServeError(400, f"Glossary {value!r} has no dictionary for "
                                  f"{source}->{tgt} (it has {pairs})")
        return self.service.pin(record.id)  # the request keeps it, deleted or not

    # ------------------------------------------------------------------ information

    async def languages(self, request: Request) -> Response:
        params, _ = await self.read_params(request)
        self.access(request, params)
        kind = str(params.get("type") or "source").lower()
        if kind not in ("source", "target"):
            raise ServeError(400, f"Value for 'type' not supported: {kind!r}; use source "
                                  "or target")
        if kind == "source":
            return JSONResponse([{"language": deepl_code(c), "name": NAMES[c]}
                                 for c in SUPPORTED])
        out = []
        for c in SUPPORTED:
            if c == "en":
                out += [{"language": "EN-GB", "name": "English (British)",
                         "supports_formality": False},
                        {"language": "EN-US", "name": "English (American)",
                         "supports_formality": False}]
            else:
                out.append({"language": deepl_code(c), "name": NAMES[c],
                            "supports_formality": False})
        for pseudo, base in PSEUDO_LOCALES.items():
            out.append({"language": pseudo.upper(),
                        "name": f"{NAMES[base]} (pseudo-locale)", "supports_formality": False})
        return JSONResponse(out)

    async def usage(self, request: Request) -> Response:
        params, _ = await self.read_params(request)
        record, _key = self.access(request, params)
        with self._lock:
            count = self.billed.get(self.who(request, record), 0)
        return JSONResponse({"character_count": count, "character_limit": NO_LIMIT})

    async def language_pairs(self, request: Request) -> Response:
        params, _ = await self.read_params(request)
        self.access(request, params)
        return JSONResponse({"supported_languages": [
            {"source_lang": s, "target_lang": t}
            for s in SUPPORTED for t in SUPPORTED if s != t]})

    # ------------------------------------------------------------------ glossaries

    async def _glossary_params(self, request: Request) -> dict:
        params, _ = await self.read_params(request)
        self.access(request, params)
        return params

    @staticmethod
    def dictionary(params: dict) -> Dictionary:
        src = glossary_lang(params.get("source_lang"), "source_lang")
        tgt = glossary_lang(params.get("target_lang"), "target_lang")
        return parse_entries(params.get("entries"), params.get("entries_format"), src, tgt)

    @staticmethod
    def v2_info(record: GlossaryRecord) -> dict:
        d = record.dictionaries[0]
        return {"glossary_id": record.id, "name": record.name, "ready": True,
                "source_lang": d.source_lang, "target_lang": d.target_lang,
                "creation_time": record.created, "entry_count": len(d.entries)}

    @staticmethod
    def v3_info(record: GlossaryRecord) -> dict:
        return {"glossary_id": record.id, "name": record.name,
                "creation_time": record.created,
                "dictionaries": [d.info() for d in record.dictionaries]}

    def _v2_record(self, request: Request) -> GlossaryRecord:
        record = self.store.get(request.path_params["id"])
        if len(record.dictionaries) != 1:
            raise ServeError(400, f"Glossary {record.id!r} has {len(record.dictionaries)} "
                                  "dictionaries: read it through /v3/glossaries")
        return record

    async def v2_create(self, request: Request) -> Response:
        params = await self._glossary_params(request)
        record = self.store.create(params.get("name"), [self.dictionary(params)])
        self._publish(record)
        return JSONResponse(self.v2_info(record), status_code=201)

    async def v2_list(self, request: Request) -> Response:
        await self._glossary_params(request)
        return JSONResponse({"glossaries": [self.v2_info(r) for r in self.store.all()
                                            if len(r.dictionaries) == 1]})

    async def v2_get(self, request: Request) -> Response:
        await self._glossary_params(request)
        return JSONResponse(self.v2_info(self._v2_record(request)))

    async def v2_entries(self, request: Request) -> Response:
        await self._glossary_params(request)
        record = self._v2_record(request)
        return Response(record.dictionaries[0].tsv(),
                        media_type="text/tab-separated-values; charset=utf-8")

    async def delete(self, request: Request) -> Response:
        await self._glossary_params(request)
        ident = request.path_params["id"]
        self.store.delete(ident)
        self.service.glossaries.pop(ident, None)
        return Response(status_code=204)

    async def v3_create(self, request: Request) -> Response:
        params = await self._glossary_params(request)
        dicts = params.get("dictionaries")
        if not isinstance(dicts, list) or not all(isinstance(d, dict) for d in dicts):
            raise ServeError(400, "Parameter 'dictionaries' must be a list of "
                                  "{source_lang, target_lang, entries, entries_format}")
        record = self.store.create(params.get("name"), [self.dictionary(d) for d in dicts])
        self._publish(record)
        return JSONResponse(self.v3_info(record), status_code=201)

    async def v3_list(self, request: Request) -> Response:
        await self._glossary_params(request)
        return JSONResponse({"glossaries": [self.v3_info(r) for r in self.store.all()]})

    async def v3_get(self, request: Request) -> Response:
        await self._glossary_params(request)
        return JSONResponse(self.v3_info(self.store.get(request.path_params["id"])))

    async def v3_patch(self, request: Request) -> Response:
        params = await self._glossary_params(request)
        dicts = params.get("dictionaries") or []
        if not isinstance(dicts, list) or not all(isinstance(d, dict) for d in dicts):
            raise ServeError(400, "Parameter 'dictionaries' must be a list of "
                                  "{source_lang, target_lang, entries, entries_format}")
        if params.get("name") is None and not dicts:
            raise ServeError(400, "Nothing to change: give a name or dictionaries")
        record = self.store.update(request.path_params["id"], name=params.get("name"),
                                   merge=[self.dictionary(d) for d in dicts])
        self._publish(record)
        return JSONResponse(self.v3_info(record))

    def _pair(self, params: dict) -> tuple[str, str]:
        return (glossary_lang(params.get("source_lang"), "source_lang"),
                glossary_lang(params.get("target_lang"), "target_lang"))

    async def v3_entries(self, request: Request) -> Response:
        params = await self._glossary_params(request)
        record = self.store.get(request.path_params["id"])
        dicts = record.dictionaries
        if params.get("source_lang") or params.get("target_lang"):
            src, tgt = self._pair(params)
            found = record.dictionary(src, tgt)
            if found is None:
                raise GlossaryNotFound(f"{record.id} {src}->{tgt}")
            dicts = (found,)
        return JSONResponse({"dictionaries": [
            {"source_lang": d.source_lang, "target_lang": d.target_lang,
             "entries": d.tsv(), "entries_format": "tsv"} for d in dicts]})

    async def v3_dictionaries(self, request: Request) -> Response:
        await self._glossary_params(request)
        record = self.store.get(request.path_params["id"])
        return JSONResponse({"dictionaries": [d.info() for d in record.dictionaries]})

    async def v3_put(self, request: Request) -> Response:
        params = await self._glossary_params(request)
        d = self.dictionary(params)
        ident = request.path_params["id"]
        existed = self.store.get(ident).dictionary(d.source_lang, d.target_lang) is not None
        record = self.store.update(ident, replace=[d])
        self._publish(record)
        return JSONResponse(d.info(), status_code=200 if existed else 201)

    async def v3_delete_dictionary(self, request: Request) -> Response:
        params = await self._glossary_params(request)
        src, tgt = self._pair(params)
        record = self.store.delete_dictionary(request.path_params["id"], src, tgt)
        self._publish(record)
        return Response(status_code=204)

    # ------------------------------------------------------------------ documents

    def _expire(self) -> None:
        now = time.monotonic()
        with self._lock:
            for ident in [i for i, d in self.documents.items() if d.expires <= now]:
                del self.documents[ident]

    def _document(self, request: Request, params: dict) -> Document:
        self._expire()
        doc = self.documents.get(request.path_params["id"])
        if doc is None:
            raise ServeError(404, "Document not found (a result is kept until it is "
                                  "downloaded once, or expires)")
        key = params.get("document_key")
        if not isinstance(key, str) or not secrets.compare_digest(key, doc.key):
            raise ServeError(403, "Invalid document_key for this document")
        return doc

    async def document_upload(self, request: Request) -> Response:
        limit = int(self.settings.max_upload_mb * 1024 * 1024)
        length = request.headers.get("content-length")
        if length and length.isdigit() and int(length) > limit + 64 * 1024:
            raise ServeError(413, f"Document too large: at most "
                                  f"{self.settings.max_upload_mb:g} MB")
        if not request.headers.get("content-type", "").startswith("multipart/form-data"):
            raise ServeError(400, "Parameter 'file' not specified (send multipart/form-data)")
        params, files = await self.read_params(request, limit + 256 * 1024)
        record, key = self.access(request, params)
        upload = files.get("file")
        if upload is None:
            raise ServeError(400, "Parameter 'file' not specified.")
        name = PurePosixPath((params.get("filename") or upload.filename or "")
                             .replace("\\", "/")).name
        ext = PurePosixPath(name).suffix.lower()
        if not name or ext not in self.service.supported_file_formats():
            raise ServeError(400, f"Document format not supported: {ext or name!r}; use one "
                                  f"of {', '.join(self.service.supported_file_formats())}")
        out_fmt = str(params.get("output_format") or "").strip().lower().lstrip(".")
        if out_fmt and out_fmt != ext.lstrip("."):
            raise ServeError(400, f"Value for 'output_format' not supported: {out_fmt!r} "
                                  f"(a document comes back as {ext.lstrip('.')})")
        target = target_lang(params.get("target_lang"))
        source = source_lang(params.get("source_lang"))
        check_formality(params.get("formality"), target)
        glossary = self.glossary_for(params.get("glossary_id"), source, target)
        data = await upload.read(limit + 1)
        if len(data) > limit:
            raise ServeError(413, f"Document too large: at most "
                                  f"{self.settings.max_upload_mb:g} MB")
        try:
            billed = len(data.decode("utf-8-sig"))
        except UnicodeDecodeError:
            billed = len(data)
        self._expire()
        with self._lock:
            if len(self.documents) >= MAX_DOCUMENTS:
                raise ServeError(429, f"Too many documents in progress or waiting to be "
                                      f"downloaded ({MAX_DOCUMENTS}); download or wait")
            doc = Document(uuid.uuid4().hex.upper(), secrets.token_hex(32), billed)
            self.documents[doc.id] = doc
        task = asyncio.create_task(self._translate_document(
            doc, record, name, data, source, target, glossary))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        # a small document is done within a moment: its first status then says so (a
        # client polls again only after seconds)
        await asyncio.wait({task}, timeout=1.0)
        self.bill(request, record, billed)
        return JSONResponse({"document_id": doc.id, "document_key": doc.key})

    async def _translate_document(self, doc: Document, record, name: str, data: bytes,
                                  source: str, target: str, glossary: Pinned) -> None:
        """``/translate_file``'s own work on the upload (:meth:`.app.Server.
        translate_upload`: documents and catalogs in an isolated file job, under the
        same limits), its result kept for ``/result``. The upload's key and rate limit
        were checked once, by the upload."""
        def started() -> None:
            doc.status, doc.started = "translating", time.monotonic()

        try:  # queued until a file job's turn comes (no queue timeout: a client polls)
            doc.data, doc.filename, doc.media, _report = await self.server.translate_upload(
                data, name, source, target, glossary, record, queue_wait=False,
                on_start=started)
            doc.status = "done"
        except ServeError as exc:
            doc.status, doc.error = "error", exc.message.removeprefix("Invalid request: ")
        except UserError as exc:
            doc.status, doc.error = "error", client_message(exc)
        except (QueueFull, QueueTimeout, BatcherClosed, TimeoutError) as exc:
            doc.status = "error"
            doc.error = {QueueFull: "the server is busy; upload it again shortly",
                         QueueTimeout: "the server is busy; upload it again shortly",
                         BatcherClosed: "the server is shutting down"}.get(
                type(exc), "translation timed out")
        except Exception:  # noqa: BLE001 - logged here, never sent
            log.exception("internal error translating document %s", doc.id)
            doc.status, doc.error = "error", "Internal error (logged on the server)"
        finally:
            doc.expires = time.monotonic() + self.settings.download_ttl_s

    async def document_status(self, request: Request) -> Response:
        params, _ = await self.read_params(request)
        self.access(request, params)
        doc = self._document(request, params)
        body: dict = {"document_id": doc.id, "status": doc.status}
        if doc.status == "translating":
            body["seconds_remaining"] = max(1, int(doc.billed / 2000)
                                            - int(time.monotonic() - doc.started))
        if doc.status == "done":
            body["billed_characters"] = doc.billed
        if doc.status == "error":
            body["error_message"] = doc.error
        return JSONResponse(body)

    async def document_result(self, request: Request) -> Response:
        params, _ = await self.read_params(request)
        self.access(request, params)
        doc = self._document(request, params)
        if doc.status != "done" or doc.data is None:
            raise ServeError(503 if doc.status in ("queued", "translating") else 400,
                             f"Document not ready: its status is {doc.status}")
        with self._lock:  # one download: then it is gone
            self.documents.pop(doc.id, None)
        safe = doc.filename.encode("ascii", "replace").decode().replace('"', "_")
        return Response(doc.data, media_type=doc.media,
                        headers={"Content-Disposition": f'attachment; filename="{safe}"'})


def check_formality(value: object, target: str) -> None:
    """``default`` and ``prefer_*`` are accepted (no model here has a formal register);
    ``more``/``less`` are refused, as DeepL refuses them for a language without
    formality."""
    if value is None or value == "":
        return
    form = str(value).strip().lower()
    if form in FORMALITY:
        return
    if form in ("more", "less"):
        raise ServeError(400, f"'formality' is not supported for given 'target_lang' "
                              f"({deepl_code(target)}); use prefer_{form} to ask for it "
                              "where it exists")
    raise ServeError(400, f"Value for 'formality' not supported: {value!r}; use default, "
                          "prefer_more or prefer_less")


def deepl_routes(server, read_params, answer) -> list[Route]:
    """DeepL's routes for ``server`` (an :class:`.app.Server`); ``read_params`` is the
    app's reader of JSON and form bodies, ``answer`` its wrapper of every route."""
    return DeepL(server, read_params, answer).routes()
