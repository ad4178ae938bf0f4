"""Glossary-constrained decoding against plain decoding: same input, same run, ratios.

    python benchmarks/constraints.py            # OPUS-MT base shape (86M) + fixture model
    python benchmarks/constraints.py --quick    # fewer sentences, smaller model
    python benchmarks/constraints.py --enforcement-only [--sentences N]   # 3. alone

Three measurements, each as the median of interleaved repeats:

1. Decoder cost. A randomly initialised checkpoint of the OPUS-MT base shape decodes the
   reference article's English sentences with the terms the news glossary finds in them
   as constraints, and without. Random weights never stop, so both runs decode the same
   number of tokens (min = max new tokens): the difference is the constraint processor.
2. Pipeline cost. The trained fixture en->az model translates the same sentences through
   ``Translator.translate_batch`` with the news glossary (verify, and re-decode only what
   misses a term) and without a glossary.
3. Enforcement on the default backend (issue 22). The fixture en-az model on ctranslate2
   translates the article's sentences (numbered variants up to ``--sentences``) with a
   glossary of spellings it never produces, so every sentence with a term is re-decoded
   with constraints; each run in its own process (peak RSS is its own): no glossary, the
   constraints carried by CTranslate2 (now), and the re-decode sent to torch (before:
   the constrained requests go to a ``TorchBackend`` of the same checkpoint, loaded on
   first use, as the enforcement stage did).

Goal (issue 4): constrained decoding at most 1.5x the time of plain decoding. The last
line printed is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
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
                 beam: int, backend: str = "torch") -> dict:
    name = f"random-en-az-{shape.d_model}x{shape.layers}"
    path = OUT / name
    if not (path / "model.safetensors").exists():
        print(f"building {name} ...", file=sys.stderr)
        build_random_checkpoint(path, src="en", tgt="az", shape=shape, vocab_size=vocab)
    tr = Translator({"en-az": str(path)}, device="cpu", glossary=False, beam_size=beam,
                    backend=backend)
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
    model = engine.checkpoint.model  # None on ctranslate2 (converted weights)
    return {"model": name, "backend": backend,
            "params_m": model and round(sum(x.numel() for x in model.parameters()) / 1e6, 1),
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


#: spellings the fixture en-az model never writes: only enforcement produces them
UNSEEN = """en\taz
Khojaly\tHocalı
Holy See\tQutsal Taxt
Vatican\tVatikan Şəhəri
Ilgar Muxtarov\tİlgar Muhtarov
Rashad Aslanov\tRaşad Aslanlı
European Court of Human Rights\tAİHM
"""
MODES = ("plain", "ctranslate2", "torch-redo")


def _redo_on_torch() -> None:
    """The enforcement of before issue 22: constrained requests on the ctranslate2 backend
    go to a torch backend of the same checkpoint (loaded on first use)."""
    from translate.models.backends import ctranslate2_backend as ct2

    init, generate = ct2.CTranslate2Backend.__init__, ct2.CTranslate2Backend.generate

    def patched_init(self, checkpoint, *args, **kwargs):
        init(self, checkpoint, *args, **kwargs)
        self._checkpoint = checkpoint

    def patched_generate(self, request, attention=None):
        if not (request.constraints and any(request.constraints)):
            return generate(self, request, attention)
        if getattr(self, "_torch", None) is None:
            from translate.models.backends.torch_backend import TorchBackend
            from translate.models.loading import SAFE_WEIGHTS, _load_model

            model = _load_model(Path(self._checkpoint.path), SAFE_WEIGHTS).eval()
            decoder = self._checkpoint.tokenizer.decoder
            self._torch = TorchBackend(model, "cpu", [decoder.get(i, "") for i in
                                                      range(len(decoder))])
        return self._torch.generate(request, attention)

    ct2.CTranslate2Backend.__init__ = patched_init
    ct2.CTranslate2Backend.generate = patched_generate


def enforcement_child(mode: str, texts_file: str, glossary: str) -> None:
    """One measured process: prints one JSON line."""
    texts = json.loads(Path(texts_file).read_text(encoding="utf-8"))
    if mode == "torch-redo":
        _redo_on_torch()
    models = ROOT / "fixtures" / "models"
    tr = Translator({"en-az": str(models / "en-az")}, device="cpu",
                    glossary=False if mode == "plain" else [glossary])
    tr.translate(["Thank you."], "en", "az")  # loads the model; no term, no re-decode
    t0 = time.perf_counter()
    results = tr.translate_batch(texts, "en", "az")
    wall = time.perf_counter() - t0
    checks = [c for r in results for c in r.terms]
    print(json.dumps({
        "mode": mode, "backend": tr.backend, "wall_s": wall,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "redecoded": sum(any("re-decoded" in w for w in r.warnings) for r in results),
        "found": sum(c.status == "found" for c in checks), "terms": len(checks),
        "torch_loaded": "torch" in sys.modules}))


def enforcement_cost(n: int, repeats: int) -> dict:
    texts = sentences(n)
    with tempfile.TemporaryDirectory() as tmp:
        texts_file, glossary = Path(tmp) / "texts.json", Path(tmp) / "unseen.tsv"
        texts_file.write_text(json.dumps(texts), encoding="utf-8")
        glossary.write_text(UNSEEN, encoding="utf-8")
        runs: dict[str, list[dict]] = {m: [] for m in MODES}
        for _ in range(repeats):  # interleaved
            for mode in MODES:
                proc = subprocess.run(
                    [sys.executable, __file__, "--child", mode, str(texts_file), str(glossary)],
                    capture_output=True, text=True, check=True,
                    env={**os.environ, "PYTHONPATH": str(ROOT)})
                runs[mode].append(json.loads(proc.stdout.strip().splitlines()[-1]))
    out: dict = {"sentences": len(texts), "repeats": repeats}
    for mode, rs in runs.items():
        wall = statistics.median(r["wall_s"] for r in rs)
        out[mode] = {"wall_s": round(wall, 3), "sentences_per_s": round(len(texts) / wall, 1),
                     "peak_rss_mb": round(max(r["peak_rss_mb"] for r in rs), 1),
                     "redecoded": rs[0]["redecoded"], "found": rs[0]["found"],
                     "terms": rs[0]["terms"], "torch_loaded": rs[0]["torch_loaded"]}
    now, before = out["ctranslate2"], out["torch-redo"]
    out["now_vs_before"] = {"throughput": round(now["sentences_per_s"]
                                                / before["sentences_per_s"], 3),
                            "peak_rss": round(now["peak_rss_mb"] / before["peak_rss_mb"], 3)}
    return out


def print_enforcement(enf: dict) -> None:
    print(f"enforcement on the default backend, fixture en-az, {enf['sentences']} sentences, "
          f"median of {enf['repeats']}:")
    print(f"{'run':<14}{'s':>8}{'sent/s':>9}{'peak RSS MB':>13}{'re-decoded':>12}"
          f"{'terms found':>13}{'torch':>7}")
    for mode in MODES:
        r = enf[mode]
        print(f"{mode:<14}{r['wall_s']:>8}{r['sentences_per_s']:>9}{r['peak_rss_mb']:>13}"
              f"{r['redecoded']:>12}{str(r['found']) + '/' + str(r['terms']):>13}"
              f"{'yes' if r['torch_loaded'] else 'no':>7}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="16 sentences, a small model")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--sentences", type=int, default=None,
                    help="sentences of the enforcement measurement (3.; 400, --quick 100)")
    ap.add_argument("--enforcement-only", action="store_true", help="only measurement 3.")
    ap.add_argument("--child", nargs=3, metavar=("MODE", "TEXTS", "GLOSSARY"),
                    help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        enforcement_child(*args.child)
        return 0
    enf = enforcement_cost(args.sentences or (100 if args.quick else 400), args.repeats)
    if args.enforcement_only:
        print_enforcement(enf)
        print(json.dumps({"enforcement": enf}))
        return 0
    import torch

    if args.quick:
        decs = [decoder_cost(16, Shape(d_model=256, layers=3, heads=4, ffn=1024), 20000, 24,
                             args.repeats, beam=4, backend=b) for b in ("torch", "ctranslate2")]
    else:
        decs = [decoder_cost(64, OPUS_MT_BASE, 80035, 32, args.repeats, beam=4, backend=b)
                for b in ("torch", "ctranslate2")]
    dec = decs[0]
    pipe = pipeline_cost(17 if args.quick else 51, args.repeats)
    print(f"threads: {torch.get_num_threads()}")
    print(f"{'measurement':<34}{'plain s':>10}{'with terms s':>14}{'ratio':>8}")
    for d in decs:
        print(f"{'decoder, ' + d['backend'] + ', ' + d['model']:<34}{d['plain_s']:>10}"
              f"{d['constrained_s']:>14}{d['ratio']:>8}")
    print(f"{'pipeline, fixture en-az':<34}{pipe['plain_s']:>10}{pipe['glossary_s']:>14}"
          f"{pipe['ratio']:>8}")
    print(f"term accuracy through the pipeline: {pipe['term_accuracy']:.1%} of {pipe['terms']}")
    print_enforcement(enf)
    print(json.dumps({"decoder": decs, "pipeline": pipe, "enforcement": enf,
                      "goal_constrained_at_most_1_5x": dec["ratio"] <= 1.5}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
