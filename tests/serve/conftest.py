"""A real server on a free loopback port (uvicorn in a thread), over the fixture models
with the shipped news glossary on. Nothing is mocked: requests go through HTTP, the
batcher and the real MarianMTModel."""

from __future__ import annotations

import threading
import time

import pytest

from serve.serve_helpers import Client, Reply, free_port  # noqa: F401 - Reply: re-exported
from support import MODELS

pytest.importorskip("starlette", reason="the serve extra is not installed")
uvicorn = pytest.importorskip("uvicorn", reason="the serve extra is not installed")


class Live(Client):
    """A running server: its base URL, app (for its batcher's counters) and helpers."""

    def __init__(self, app, port: int) -> None:
        self.app = app
        self.url = f"http://127.0.0.1:{port}"
        from translate.serve.connections import uvicorn_options

        self.server = uvicorn.Server(uvicorn.Config(
            app, host="127.0.0.1", port=port, log_level="warning", access_log=False,
            **uvicorn_options(app.state.server.settings)))
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 60
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("server did not start")
            time.sleep(0.02)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(60)


@pytest.fixture(scope="session")
def base_translator():
    from translate import Translator

    return Translator(models_dir=MODELS, device="cpu")


@pytest.fixture(scope="session")
def make_server(base_translator):
    """``make_server(**ServeSettings fields)`` -> a started :class:`Live` server."""
    from translate.serve import ServeSettings, create_app

    started: list[Live] = []

    def make(**settings) -> Live:
        live = Live(create_app(base_translator, ServeSettings(**settings)), free_port())
        started.append(live)
        return live

    yield make
    for live in started:
        live.stop()


@pytest.fixture(scope="session")
def live(make_server):
    """The default server (glossary on, char limit 5000, no keys)."""
    return make_server()
