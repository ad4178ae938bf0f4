"""Glossary-constrained decoding against plain decoding: same input, same run, ratios.

    python benchmarks/constraints.py            # OPUS-MT base shape (86M) + fixture model
    python benchmarks/constraints.py --quick    # fewer sentences, smaller model

Two measurements, each as the median of interleaved repeats:

1. Decoder cost. A randomly initialised checkpoint of the OPUS-MT base shape decodes the
   reference article's English sentences with the terms the news glossary finds in them
   as constraints, and without. Random weights never stop, so both runs decode the same
   number of tokens (min = max new tokens): the difference is the constraint processor.
2. Pipeline cost. The trained fixture en->az model translates the same sentences through
   ``Translator.translate_batch`` with the news glossary (verify, and re-decode only what
   misses a term) and without a glossary.

Goal (issue 4): constrained decoding at most 1.5x the time of plain decoding. The last
line printed is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from fixtures.build import OPUS_MT_BASE, Shape, build_random_checkpoint, load_pairs  # noqa: E402
from translate import Translator  # noqa: E402
from translate.glossary import default_glossary, match_terms  # noqa: E402
from translate.models.constrained import make_constraint  # noqa: E402
from translate.models.engine import DecodeOptions  # noqa: E402

OUT = ROOT / "benchmarks" / "out"


def sentences(n: int) -> list[str]:
    base = [en for en, _ in load_pairs("en", "az")][:17]  # not the Azerbaijani footer
    out = []
    i = 0
    while len(out) < n:
        s = base[i % len(base)]
        out.append(s if i < len(base) else f"{s.rstrip('.')} ({i}).")
        i += 1
    return out


def median_time(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def decoder_cost(n: int, shape: Shape, vocab: int | None, new_tokens: int, repeats: int,
                 beam: int) -> dict:
    name = f"random-en-az-{shape.d_model}x{shape.layers}"
    path = OUT / name
    if not (path / "model.safetensors").exists():
        print(f"building {name} ...", file=sys.stderr)
        build_random_checkpoint(path, src="en", tgt="az", shape=shape, vocab_size=vocab)
    tr = Translator({"en-az": str(path)}, device="cpu", glossary=False, beam_size=beam)
    engine = tr.engine(tr.route("en", "az")[0])
    tok = engine.checkpoint.tokenizer
    texts = sentences(n)
    g = default_glossary()
    constraints = []
    for text in texts:
        hits = match_terms(text, g, "en", "az")
        cons = [make_constraint(t, tok, "az") for t in dict.fromkeys(h.target for h in hits)]
        constraints.append([c for c in cons if c is not None])
    n_terms = sum(len(c) for c in constraints)
    opts = DecodeOptions(beam_size=beam, min_new_tokens=new_tokens, max_new_tokens=new_tokens)
    engine.translate(texts[:2], opts)  # warm up
    plain, constrained = [], []
    for _ in range(repeats):  # interleaved, so drift on a shared machine hits both
        plain.append(median_time(lambda: engine.translate(texts, opts), 1))
        constrained.append(median_time(
            lambda: engine.translate(texts, opts, constraints=constraints), 1))
    p, c = statistics.median(plain), statistics.median(constrained)
    return {"model": name, "params_m": round(sum(x.numel() for x in
                                                 engine.checkpoint.model.parameters()) / 1e6, 1),
            "sentences": len(texts), "terms": n_terms, "beam": beam,
            "new_tokens": new_tokens, "plain_s": round(p, 3), "constrained_s": round(c, 3),
            "ratio": round(c / p, 3)}


def pipeline_cost(n: int, repeats: int) -> dict:
    texts = sentences(n)
    models = ROOT / "fixtures" / "models"
    plain = Translator(models_dir=models, device="cpu", glossary=False)
    glossed = Translator(models_dir=models, device="cpu")
    plain.translate(texts[:2], "en", "az")
    glossed.translate(texts[:2], "en", "az")
    a, b = [], []
    for _ in range(repeats):
        a.append(median_time(lambda: plain.translate_batch(texts, "en", "az"), 1))
        b.append(median_time(lambda: glossed.translate_batch(texts, "en", "az"), 1))
    results = glossed.translate_batch(texts, "en", "az")
    checks = [c for r in results for c in r.terms]
    found = sum(c.status == "found" for c in checks)
    p, g = statistics.median(a), statistics.median(b)
    return {"model": "fixtures/models/en-az", "sentences": len(texts),
            "plain_s": round(p, 3), "glossary_s": round(g, 3), "ratio": round(g / p, 3),
            "term_accuracy": round(found / max(len(checks), 1), 4), "terms": len(checks)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="16 sentences, a small model")
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    import torch

    if args.quick:
        dec = decoder_cost(16, Shape(d_model=256, layers=3, heads=4, ffn=1024), 20000, 24,
                           args.repeats, beam=4)
    else:
        dec = decoder_cost(64, OPUS_MT_BASE, 80035, 32, args.repeats, beam=4)
    pipe = pipeline_cost(17 if args.quick else 51, args.repeats)
    print(f"threads: {torch.get_num_threads()}")
    print(f"{'measurement':<34}{'plain s':>10}{'with terms s':>14}{'ratio':>8}")
    print(f"{'decoder, ' + dec['model']:<34}{dec['plain_s']:>10}{dec['constrained_s']:>14}"
          f"{dec['ratio']:>8}")
    print(f"{'pipeline, fixture en-az':<34}{pipe['plain_s']:>10}{pipe['glossary_s']:>14}"
          f"{pipe['ratio']:>8}")
    print(f"term accuracy through the pipeline: {pipe['term_accuracy']:.1%} of {pipe['terms']}")
    print(json.dumps({"decoder": dec, "pipeline": pipe,
                      "goal_constrained_at_most_1_5x": dec["ratio"] <= 1.5}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
