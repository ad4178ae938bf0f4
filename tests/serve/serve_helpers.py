"""Helpers shared by the server tests (importable as ``serve.serve_helpers``)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def multipart(fields: dict, filename: str, content: bytes) -> tuple[bytes, str]:
    boundary = "serve-test-boundary"
    parts = []
    for k, v in fields.items():
        parts.append(f"--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n"
                     f"{v}\r\n".encode())
    parts.append(f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
                 f"filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                 .encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def upload(live, filename, content, **fields):
    data, ctype = multipart({"source": "en", "target": "it", **fields}, filename, content)
    return live.request("POST", "/translate_file", data=data,
                        headers={"Content-Type": ctype})


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


class Client:
    """HTTP requests to ``self.url`` (urllib: a new connection per request)."""

    url: str

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
        return Reply(status, body, {k.lower(): v for k, v in hdrs.items()})

    def post(self, path: str, body: dict, **kw) -> Reply:
        return self.request("POST", path, json_body=body, **kw)

    def form(self, path: str, fields: dict, **kw) -> Reply:
        from urllib.parse import urlencode

        return self.request("POST", path, data=urlencode(fields).encode(), headers={
            "Content-Type": "application/x-www-form-urlencoded"}, **kw)

    def get(self, path: str, **kw) -> Reply:
        return self.request("GET", path, **kw)


class ServeProcess(Client):
    """``translate serve`` as a subprocess on a free port (fixture models, the access log
    off), started and waited for; ``rss_mb()`` reads its resident memory."""

    def __init__(self, *args: str, env: dict | None = None) -> None:
        from support import MODELS, ROOT

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        environ = dict(os.environ if env is None else env)
        environ["PYTHONPATH"] = str(ROOT) + os.pathsep + environ.get("PYTHONPATH", "")
        environ.setdefault("TRANSLATE_OFFLINE", "1")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "translate.cli", "serve", "--port", str(self.port),
             "--models-dir", str(MODELS), "--log-level", "warning", *args],
            cwd=ROOT, env=environ, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            text=True)
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(self.url + "/languages", timeout=2):
                    break
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    err = self.stop()
                    raise RuntimeError("translate serve did not start: "
                                       + err[-2000:]) from None
                time.sleep(0.2)

    def rss_mb(self) -> float:
        for line in open(f"/proc/{self.proc.pid}/status", encoding="ascii"):
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        raise RuntimeError("no VmRSS")

    def stop(self) -> str:
        """Stop the server; its stderr."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        return self.proc.stderr.read() if self.proc.stderr else ""


def sentences_for(srv: ServeProcess, seconds: float, tag: str = "h", *,
                  probe: int = 400) -> list[str]:
    """Distinct en sentences that take the server's model about ``seconds`` to translate
    to it on this CPU, sized by a ``probe`` of the same shape translated first. A fixed
    count held the model for seconds on one CPU and for under one on a faster one,
    where tests that need a long request then had none."""
    from support import aligned_rows

    rows = aligned_rows()

    def sentences(n: int, tag: str) -> list[str]:
        return [f"{rows[i % len(rows)]['en']} ({tag}{i})" for i in range(n)]

    t0 = time.monotonic()
    assert srv.post("/translate", {"q": sentences(probe, "p" + tag), "source": "en",
                                   "target": "it"}, timeout=600).status == 200
    per = (time.monotonic() - t0) / probe
    return sentences(min(90_000, max(probe, int(seconds / per))), tag)


def hold_model(srv: ServeProcess, pool, seconds: float = 6.0):
    """Start one /translate (en-it) on ``pool`` whose single model call takes about
    ``seconds`` on this CPU (:func:`sentences_for`), and return its future once that
    call is running. The server must run with ``--batch-tokens 1000000 --batch-limit -1
    --request-tokens -1 --max-queue 100000`` (one call for the whole request)."""
    slow = pool.submit(srv.post, "/translate", {"q": sentences_for(srv, seconds),
                                                "source": "en", "target": "it"},
                       timeout=600)
    deadline = time.monotonic() + 60
    while srv.get("/health").body["running_s"] < 0.2:
        assert time.monotonic() < deadline and not slow.done()
        time.sleep(0.05)
    return slow
