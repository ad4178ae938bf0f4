"""The server's errors: LibreTranslate's ``{"error": message}`` with a status, and a
library error told in the terms of the request."""

from __future__ import annotations

from ..errors import UserError


class ServeError(Exception):
    """An error answered as LibreTranslate does: ``{"error": message}`` with ``status``."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


#: How the server says a parameter that a library message names
#: (:func:`translate.errors.param`): by the request field that carries it; the others
#: (the server's own settings) keep the library's name.
REQUEST_FIELDS = {"src": "source", "tgts": "target", "targets": "target", "fmt": "format"}


def client_message(exc: UserError) -> str:
    """A library error in the terms of the request (its fields, not the CLI's flags)."""
    return exc.render(REQUEST_FIELDS)
