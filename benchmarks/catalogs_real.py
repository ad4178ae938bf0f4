"""Localise the real catalogs of fixtures/catalogs-real into az and it through the fixture
models, and check what a translator would: no unit written with a broken placeholder,
``msgfmt --check`` and XLIFF XSD validation (xmllint) pass where the input passes, the
structure is identical apart from targets and the documented header fields, a rerun makes
no model call and writes nothing, and a killed job resumes to the same bytes.

    PYTHONPATH=$PWD nice -n 5 python benchmarks/catalogs_real.py [--kill CATALOG ...]
    PYTHONPATH=$PWD nice -n 5 python benchmarks/catalogs_real.py --app [CATALOG ...]

With ``--app``, the app catalogs of fixtures/catalogs-real/app (issue 28): each output is
also checked by the format's own tooling where it is installed (aapt, Java, plistlib, a
JSON parser, ruamel.yaml) and its keys must be the source's.

The fixture models are tiny and ramble on strings they never saw, so their output length
is capped (length_ratio 1.0 + 8 tokens, as the untrained-model tests do); what is measured
is the job (masking, QA, writing), not translation quality. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT / "fixtures" / "catalogs-real"
XSD = ROOT / "fixtures" / "xliff-schemas"
TARGETS = ["az", "it"]
EPOCH = "1708941600"

# Independent of translate.localise: what a broken string would lose.
_INDEPENDENT_RE = re.compile(r"""
    %[A-Za-z_][\w.-]*% | %\([A-Za-z_]\w*\)[sd] | %\{\w+\} | %\d+\$[sd] | %L?\d{1,2}(?![\d$])
  | %[-+#0]*\d*(?:\.\d+)?(?:l|ll|h|z)?[sdfuxXcpim] | %%
  | \{\{-?\s*[\w.]+\s*\}\} | \$t\([^()]*\) | \{\w*(?:![rsa])?(?::[^{}]*)?\}
  | </?[A-Za-z0-9][^<>]*> | &[A-Za-z]+; | &\#\d+; | https?://[^\s<>"]+ | \n
""", re.VERBOSE)
_ICU_HEAD_RE = re.compile(r"\{\s*(\w+)\s*,\s*(plural|select)\s*,")
_LEAK_RE = re.compile(r"(?i)_?_?\s?ph\s?_?\s?\d+")


def signature(text: str) -> Counter[str]:
    plain = re.sub(r"(?<=[\s{])(?:=\d+|zero|one|two|few|many|other)\s*\{", "{", text)
    sig = Counter(_INDEPENDENT_RE.findall(plain if not _ICU_HEAD_RE.search(text) else ""))
    sig.update(f"icu:{n}:{k}" for n, k in _ICU_HEAD_RE.findall(text))
    sig["leak"] = len(_LEAK_RE.findall(text))
    return sig


def translator():
    import dataclasses

    from translate import Translator

    tr = Translator(models_dir=str(ROOT / "fixtures" / "models"), device="cpu",
                    glossary=False, beam_size=1)
    tr.options = dataclasses.replace(tr.options, length_ratio=1.0, length_slack=8)
    return tr


def job(paths: list[Path], out: Path, translate) -> object:
    from translate.localise.jobs import run_job

    return run_job(paths, "en", TARGETS, out, translate, batch_size=16)


# ----------------------------------------------------------------------------- checks


def written_pairs(src: Path, dest: Path, lang: str) -> list[tuple[str, str]]:
    """(source, target) of every unit the output holds as translated (not fuzzy or
    fuzzy alike: everything a user would ship)."""
    from translate.localise.formats import format_for

    fmt = format_for(src)
    doc = fmt.read(src.read_bytes(), str(src), "en")
    out = fmt.read(dest.read_bytes(), str(dest), lang)
    have = fmt.existing(out, lang)
    pairs = []
    for u in doc.units:
        e = have.get(u.key)
        if e is None:
            continue
        forms = e.forms
        for i, t in enumerate(forms):
            pairs.append((u.source if i == 0 or u.source_plural is None else u.source_plural, t))
    return pairs


def broken(src: Path, dest: Path, lang: str) -> int:
    return sum(1 for s, t in written_pairs(src, dest, lang) if signature(s) != signature(t))


def msgfmt_ok(path: Path) -> bool:
    r = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(path)],
                       capture_output=True, check=False)
    return r.returncode == 0


def xsd_ok(path: Path) -> bool:
    schema = "xliff-core-2.0.xsd" if b'version="2.0"' in path.read_bytes()[:400] \
        else "xliff-core-1.2-transitional.xsd"
    r = subprocess.run(["xmllint", "--noout", "--nonet", "--schema", str(XSD / schema),
                        str(path)], capture_output=True, check=False)
    return r.returncode == 0


def structure(path: Path) -> object:
    """What must not change apart from targets and documented header fields."""
    data = path.read_bytes()
    if path.suffix in (".po", ".pot"):
        from translate.localise.formats.po import _parse

        cat = _parse(data, str(path))  # tolerates xgettext's "nplurals=INTEGER" template
        return [(m.id, m.context, tuple(m.auto_comments), tuple(m.user_comments),
                 tuple(m.locations), tuple(sorted(set(m.flags) - {"fuzzy"})))
                for m in cat if m.id]
    if path.suffix == ".json":
        def keys(o, p=""):
            if isinstance(o, dict):
                for k, v in o.items():
                    base = re.sub(r"_(zero|one|two|few|many|other)$", "_<plural>", k)
                    yield from keys(v, f"{p}/{base}")
            else:
                yield p
        return sorted(set(keys(json.loads(data))))
    from lxml import etree

    tree = etree.fromstring(data)
    for el in list(tree.iter("{*}target")):
        el.getparent().remove(el)
    for el in tree.iter():
        for attr in ("target-language", "trgLang", "state", "subState"):
            el.attrib.pop(attr, None)
    text = etree.tostring(tree, method="c14n")
    return re.sub(rb">\s+<", b"><", text)


def outputs(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and not p.name.startswith(".")}


# ----------------------------------------------------------------------------- run


def catalogs(only: list[str] | None = None) -> list[Path]:
    found = sorted(p for p in REAL.rglob("*") if p.suffix in (".po", ".pot", ".xlf", ".json")
                   and APP not in p.parents)
    return [p for p in found if not only or str(p.relative_to(REAL)) in only]


def child(paths: list[str], out: str) -> None:
    job([Path(p) for p in paths], Path(out), translator().translate)


#: how a kill-and-resume check reads in the tables
_KILL = {True: "identical", False: "DIFFERS", None: "done first"}


def kill_and_resume(paths: list[Path], reference: Path, work: Path) -> bool | None:
    """Run the job in a subprocess, SIGKILL it once the memory has rows, run it again,
    and compare every output byte for byte with an uninterrupted run's (``None``: the job
    finished before it could be killed, as en-XA jobs do)."""
    import sqlite3

    out = work / "killed"
    cmd = [sys.executable, __file__, "--child", str(out), "--targets", ",".join(TARGETS),
           *map(str, paths)]
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(cmd, env=env)
    db = out / ".translate-memory.sqlite"
    deadline = time.time() + 900
    while proc.poll() is None and time.time() < deadline:
        try:
            with sqlite3.connect(db) as c:
                if c.execute("select count(*) from units").fetchone()[0] >= 8:
                    break
        except sqlite3.Error:
            pass
        time.sleep(0.2)
    killed = proc.poll() is None
    if killed:
        proc.send_signal(signal.SIGKILL)
    proc.wait()
    subprocess.run(cmd, env=env, check=True)
    return outputs(out) == outputs(reference) if killed else None


# ----------------------------------------------------------------------------- app catalogs

APP = REAL / "app"
APP_KILL = ["properties/jenkins/hudson/Messages.properties", "yaml/devise/config/locales/en.yml",
            "xcstrings/gifski/Localizable.xcstrings"]


def app_catalogs(only: list[str] | None = None) -> list[Path]:
    from translate.localise.formats import format_for

    found = sorted(p for p in APP.rglob("*") if p.is_file() and format_for(p) is not None)
    return [p for p in found if not only or str(p.relative_to(APP)) in only]


def tool_check(path: Path, dests: list[Path], work: Path) -> str:
    """The format's own tooling on the outputs, where it is installed here: aapt (Android),
    Java's PropertyResourceBundle + MessageFormat (.properties), plistlib (.stringsdict),
    a JSON parser (ARB, String Catalogs), ruamel.yaml (YAML); "-" for .strings (no tool)."""
    fmt = path.suffix
    if fmt == ".xml":
        aapt = shutil.which("aapt")
        if aapt is None:
            return "- (no aapt)"
        res = work / "aapt" / "res"
        shutil.rmtree(res.parent, ignore_errors=True)
        shutil.copytree(path.parent, res / "values")
        for d in dests:
            shutil.copytree(d.parent, res / d.parent.name, dirs_exist_ok=True)
        (res.parent / "AndroidManifest.xml").write_text(
            '<manifest xmlns:android="http://schemas.android.com/apk/res/android" '
            'package="org.example.check"/>')
        r = subprocess.run([aapt, "package", "-f", "-M", str(res.parent / "AndroidManifest.xml"),
                            "-S", str(res), "-F", str(res.parent / "x.apk")],
                           capture_output=True, check=False)
        return "aapt pass" if r.returncode == 0 else "aapt FAIL"
    if fmt == ".properties":
        java = shutil.which("java")
        if java is None:
            return "- (no java)"
        checker = ROOT / "tests" / "localise" / "tools" / "PropertiesCheck.java"
        r = subprocess.run([java, str(checker), *map(str, dests)], capture_output=True,
                           text=True, check=False)
        errors = sum(line.endswith("\tERROR") for line in r.stdout.splitlines())
        return "java pass" if r.returncode == 0 and not errors else f"java FAIL ({errors})"
    try:
        for d in dests:
            if fmt == ".stringsdict":
                import plistlib

                plistlib.loads(d.read_bytes())
            elif fmt in (".arb", ".xcstrings"):
                json.loads(d.read_text(encoding="utf-8"))
            elif fmt in (".yml", ".yaml"):
                from ruamel.yaml import YAML

                YAML(typ="safe").load(d.read_text(encoding="utf-8"))
            else:
                return "-"
    except Exception as exc:  # noqa: BLE001 - any parse error is the finding
        return f"FAIL ({type(exc).__name__})"
    return {".stringsdict": "plistlib", ".arb": "json", ".xcstrings": "json"}.get(
        fmt, "ruamel") + " pass"


def app_keys(path: Path, dest: Path, lang: str) -> tuple[set[str], set[str]]:
    from translate.localise.formats import format_for

    fmt = format_for(path)
    src = {u.key for u in fmt.read(path.read_bytes(), str(path), "en").units}
    return src, set(fmt.existing(fmt.read(dest.read_bytes(), str(dest), lang), lang))


def run_twice(path: Path, out: Path, counted, calls: dict):
    """The job on one catalog, timed, then again: ``(report, seconds, rerun_free)``, where
    a free rerun asks the model nothing, writes no file and leaves every output as it was."""
    start = time.perf_counter()
    calls["n"] = 0
    report = job([path], out, counted)
    seconds = time.perf_counter() - start
    first = outputs(out)
    calls["n"] = 0
    again = job([path], out, counted)
    return report, seconds, calls["n"] == 0 and not again.files_written and outputs(out) == first


def run_app(only: list[str], counted, calls: dict, kill: list[str]) -> None:
    work = Path(tempfile.mkdtemp(prefix="catalogs-app-"))
    rows = []
    for path in app_catalogs(only):
        name = str(path.relative_to(APP))
        out = work / name.replace("/", "_")
        report, seconds, rerun_free = run_twice(path, out, counted, calls)
        dests = sorted({Path(f.output) for f in report.files})
        row = {"catalog": name, "units": report.units // len(TARGETS),
               "translated": report.translated, "failed": len(report.failed), "broken": 0,
               "keys": True, "missing": 0, "tool": tool_check(path, dests, work),
               "rerun": rerun_free, "seconds": round(seconds, 1)}
        for f in report.files:
            dest = Path(f.output)
            row["broken"] += broken(path, dest, f.lang)
            src_keys, out_keys = app_keys(path, dest, f.lang)
            row["keys"] &= out_keys <= src_keys
            row["missing"] += len(src_keys - out_keys)
        if name in kill:
            row["kill"] = kill_and_resume([path], out, work / (name.replace("/", "_") + ".k"))
        rows.append(row)
        print(json.dumps(row), file=sys.stderr, flush=True)
    both = "+".join(TARGETS)
    print(f"| catalog | units | translated ({both}) | failed QA | written broken | own tool | "
          f"keys of the source | left out ({both}) | rerun free | kill+resume | s |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['catalog']} | {r['units']} | {r['translated']} | {r['failed']} | "
              f"{r['broken']} | {r['tool']} | {'yes' if r['keys'] else 'NO'} | "
              f"{r['missing']} | {'yes' if r['rerun'] else 'NO'} | "
              f"{_KILL[r['kill']] if 'kill' in r else '-'} | "
              f"{r['seconds']} |")
    shutil.rmtree(work, ignore_errors=True)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--child", metavar="OUT")
    ap.add_argument("--kill", nargs="*", default=None,
                    help="catalogs for the kill-and-resume check")
    ap.add_argument("--app", action="store_true",
                    help="the app catalogs of fixtures/catalogs-real/app (issue 28)")
    ap.add_argument("--targets", default=",".join(TARGETS),
                    help="target languages, comma-separated (default az,it; en-XA: the "
                         "pseudo-locale, no model)")
    ap.add_argument("paths", nargs="*")
    args = ap.parse_args()
    TARGETS[:] = args.targets.split(",")
    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    if args.child:
        child(args.paths, args.child)
        return 0
    if args.kill is None:
        args.kill = APP_KILL if args.app else ["sudo.pot", "validators.en.xlf"]
    tr = translator()
    calls = {"n": 0}

    def counted(texts, src, tgt):
        calls["n"] += 1
        return tr.translate(texts, src, tgt)

    if args.app:
        run_app(args.paths, counted, calls, args.kill)
        return 0
    work = Path(tempfile.mkdtemp(prefix="catalogs-real-"))
    rows = []
    for path in catalogs(args.paths):
        name = str(path.relative_to(REAL))
        out = work / name.replace("/", "_")
        report, seconds, rerun_free = run_twice(path, out, counted, calls)
        row = {"catalog": name, "units": report.units // len(TARGETS),
               "translated": report.translated,
               "failed": len(report.failed), "broken": 0, "msgfmt": "-", "xsd": "-",
               "structure": True, "rerun": rerun_free, "seconds": round(seconds, 1)}
        checks_in = {"msgfmt": msgfmt_ok(path) if path.suffix in (".po", ".pot") else None,
                     "xsd": xsd_ok(path) if path.suffix == ".xlf" else None}
        outs_ok = {"msgfmt": [], "xsd": []}
        for f in report.files:
            dest = Path(f.output)
            row["broken"] += broken(path, dest, f.lang)
            if path.suffix == ".json":  # untranslated keys are left out (i18next falls back)
                row["structure"] &= set(structure(dest)) <= set(structure(path))
            else:
                row["structure"] &= structure(dest) == structure(path)
            if checks_in["msgfmt"] is not None:
                outs_ok["msgfmt"].append(msgfmt_ok(dest))
            if checks_in["xsd"] is not None:
                outs_ok["xsd"].append(xsd_ok(dest))
        for k in ("msgfmt", "xsd"):
            if checks_in[k] is not None:
                row[k] = f"{'pass' if checks_in[k] else 'FAIL'} -> " \
                         f"{'pass' if all(outs_ok[k]) else 'FAIL'}"
        if args.kill and path.name in args.kill:
            row["kill"] = kill_and_resume([path], out, work / (name + ".kill"))
        rows.append(row)
        print(json.dumps(row), file=sys.stderr, flush=True)
    print("| catalog | units | translated (az+it) | failed QA | written broken | "
          "msgfmt --check in -> out | XSD in -> out | structure | rerun free | "
          "kill+resume | s |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['catalog']} | {r['units']} | {r['translated']} | {r['failed']} | "
              f"{r['broken']} | {r['msgfmt']} | {r['xsd']} | "
              f"{'identical' if r['structure'] else 'DIFFERS'} | "
              f"{'yes' if r['rerun'] else 'NO'} | "
              f"{_KILL[r['kill']] if 'kill' in r else '-'} | "
              f"{r['seconds']} |")
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
