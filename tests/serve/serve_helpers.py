"""Helpers shared by the server tests (importable as ``serve.serve_helpers``)."""

from __future__ import annotations

import socket


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
