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

    python benchmarks/serve.py --attack           # load with and without an attacker
    python benchmarks/serve.py --attack --quick

``--attack``: one server with its default limits (batch limit, token budget, queue
timeout, file limits), glossary off, models loaded at start; well-behaved clients (16,
then 64 threads, keep-alive, one sentence per request) against the pseudo-locale
``en-XA`` (the server and pipeline without model cost) and the fixture en-it model.
Each is measured without, then with an attacker: three threads sending, as fast as they
are answered, a 10,000-item list (refused by ``--batch-limit``), the largest list the
limits admit (128 long sentences: it competes for the model) and a 300 MB zip bomb
named ``.docx`` (refused while reading, in a worker process). Figures: the well-behaved
clients' requests/s and p50/p95/p99; goal, p95 under attack <= 2x p95 without.
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
    def __init__(self, *, batching: bool, backend: str, models_dir: Path,
                 extra: tuple[str, ...] | None = None) -> None:
        self.port = free_port()
        args = [sys.executable, "-m", "translate.cli", "serve", "--port", str(self.port),
                "--models-dir", str(models_dir), "--backend", backend, "--no-glossary",
                "--load", "start", "--log-level", "warning"]
        args += (["--char-limit", "-1", "--max-queue", "100000"] if extra is None
                 else list(extra))
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


def load(port: int, sentences: list[str], clients: int, requests: int, offset: int = 0,
         target: str = "it") -> dict:
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
                               "source": "en", "target": target})
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
            "p50_ms": q[49] * 1000, "p95_ms": q[94] * 1000, "p99_ms": q[98] * 1000,
            "failures": len(failures)}


def zip_bomb_docx(inflated_mb: int) -> bytes:
    """A .docx whose word/document.xml inflates to ``inflated_mb`` MB (about 1 MB)."""
    import io
    import zipfile

    import docx

    doc = io.BytesIO()
    docx.Document().save(doc)
    src = zipfile.ZipFile(doc)
    out = io.BytesIO()
    para = b"<w:p><w:r><w:t>The bomb repeats this sentence.</w:t></w:r></w:p>" * 1000
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename != "word/document.xml":
                z.writestr(info.filename, data)
                continue
            with z.open(info.filename, "w", force_zip64=True) as f:
                f.write(data.partition(b"<w:body>")[0] + b"<w:body>")
                for _ in range(inflated_mb * 1024 * 1024 // len(para)):
                    f.write(para)
                f.write(b"</w:body></w:document>")
    return out.getvalue()


def attack_bodies(sentences: list[str], target: str) -> dict[str, tuple[str, str, bytes]]:
    """The attacker's requests by kind: (path, content type, body)."""
    boundary = "bench-bomb"
    upload = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"source\"\r\n\r\n"
              f"en\r\n--{boundary}\r\nContent-Disposition: form-data; "
              f"name=\"target\"\r\n\r\n{target}\r\n--{boundary}\r\n"
              "Content-Disposition: form-data; name=\"file\"; filename=\"bomb.docx\"\r\n"
              "Content-Type: application/octet-stream\r\n\r\n").encode() + \
        zip_bomb_docx(300) + f"\r\n--{boundary}--\r\n".encode()
    long = [s for s in sentences if len(s.split()) >= 25] or sentences
    return {
        "oversized list": ("/translate", "application/json", json.dumps(
            {"q": [sentences[i % len(sentences)] for i in range(10_000)],
             "source": "en", "target": target}).encode()),
        "largest admitted list": ("/translate", "application/json", json.dumps(
            {"q": [long[i % len(long)] for i in range(128)], "source": "en",
             "target": target}).encode()),
        "zip bomb": ("/translate_file", f"multipart/form-data; boundary={boundary}",
                     upload),
    }


def attack(port: int, kinds: dict, stop, answers) -> None:
    """In its own process (so its threads never hold the measuring clients' GIL): one
    thread per kind, each sending its request as soon as the last one is answered."""
    counts: dict[str, dict[int, int]] = {k: {} for k in kinds}

    def run(kind: str) -> None:
        path, ctype, body = kinds[kind]
        while not stop.is_set():
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            try:
                conn.request("POST", path, body=body, headers={"Content-Type": ctype})
                status = conn.getresponse().status
            except OSError:
                status = 0
            finally:
                conn.close()
            counts[kind][status] = counts[kind].get(status, 0) + 1

    threads = [threading.Thread(target=run, args=(k,)) for k in kinds]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    answers.put(counts)


class Attacker:
    """The attack in a separate process, started before and stopped after a load run;
    ``answers``: the attacker's answers by kind and status."""

    def __init__(self, port: int, sentences: list[str], target: str) -> None:
        import multiprocessing

        ctx = multiprocessing.get_context("spawn")
        self.stop = ctx.Event()
        self.queue = ctx.Queue()
        self.proc = ctx.Process(target=attack, args=(port, attack_bodies(sentences, target),
                                                     self.stop, self.queue))
        self.answers: dict = {}

    def __enter__(self):
        self.proc.start()
        time.sleep(2.0)  # the attack is under way before the clients start
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.answers = self.queue.get(timeout=180)
        self.proc.join(60)


def attack_main(args) -> int:
    from throughput import sentences as news_sentences

    sents = news_sentences(600)
    per_client = 4 if args.quick else 10
    rounds = args.rounds or (1 if args.quick else 3)
    server = ServerProcess(batching=True, backend=args.backend,
                           models_dir=ROOT / "fixtures" / "models", extra=())
    rows = []
    t_start = time.perf_counter()

    def median_run(runs: list[dict]) -> dict:
        out = {k: statistics.median(r[k] for r in runs)
               for k in ("rps", "p50_ms", "p95_ms", "p99_ms")}
        out["requests"] = sum(r["requests"] for r in runs)
        out["failures"] = sum(r["failures"] for r in runs)
        return out

    try:
        for target in ("en-XA", "it"):
            load(server.port, sents, 4, 16, target=target)  # warm-up
            for clients in (16, 64):
                n = clients * per_client
                calm, hit, answers = [], [], {}
                for r in range(rounds):  # calm and attacked runs alternate (load drifts)
                    calm.append(load(server.port, sents, clients, n, offset=2 * r * n,
                                     target=target))
                    with Attacker(server.port, sents, target) as attacker:
                        hit.append(load(server.port, sents, clients, n,
                                        offset=(2 * r + 1) * n, target=target))
                    for kind, counts in attacker.answers.items():
                        for status, c in counts.items():
                            answers.setdefault(kind, {})
                            answers[kind][status] = answers[kind].get(status, 0) + c
                rows.append((target, clients, median_run(calm), median_run(hit), answers))
        rss = server.rss_mb()
    finally:
        server.close()
    print(f"backend {args.backend}, default limits, {platform.machine()} "
          f"{os.cpu_count()} CPUs, {per_client} requests per client, {rounds} round(s) "
          "each (medians)")
    print("| target | clients | attack | requests | req/s | p50 ms | p95 ms | p99 ms | "
          "p95 x (calm) | failures |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    ok = True
    for target, clients, calm, hit, _answers in rows:
        for name, r in (("no", calm), ("yes", hit)):
            ratio = r["p95_ms"] / calm["p95_ms"]
            print(f"| {target} | {clients} | {name} | {r['requests']} | {r['rps']:.1f} | "
                  f"{r['p50_ms']:.0f} | {r['p95_ms']:.0f} | {r['p99_ms']:.0f} | "
                  f"{ratio:.2f} | {r['failures']} |")
        ok &= hit["p95_ms"] <= 2 * calm["p95_ms"] and not hit["failures"]
    for target, clients, _calm, _hit, answers in rows:
        print(f"attacker answers ({target}, {clients} clients): "
              + "; ".join(f"{k}: {v}" for k, v in answers.items()))
    print(f"server RSS at the end {rss:.0f} MB; total {time.perf_counter() - t_start:.0f} s")
    print(json.dumps({"backend": args.backend, "rows": [
        {"target": t, "clients": c, "calm": a, "attack": b, "attacker": ans}
        for t, c, a, b, ans in rows], "rss_mb": rss}))
    return 0 if ok else 1


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="fewer requests")
    ap.add_argument("--backend", default="ctranslate2", choices=("ctranslate2", "torch"))
    ap.add_argument("--rounds", type=int, default=None, help="rounds per client count")
    ap.add_argument("--leak-requests", type=int, default=None)
    ap.add_argument("--attack", action="store_true",
                    help="load with and without an attacker (16 and 64 clients, en-XA and "
                         "the fixture model)")
    args = ap.parse_args(argv)
    if args.attack:
        return attack_main(args)
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
