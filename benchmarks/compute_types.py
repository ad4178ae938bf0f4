"""Compute types on this CPU: which reproduce float32, and how fast each decodes.

    python benchmarks/compute_types.py            # fixtures + 32 sentences on OPUS-MT base
    python benchmarks/compute_types.py --n 64

1. Agreement: every fixture checkpoint (and the separate-vocabulary one) translates the
   reference sentences of its direction with CTranslate2 in each compute type this CPU
   supports (``ctranslate2.get_supported_compute_types("cpu")``; ``int16`` is listed when
   the build has it) and with torch in float32 and bfloat16; counted: sentences equal to
   the reference and to CTranslate2 float32.
2. Speed: the random OPUS-MT base checkpoint of ``benchmarks/throughput.py`` (86M
   parameters, vocabulary 80,035), ``--n`` sentences, beam 4, exactly ``--new-tokens`` new
   tokens each (min = max), through our engine on each compute type; the systems take
   turns over ``--rounds`` rounds (a busy spell hits all alike); median seconds per round.

3. ``--kernels``: the agreement again in a child process per kernel family this CPU can
   be capped to (oneDNN's ISA ceiling ``ONEDNN_MAX_CPU_ISA``: what an AVX2-only or an
   SSE4.1 CPU runs, AVX-512 without VNNI; MKL instead of oneDNN; torch's AVX2 kernels), the
   same families ``tests/models/test_fixture_margins.py`` checks.

The output starts with the CPU's name and its SIMD flags, so that a table says which
machine it holds for. Prints a table and, last, one JSON line.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "tests"))

DIRECTIONS = [("en-it", "en", "it"), ("it-en", "it", "en"), ("en-az", "en", "az"),
              ("az-en", "az", "en"), ("en-trk", "en", "az"), ("en-trk", "en", "it")]
TORCH_DTYPES = ("float32", "bfloat16")


SIMD_FLAGS = ("sse4_1", "avx", "avx2", "fma", "f16c", "avx512f", "avx512bw", "avx512_vnni",
              "avx_vnni", "avx512_bf16", "amx_int8", "amx_bf16", "asimd", "asimddp", "sve")


def cpu() -> dict:
    """The CPU's model name and the SIMD flags that choose int8 and float kernels."""
    import platform

    name, flags = platform.processor() or platform.machine(), set()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            key, _, value = line.partition(":")
            key = key.strip().lower()
            if key in ("model name", "hardware") and name in ("", platform.machine()):
                name = value.strip()
            elif key in ("flags", "features"):
                flags |= set(value.split())
    except OSError:
        pass
    return {"name": name, "machine": platform.machine(),
            "flags": [f for f in SIMD_FLAGS if f in flags]}


def kernel_agreement() -> dict:
    """:func:`agreement` in a child process per ``fixtures.margins.KERNEL_ENVS`` entry."""
    import os
    import subprocess

    out = {}
    from fixtures.margins import KERNEL_ENVS

    for name, extra in KERNEL_ENVS.items():
        proc = subprocess.run(
            [sys.executable, __file__, "--skip-speed", "--json-only"],
            env={**os.environ, **extra}, capture_output=True, text=True, check=True)
        out[name] = json.loads(proc.stdout.strip().splitlines()[-1])["agreement"]
    return out


def ct2_types() -> list[str]:
    import ctranslate2

    have = ctranslate2.get_supported_compute_types("cpu")
    return [t for t in ("int8", "int8_float32", "int16", "float32") if t in have]


def engines(path: Path, src: str, tgt: str):
    """``{label: TranslationEngine}`` for one checkpoint: CT2 per compute type, torch per
    dtype."""
    from translate.models.backends.ctranslate2_backend import CTranslate2Backend
    from translate.models.backends.torch_backend import TorchBackend
    from translate.models.engine import TranslationEngine
    from translate.models.loading import load_checkpoint
    from translate.models.registry import ModelSpec

    checkpoint = load_checkpoint(ModelSpec(str(path)), tgt, weights=True)
    out = {}
    for ct in ct2_types():
        out[f"ct2 {ct}"] = TranslationEngine(checkpoint, CTranslate2Backend(
            checkpoint, "cpu", compute_type=ct))
    import torch

    decoder = checkpoint.tokenizer.decoder
    pieces = [decoder.get(i, "") for i in range(len(decoder))]
    for dtype in TORCH_DTYPES:
        ck = dataclasses.replace(checkpoint) if dtype == "float32" else dataclasses.replace(
            checkpoint, model=__import__("copy").deepcopy(checkpoint.model).to(
                getattr(torch, dtype)))
        out[f"torch {dtype}"] = TranslationEngine(ck, TorchBackend(ck.model, "cpu", pieces))
    return out


def agreement() -> dict:
    from support import FIXTURES, MODELS, aligned_rows

    rows = aligned_rows()
    table: dict[str, dict[str, int]] = {}
    cases = [(MODELS / name, s, t, f"{name} {s}->{t}") for name, s, t in DIRECTIONS]
    cases.append((FIXTURES / "models-sepvocab" / "en-it", "en", "it", "sepvocab en->it"))
    for path, src, tgt, label in cases:
        sources = [r[src] for r in rows]
        refs = [r[tgt] for r in rows]
        outs = {name: [o.text for o in eng.translate(sources)]
                for name, eng in engines(path, src, tgt).items()}
        f32 = outs["ct2 float32"]
        table[label] = {name: (sum(a == b for a, b in zip(o, refs, strict=True)),
                               sum(a == b for a, b in zip(o, f32, strict=True)))
                        for name, o in outs.items()}
        table[label]["n"] = len(rows)
    return table


def speed(n: int, new_tokens: int, rounds: int) -> dict:
    from throughput import ensure_checkpoint, sentences

    from translate.models.engine import DecodeOptions

    path = ensure_checkpoint()
    systems = engines(path, "en", "it")
    texts = sentences(n)
    opts = DecodeOptions(beam_size=4, min_new_tokens=new_tokens, max_new_tokens=new_tokens)
    for eng in systems.values():
        eng.translate(texts[:2], opts)  # warm-up
    times: dict[str, list[float]] = {name: [] for name in systems}
    names = list(systems)
    for r in range(rounds):
        order = names[r % len(names):] + names[:r % len(names)]
        for name in order:
            t = time.perf_counter()
            systems[name].translate(texts, opts)
            times[name].append(time.perf_counter() - t)
    return {name: statistics.median(v) for name, v in times.items()}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=32)
    ap.add_argument("--new-tokens", type=int, default=16)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--skip-speed", action="store_true")
    ap.add_argument("--kernels", action="store_true",
                    help="also count the references under every kernel family this CPU "
                         "can be capped to")
    ap.add_argument("--json-only", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    agree = agreement()
    if args.json_only:
        print(json.dumps({"agreement": agree}))
        return 0
    info = cpu()
    print(f"CPU: {info['name']} ({info['machine']}); SIMD flags: {' '.join(info['flags'])}")
    names = list(next(iter(agree.values())).keys() - {"n"})
    names.sort(key=lambda s: (not s.startswith("ct2"), s))
    print("Agreement on the fixture references: equal to the reference / equal to ct2 "
          "float32 (of n)")
    print("| checkpoint | n | " + " | ".join(names) + " |")
    print("|---|---|" + "---|" * len(names))
    for label, row in agree.items():
        print(f"| {label} | {row['n']} | " + " | ".join(
            f"{row[k][0]} / {row[k][1]}" for k in names) + " |")
    result = {"cpu": info, "agreement": agree}
    if args.kernels:
        kernels = kernel_agreement()
        print("\nReferences exact per kernel family (all checkpoints, of "
              f"{sum(r['n'] for r in agree.values())})")
        print("| kernels | " + " | ".join(names) + " |")
        print("|---|" + "---|" * len(names))
        for kname, table in kernels.items():
            print(f"| {kname} | " + " | ".join(
                str(sum(row[k][0] for row in table.values())) for k in names) + " |")
        result["kernels"] = kernels
    if not args.skip_speed:
        secs = speed(args.n, args.new_tokens, args.rounds)
        base = secs["ct2 float32"]
        print(f"\nSpeed: OPUS-MT base (random), {args.n} sentences x {args.new_tokens} "
              f"tokens, beam 4, median of {args.rounds} rounds")
        print("| system | s | sentences/s | x ct2 float32 |")
        print("|---|---|---|---|")
        for name in sorted(secs, key=secs.get):
            print(f"| {name} | {secs[name]:.2f} | {args.n / secs[name]:.2f} | "
                  f"{base / secs[name]:.2f} |")
        result["speed_seconds"] = secs
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
