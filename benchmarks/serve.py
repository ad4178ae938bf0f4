"""Load test of ``translate serve`` on loopback: dynamic batching on vs off, same run.

    python benchmarks/serve.py            # 1, 4 and 16 clients; table, last line JSON
    python benchmarks/serve.py --quick    # fewer requests (about a minute)

Two servers run as subprocesses (``python -m translate.serve``), identical but for
``--no-batching``: the fixture en-it checkpoint on the CTranslate2 backend, glossary off,
models loaded at start, access log off. Clients are threads of this process, each with a
keep-alive HTTP connection, sending one news sentence per ``POST /translate`` (JSON, as
Weblate and Mastodon do) from the same list of distinct English sentences (the reference
article's and cuts of them, as ``benchmarks/throughput.py`` builds them). For each client
count, both servers get the same bounded number of requests, the order of the two
alternating from round to round; figures are requests/s and p50/p95 latency.

Then the batched server takes 10,000 requests from 16 clients, and its resident set
(``VmRSS``) after the first 1,000 and after all 10,000 is compared: a leak shows as growth.

Goals: >= 3x throughput at 16 clients; p95 at 1 client no worse than unbatched + 20%;
RSS after 10,000 requests within 5% of RSS after 1,000. Nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

CLIENTS = (1, 4, 16)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerProcess:
    def __init__(self, *, batching: bool, backend: str, models_dir: Path) -> None:
        self.port = free_port()
        args = [sys.executable, "-m", "translate.cli", "serve", "--port", str(self.port),
                "--models-dir", str(models_dir), "--backend", backend, "--no-glossary",
                "--load", "start", "--char-limit", "-1", "--log-level", "warning",
                "--max-queue", "100000"]
        if not batching:
            args.append("--no-batching")
        env = dict(os.environ, PYTHONPATH=str(ROOT), TRANSLATE_OFFLINE="1")
        self.proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 300
        while True:
            try:
                c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                c.request("GET", "/health")
                if c.getresponse().status == 200:
                    c.close()
                    break
            except OSError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("server did not start: " + self.proc.stderr.read()[-2000:])
            time.sleep(0.2)

    def rss_mb(self) -> float:
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        raise RuntimeError("no VmRSS")

    def close(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(60)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def load(port: int, sentences: list[str], clients: int, requests: int, offset: int = 0
         ) -> dict:
    """``requests`` POSTs from ``clients`` threads; requests/s and latency percentiles."""
    lock = threading.Lock()
    counter = iter(range(requests))
    latencies: list[float] = []
    failures: list[str] = []

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        while True:
            with lock:
                i = next(counter, None)
            if i is None:
                break
            body = json.dumps({"q": sentences[(offset + i) % len(sentences)],
                               "source": "en", "target": "it"})
            t0 = time.perf_counter()
            conn.request("POST", "/translate", body=body,
                         headers={"Content-Type": "application/json"})
            resp = conn.getresponse()
            data = resp.read()
            dt = time.perf_counter() - t0
            with lock:
                latencies.append(dt)
                if resp.status != 200 or "translatedText" not in json.loads(data):
                    failures.append(f"{resp.status} {data[:100]!r}")
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - start
    q = statistics.quantiles(latencies, n=100, method="inclusive")
    return {"requests": requests, "s": wall, "rps": requests / wall,
            "p50_ms": q[49] * 1000, "p95_ms": q[94] * 1000, "failures": len(failures)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="fewer requests")
    ap.add_argument("--backend", default="ctranslate2", choices=("ctranslate2", "torch"))
    ap.add_argument("--rounds", type=int, default=None, help="rounds per client count")
    ap.add_argument("--leak-requests", type=int, default=None)
    args = ap.parse_args(argv)
    from throughput import sentences as news_sentences

    sents = news_sentences(600)
    per_round = {1: 24, 4: 48, 16: 96} if args.quick else {1: 48, 4: 96, 16: 192}
    rounds = args.rounds or (1 if args.quick else 2)
    leak_total = args.leak_requests or (3000 if args.quick else 10000)
    models = ROOT / "fixtures" / "models"
    t_start = time.perf_counter()
    servers = {"on": ServerProcess(batching=True, backend=args.backend, models_dir=models),
               "off": ServerProcess(batching=False, backend=args.backend,
                                    models_dir=models)}
    results: dict[str, dict[int, list[dict]]] = {"on": {}, "off": {}}
    try:
        for srv in servers.values():  # warm-up: every code path once
            load(srv.port, sents, 4, 16)
        for clients in CLIENTS:
            for r in range(rounds):
                order = ("on", "off") if r % 2 == 0 else ("off", "on")
                for mode in order:
                    res = load(servers[mode].port, sents, clients, per_round[clients],
                               offset=r * 1000)
                    results[mode].setdefault(clients, []).append(res)
        servers["off"].close()
        on = servers["on"]
        first = 1000 if leak_total >= 2000 else leak_total // 2
        load(on.port, sents, 16, first, offset=50)
        rss_first = on.rss_mb()
        leak_run = load(on.port, sents, 16, leak_total - first, offset=50 + first)
        rss_last = on.rss_mb()
    finally:
        for srv in servers.values():
            srv.close()

    def merged(mode: str, clients: int) -> dict:
        runs = results[mode][clients]
        n = sum(x["requests"] for x in runs)
        s = sum(x["s"] for x in runs)
        return {"requests": n, "rps": n / s,
                "p50_ms": statistics.median(x["p50_ms"] for x in runs),
                "p95_ms": max(x["p95_ms"] for x in runs),
                "failures": sum(x["failures"] for x in runs)}

    table = {c: {m: merged(m, c) for m in ("on", "off")} for c in CLIENTS}
    print(f"backend {args.backend}, fixture en-it, {rounds} round(s) per client count, "
          f"{platform.machine()} {os.cpu_count()} CPUs")
    print("| clients | batching | requests | req/s | p50 ms | p95 ms | x (off) |")
    print("|---|---|---|---|---|---|---|")
    for c in CLIENTS:
        for m in ("on", "off"):
            row = table[c][m]
            ratio = row["rps"] / table[c]["off"]["rps"]
            print(f"| {c} | {m} | {row['requests']} | {row['rps']:.1f} | "
                  f"{row['p50_ms']:.1f} | {row['p95_ms']:.1f} | {ratio:.2f} |")
    ratio16 = table[16]["on"]["rps"] / table[16]["off"]["rps"]
    p95_1 = table[1]["on"]["p95_ms"] / table[1]["off"]["p95_ms"]
    growth = rss_last / rss_first - 1
    print(f"throughput at 16 clients: {ratio16:.2f}x (goal >= 3x)")
    print(f"p95 at 1 client: {p95_1:.2f}x of unbatched (goal <= 1.20x)")
    print(f"RSS after {first} requests {rss_first:.1f} MB, after {leak_total}: "
          f"{rss_last:.1f} MB ({growth:+.2%}; goal within 5%); "
          f"{leak_run['rps']:.1f} req/s, {leak_run['failures']} failures")
    print(f"total {time.perf_counter() - t_start:.0f} s")
    print(json.dumps({"backend": args.backend, "table": table, "ratio16": ratio16,
                      "p95_ratio_1": p95_1, "rss_first_mb": rss_first,
                      "rss_last_mb": rss_last, "rss_growth": growth,
                      "leak_requests": leak_total}))
    failures = sum(table[c][m]["failures"] for c in CLIENTS for m in ("on", "off"))
    return 1 if failures or leak_run["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())
