"""``translate serve``: a LibreTranslate-compatible HTTP API and a web page for the desk.

    pip install 'newsdesk-translate[serve]'
    translate serve --models-dir models            # http://127.0.0.1:5000/

Built on the library API (:class:`translate.Translator`); the HTTP layer only parses
requests and shapes responses as LibreTranslate does. Sentences from concurrent requests
are decoded together (:mod:`.batcher`).
"""

from __future__ import annotations

from .settings import ServeSettings

__all__ = ["ServeSettings", "create_app"]


def create_app(*args, **kwargs):
    """The ASGI application (see :func:`translate.serve.app.create_app`)."""
    from .app import create_app as _create_app

    return _create_app(*args, **kwargs)
