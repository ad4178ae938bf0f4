"""Sentence segmentation throughput against pySBD, on long mixed news text.

    python benchmarks/segmentation.py              # per-language table, last line JSON
    python benchmarks/segmentation.py --large      # also a 50 MB run: time and peak memory

The text of each language is built from the reference article (fixtures/corpus, else
../shared/corpus) and the development cases (tests/segment/data), paragraphs shuffled
with a fixed seed and repeated to ``--size-kb``. Ours segments the whole text in one
call. pySBD (``clean=False``) gets it one paragraph at a time, its fastest use: on a
whole 300 KB text it slows down more than tenfold (it is not linear). pySBD has no
Azerbaijani rules and refuses ``az``, so the az row gives it its English rules.

Times are CPU time of this process (``time.process_time``), so that other jobs on a
shared machine disturb them less; each is the best of ``--repeat`` runs (pySBD: one).
The ratio is pySBD's time over ours on the same text, which is our sentences per
second over pySBD's for the same amount of text.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from translate.segment import iter_segments, segment  # noqa: E402

DEV_SETS = {"en": ["golden_en.json"], "it": ["golden_it.json", "it_news_dev.json"],
            "az": ["az_dev.json"]}


def _corpus_dir() -> Path:
    local = ROOT / "fixtures" / "corpus"
    return local if (local / "khojaly-rome.en.txt").exists() else ROOT.parent / "shared" / "corpus"


def paragraphs(lang: str) -> list[str]:
    """The reference article's paragraphs and the dev cases of ``lang``."""
    article = (_corpus_dir() / f"khojaly-rome.{lang}.txt").read_text(encoding="utf-8")
    out = [p.strip() for p in article.split("\n\n") if p.strip()]
    for name in DEV_SETS[lang]:
        cases = json.loads((ROOT / "tests" / "segment" / "data" / name).read_text("utf-8"))
        out += [c["text"] for c in cases]
    return out


def build_text(lang: str, size: int, seed: int = 1) -> str:
    """At least ``size`` characters of ``lang`` news: shuffled paragraphs, blank lines."""
    rnd = random.Random(seed)
    base = paragraphs(lang)
    parts: list[str] = []
    total = 0
    while total < size:
        batch = base[:]
        rnd.shuffle(batch)
        for p in batch:
            parts.append(p)
            total += len(p) + 2
    return "\n\n".join(parts) + "\n"


def best_time(fn, repeat: int) -> tuple[float, int]:
    best, count = float("inf"), 0
    for _ in range(repeat):
        t0 = time.process_time()
        count = fn()
        best = min(best, time.process_time() - t0)
    return best, count


def compare(size: int, repeat: int) -> dict[str, float]:
    import pysbd

    rows = []
    for lang in ("en", "it", "az"):
        text = build_text(lang, size)
        ours, n_ours = best_time(lambda text=text, lang=lang: len(segment(text, lang)), repeat)
        sbd = pysbd.Segmenter(language="en" if lang == "az" else lang, clean=False)
        paras = text.split("\n\n")
        theirs, n_theirs = best_time(
            lambda paras=paras, sbd=sbd: sum(len(sbd.segment(p)) for p in paras), 1)
        rows.append((lang, len(text), n_ours, ours, n_theirs, theirs))

    print(f"{'lang':<5}{'chars':>10}{'ours: sent':>12}{'s':>9}{'sent/s':>11}"
          f"{'pySBD: sent':>13}{'s':>9}{'sent/s':>9}{'ratio':>8}")
    ratios: dict[str, float] = {}
    for lang, chars, n_ours, ours, n_theirs, theirs in rows:
        label = lang + ("*" if lang == "az" else "")
        ratios[lang] = round(theirs / ours, 1)
        print(f"{label:<5}{chars:>10}{n_ours:>12}{ours:>9.3f}{n_ours / ours:>11.0f}"
              f"{n_theirs:>13}{theirs:>9.3f}{n_theirs / theirs:>9.0f}{ratios[lang]:>8.1f}")
    ours_total = sum(r[3] for r in rows)
    theirs_total = sum(r[5] for r in rows)
    ratios["all"] = round(theirs_total / ours_total, 1)
    print(f"{'all':<5}{sum(r[1] for r in rows):>10}{sum(r[2] for r in rows):>12}"
          f"{ours_total:>9.3f}{sum(r[2] for r in rows) / ours_total:>11.0f}"
          f"{sum(r[4] for r in rows):>13}{theirs_total:>9.3f}"
          f"{sum(r[4] for r in rows) / theirs_total:>9.0f}{ratios['all']:>8.1f}")
    print("* pySBD refuses 'az'; it ran with its English rules on the Azerbaijani text.")
    return ratios


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def large(mb: int) -> dict[str, float]:
    """Segment ``mb`` MB of mixed en/it/az text: time, sentences, peak memory."""
    share = mb * 1_000_000 // 3
    texts = {lang: build_text(lang, share, seed=2) for lang in ("en", "it", "az")}
    chars = sum(len(t) for t in texts.values())
    rss_text = _rss_mib()

    t0 = time.process_time()
    count = sum(len(segment(t, lang)) for lang, t in texts.items())
    seconds = time.process_time() - t0
    rss_peak = _rss_mib()

    tracemalloc.start()
    streamed = sum(sum(1 for _ in iter_segments(t, lang)) for lang, t in texts.items())
    stream_peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    assert streamed == count

    print(f"\n{chars / 1e6:.1f} M characters (en, it, az thirds): {count} sentences in "
          f"{seconds:.2f} s ({count / seconds:.0f} sentences/s, {chars / seconds / 1e6:.1f} "
          f"M chars/s)")
    print(f"peak RSS: {rss_text:.0f} MiB with the text built, {rss_peak:.0f} MiB after "
          f"segment() kept all {count} segments")
    print(f"iter_segments() streaming, segments not kept: tracemalloc peak {stream_peak:.2f} MiB")
    return {"mb": mb, "seconds": round(seconds, 2), "sentences_per_s": round(count / seconds),
            "peak_rss_mib": round(rss_peak), "stream_peak_mib": round(stream_peak, 2)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--size-kb", type=int, default=200, help="text per language (default 200)")
    ap.add_argument("--repeat", type=int, default=3, help="best of N runs (default 3)")
    ap.add_argument("--large", action="store_true", help="also segment 50 MB, time and memory")
    ap.add_argument("--large-mb", type=int, default=50, help=argparse.SUPPRESS)
    args = ap.parse_args()
    result: dict[str, object] = {"ratio_vs_pysbd": compare(args.size_kb * 1000, args.repeat)}
    if args.large:
        result["large"] = large(args.large_mb)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
