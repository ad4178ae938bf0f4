"""Connection limits for uvicorn: a time limit on reading each request, idle keep-alive,
connections at once and the size of a request head.

uvicorn closes an idle keep-alive connection, but a client that sends half a request (a
few header bytes, or a body that never ends) holds its socket for ever. The protocol
here gives each request ``request_timeout_s`` from the moment its connection opened (or
the previous response ended) to arrive whole, headers and body; past it the connection
is closed (the handler still waiting for the body sees the client gone).

    uvicorn.run(app, **uvicorn_options(settings))
"""

from __future__ import annotations

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from .settings import ServeSettings


class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with a deadline on reading each request."""

    request_timeout_s: float = 30.0
    _request_timer = None

    def connection_made(self, transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._arm()

    def connection_lost(self, exc) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        self._disarm()
        if self.request_timeout_s > 0 and not self.transport.is_closing():
            self._request_timer = self.loop.call_later(self.request_timeout_s,
                                                       self._request_timed_out)

    def _disarm(self) -> None:
        if self._request_timer is not None:
            self._request_timer.cancel()
            self._request_timer = None

    def _request_timed_out(self) -> None:
        self._request_timer = None
        if self.transport.is_closing():
            return
        # IDLE: the head has not arrived whole (or the connection sat idle);
        # SEND_BODY: the body has not. DONE: the request is in, the app is working.
        if self.conn.their_state in (h11.IDLE, h11.SEND_BODY):
            self.transport.close()


def protocol(request_timeout_s: float) -> type[GuardedH11Protocol]:
    return type("TranslateH11Protocol", (GuardedH11Protocol,),
                {"request_timeout_s": request_timeout_s})


def uvicorn_options(settings: ServeSettings) -> dict:
    """Keyword arguments of ``uvicorn.run``/``uvicorn.Config`` for ``settings``."""
    return {
        "http": protocol(settings.request_timeout_s),
        "timeout_keep_alive": settings.keep_alive_s,
        "limit_concurrency": settings.max_connections if settings.max_connections > 0
        else None,
        "h11_max_incomplete_event_size": settings.max_header_kb * 1024,
    }
