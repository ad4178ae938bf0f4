"""Cost of the document pipeline without a model: time and peak memory of ``translate
article`` (and ``translate localise`` for PO) into the pseudo-locale ``en-XA``, on HTML,
Markdown, SRT, DOCX and PO files generated here at 1, 2, 5 and 10 MB, on the largest real
files of ``fixtures/documents-real``, and on HTML from 100 KB to 2 MB (issues #23 and #24).

    PYTHONPATH=$PWD nice -n 5 python benchmarks/documents.py
    PYTHONPATH=$PWD python benchmarks/documents.py --sizes 1,2 --formats html,srt --no-corpus

Each run is its own process (``python -m translate.cli ...``), timed by the wall clock and
measured by its peak resident memory (``VmHWM`` of that process as it exits), so
startup (imports, about 0.5 s and 60-80 MB) is part of every number, as a user sees it.
``en-XA`` loads no model: what is measured is reading, segmentation, protection, inline
placement, wrapping and writing, every stage but decoding.

The generated files are news-like: sentences of 6-24 common words with numbers, names
and punctuation, in paragraphs of 2-6 sentences; HTML pages with a head, a navigation
list, headings and links/emphasis inside paragraphs; Markdown with headings, emphasis,
links, code spans and lists; SRT cues of one or two lines two seconds apart; DOCX
paragraphs of several runs (bold and italic), the size counted as its document.xml (the
zip holds about a fifth); PO catalogs of messages of 1-15 words with comments,
references and a plural now and then. The same seed gives the same files.

What is reported, per format: wall and CPU seconds (``ru_utime + ru_stime`` of the run:
steadier than the wall clock on a shared machine), CPU seconds per MB at each size with the
startup (a 2 KB file of the format) taken off, and the ratio of that at the largest size
to the smallest (1.0 is linear; 10 is quadratic from 1 to 10 MB), and peak memory with its
growth per MB of input. The goals of #23: at most 1.5 s per 100 KB of
HTML, peak memory at most 150 MB + 20 times the file size. Limits the generated files go
past on purpose (SRT cues, PO units at 10 MB) are raised with ``--limit``.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT / "fixtures" / "documents-real"
MB = 1024 * 1024

WORDS = ("the of and to in a is that for on was with as by at from his her government "
         "minister city police report year people company market new said would could "
         "after before during council election president court water school hospital "
         "workers union officials week month today yesterday morning evening plan budget "
         "energy prices families children students research university team season game "
         "players coach museum exhibition artist festival music film weather storm river "
         "bridge road train airport flight border trade agreement talks leaders summit "
         "health doctors patients study data results growth rate bank interest village "
         "farmers harvest climate emissions project million billion percent local national "
         "international public private new old first last major small large").split()
NAMES = ("Rossi", "Aliyev", "Smith", "Baku", "Milan", "London", "Ganja", "Turin", "Maria",
         "Elvin", "Giulia", "John", "Reuters", "UNESCO", "Ministry of Health")


class Text:
    """Seeded news-like sentences and paragraphs."""

    def __init__(self, seed: int = 7) -> None:
        self.r = random.Random(seed)

    def sentence(self) -> str:
        r = self.r
        words = [r.choice(WORDS) for _ in range(r.randint(6, 24))]
        if r.random() < 0.4:
            words.insert(r.randrange(len(words)), r.choice(NAMES))
        if r.random() < 0.3:
            words.insert(r.randrange(len(words)), str(r.randint(2, 2025)))
        if len(words) > 10 and r.random() < 0.4:
            words[r.randrange(3, len(words) - 2)] += ","
        out = " ".join(words)
        if r.random() < 0.1:
            out = f'"{out}," {r.choice(NAMES)} said'
        return out[0].upper() + out[1:] + r.choice(".....?!")

    def paragraph(self, lo: int = 2, hi: int = 6) -> str:
        return " ".join(self.sentence() for _ in range(self.r.randint(lo, hi)))


def _fill(target: int, head: str, tail: str, piece) -> str:
    """``head`` + pieces + ``tail``, as many pieces as fit in ``target`` bytes."""
    parts, size = [head], len(head.encode()) + len(tail.encode())
    while True:
        p = piece()
        n = len(p.encode())
        if size + n > target:
            break
        parts.append(p)
        size += n
    parts.append(tail)
    return "".join(parts)


def html(target: int, t: Text) -> bytes:
    r = t.r

    def inline(par: str) -> str:
        words = par.split(" ")
        for _ in range(r.randint(0, 3)):
            i = r.randrange(len(words))
            j = min(len(words), i + r.randint(1, 4))
            tag = r.choice(["a", "em", "strong", "a"])
            attrs = f' href="https://example.org/news/{r.randint(1, 99999)}"' \
                if tag == "a" else ""
            words[i] = f"<{tag}{attrs}>" + words[i]
            words[j - 1] = words[j - 1] + f"</{tag}>"
        return " ".join(words)

    def piece() -> str:
        k = r.random()
        if k < 0.1:
            return f"<h2>{t.sentence().rstrip('.?!')}</h2>\n"
        if k < 0.15:
            items = "".join(f"<li>{inline(t.sentence())}</li>" for _ in range(r.randint(2, 5)))
            return f"<ul>{items}</ul>\n"
        return f"<p>{inline(t.paragraph())}</p>\n"

    head = ('<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8">'
            f"<title>{t.sentence()}</title>\n<style>p {{ margin: 0 }}</style></head>\n"
            '<body>\n<nav><ul><li><a href="/">Home</a></li><li><a href="/world">World'
            '</a></li><li><a href="/sport">Sport</a></li></ul></nav>\n<article>\n'
            f"<h1>{t.sentence().rstrip('.?!')}</h1>\n")
    return _fill(target, head, "</article>\n</body>\n</html>\n", piece).encode()


def markdown(target: int, t: Text) -> bytes:
    r = t.r

    def inline(par: str) -> str:
        words = par.split(" ")
        for _ in range(r.randint(0, 3)):
            i = r.randrange(len(words))
            k = r.random()
            if k < 0.4:
                words[i] = f"**{words[i]}**"
            elif k < 0.7:
                words[i] = f"[{words[i]}](https://example.org/{r.randint(1, 9999)})"
            elif k < 0.85:
                words[i] = f"`{words[i]}`"
            else:
                words[i] = f"*{words[i]}*"
        return " ".join(words)

    def piece() -> str:
        k = r.random()
        if k < 0.1:
            return f"## {t.sentence().rstrip('.?!')}\n\n"
        if k < 0.15:
            return "".join(f"- {inline(t.sentence())}\n" for _ in range(r.randint(2, 5))) + "\n"
        return inline(t.paragraph()) + "\n\n"

    return _fill(target, f"# {t.sentence().rstrip('.?!')}\n\n", "", piece).encode()


def srt(target: int, t: Text) -> bytes:
    r = t.r
    n = [0]

    def stamp(s: float) -> str:
        h, rest = divmod(int(s * 1000), 3_600_000)
        m, rest = divmod(rest, 60_000)
        sec, ms = divmod(rest, 1000)
        return f"{h:02d}:{m:02d}:{sec:02d},{ms:03d}"

    def piece() -> str:
        n[0] += 1
        words = t.sentence().split()
        lines = [" ".join(words)] if len(words) < 8 or r.random() < 0.3 else \
            [" ".join(words[:len(words) // 2]), " ".join(words[len(words) // 2:])]
        start = n[0] * 2.5
        return f"{n[0]}\n{stamp(start)} --> {stamp(start + 2)}\n" + "\n".join(lines) + "\n\n"

    return _fill(target, "", "", piece).encode()


W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def docx(target: int, t: Text) -> bytes:
    """A DOCX whose document.xml is about ``target`` bytes."""
    r = t.r
    from xml.sax.saxutils import escape

    def run(text: str) -> str:
        props = r.choice(["", "", "<w:rPr><w:b/></w:rPr>", "<w:rPr><w:i/></w:rPr>"])
        return f'<w:r>{props}<w:t xml:space="preserve">{escape(text)}</w:t></w:r>'

    def piece() -> str:
        words = t.paragraph().split(" ")
        cuts = sorted(r.sample(range(1, len(words)), min(len(words) - 1, r.randint(0, 3))))
        runs = [" ".join(words[a:b]) + (" " if b < len(words) else "")
                for a, b in zip([0, *cuts], [*cuts, len(words)], strict=True)]
        return "<w:p>" + "".join(run(x) for x in runs) + "</w:p>"

    xml = _fill(target, f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                        f'<w:document xmlns:w="{W}"><w:body>', "</w:body></w:document>", piece)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.'
                   'openxmlformats.org/package/2006/content-types"><Default Extension="xml"'
                   ' ContentType="application/xml"/><Override PartName="/word/document.xml"'
                   ' ContentType="application/vnd.openxmlformats-officedocument.'
                   'wordprocessingml.document.main+xml"/></Types>')
        z.writestr("word/document.xml", xml)
    return buf.getvalue()


def po(target: int, t: Text) -> bytes:
    r = t.r
    n = [0]

    def esc(s: str) -> str:
        return s.replace("\\", "\\\\").replace('"', '\\"')

    def piece() -> str:
        n[0] += 1
        words = " ".join(t.sentence().split()[:r.randint(1, 15)])
        ref = f"#: src/app/view{n[0] % 97}.py:{n[0]}\n"
        note = f"#. {t.sentence()}\n" if r.random() < 0.3 else ""
        if r.random() < 0.05:
            return (f'\n{note}{ref}#, python-format\nmsgid "One {esc(words)}"\n'
                    f'msgid_plural "%(n)d {esc(words)}"\nmsgstr[0] ""\nmsgstr[1] ""\n')
        return f'\n{note}{ref}msgctxt "m{n[0]}"\nmsgid "{esc(words)}"\nmsgstr ""\n'

    head = ('msgid ""\nmsgstr ""\n"Project-Id-Version: bench 1.0\\n"\n'
            '"Content-Type: text/plain; charset=UTF-8\\n"\n'
            '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n')
    return _fill(target, head, "", piece).encode()


FORMATS = {"html": (".html", html), "markdown": (".md", markdown), "srt": (".srt", srt),
           "docx": (".docx", docx), "po": (".po", po)}
#: past the default limits on purpose at 10 MB (a real file that large is rare)
RAISED = {"srt": ("--limit", "cues=1000000"), "po": ("--limit", "catalog_units=1000000")}


#: runs ``translate.cli`` and, as it exits, writes its peak resident memory (``VmHWM``,
#: kB) to ``$BENCH_HWM``: ``ru_maxrss`` of a child counts what the process held before it
#: exec'd (a fork of this one, large after building 10 MB files), ``VmHWM`` only its own
_RUNNER = """
import atexit, os, runpy, sys
def _hwm():
    with open("/proc/self/status") as f:
        kb = next((line.split()[1] for line in f if line.startswith("VmHWM:")), "")
    with open(os.environ["BENCH_HWM"], "w") as f:
        f.write(kb)
atexit.register(_hwm)
sys.argv = ["translate", *sys.argv[1:]]
runpy.run_module("translate.cli", run_name="__main__", alter_sys=True)
"""


def _cpu_seconds(pid: int) -> float:
    """CPU seconds a running process has used so far (``/proc/PID/stat``)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(path: Path, fmt: str, out: Path, timeout: float) -> dict:
    """One run of the command in its own process: wall seconds, peak RSS (MB), exit."""
    if fmt == "po":
        argv = ["localise", str(path), "--from", "en", "--to", "en-XA", "-o", str(out)]
    else:
        argv = ["article", str(path), "--from", "en", "--to", "en-XA", "-o", str(out)]
    argv += list(RAISED.get(fmt, ()))
    hwm = out.parent / "hwm.txt"
    hwm.unlink(missing_ok=True)
    env = dict(os.environ, BENCH_HWM=str(hwm),
               PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", _RUNNER, *argv], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if _cpu_seconds(proc.pid) > timeout or time.perf_counter() - start > 10 * timeout:
            proc.kill()
            pid, status, usage = os.wait4(proc.pid, 0)
            proc.returncode = -9
            return {"seconds": None, "cpu_s": round(usage.ru_utime + usage.ru_stime, 2),
                    "peak_mb": None, "exit": "timeout"}
        time.sleep(0.02)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode(errors="replace").strip().splitlines() if proc.stderr else []
    proc.stderr.close()
    own = hwm.read_text() if hwm.is_file() else ""
    peak_kb = int(own) if own.isdigit() else usage.ru_maxrss
    return {"seconds": round(seconds, 2), "cpu_s": round(usage.ru_utime + usage.ru_stime, 2),
            "peak_mb": round(peak_kb / 1024, 1),
            "exit": proc.returncode, "error": err[-1][:200] if proc.returncode else ""}


def goal_memory(size_bytes: int) -> float:
    return 150 + 20 * size_bytes / MB


def generated(formats: list[str], sizes: list[float], work: Path, timeout: float,
              base: bool = True) -> list[dict]:
    """Each format at each size (and at 2 KB first, ``base``: the startup, which the
    summary subtracts); after a run past ``timeout`` the larger sizes are skipped."""
    rows = []
    for fmt in formats:
        ext, build = FORMATS[fmt]
        for size in ([2 / 1024] if base else []) + sizes:
            if rows and rows[-1]["what"] == fmt and rows[-1]["exit"] == "timeout":
                rows.append({"what": fmt, "mb": size, "seconds": None, "cpu_s": None,
                             "peak_mb": None, "exit": "skipped"})
                continue
            data = build(int(size * MB) - (1024 if size >= 0.01 else 0), Text())
            path = work / f"{fmt}-{size:g}mb{ext}"
            path.write_bytes(data)
            text_bytes = len(data)
            if fmt == "docx":
                with zipfile.ZipFile(io.BytesIO(data)) as z:
                    text_bytes = z.getinfo("word/document.xml").file_size
            result = measure(path, fmt, work / "out", timeout)
            row = {"what": fmt, "mb": round(text_bytes / MB, 3), "file_mb":
                   round(len(data) / MB, 3), **result}
            rows.append(row)
            print(json.dumps(row), file=sys.stderr, flush=True)
    return rows


def corpus(work: Path, timeout: float, per_format: int) -> list[dict]:
    """The largest real files of each format in fixtures/documents-real."""
    rows = []
    for folder in sorted(p for p in REAL.iterdir() if p.is_dir()):
        files = sorted(folder.iterdir(), key=lambda p: p.stat().st_size, reverse=True)
        for path in files[:per_format]:
            result = measure(path, folder.name, work / "out", timeout)
            row = {"what": f"{folder.name}/{path.name}",
                   "mb": round(path.stat().st_size / MB, 3), **result}
            rows.append(row)
            print(json.dumps(row), file=sys.stderr, flush=True)
    return rows


def summary(rows: list[dict]) -> dict:
    """Per generated format: seconds per MB at each size, the ratio largest/smallest,
    peak memory growth per MB of input."""
    out = {}
    for fmt in dict.fromkeys(r["what"] for r in rows):
        done = [r for r in rows if r["what"] == fmt and r["exit"] == 0]
        base = done.pop(0) if done and done[0]["mb"] < 0.01 else {"cpu_s": 0}
        if len(done) < 2:
            out[fmt] = {"linear": None, "note": "fewer than two sizes finished"}
            continue
        lo, hi = done[0], done[-1]
        net = {r["mb"]: max(r["cpu_s"] - base["cpu_s"], 0.01) for r in done}
        per = {mb: round(s / mb, 2) for mb, s in net.items()}
        ratio = (net[hi["mb"]] / hi["mb"]) / (net[lo["mb"]] / lo["mb"])
        growth = (hi["peak_mb"] - lo["peak_mb"]) / (hi["mb"] - lo["mb"])
        out[fmt] = {"startup_cpu_s": base["cpu_s"], "net_cpu_s_per_mb": per,
                    "time_ratio": round(ratio, 2),
                    "memory_mb_per_input_mb": round(growth, 1),
                    "linear": ratio <= 1.5,
                    "unfinished": [r["mb"] for r in rows if r["what"] == fmt
                                   and r["exit"] != 0]}
    return out


def table(rows: list[dict]) -> str:
    lines = ["| input | MB | wall s | CPU s | CPU s per 100 KB | peak MB | goal MB (150 + 20x) "
             "| exit |", "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        if r["seconds"] is None and r["exit"] == "skipped":
            lines.append(f"| {r['what']} | {r['mb']} | skipped | - | - | - | - | "
                         "after a timeout |")
            continue
        s, cpu = r["seconds"], r["cpu_s"]
        per = f"{cpu / (r['mb'] * 10.24):.2f}" if s is not None else "-"
        lines.append(f"| {r['what']} | {r['mb']} | {s if s is not None else 'killed'} | "
                     f"{cpu} | {per} | {r['peak_mb'] if r['peak_mb'] is not None else '-'} | "
                     f"{goal_memory(int(r['mb'] * MB)):.0f} | {r['exit']} |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--formats", default=",".join(FORMATS),
                    help="generated formats (default: html,markdown,srt,docx,po)")
    ap.add_argument("--sizes", default="1,2,5,10", help="MB of each generated file")
    ap.add_argument("--html-scaling", default="0.1,0.5",
                    help="extra HTML sizes (MB) for #23's 100 KB - 2 MB scaling; '' none")
    ap.add_argument("--no-corpus", action="store_true",
                    help="skip the real files of fixtures/documents-real")
    ap.add_argument("--per-format", type=int, default=2,
                    help="largest real files per format (default 2)")
    ap.add_argument("--timeout", type=float, default=120,
                    help="CPU seconds per run (default 120; or ten times that of wall "
                         "clock); a format's larger sizes are skipped after one")
    ap.add_argument("--json", metavar="FILE", help="also write every row and the summary")
    args = ap.parse_args()
    formats = [f for f in args.formats.split(",") if f]
    sizes = [float(s) for s in args.sizes.split(",") if s]
    with tempfile.TemporaryDirectory(prefix="bench-documents-") as tmp:
        work = Path(tmp)
        rows = generated(formats, sizes, work, args.timeout)
        scaling = []
        if "html" in formats and args.html_scaling:
            extra = [float(s) for s in args.html_scaling.split(",") if s]
            scaling = generated(["html"], extra, work, args.timeout, base=False)
        real = [] if args.no_corpus else corpus(work, args.timeout, args.per_format)
    html_rows = sorted((r for r in rows + scaling if r["what"] == "html"),
                       key=lambda r: r["mb"])
    result = {"machine": platform.processor() or platform.machine(),
              "python": platform.python_version(), "rows": rows, "html_scaling": html_rows,
              "corpus": real, "summary": summary(rows),
              "html_100kb_to_2mb": summary([r for r in html_rows
                                            if r["mb"] < 0.01 or 0.09 <= r["mb"] <= 2.01])}
    print(table(rows + scaling + real))
    print()
    print(json.dumps({"summary": result["summary"],
                      "html_100kb_to_2mb": result["html_100kb_to_2mb"]}))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
