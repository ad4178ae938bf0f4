"""``/spec``: the OpenAPI document of every endpoint, as LibreTranslate serves it.

The document is data (``data/openapi.json``); the server adds its version and the limits
it runs with (so a client sees ``charLimit`` and ``batchLimit`` there too).
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

from .settings import ServeSettings


@cache
def _document() -> str:
    return resources.files(__package__).joinpath("data", "openapi.json").read_text("utf-8")


def openapi_document(settings: ServeSettings) -> dict:
    doc = json.loads(_document())
    try:
        from importlib.metadata import version

        doc["info"]["version"] = version("newsdesk-translate")
    except Exception:  # noqa: BLE001 - not installed as a distribution
        doc["info"]["version"] = "0"
    doc["info"]["x-limits"] = {
        "charLimit": settings.char_limit, "batchLimit": settings.batch_limit,
        "requestTokens": settings.request_tokens, "alternativesLimit":
            settings.alternatives_limit, "maxUploadMb": settings.max_upload_mb,
        "queueTimeoutS": settings.queue_timeout_s}
    return doc
