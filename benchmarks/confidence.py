"""What computing the confidence of each sentence costs (issue 26), against decoding
without it, in one run.

    python benchmarks/confidence.py                 # fixture models, both backends
    python benchmarks/confidence.py --base          # the OPUS-MT base-shaped random model
    python benchmarks/confidence.py --rounds 9 --sentences 128

Per backend, the same sentences go through ``TranslationEngine.translate`` with
``scores=False`` (decoding only: what the toolkit did before) and ``scores=True`` (the
default now: CTranslate2's ``return_scores``; torch's one teacher-forced pass over the
chosen outputs), alternating which goes first from round to round, and the review
reasons (:func:`translate.review.reasons`) of every output are timed on top of the
second. Times are CPU seconds of this process (``time.process_time``) on one thread
(``OMP_NUM_THREADS=1``), so that other jobs on a shared machine disturb them less; the
median over ``--rounds``. The last line is JSON: per backend the two medians and the
ratio (goal: at most 1.03).

``--base``: the randomly initialised OPUS-MT base-shaped checkpoint of
``benchmarks/throughput.py`` (built once into its cache; random weights never emit
``</s>``, so every sentence decodes exactly ``--new-tokens`` tokens, min = max).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _throughput():
    spec = importlib.util.spec_from_file_location("bench_throughput",
                                                  ROOT / "benchmarks" / "throughput.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--sentences", type=int, default=64)
    ap.add_argument("--backends", default="ctranslate2,torch")
    ap.add_argument("--base", action="store_true",
                    help="the OPUS-MT base-shaped random model instead of the fixtures")
    ap.add_argument("--new-tokens", type=int, default=16, help="with --base")
    args = ap.parse_args(argv)

    import torch

    torch.set_num_threads(1)
    from translate import Translator
    from translate.review import confidence, reasons

    bench = _throughput()
    texts = bench.sentences(args.sentences)
    if args.base:
        models = {"models": {"en-it": str(bench.ensure_checkpoint())}}
    else:
        models = {"models_dir": str(ROOT / "fixtures" / "models")}
    rows = {}
    for backend in args.backends.split(","):
        tr = Translator(**models, device="cpu", glossary=False, backend=backend, threads=1)
        engine = tr.engine(tr.route("en", "it")[0])
        options = tr.options
        if args.base:
            options = replace(options, min_new_tokens=args.new_tokens,
                              max_new_tokens=args.new_tokens)
        engine.translate(texts[:2], options)  # warm up (and convert, for CTranslate2)
        times: dict[bool, list[float]] = {False: [], True: []}
        same = True
        for r in range(args.rounds):
            for scored in ((False, True) if r % 2 == 0 else (True, False)):
                start = time.process_time()
                outs = engine.translate(texts, options, scores=scored)
                if scored:
                    for text, out in zip(texts, outs, strict=True):
                        reasons(text, out.text, "en", "it", confidence=confidence(out.score),
                                warnings=out.warnings)
                times[scored].append(time.process_time() - start)
                if scored:
                    with_scores = [o.text for o in outs]
                else:
                    without = [o.text for o in outs]
            same = same and with_scores == without
        plain, scored = statistics.median(times[False]), statistics.median(times[True])
        rows[backend] = {"without_s": round(plain, 4), "with_s": round(scored, 4),
                         "ratio": round(scored / plain, 4), "same_outputs": same,
                         "rounds_without": [round(t, 4) for t in times[False]],
                         "rounds_with": [round(t, 4) for t in times[True]]}
    model = "OPUS-MT base-shaped random" if args.base else "fixture models"
    cpu = platform.processor() or platform.machine()
    print(f"{len(texts)} sentences en->it, {model}, beam {tr.options.beam_size}, "
          f"median of {args.rounds} rounds, CPU s, 1 thread ({cpu})")
    print("| backend | decoding, s | decoding + confidence + review, s | ratio |")
    print("|---|---|---|---|")
    for backend, row in rows.items():
        print(f"| {backend} | {row['without_s']:.3f} | {row['with_s']:.3f} | "
              f"{row['ratio']:.3f} |")
    print(json.dumps({"sentences": len(texts), "model": model, "rounds": args.rounds,
                      "backends": rows}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
