"""Whole-process cost of `translate article` against a minimal ctranslate2 + sentencepiece
script doing the same decode.

    python benchmarks/startup.py              # 5 alternating runs of each, medians
    python benchmarks/startup.py --runs 7

Three articles, each translated en -> it with the fixture checkpoints (fixtures/models,
the CTranslate2 conversion cached beforehand, int8, beam 4, the default threads):

    (i)   one sentence
    (ii)  the reference article (fixtures/corpus/khojaly-rome.en.txt; its Azerbaijani
          footer pivots az -> en -> it, and the script does the same)
    (iii) a 300-sentence article (benchmarks/throughput.py's sentences, paragraphs of 5)

`translate article FILE --from en --to it --models-dir fixtures/models --no-enforce` runs
our whole pipeline (segmentation, language identification, the news glossary matched and
verified in every sentence, layout kept) but, like the script, decodes each segment once:
with enforcement on, a sentence that misses a term is decoded again with constraints on
torch, which the script does not do (on (i) and (ii) every term is found on the first
pass, so there it changes nothing; the fixture models, trained on 18 sentences, miss
terms in many of (iii)'s recombined sentences). The script gets the very segments
`translate` decodes (each with its language, written beforehand by this benchmark),
loads the same converted models with ``ctranslate2.Translator`` and the checkpoint's
SentencePiece models, decodes with the options our backend passes (beam 4, patience 2,
each sentence's own length cap, enforced the way our backend does) and prints the
translations (checked: on (ii) all equal ours, on (iii) 294 of 298; the rest are runaway
outputs of the fixture model, which our repetition guard trims).
The two commands alternate, median of ``--runs`` each; wall time from start to exit, peak
RSS from the child's rusage (``wait4``).

Both run with byte-compiled modules (``PYTHONPYCACHEPREFIX`` in the run's temporary
directory, filled by a warm-up run), as after a ``pip install``, even where the environment
sets ``PYTHONDONTWRITEBYTECODE`` (which made every run compile ``translate`` anew).

Also timed: `translate --help` and `translate segment` (on the reference article), whose
goal is under 0.3 s, next to a bare ``python -c pass`` for scale. Prints a table and,
last, one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

MODELS = ROOT / "fixtures" / "models"
REFERENCE = ROOT / "fixtures" / "corpus" / "khojaly-rome.en.txt"
GOALS = {"one sentence": 3.0, "reference article": 1.5, "300 sentences": 1.1}
RSS_GOAL = 2.0
QUICK_GOAL_S = 0.3

#: the minimal script: the segments (lang TAB text per line) -> Italian, nothing else
SCRIPT = r'''
import json, sys
import ctranslate2, sentencepiece as spm
cfg = json.load(open(sys.argv[1]))
lines = [l.rstrip("\n").split("\t", 1) for l in open(sys.argv[2], encoding="utf-8")]
models = {}
def decode(tr, source, steps):
    return [r.hypotheses[0] for r in tr.translate_batch(
        source, beam_size=4, patience=2.0, max_decoding_length=steps,
        return_end_token=True, max_input_length=0, max_batch_size=0)]
def step(direction, texts):
    if direction not in models:
        m = cfg["models"][direction]
        models[direction] = (
            ctranslate2.Translator(m["ct2"], device="cpu", compute_type="int8",
                                   intra_threads=cfg["threads"], inter_threads=1),
            spm.SentencePieceProcessor(model_file=m["source_spm"]),
            spm.SentencePieceProcessor(model_file=m["target_spm"]))
    tr, src, tgt = models[direction]
    source = [src.encode(t, out_type=str) + ["</s>"] for t in texts]
    # each sentence's own length cap (2 x source + 16, as OPUS-MT's limits in our engine):
    # batches of 64 by length decoded to their longest cap, the few that ran past their
    # own decoded again at it
    caps = [min(511, int(len(s) * 2.0) + 16) for s in source]
    order = sorted(range(len(source)), key=lambda i: -len(source[i]))
    out = [None] * len(source)
    for b in range(0, len(order), 64):
        rows = order[b:b + 64]
        top = max(caps[i] for i in rows)
        for i, h in zip(rows, decode(tr, [source[i] for i in rows], top - 1)):
            out[i] = h
        again = {}
        for i in rows:
            n = len(out[i]) + (out[i][-1:] != ["</s>"] and len(out[i]) == top - 1)
            if n > caps[i] or (n == caps[i] and caps[i] < top):
                again.setdefault(caps[i], []).append(i)
        for cap, idx in again.items():
            for i, h in zip(idx, decode(tr, [source[i] for i in idx], cap - 1)):
                out[i] = h
    return [tgt.decode([p for p in h if p != "</s>"]) for h in out]
out = [None] * len(lines)
for lang in ("en", "az"):
    rows = [i for i, (l, _) in enumerate(lines) if l == lang]
    texts = [lines[i][1] for i in rows]
    if lang == "az":
        texts = step("az-en", texts)
    for i, t in zip(rows, step("en-it", texts)):
        out[i] = t
sys.stdout.write("\n".join(out) + "\n")
'''


def _run(cmd: list[str], env: dict[str, str]) -> tuple[float, float, bytes]:
    """Wall seconds, peak RSS MB and stdout of one child process."""
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.PIPE, env=env, cwd=ROOT)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        err = proc.stderr.read().decode(errors="replace")
        proc.stderr.close()
        if proc.returncode != 0:
            raise SystemExit(f"{' '.join(cmd[:4])}... failed ({proc.returncode}): {err}")
        out.seek(0)
        return wall, usage.ru_maxrss / 1024, out.read()


def _segments(text: str) -> list[tuple[str, str]]:
    """(language, segment) for each segment `translate article` sends to a model."""
    from translate import pipeline
    from translate.segment import segment

    norm = pipeline.normalise(text, "en")
    segs = segment(norm, "en")
    langs = pipeline.identify(segs, "en")
    return [(lang, s.text) for s, lang in zip(segs, langs, strict=True)
            if lang in ("en", "az") and s.text.strip()]


def _model_files(cache: Path) -> dict:
    from translate import Translator
    from translate.models.registry import Step

    tr = Translator(models_dir=MODELS, device="cpu", glossary=False)
    models = {}
    for direction in ("en-it", "az-en"):
        src, tgt = direction.split("-")
        (step,) = tr.route(src, tgt)
        assert isinstance(step, Step)
        engine = tr.engine(step)
        models[direction] = {"ct2": str(engine.backend.model_dir),
                             "source_spm": str(engine.checkpoint.path / "source.spm"),
                             "target_spm": str(engine.checkpoint.path / "target.spm")}
    return {"models": models, "threads": engine.backend.threads}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args(argv)
    from throughput import article_of, sentences

    work = Path(tempfile.mkdtemp(prefix="translate-startup-"))
    env = {**os.environ, "PYTHONPATH": str(ROOT),
           "TRANSLATE_CACHE_DIR": os.environ.get("TRANSLATE_CACHE_DIR", str(work / "cache"))}
    os.environ["TRANSLATE_CACHE_DIR"] = env["TRANSLATE_CACHE_DIR"]
    env.pop("TRANSLATE_MODELS_DIR", None)
    # as after a pip install: byte-compiled modules (the warm-up runs write them), for
    # both commands, even where the environment says PYTHONDONTWRITEBYTECODE
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
    # converts once, beforehand, in a child: converting imports torch, and a parent that
    # big would inflate every measured child's peak RSS (a forked child starts as a copy)
    config = json.loads(subprocess.run(
        [sys.executable, "-c", "import json, startup; "
         "print(json.dumps(startup._model_files(None)))"],
        env={**env, "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "benchmarks")])},
        cwd=ROOT, check=True, capture_output=True, text=True).stdout.splitlines()[-1])
    (work / "config.json").write_text(json.dumps(config))
    (work / "script.py").write_text(SCRIPT)
    articles = {
        "one sentence": "The event began with prayers for the victims.\n",
        "reference article": REFERENCE.read_text(encoding="utf-8"),
        "300 sentences": article_of(sentences(300)),
    }
    translate = [sys.executable, "-m", "translate.cli"]
    rows = []
    for name, text in articles.items():
        article = work / f"{name.replace(' ', '-')}.en.txt"
        article.write_text(text, encoding="utf-8")
        segs = _segments(text)
        seg_file = work / f"{name.replace(' ', '-')}.segments.tsv"
        seg_file.write_text("".join(f"{lang}\t{' '.join(t.split())}\n" for lang, t in segs),
                            encoding="utf-8")
        ours = [*translate, "article", str(article), "--from", "en", "--to", "it",
                "--models-dir", str(MODELS), "--no-enforce"]
        script = [sys.executable, str(work / "script.py"), str(work / "config.json"),
                  str(seg_file)]
        _run(ours, env)  # warm the page cache for both
        _run(script, env)
        walls = {"ours": [], "script": []}
        rss = {"ours": [], "script": []}
        for r in range(args.runs):
            for who in (("ours", "script") if r % 2 == 0 else ("script", "ours")):
                wall, peak, _ = _run(ours if who == "ours" else script, env)
                walls[who].append(wall)
                rss[who].append(peak)
        row = {"article": name, "segments": len(segs),
               **{f"{w}_wall_s": statistics.median(walls[w]) for w in walls},
               **{f"{w}_rss_mb": statistics.median(rss[w]) for w in rss}}
        row["wall_ratio"] = row["ours_wall_s"] / row["script_wall_s"]
        row["rss_ratio"] = row["ours_rss_mb"] / row["script_rss_mb"]
        row["goal"] = GOALS[name]
        rows.append(row)
    quick = {}
    for name, cmd in (("python -c pass (baseline)", [sys.executable, "-c", "pass"]),
                      ("translate --help", [*translate, "--help"]),
                      ("translate segment", [*translate, "segment", str(REFERENCE),
                                             "--lang", "en"])):
        _run(cmd, env)  # warm-up
        runs = [_run(cmd, env) for _ in range(args.runs)]
        quick[name] = {"wall_s": statistics.median(r[0] for r in runs),
                       "rss_mb": statistics.median(r[1] for r in runs)}
    print(f"Whole processes, median of {args.runs} alternating runs, "
          f"{config['threads']} thread(s), OMP_WAIT_POLICY="
          f"{os.environ.get('OMP_WAIT_POLICY', '(unset)')}")
    print("| article | segments | translate s | script s | x script (goal) "
          "| translate MB | script MB | x script (goal 2) |")
    print("|---|---|---|---|---|---|---|---|")
    for row in rows:
        print(f"| {row['article']} | {row['segments']} | {row['ours_wall_s']:.2f} | "
              f"{row['script_wall_s']:.2f} | {row['wall_ratio']:.2f} (<= {row['goal']}) | "
              f"{row['ours_rss_mb']:.0f} | {row['script_rss_mb']:.0f} | "
              f"{row['rss_ratio']:.2f} |")
    for name, q in quick.items():
        print(f"| `{name}` | | {q['wall_s']:.3f} | | (goal < {QUICK_GOAL_S} s) | "
              f"{q['rss_mb']:.0f} | | |")
    met = all(r["wall_ratio"] <= r["goal"] and r["rss_ratio"] <= RSS_GOAL for r in rows) \
        and all(q["wall_s"] < QUICK_GOAL_S for n, q in quick.items() if "baseline" not in n)
    print(json.dumps({"rows": rows, "quick": quick, "goals_met": met}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
