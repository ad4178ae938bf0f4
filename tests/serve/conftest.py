"""A real server on a free loopback port (uvicorn in a thread), over the fixture models
with the shipped news glossary on. Nothing is mocked: requests go through HTTP, the
batcher and the real MarianMTModel."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass

import pytest

from serve.serve_helpers import free_port
from support import MODELS

pytest.importorskip("starlette", reason="the serve extra is not installed")
uvicorn = pytest.importorskip("uvicorn", reason="the serve extra is not installed")


@dataclass
class Reply:
    status: int
    body: object
    headers: dict

    @property
    def error(self) -> str:
        assert isinstance(self.body, dict) and set(self.body) == {"error"}, self.body
        assert isinstance(self.body["error"], str) and self.body["error"]
        assert "Traceback" not in self.body["error"]
        return self.body["error"]


class Live:
    """A running server: its base URL, app (for its batcher's counters) and helpers."""

    def __init__(self, app, port: int) -> None:
        self.app = app
        self.url = f"http://127.0.0.1:{port}"
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                                    log_level="warning", access_log=False))
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 60
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("server did not start")
            time.sleep(0.02)

    def request(self, method: str, path: str, *, json_body=None, data: bytes | None = None,
                headers: dict | None = None, timeout: float = 120) -> Reply:
        headers = dict(headers or {})
        if json_body is not None:
            data = json.dumps(json_body).encode()
            headers.setdefault("Content-Type", "application/json")
        req = urllib.request.Request(self.url + path, data=data, method=method,
                                     headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                raw, status, hdrs = r.read(), r.status, dict(r.headers)
        except urllib.error.HTTPError as e:
            raw, status, hdrs = e.read(), e.code, dict(e.headers)
        try:
            body = json.loads(raw)
        except ValueError:
            body = raw
        return Reply(status, body, hdrs)

    def post(self, path: str, body: dict, **kw) -> Reply:
        return self.request("POST", path, json_body=body, **kw)

    def form(self, path: str, fields: dict, **kw) -> Reply:
        from urllib.parse import urlencode

        return self.request("POST", path, data=urlencode(fields).encode(), headers={
            "Content-Type": "application/x-www-form-urlencoded"}, **kw)

    def get(self, path: str, **kw) -> Reply:
        return self.request("GET", path, **kw)

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
