"""Decoding throughput and memory: transformers loops vs our Translator (torch and
CTranslate2 backends) vs raw CTranslate2, on an OPUS-MT base-shaped model.

    python benchmarks/throughput.py            # 512 sentences; table, last line JSON
    python benchmarks/throughput.py --quick    # 32 sentences, same systems (< 5 min)

The model is a randomly initialised MarianMT with the real OPUS-MT base shape (vocabulary
80,035, d_model 512, 6+6 layers, 8 heads, FFN 2048, swish, 512 positions: ~86M
parameters), built once with ``fixtures.build.build_random_checkpoint`` into
``$TRANSLATE_CACHE_DIR/bench/`` (default ``~/.cache/translate/bench/``). Random weights
never emit ``</s>``, so every system decodes exactly ``--new-tokens`` (16) tokens per
sentence (min = max), beam 4, on the same sentences: the reference article's English
sentences and deterministic cut/recombined variants of them, all distinct.

Systems, each in its own subprocess so that its peak RSS (``ru_maxrss``) is its own:

    a  transformers ``generate``, one sentence at a time
    b  transformers ``generate``, batches of 32 in corpus order
    c  ``Translator(backend="torch")``: our engine (length-sorted token-budget batches)
    d  ``Translator(backend="ctranslate2")``: the same engine, CTranslate2 int8 on CPU
    e  raw ``ctranslate2.Translator.translate_batch``, the options (d) passes, same model
    f  (c) with the weights in bfloat16 (``--systems abcdef``; compute types of
       CTranslate2: ``benchmarks/compute_types.py``)

The CTranslate2 conversion is made beforehand in another subprocess (a one-time cost,
cached on disk). All five stay loaded; the sentences go through them in chunks of 64, the
order of the systems rotating from chunk to chunk, so that a busy spell on a shared
machine slows all of them alike. Times are wall-clock seconds of the translation calls
only (loading and a two-sentence warm-up excluded; the systems are multi-threaded, so
CPU time would not compare). Ratios are to (a), in the same run. Children run with
``OMP_WAIT_POLICY=PASSIVE`` unless it is set: spinning OpenMP threads on a busy machine
made small torch matmuls ten times slower.

Pipeline overhead: segmentation (normalise, segment, identify), glossary matching and
masking (term protection and placeholder masking) timed on the same sentences laid out
as an article, as a share of that plus (d)'s decoding time (and of (c)'s).

GFLOP/s: model FLOPs of the useful work (encoder per source token; per generated token
and beam ``2 * decoder linear parameters + attention + 2 * d_model * vocab``), over each
system's time, against a large float32 ``torch.matmul`` timed in this run (CTranslate2
computes in int8, so its figure may exceed the float32 peak).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import platform
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SYSTEMS = {
    "a": "transformers generate, per sentence",
    "b": "transformers generate, batch 32",
    "c": "Translator, torch backend",
    "d": "Translator, ctranslate2 backend",
    "e": "raw CTranslate2 translate_batch",
    "f": "Translator, torch backend, bfloat16",
}
BEAM = 4
BATCH_B = 32
FULL_SENTENCES = 512
QUICK_SENTENCES = 32
#: 16 keeps the full run under ~25 minutes on 2 cores (32 takes about 40)
NEW_TOKENS = 16
CHUNK = 64  # sentences per round; the full run interleaves the systems over 8 rounds
VOCAB = 80035
SRC, TGT = "en", "it"


# --------------------------------------------------------------------------- inputs


def bench_root() -> Path:
    env = os.environ.get("TRANSLATE_CACHE_DIR")
    if env:
        return Path(env).expanduser() / "bench"
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "translate" / "bench"


def checkpoint_dir() -> Path:
    return bench_root() / "opus-mt-base-random-en-it"


def ensure_checkpoint() -> Path:
    """The random OPUS-MT base checkpoint, built atomically on first use."""
    from fixtures.build import OPUS_MT_BASE, build_random_checkpoint

    out = checkpoint_dir()
    if (out / "model.safetensors").is_file() and (out / "BUILT").is_file():
        return out
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".build.", dir=out.parent))
    try:
        build_random_checkpoint(staging / "ckpt", src=SRC, tgt=TGT, shape=OPUS_MT_BASE,
                                vocab_size=VOCAB)
        (staging / "ckpt" / "BUILT").write_text("ok\n")
        if out.exists():
            shutil.rmtree(out)
        (staging / "ckpt").rename(out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return out


def sentences(n: int, seed: int = 7) -> list[str]:
    """``n`` distinct English news sentences: the reference article's, then cuts at clause
    boundaries and recombinations of their parts (deterministic)."""
    from fixtures.build import load_pairs

    base = [s for s, _ in load_pairs("en", "it")][:18]  # row 18 is the az footer's meaning
    out: list[str] = list(dict.fromkeys(base))
    clauses: list[str] = []
    for s in base:
        parts = [p.strip() for p in re.split(r"(?<=[,;:])\s+", s.rstrip(".")) if p.strip()]
        clauses += parts
    words = [s.rstrip(".").split() for s in base]
    rnd = random.Random(seed)
    seen = set(out)
    while len(out) < n:
        kind = rnd.randrange(3)
        if kind == 0:  # a cut: a window of words of one sentence
            w = rnd.choice(words)
            i = rnd.randrange(len(w))
            j = min(len(w), i + rnd.randint(6, 30))
            text = " ".join(w[i:j])
        elif kind == 1:  # two clauses of different sentences
            text = rnd.choice(clauses).rstrip(",;:") + ", " + rnd.choice(clauses).rstrip(",;:")
        else:  # head of one sentence, tail of another
            a, b = rnd.choice(words), rnd.choice(words)
            text = " ".join(a[: rnd.randint(3, max(3, len(a) // 2))] +
                            b[rnd.randint(len(b) // 2, len(b) - 1):])
        text = text[:1].upper() + text[1:]
        text = text if text.endswith((".", "?", "!")) else text + "."
        if len(text.split()) >= 4 and text not in seen:
            seen.add(text)
            out.append(text)
    return out[:n]


def article_of(sents: list[str]) -> str:
    """The sentences laid out as an article: paragraphs of five, blank lines between."""
    return "\n\n".join(" ".join(sents[i:i + 5]) for i in range(0, len(sents), 5)) + "\n"


# --------------------------------------------------------------------------- systems


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _hf_model(path: Path):
    import torch
    from transformers import MarianMTModel, MarianTokenizer
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    tok = MarianTokenizer.from_pretrained(path)
    model = MarianMTModel.from_pretrained(path, dtype=torch.float32).eval()
    model.generation_config.max_length = None
    return tok, model


def _generate(model, tok, batch: list[str], new_tokens: int) -> int:
    import torch

    enc = tok(batch, return_tensors="pt", padding=True)
    with torch.inference_mode():
        out = model.generate(**enc, num_beams=BEAM, do_sample=False,
                             min_new_tokens=new_tokens, max_new_tokens=new_tokens)
    return int((out[:, 1:] != model.config.pad_token_id).sum())


def load_system(system: str, new_tokens: int):
    """Load one system; returns ``work(texts) -> target tokens`` and its thread count."""
    path = checkpoint_dir()
    if system in ("a", "b"):
        import torch

        tok, model = _hf_model(path)
        step = 1 if system == "a" else BATCH_B

        def work(texts: list[str]) -> int:
            return sum(_generate(model, tok, texts[i:i + step], new_tokens)
                       for i in range(0, len(texts), step))
        return work, torch.get_num_threads()
    if system in ("c", "d", "f"):
        from translate import Translator

        tr = Translator({f"{SRC}-{TGT}": str(path)}, device="cpu", glossary=False,
                        backend="ctranslate2" if system == "d" else "torch")
        tr.options = dataclasses.replace(tr.options, beam_size=BEAM,
                                         min_new_tokens=new_tokens,
                                         max_new_tokens=new_tokens)
        backend = tr.engine(tr.route(SRC, TGT)[0]).backend
        if system == "f":  # the same engine, the weights in bfloat16 (AVX-512 BF16 / AMX)
            import torch

            backend.model.to(torch.bfloat16)
        generate = backend.generate
        counted = [0]

        def counting(request):  # pass-through: counts the decoder's output tokens
            outputs = generate(request)
            counted[0] += sum(len(o) for o in outputs)
            return outputs

        backend.generate = counting

        def work(texts: list[str]) -> int:
            counted[0] = 0
            tr.translate_batch(texts, SRC, TGT)
            return counted[0]
        if system in ("c", "f"):
            import torch

            return work, torch.get_num_threads()
        return work, backend.threads
    if system == "e":
        import ctranslate2
        import sentencepiece as spm

        from translate.models.backends import ctranslate2_backend as ct2

        model_dir = ct2.convert_checkpoint(path, "int8")
        ct = ctranslate2.Translator(str(model_dir), device="cpu", compute_type="int8",
                                    intra_threads=ct2.cpu_threads(), inter_threads=1)
        sp = spm.SentencePieceProcessor(model_file=str(path / "source.spm"))
        steps = new_tokens - 1  # as the backend: transformers' last step is a forced </s>

        def work(texts: list[str]) -> int:
            source = [sp.encode(t, out_type=str) + ["</s>"] for t in texts]
            res = ct.translate_batch(
                source, beam_size=BEAM, patience=ct2.PATIENCE, max_decoding_length=steps,
                min_decoding_length=steps, return_end_token=True, max_input_length=0,
                max_batch_size=4096, batch_type="tokens")
            # + the </s> transformers would force at the cap, as the backend adds it
            return sum(len(h) + (h[-1:] != ["</s>"]) for h in (r.hypotheses[0] for r in res))
        return work, ct2.cpu_threads()
    raise SystemExit(f"unknown system {system}")


def serve_system(system: str, n: int, new_tokens: int) -> int:
    """Child: load ``system``, then translate the chunks the parent names on stdin
    (``START END``), one JSON line per chunk; ``quit`` ends with the peak RSS."""
    sents = sentences(n)
    start = time.perf_counter()
    work, threads = load_system(system, new_tokens)
    load_s = time.perf_counter() - start
    work(["The ceremony began.", "Representatives of the Vatican attended."])  # warm-up
    print(json.dumps({"ready": system, "load_seconds": load_s, "threads": threads}),
          flush=True)
    for line in sys.stdin:
        if line.strip() == "quit":
            break
        lo, hi = map(int, line.split())
        start = time.perf_counter()
        tokens = work(sents[lo:hi])
        print(json.dumps({"seconds": time.perf_counter() - start, "tokens": tokens}),
              flush=True)
    print(json.dumps({"peak_rss_mb": _peak_rss_mb()}), flush=True)
    return 0


_SP = {}


def _src_pieces(path: Path, text: str) -> list[str]:
    import sentencepiece as spm

    if "sp" not in _SP:
        _SP["sp"] = spm.SentencePieceProcessor(model_file=str(path / "source.spm"))
    return _SP["sp"].encode(text, out_type=str)


def run_overhead(n: int, repeat: int = 3) -> dict:
    """Our pipeline's own stages on the benchmark sentences laid out as an article."""
    from translate import pipeline
    from translate.glossary import default_glossary, match_terms
    from translate.localise.placeholders import mask
    from translate.segment import segment

    text = article_of(sentences(n))
    glossary = default_glossary()
    best: dict[str, float] = {}
    for _ in range(repeat):
        times: dict[str, float] = {}
        t = time.perf_counter()
        norm = pipeline.normalise(text, SRC)
        segs = segment(norm, SRC)
        langs = pipeline.identify(segs, SRC)
        times["segmentation"] = time.perf_counter() - t
        t = time.perf_counter()
        hits = [match_terms(s.text, glossary, lang, TGT)
                for s, lang in zip(segs, langs, strict=True)]
        times["glossary matching"] = time.perf_counter() - t
        t = time.perf_counter()
        for s, h in zip(segs, hits, strict=True):
            pipeline.protect(s.text, h, lambda term: True)
            mask(s.text)
        times["masking"] = time.perf_counter() - t
        t = time.perf_counter()
        pipeline.assemble(norm, segs, [s.text for s in segs])
        times["assembly"] = time.perf_counter() - t
        for k, v in times.items():
            best[k] = min(best.get(k, v), v)
    return {"segments": len(segs), "stages": best, "seconds": sum(best.values()),
            "term_hits": sum(len(h) for h in hits)}


def matmul_peak_gflops(size: int = 2048, repeat: int = 5) -> float:
    import torch

    a = torch.randn(size, size)
    b = torch.randn(size, size)
    torch.matmul(a, b)
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        torch.matmul(a, b)
        best = min(best, time.perf_counter() - t)
    return 2 * size ** 3 / best / 1e9


# --------------------------------------------------------------------------- FLOPs


def model_flops(n_sent: int, source_tokens: int, new_tokens: int, shape=None) -> float:
    """Useful FLOPs of one run: encoder over the source, decoder per generated token and
    beam (linear layers, attention, output projection)."""
    from fixtures.build import OPUS_MT_BASE

    s = shape or OPUS_MT_BASE
    d, f, layers = s.d_model, s.ffn, s.layers
    enc_per_token = 2 * layers * (4 * d * d + 2 * d * f) \
        + 2 * layers * 2 * d * d  # + cross-attention keys/values, once per source token
    avg_src = source_tokens / max(1, n_sent)
    enc_attn = 2 * layers * 2 * avg_src * d  # per source token
    dec_linear = 2 * layers * (4 * d * d + 2 * d * d + 2 * d * f)
    out_proj = 2 * d * VOCAB
    dec_attn = 2 * layers * 2 * d * (new_tokens / 2 + avg_src)
    per_token = dec_linear + out_proj + dec_attn
    return (source_tokens * (enc_per_token + enc_attn)
            + n_sent * new_tokens * BEAM * per_token)


# --------------------------------------------------------------------------- driver


def _child_env() -> dict[str, str]:
    # OpenMP threads that spin while they wait (the default) lose their cores on a busy
    # machine and then wait for each other: small torch matmuls ran 10x slower here
    return {**os.environ, "OMP_WAIT_POLICY": os.environ.get("OMP_WAIT_POLICY", "PASSIVE")}


def _child(args: list[str], timeout: float) -> dict:
    cmd = [sys.executable, str(Path(__file__).resolve()), *args]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                          cwd=str(ROOT), env=_child_env())
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


class _Server:
    """One system in its own process, translating the chunks it is sent."""

    def __init__(self, system: str, n: int, new_tokens: int) -> None:
        self.system = system
        self.log = tempfile.TemporaryFile(mode="w+")
        cmd = [sys.executable, str(Path(__file__).resolve()), "--system", system,
               "--sentences", str(n), "--new-tokens", str(new_tokens)]
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=self.log, text=True, cwd=str(ROOT),
                                     env=_child_env())
        self.info = self._read()

    def _read(self) -> dict:
        line = self.proc.stdout.readline()
        if not line:
            self.proc.wait()
            self.log.seek(0)
            raise SystemExit(f"system {self.system} failed:\n{self.log.read()[-3000:]}")
        return json.loads(line)

    def run(self, lo: int, hi: int) -> dict:
        self.proc.stdin.write(f"{lo} {hi}\n")
        self.proc.stdin.flush()
        return self._read()

    def close(self) -> dict:
        self.proc.stdin.write("quit\n")
        self.proc.stdin.flush()
        out = self._read()
        self.proc.wait()
        return out


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true",
                    help=f"{QUICK_SENTENCES} sentences instead of {FULL_SENTENCES}")
    ap.add_argument("--sentences", type=int, default=None, metavar="N")
    ap.add_argument("--new-tokens", type=int, default=NEW_TOKENS, metavar="N",
                    help=f"tokens decoded per sentence by every system (default {NEW_TOKENS})")
    ap.add_argument("--systems", default="abcde", help="which systems to run (default abcde)")
    ap.add_argument("--system", help=argparse.SUPPRESS)  # child: one system
    ap.add_argument("--overhead", action="store_true", help=argparse.SUPPRESS)  # child
    ap.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)  # child
    ap.add_argument("--peak", action="store_true", help=argparse.SUPPRESS)  # child
    args = ap.parse_args(argv)
    n = args.sentences or (QUICK_SENTENCES if args.quick else FULL_SENTENCES)

    if args.prepare:  # build the checkpoint and the CTranslate2 conversion
        from translate.models.backends import ctranslate2_backend as ct2

        path = ensure_checkpoint()
        if ct2.available():
            ct2.convert_checkpoint(path, "int8")
        print(json.dumps({"checkpoint": str(path)}))
        return 0
    if args.system:
        return serve_system(args.system, n, args.new_tokens)
    if args.overhead:
        print(json.dumps(run_overhead(n)))
        return 0
    if args.peak:
        print(json.dumps({"gflops": matmul_peak_gflops()}))
        return 0

    started = time.perf_counter()
    print(f"preparing the OPUS-MT base-shaped random checkpoint in {checkpoint_dir()} ...",
          file=sys.stderr)
    _child(["--prepare"], timeout=1800)
    systems = list(args.systems)
    servers = {}
    for system in systems:
        print(f"loading ({system}) {SYSTEMS[system]} ...", file=sys.stderr)
        servers[system] = _Server(system, n, args.new_tokens)
    # The sentences go in chunks, each chunk through every system, the order of the
    # systems rotating from chunk to chunk: a busy spell on a shared machine then slows
    # all systems alike instead of whichever happened to be running.
    chunk = CHUNK if n >= 2 * CHUNK else n
    bounds = [(lo, min(n, lo + chunk)) for lo in range(0, n, chunk)]
    results = {s: {"sentences": n, "seconds": 0.0, "target_tokens": 0, "rounds": []}
               for s in systems}
    peaks = [_child(["--peak"], timeout=600)["gflops"]]
    for r, (lo, hi) in enumerate(bounds):
        order = systems[r % len(systems):] + systems[:r % len(systems)]
        for system in order:
            out = servers[system].run(lo, hi)
            results[system]["seconds"] += out["seconds"]
            results[system]["target_tokens"] += out["tokens"]
            results[system]["rounds"].append(round(out["seconds"], 2))
        print(f"chunk {r + 1}/{len(bounds)}: " + ", ".join(
            f"{s} {results[s]['rounds'][-1]:.1f}s" for s in systems), file=sys.stderr)
        if r == len(bounds) // 2:
            peaks.append(_child(["--peak"], timeout=600)["gflops"])
    for system, server in servers.items():
        results[system].update(server.info, **server.close())
    peaks.append(_child(["--peak"], timeout=600)["gflops"])
    peak = max(peaks)
    overhead = _child(["--overhead", "--sentences", str(n)], timeout=600)

    path = checkpoint_dir()
    source_tokens = sum(len(_src_pieces(path, s)) + 1 for s in sentences(n))
    flops = model_flops(n, source_tokens, args.new_tokens)
    base = results.get("a")
    rows = []
    print(f"\nThroughput: {n} sentences, beam {BEAM}, {args.new_tokens} target tokens each, "
          f"OPUS-MT base shape ({VOCAB} vocab), {os.cpu_count()} CPU(s) [{_cpu_model()}]")
    print(f"{'system':<40} {'s':>8} {'sent/s':>8} {'tok/s':>8} {'x(a)':>6} "
          f"{'GFLOP/s':>8} {'RSS MB':>8}")
    for system, r in results.items():
        sps = r["sentences"] / r["seconds"]
        tps = r["target_tokens"] / r["seconds"]
        ratio = base["seconds"] / r["seconds"] if base else float("nan")
        gflops = flops / r["seconds"] / 1e9
        rows.append((system, sps, tps, ratio, gflops))
        print(f"({system}) {SYSTEMS[system]:<36} {r['seconds']:8.1f} {sps:8.2f} {tps:8.1f} "
              f"{ratio:6.2f} {gflops:8.1f} {r['peak_rss_mb']:8.0f}")
    print(f"matmul peak (torch float32, 2048^3, best of {len(peaks)}): {peak:.1f} GFLOP/s; "
          f"model work {flops / 1e12:.2f} TFLOP")
    share_d = share_c = None
    stages = overhead["stages"]
    if "d" in results:
        share_d = overhead["seconds"] / (overhead["seconds"] + results["d"]["seconds"])
    if "c" in results:
        share_c = overhead["seconds"] / (overhead["seconds"] + results["c"]["seconds"])
    print("pipeline overhead on the same text (" + ", ".join(
        f"{k} {v * 1000:.1f} ms" for k, v in stages.items()) + f"): "
        f"{overhead['seconds'] * 1000:.1f} ms"
        + (f" = {share_d:.2%} of (d)'s total" if share_d is not None else "")
        + (f", {share_c:.2%} of (c)'s" if share_c is not None else ""))

    def ratio(x: str, y: str) -> float | None:
        if x in results and y in results:
            return round(results[y]["seconds"] / results[x]["seconds"], 3)
        return None

    goals = {
        "c_ge_3x_a": (ratio("c", "a") or 0) >= 3,
        "d_ge_4x_a": (ratio("d", "a") or 0) >= 4,
        "d_ge_0.9x_e": (ratio("d", "e") or 0) >= 0.9,
        "d_rss_le_half_c": ("d" in results and "c" in results
                            and results["d"]["peak_rss_mb"] <= results["c"]["peak_rss_mb"] / 2),
        "overhead_le_5pct": share_d is not None and share_d <= 0.05,
    }
    print("goals: " + ", ".join(f"{k} {'met' if v else 'MISSED'}" for k, v in goals.items()))
    print(f"total benchmark time {time.perf_counter() - started:.0f}s", file=sys.stderr)
    summary = {
        "sentences": n, "beam": BEAM, "new_tokens": args.new_tokens,
        "cpus": os.cpu_count(),
        "ratio_to_a": {s: round(base["seconds"] / r["seconds"], 3)
                       for s, r in results.items()} if base else {},
        "sentences_per_s": {s: round(r["sentences"] / r["seconds"], 3)
                            for s, r in results.items()},
        "tokens_per_s": {s: round(r["target_tokens"] / r["seconds"], 1)
                         for s, r in results.items()},
        "d_over_e": ratio("d", "e"),
        "peak_rss_mb": {s: round(r["peak_rss_mb"]) for s, r in results.items()},
        "gflops": {s: round(g, 1) for s, _, _, _, g in rows},
        "matmul_peak_gflops": round(peak, 1),
        "threads": {s: r.get("threads") for s, r in results.items()},
        "overhead_share_of_d": None if share_d is None else round(share_d, 4),
        "overhead_share_of_c": None if share_c is None else round(share_c, 4),
        "goals": goals,
    }
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
