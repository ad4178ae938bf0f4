"""Alignment error rate of the fixture models' word links against the gold alignments.

    python benchmarks/alignment.py                       # fixtures/models
    python benchmarks/alignment.py --models-dir DIR      # other checkpoints, same layout

For each direction the reference sentences (``fixtures/corpus/khojaly-rome.aligned.tsv``,
which the fixtures reproduce exactly) are translated with ``Translator.translate_batch(...,
align=True)`` on the torch and the CTranslate2 backends, and the links are scored
against the gold of ``fixtures/corpus/alignment`` (sure links only, so AER = 1 - F1):

- ``guided head``: what the API returns: the alignment head (last decoder layer, head 0,
  trained with the guided-alignment loss), argmax per target piece.
- ``ct2 int8``: the same through CTranslate2's ``return_attention`` (int8 weights).
- naive choices for comparison, on the torch model by forced alignment of the reference:
  the other heads of the last layer (best and worst of them), and the mean of all heads
  of all layers (what one reads without knowing which head was trained).

Gold for it->en and az->en is the en-xx gold transposed; for az->it (through English) it
is the composition of the az-en and en-it gold, and the predicted links are the
composition of the two models' links. The last line is one JSON object of the figures.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from fixtures.build import load_gold, load_pairs  # noqa: E402
from translate import Translator  # noqa: E402
from translate.models import alignment  # noqa: E402
from translate.models.alignment import (  # noqa: E402
    WordLink,
    alignment_error_rate,
    link_indices,
    word_spans,
)

DIRECTIONS = [("en-it", "en", "it"), ("it-en", "it", "en"), ("en-az", "en", "az"),
              ("az-en", "az", "en"), ("en-trk", "en", "az"), ("en-trk", "en", "it")]


def gold_links(src: str, tgt: str) -> list[set[tuple[int, int]]]:
    if "en" in (src, tgt):
        return load_gold(src, tgt)
    # through English: compose src-en and en-tgt
    return [{(i, k) for i, j in ab for jj, k in bc if j == jj}
            for ab, bc in zip(load_gold(src, "en"), load_gold("en", tgt), strict=True)]


def score(links: list, sources: list[str], targets: list[str], src: str, tgt: str) -> float:
    gold = gold_links(src, tgt)
    predicted, sure = set(), set()
    for k, (found, s, t) in enumerate(zip(links, sources, targets, strict=True)):
        pairs = link_indices(found, word_spans(s, src), word_spans(t, tgt))
        predicted |= {(k, i, j) for i, j in pairs}
        sure |= {(k, i, j) for i, j in gold[k]}
    return alignment_error_rate(predicted, sure)


def head_links(engine, sources: list[str], targets: list[str], src: str, tgt: str, head
               ) -> list[tuple[WordLink, ...]]:
    """Forced alignment of the references through one head ``(layer, head)``, or the mean
    of all heads of all layers (``head="mean"``), on the torch model."""
    import torch

    model = engine.checkpoint.model
    tok = engine.checkpoint.tokenizer
    out = []
    for source, target in zip(sources, targets, strict=True):
        pieces = engine.pieces(source)
        tgt_pieces = tok.spm_target.encode(target, out_type=str)
        ids = engine.prefix + tok.convert_tokens_to_ids(pieces) + [engine.eos_id]
        tgt_ids = tok.convert_tokens_to_ids(tgt_pieces) + [engine.eos_id]
        dec = [model.config.decoder_start_token_id, *tgt_ids[:-1]]
        args = (torch.tensor([ids]), torch.ones(1, len(ids), dtype=torch.long),
                torch.tensor([dec]))
        with torch.inference_mode():
            if head == "mean":
                cfg = model.config
                att = torch.stack([alignment.cross_attention(model, *args, head=(la, h))
                                   for la in range(cfg.decoder_layers)
                                   for h in range(cfg.decoder_attention_heads)]).mean(0)
            else:
                att = alignment.cross_attention(model, *args, head=head)
        out.append(alignment.align(source, target, engine._columns(pieces), tgt_pieces,
                                   att[0].tolist(), src_lang=src, tgt_lang=tgt))
    return out


def overhead(models_dir: Path, no_ct2: bool, repeats: int = 3) -> dict:
    """Time of ``translate_batch(..., align=True)`` over plain ``translate_batch`` for the
    18 en->it reference sentences, per backend (best of ``repeats``, warm models)."""
    sources = [s for s, _ in load_pairs("en", "it")]
    out = {}
    for backend in ("torch",) if no_ct2 else ("torch", "ctranslate2"):
        tr = Translator({"en-it": str(models_dir / "en-it")}, device="cpu", glossary=False,
                        backend=backend)
        tr.translate_batch(sources, "en", "it", align=True)  # load, convert
        times = {}
        for align in (False, True):
            best = float("inf")
            for _ in range(repeats):
                t0 = time.perf_counter()
                tr.translate_batch(sources, "en", "it", align=align)
                best = min(best, time.perf_counter() - t0)
            times[align] = best
        out[backend] = {"plain_s": round(times[False], 3), "align_s": round(times[True], 3),
                        "ratio": round(times[True] / times[False], 2)}
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--models-dir", type=Path, default=ROOT / "fixtures" / "models")
    ap.add_argument("--no-ct2", action="store_true", help="skip the CTranslate2 backend")
    args = ap.parse_args(argv)
    figures: dict[str, dict] = {}
    links_by_dir: dict[tuple[str, str], list] = {}
    rows = []
    for name, src, tgt in DIRECTIONS:
        pairs = load_pairs(src, tgt)
        sources = [s for s, _ in pairs]
        models = {f"{src}-{tgt}": str(args.models_dir / name)}
        tr = Translator(models, device="cpu", glossary=False)
        t0 = time.perf_counter()
        res = tr.translate_batch(sources, src, tgt, align=True)
        seconds = time.perf_counter() - t0
        targets = [r.text for r in res]
        exact = sum(t == ref for t, (_, ref) in zip(targets, pairs, strict=True))
        fig = {"exact": exact, "sentences": len(pairs), "seconds": round(seconds, 2),
               "guided": score([r.alignment for r in res], sources, targets, src, tgt)}
        if name != "en-trk":
            links_by_dir[(src, tgt)] = [r.alignment for r in res]
        if not args.no_ct2:
            fast = Translator(models, device="cpu", glossary=False, backend="ctranslate2")
            out = fast.translate_batch(sources, src, tgt, align=True)
            fig["ct2_int8"] = score([r.alignment for r in out], sources,
                                    [r.text for r in out], src, tgt)
        engine = tr.engine(tr.route(src, tgt)[0])
        cfg = engine.checkpoint.model.config
        last = cfg.decoder_layers - 1
        refs = [t for _, t in pairs]
        others = [score(head_links(engine, sources, refs, src, tgt, (last, h)), sources,
                        refs, src, tgt) for h in range(1, cfg.decoder_attention_heads)]
        fig["other_heads_best"], fig["other_heads_worst"] = min(others), max(others)
        fig["mean_all_heads"] = score(head_links(engine, sources, refs, src, tgt, "mean"),
                                      sources, refs, src, tgt)
        label = f"{name} ({src}->{tgt})" if name == "en-trk" else name
        figures[label] = fig
        rows.append((label, fig))
    if ("az", "en") in links_by_dir and ("en", "it") in links_by_dir:
        pivot = Translator({"az-en": str(args.models_dir / "az-en"),
                            "en-it": str(args.models_dir / "en-it")},
                           device="cpu", glossary=False)
        sources = [s for s, _ in load_pairs("az", "it")]
        res = pivot.translate_batch(sources, "az", "it", align=True)
        figures["az->en->it (composed)"] = {
            "exact": sum(r.text == t for r, (_, t) in zip(res, load_pairs("az", "it"),
                                                           strict=True)),
            "sentences": len(sources),
            "guided": score([r.alignment for r in res], sources, [r.text for r in res],
                            "az", "it")}
    figures["cost"] = overhead(args.models_dir, args.no_ct2)
    print("| model | exact | AER guided head (torch) | ct2 int8 | other heads of the last "
          "layer (best – worst) | mean of all heads |")
    print("|---|---|---|---|---|---|")
    for label, fig in figures.items():
        if label == "cost":
            continue
        def pct(key, f=fig):
            return f"{100 * f[key]:.1f}%" if key in f else "–"
        others = (f"{pct('other_heads_best')} – {pct('other_heads_worst')}"
                  if "other_heads_best" in fig else "–")
        print(f"| {label} | {fig['exact']}/{fig['sentences']} | {pct('guided')} | "
              f"{pct('ct2_int8')} | {others} | {pct('mean_all_heads')} |")
    for backend, cost in figures["cost"].items():
        print(f"align=True on {backend}: {cost['align_s']:.3f}s vs {cost['plain_s']:.3f}s "
              f"plain ({cost['ratio']}x), 18 en->it sentences")
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
