"""The ``en-XA`` oracle on subtitles (#23, #24): every SRT and WebVTT file of the real
corpus (fixtures/documents-real), and files built here for each defect found, translated
to ``en-XA`` through the CLI come back with the same cues, the same timing, identifier and
settings lines and styling tags byte for byte, each cue holding exactly its own words
(letters accented, brackets added), and every line break as the input wrote it. No model
is loaded for ``en -> en-XA``."""

from __future__ import annotations

import functools
import html
import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from support import FIXTURES
from translate.cli import main
from translate.pseudo import unpseudo

REAL = FIXTURES / "documents-real"
FILES = sorted(REAL.glob("srt/*.srt")) + sorted(REAL.glob("vtt/*.vtt"))
UTF16 = {"exoplayer-typical-utf16be.srt", "exoplayer-typical-utf16le.srt"}
# read here, independently of translate.documents.subtitles
TAG = re.compile(r"<[^<>]*>|\{\\[^{}]*\}")
TIMING = re.compile(r"-->")
UNACCENTED = re.compile(r"[a-pr-zA-PR-Z]")  # every ASCII letter but q has a look-alike


def lines_of(text: str) -> list[tuple[str, str]]:
    """(line, break) pairs: ``\\n`` with the carriage returns before it, or a lone
    ``\\r`` (one break each)."""
    parts = re.split(r"(\r*\n|\r)", text)
    out = [(parts[i], parts[i + 1]) for i in range(0, len(parts) - 1, 2)]
    return out + ([(parts[-1], "")] if parts[-1] else [])


def blocks(text: str) -> list[list[int]]:
    """Blocks of non-blank lines, as indexes into :func:`lines_of` (a BOM is no text)."""
    out: list[list[int]] = [[]]
    for i, (line, _) in enumerate(lines_of(text.removeprefix("\ufeff"))):
        if line.strip():
            out[-1].append(i)
        elif out[-1]:
            out.append([])
    return [b for b in out if b]


def cues(text: str, kind: str) -> list[dict]:
    """Each cue: its head lines (number or id, timing) and text lines, as indexes."""
    lines = lines_of(text.removeprefix("\ufeff"))
    out: list[dict] = []
    for block in blocks(text):
        first = lines[block[0]][0]
        if kind == "vtt" and (first.startswith("WEBVTT")
                              or re.match(r"(NOTE|STYLE|REGION)(\s|$)", first)):
            continue
        at = [k for k, i in enumerate(block) if TIMING.search(lines[i][0])]
        if not at:  # SRT text after a blank line inside a cue: more of the cue before
            out[-1]["text"].extend(block)
            continue
        starts = [0]
        for k in at[1:]:
            starts.append(k - 1 if kind == "srt" and lines[block[k - 1]][0].strip().isdigit()
                          else k)
        for a, b in zip(starts, [*starts[1:], len(block)], strict=True):
            t = next(k for k in at if a <= k < b)
            out.append({"head": block[a:t + 1], "text": block[t + 1:b]})
    return out


def words(lines: list[str], kind: str, pseudo: bool) -> list[str]:
    text = " ".join(TAG.sub("", line) for line in lines)  # what a viewer reads
    text = html.unescape(text) if kind == "vtt" else text
    text = text.replace("[", " ").replace("]", " ")
    return (unpseudo(text) if pseudo else text).split()


def tags(lines: list[str]) -> list[str]:
    return [m.group() for line in lines for m in TAG.finditer(line)]


def assert_oracle(source: str, output: str, kind: str, sentences: int | None = None,
                  *, exact_lines: bool = True) -> None:
    """``output`` is ``source`` to ``en-XA``: the oracle property, cue by cue."""
    assert output.startswith("\ufeff") == source.startswith("\ufeff")
    src, out = lines_of(source.removeprefix("\ufeff")), lines_of(output.removeprefix("\ufeff"))
    before, after = cues(source, kind), cues(output, kind)
    assert len(after) == len(before), "cue count"
    # everything but cue text, byte for byte: header, NOTE/STYLE blocks, heads, blank
    # lines, and the break after each cue's last line
    src_text = {i for c in before for i in c["text"]}
    out_text = {i for c in after for i in c["text"]}
    last_src = [src[c["text"][-1]][1] for c in before if c["text"]]
    last_out = [out[c["text"][-1]][1] for c in after if c["text"]]
    assert [x for i, x in enumerate(src) if i not in src_text] == \
        [x for i, x in enumerate(out) if i not in out_text]
    assert last_out == last_src
    for n, (a, b) in enumerate(zip(before, after, strict=True), 1):
        assert [out[i] for i in b["head"]] == [src[i] for i in a["head"]], \
            f"cue {n}: its timing, number or settings changed"
        old, new = [src[i][0] for i in a["text"]], [out[i][0] for i in b["text"]]
        assert tags(new) == tags(old), f"cue {n}: styling tags"
        assert words(new, kind, True) == words(old, kind, False), f"cue {n}: its words"
        text = " ".join(TAG.sub("", line) for line in new)
        text = html.unescape(text) if kind == "vtt" else text
        assert not UNACCENTED.search(text), f"cue {n} left untranslated: {text!r}"
        had = [src[i][1] for i in a["text"][:-1]]
        has = [out[i][1] for i in b["text"][:-1]]
        if len(has) == len(had):
            assert has == had, f"cue {n}: its line breaks"
        else:
            assert set(has) <= (set(had) or {src[a["head"][-1]][1]}), \
                f"cue {n}: a line break it never had"
    if exact_lines:
        assert [brk for _, brk in out] == [brk for _, brk in src], "line breaks"
    if sentences is not None:
        assert output.count("[") - source.count("[") == sentences
        assert output.count("]") - source.count("]") == sentences


def to_en_xa(capsys, tmp_path: Path, *files: Path) -> tuple[int, str, dict]:
    """``translate article FILES --from en --to en-XA``: exit code, stderr, report."""
    out = tmp_path / "out"
    report = tmp_path / "report.json"
    code = main(["article", *map(str, files), "--from", "en", "--to", "en-XA", "-o",
                 str(out), "--report", str(report)])
    _, err = capsys.readouterr()
    data = json.loads(report.read_text(encoding="utf-8")) if report.exists() else {}
    return code, err, data


def written(report: dict, path: Path) -> str:
    """The output the report names for input ``path``."""
    entry = next(f for f in report["files"] if Path(f["file"]).name == path.name)
    return Path(entry["targets"]["en-XA"]["output"]).read_bytes().decode("utf-8")


def sentence_counts(report: dict) -> dict[str, int]:
    return {Path(f["file"]).name: len(f["targets"]["en-XA"]["segments"])
            for f in report.get("files", ()) if "targets" in f}


def test_every_real_subtitle_file_round_trips_to_en_xa_with_the_oracle_property(
        capsys, tmp_path, monkeypatch):
    monkeypatch.delenv("TRANSLATE_MODELS_DIR", raising=False)  # no model may be needed
    code, err, report = to_en_xa(capsys, tmp_path, *FILES)
    # UTF-16 files are refused in one line each, naming the conversion; the rest is done
    assert code == 2, err
    for name in UTF16:
        line = next(x for x in err.splitlines() if name in x)
        assert "is UTF-16 text" in line and "iconv -f UTF-16 -t UTF-8" in line
    assert err.strip().splitlines()[-1].startswith("translate: error: 2 of")
    counts = sentence_counts(report)
    for path in FILES:
        if path.name not in UTF16:
            source = path.read_bytes().decode("utf-8")
            assert_oracle(source, written(report, path), path.suffix[1:],
                          counts[path.name], exact_lines=False)
    # converted as the message says, they round-trip too
    converted = []
    for name in sorted(UTF16):
        path = tmp_path / "utf8" / name
        path.parent.mkdir(exist_ok=True)
        path.write_text((REAL / "srt" / name).read_bytes().decode("utf-16"), "utf-8",
                        newline="")
        converted.append(path)
    code, err, report = to_en_xa(capsys, tmp_path, *converted)
    assert code == 0, err
    for path in converted:
        assert_oracle(path.read_bytes().decode("utf-8"), written(report, path), "srt",
                      sentence_counts(report)[path.name], exact_lines=False)


# ----------------------------------------------------------------------------- built files


def round_trip(capsys, tmp_path: Path, name: str, text: str, *, exact_lines: bool = True
               ) -> tuple[str, str, dict]:
    """``text`` written as ``name``, translated to en-XA through the CLI (exit 0), checked
    with the oracle: the output, stderr and the file's report entry."""
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    code, err, report = to_en_xa(capsys, tmp_path, path)
    assert code == 0, err
    entry = next(f for f in report["files"] if Path(f["file"]).name == name)
    out = written(report, path)
    assert_oracle(text, out, path.suffix[1:], len(entry["targets"]["en-XA"]["segments"]),
                  exact_lines=exact_lines)
    return out, err, entry["targets"]["en-XA"]


def srt(texts: list[str], eol: str = "\n", *, times: list[tuple[float, float]] | None = None,
        heads: str | None = None) -> str:
    """An SRT file of cues ``texts`` (lines split on ``\\n``, each line ending with
    ``eol``; ``heads``: the number and timing lines' own ending)."""
    out = []
    for k, text in enumerate(texts):
        a, b = times[k] if times else (2.0 * k + 1, 2.0 * k + 2.5)
        head = heads if heads is not None else eol
        body = "".join(line + eol for line in text.split("\n"))
        out.append(f"{k + 1}{head}{stamp(a)} --> {stamp(b)}{head}{body}")
    return eol.join(out)


def stamp(t: float, sep: str = ",") -> str:
    ms = round(t * 1000)
    return f"{ms // 3600000:02d}:{ms // 60000 % 60:02d}:{ms // 1000 % 60:02d}{sep}{ms % 1000:03d}"


TALK = ["The council met on Monday\nto discuss the new budget.",
        "Several members asked for more money\nfor the schools.",
        "The mayor said the city\ncould not afford it."]


@pytest.mark.parametrize(("name", "text"), [
    # #23: timing lines LF, text lines CRLF: 72 of 74 cues came back in English (exit 0)
    ("lf-heads-crlf-text", srt(TALK * 25, "\r\n", heads="\n")[:-2]),
    ("crlf", srt(TALK, "\r\n")),
    ("cr-cr-lf", srt(TALK, "\r\r\n")),  # CRLF written through a text-mode converter
    ("lone-cr-text", srt(TALK, "\r", heads="\n")),
    ("old-mac", srt(TALK, "\r")),
    ("blank-lines-with-spaces", srt(TALK).replace("\n\n", "\n  \n")),
    ("bom-crlf-then-lf", "\ufeff" + srt(TALK[:1], "\r\n") + "\n" + srt(TALK[1:]).replace(
        "1\n", "2\n", 1).replace("\n2\n0", "\n3\n0")),
], ids=lambda x: x if len(x) < 40 else "")
def test_line_endings_of_any_mix_come_back_exactly_and_every_cue_is_translated(
        capsys, tmp_path, name, text):
    out, err, _ = round_trip(capsys, tmp_path, f"{name}.srt", text)
    assert err == ""


def test_srt_files_concatenated_with_their_byte_order_marks_are_read_as_written(
        capsys, tmp_path):
    """The second file's BOM and other line endings: it was "cue number '\\ufeff1' is
    not a number" (a wrong cause) or a bad timing."""
    first = "\ufeff" + srt(TALK[:2], "\r\n")
    second = "\ufeff" + srt(TALK[2:]).replace("1\n", "3\n", 1)
    out, err, _ = round_trip(capsys, tmp_path, "joined.srt", first + "\r\n" + second)
    assert "\r\n\r\n\ufeff3\n00:00:01,000 --> " in out


def test_srt_text_after_a_blank_line_inside_a_cue_is_translated_with_its_cue(
        capsys, tmp_path):
    """Players show it with the cue before (ExoPlayer's extra blank line); it was "a cue
    has no timing line", the whole file refused. Cue numbers in the report stay the
    file's own."""
    text = ("1\n00:00:01,000 --> 00:00:02,000\nThe council met\n\non Monday.\n\n"
            "2\n00:00:03,000 --> 00:00:04,000\nIt voted.\n")
    out, _, report = round_trip(capsys, tmp_path, "blank.srt", text)
    assert out.startswith("1\n00:00:01,000 --> 00:00:02,000\n[Ţĥé çöûñçîĺ ḿéţ\n\n")
    assert where(report) == ["cue 1", "cue 2"]


def test_text_without_a_letter_keeps_its_place_in_its_cue(capsys, tmp_path):
    """A music note or a number after the last sentence of a cue was dropped ("1984"
    vanished), or joined into the next cue's sentence, and a cue of notes alone came
    back as "…"."""
    text = ("WEBVTT\n\n00:01.000 --> 00:02.000\n♪ Hello there. ♪\n\n"
            "00:03.000 --> 00:04.000\nIt is 42. 1984\n\n00:05.000 --> 00:06.000\n<i>♪♪</i>\n")
    out, err, report = round_trip(capsys, tmp_path, "notes.vtt", text)
    assert "\n[Îţ îš 42.] 1984\n" in out and out.endswith("\n<i>♪♪</i>\n")
    assert where(report) == ["cue 1", "cue 2"] and err == ""


def where(report: dict) -> list[str]:
    return [seg["where"] for seg in report["segments"]]


@pytest.mark.parametrize(("name", "text", "wheres"), [
    # the same speaker, a short gap, a lower-case go-on: one sentence over two cues
    ("same.vtt", "WEBVTT\n\n00:01.000 --> 00:02.000\n<v Roger>We went down to the\n\n"
     "00:02.100 --> 00:03.000\n<v Roger>river and swam.\n", ["cue 1-2"]),
    ("voices.vtt", "WEBVTT\n\n00:01.000 --> 00:02.000\n<v Roger>We went down to the\n\n"
     "00:02.100 --> 00:03.000\n<v Neil>river and swam.\n", ["cue 1", "cue 2"]),
    ("dash.srt", srt(["- We went down to the", "- river and swam."]), ["cue 1", "cue 2"]),
    ("dash-in-cue.srt", srt(["We went down to the\n- river and swam."]), ["cue 1", "cue 1"]),
    ("an8.srt", srt(["{\\an8}We went down to the", "river and swam."]), ["cue 1", "cue 2"]),
    ("position.vtt", "WEBVTT\n\n00:01.000 --> 00:02.000 position:10%\nWe went down to the\n\n"
     "00:02.100 --> 00:03.000\nriver and swam.\n", ["cue 1", "cue 2"]),
    ("align.vtt", "WEBVTT\n\n00:01.000 --> 00:02.000 align:start\nWe went down to the\n\n"
     "00:02.100 --> 00:03.000 align:end\nriver and swam.\n", ["cue 1", "cue 2"]),
    ("line.vtt", "WEBVTT\n\n00:01.000 --> 00:02.000 line:0\nWe went down to the\n\n"
     "00:02.100 --> 00:03.000\nriver and swam.\n", ["cue 1", "cue 2"]),
    ("overlap.srt", srt(["We went down to the", "river and swam."],
                        times=[(1, 3), (2, 4)]), ["cue 1", "cue 2"]),
    ("simultaneous.srt", srt(["We went down to the", "river and swam."],
                             times=[(1, 1), (1, 3)]), ["cue 1", "cue 2"]),
    ("gap.srt", srt(["We went down to the", "river and swam."],
                    times=[(1, 2), (4.5, 5)]), ["cue 1", "cue 2"]),
    ("short-gap.srt", srt(["We went down to the", "river and swam."],
                          times=[(1, 2), (3.5, 5)]), ["cue 1-2"]),
    ("headline.srt", srt(["Breaking news", "The minister resigned today."],
                         times=[(1, 2), (2.5, 5)]), ["cue 1", "cue 2"]),
], ids=lambda x: x if isinstance(x, str) and len(x) < 20 else "")
def test_cues_are_joined_only_inside_one_speakers_continuous_speech(
        capsys, tmp_path, name, text, wheres):
    _, _, report = round_trip(capsys, tmp_path, name, text)
    assert where(report) == wheres


def test_the_gap_limit_is_a_setting(tmp_path):
    from translate import Translator
    from translate.documents import translate_document
    from translate.documents.subtitles import MAX_GAP
    from translate.errors import UserError

    text = srt(["We went down to the", "river and swam."], times=[(1, 2), (6, 7)])
    assert MAX_GAP == 2.0
    tr = Translator()
    apart = translate_document(text.encode(), "srt", "en", "en-XA", tr)
    joined = translate_document(text.encode(), "srt", "en", "en-XA", tr, max_gap=5.0)
    assert [s.where for s in apart.segments] == ["cue 1", "cue 2"]
    assert [s.where for s in joined.segments] == ["cue 1-2"]
    assert_oracle(text, joined.text, "srt", 1)
    with pytest.raises(UserError, match="max_gap"):
        translate_document(text.encode(), "srt", "en", "en-XA", tr, max_gap=-1)


def test_a_webvtt_block_without_a_timing_line_is_kept_with_a_warning(capsys, tmp_path):
    """Players skip it, so it is not translated, but never silently: a warning on stderr
    and in the report (the file was refused before)."""
    text = ("WEBVTT\n\n00:01.000 --> 00:02.000\nHello there.\n\nStray text, no cue.\n\n"
            "00:03.000 --> 00:04.000\nGoodbye now.\n")
    path = tmp_path / "stray.vtt"
    path.write_text(text, encoding="utf-8")
    code, err, report = to_en_xa(capsys, tmp_path, path)
    assert code == 0, err
    out = written(report, path)
    assert "\n\nStray text, no cue.\n\n" in out and out.count("[") == 2
    warning = "line 6: a block without a timing line is no cue"
    assert f"translate: warning: {path}: {warning}" in err
    assert any(warning in n for n in report["files"][0]["targets"]["en-XA"]["notes"])


def test_dialogue_lines_keep_their_speaker_and_line(capsys, tmp_path):
    """Two speakers in one cue (a dash line, a closed voice): each line comes back on
    its own line with its own words and styling."""
    text = ("WEBVTT\n\n00:01.000 --> 00:03.000\nWhy did you <i>go</i>\n- Because I\n\n"
            "00:03.100 --> 00:05.000\n<v Ann>We were <b>late</b></v>\n<v Bob>No.</v>\n"
            "<i>Laughter</i>\n")
    out, _, report = round_trip(capsys, tmp_path, "dialogue.vtt", text)
    assert where(report) == ["cue 1", "cue 1", "cue 2", "cue 2", "cue 2"]


# ----------------------------------------------------------------------------- #24 time


def article_bounded(tmp_path: Path, *files: Path, seconds: float, limits=()):
    """``translate article FILES --to en-XA`` in a child process bounded in time (a
    ``TimeoutExpired`` fails the test) and address space; ``limits``: ``NAME=N`` raised
    (the time is what is measured, not the reading limits)."""
    from support import run_bounded

    raised = [a for limit in limits for a in ("--limit", limit)]
    return run_bounded("article", *map(str, files), "--from", "en", "--to", "en-XA", "-o",
                       str(tmp_path / "out"), *raised, seconds=seconds, address_space_gb=4)


@pytest.mark.slow
def test_a_hundred_thousand_cues_take_linear_time(tmp_path):
    """#24: 16k cues took 18.6 s, 32k 89 s (each sentence looked for its cue among all
    of them), 160k were killed. 100k cues now take about 25 s on a loaded 2-core machine;
    the quadratic placement needs hours."""
    n = 100_000
    path = tmp_path / "long.srt"
    path.write_text("".join(
        f"{i + 1}\n{stamp(i)} --> {stamp(i + 0.5)}\n{'<i>Go</i> on.' if i % 2 else 'Go on.'}\n\n"
        for i in range(n)), encoding="utf-8")
    done = article_bounded(tmp_path, path, seconds=150)
    assert done.returncode == 0, done.stderr
    out = (tmp_path / "out" / "long.en-XA.srt").read_text(encoding="utf-8")
    assert_oracle(path.read_text(encoding="utf-8"), out, "srt", n)


def test_one_cue_of_ten_thousand_lines_is_wrapped_in_linear_time(tmp_path):
    """#24: one cue of 10k lines took 62 s (the balanced two-line cut tried every word
    with the line rebuilt each time); a turn of more than MAX_KEPT_LINES lines is
    re-wrapped, in one pass."""
    from translate.documents.subtitles import MAX_KEPT_LINES

    text = "1\n00:00:01,000 --> 00:00:02,000\n" + "\n".join(
        f"word number {i} here" for i in range(10_000)) + "\n"
    path = tmp_path / "tall.srt"
    path.write_text(text, encoding="utf-8")
    done = article_bounded(tmp_path, path, seconds=40,
                           limits=("cue_lines=10000", "text_chars=1000000"))
    assert done.returncode == 0, done.stderr
    out = (tmp_path / "out" / "tall.en-XA.srt").read_text(encoding="utf-8")
    assert_oracle(text, out, "srt", 1, exact_lines=False)
    lines = out.split("\n")[2:-1]
    assert len(lines) > MAX_KEPT_LINES and all(len(line) <= 42 for line in lines)


def test_fifty_thousand_styling_tags_in_one_cue_are_refused_at_once(tmp_path):
    """#24: 50k ``<i>`` in one cue took 79 s and 1.1 GB (now past the limit text_chars
    first: tests/reliability/test_input_limits.py); 5k, within it, are over the limit
    cue_tags: the file is one line, exit 2, read no further, and the other file of the
    batch is done."""
    bad = tmp_path / "tags.srt"
    bad.write_text("1\n00:00:01,000 --> 00:00:02,000\n" + " ".join(
        ["<i>w</i>"] * 5_000) + "\n", encoding="utf-8")
    good = tmp_path / "good.srt"
    good.write_text(srt(TALK), encoding="utf-8")
    done = article_bounded(tmp_path, bad, good, seconds=30)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert lines == [f"translate: error: {bad}: cue 1: more than 200 styling tags (a pair "
                     "<i>...</i> is one) (limit 200; raise it with --limit cue_tags=N); the "
                     "other 1 input(s) were done"]
    assert_oracle(srt(TALK), (tmp_path / "out" / "good.en-XA.srt").read_text("utf-8"), "srt")


# ----------------------------------------------------------------------------- property


WORDS = ["the", "river", "went", "down", "we", "New", "York", "I", "said", "Roger",
         "council", "budget", "schools", "and", "it"]
PUNCT = ["", "", "", ".", ",", "?", "!", "..."]
EOLS = ["\n", "\r\n", "\r\r\n", "\r"]


@st.composite
def styled_line(draw, kind: str, depth: int = 0, most: int = 3) -> str:
    """Words (up to ``most`` in a run) with nested inline styling (well nested), at
    least one word."""
    parts = []
    for _ in range(draw(st.integers(1, 2))):
        words = " ".join(draw(st.sampled_from(WORDS)) for _ in range(draw(st.integers(1, most))))
        words += draw(st.sampled_from(PUNCT))
        void = draw(st.sampled_from(["", "", "", "{\\an8}"] + (
            ["<00:00:01.500>", "&amp; "] if kind == "vtt" else ["</s>"])))
        words = void + words  # a position, a karaoke time, an entity, a stray closing tag
        if depth < 3 and draw(st.integers(0, depth + 1)) == 0:
            tag = draw(st.sampled_from(["i", "b", "u", "font", "c"] if kind == "vtt"
                                       else ["i", "b", "u", "font"]))
            opening = {"font": '<font color="red">', "c": "<c.yellow>"}.get(tag, f"<{tag}>")
            closing = f"</{tag.split('.')[0]}>"
            inner = draw(styled_line(kind, depth + 1, most))
            words = f"{opening}{inner}{closing}" if draw(st.booleans()) else \
                f"{words} {opening}{inner}{closing}"
        parts.append(words)
    return " ".join(parts)


@st.composite
def subtitle_file(draw) -> tuple[str, str]:
    kind = draw(st.sampled_from(["srt", "vtt"]))
    most = draw(st.sampled_from([1, 3]))  # 1: short lines, that keep their breaks
    eol = st.sampled_from(EOLS)
    out = ["WEBVTT" + draw(eol) + draw(eol)] if kind == "vtt" else []
    t = 1.0
    for k in range(draw(st.integers(1, 6))):
        start = t + draw(st.sampled_from([0.0, 0.1, 0.5, 3.0, -0.5]))
        end = max(start, start + draw(st.sampled_from([0.0, 1.0, 2.0])))
        t = end
        sep = "," if kind == "srt" else "."
        settings = draw(st.sampled_from(["", "", " align:start", " position:20%"])) \
            if kind == "vtt" else ""
        lines = []
        for _ in range(draw(st.integers(1, 3))):
            prefix = draw(st.sampled_from(
                ["", "", "- ", "{\\an8}"] + (["<v Roger>", "<v Neil>"] if kind == "vtt"
                                               else [])))
            close = "</v>" if prefix.startswith("<v") and draw(st.booleans()) else ""
            lines.append(prefix + draw(styled_line(kind, 0, most)) + close + draw(eol))
        number = f"{k + 1}{draw(eol)}" if kind == "srt" or draw(st.booleans()) else ""
        out.append(f"{number}{stamp(max(start, 0), sep)} --> {stamp(max(end, 0), sep)}"
                   f"{settings}{draw(eol)}{''.join(lines)}")
        out.append(draw(eol))
    return kind, "".join(out)


@settings(max_examples=60, derandomize=True, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(subtitle_file())
def test_any_subtitle_file_with_styling_speakers_and_mixed_line_endings_round_trips(doc):
    """Generated SRT/WebVTT with nested inline styling, speakers (voices, dashes,
    positions), overlapping and distant cues, and every line ending its own way: the
    oracle property holds, and a file whose lines are short keeps every line break."""
    from translate.documents import translate_document

    kind, text = doc
    result = translate_document(text.encode("utf-8"), kind, "en", "en-XA", _pseudo())
    short = all(len(TAG.sub("", line)) <= 30 for line, _ in lines_of(text))
    assert_oracle(text, result.text, kind, len(result.segments), exact_lines=short)


@functools.cache
def _pseudo():
    from translate import Translator

    return Translator()


# ----------------------------------------------------------------------------- real model


def test_a_speakers_words_and_styling_stay_in_their_cue_with_the_fixture_model():
    """en -> it on the fixture models: a sentence that two speakers share in time is
    two sentences, so neither speaker's words nor <font>/<i> land in the other's cue
    (it was one sentence cut back by alignment noise)."""
    from support import MODELS
    from translate import Translator
    from translate.documents import translate_document
    from translate.documents.subtitles import parse

    tr = Translator(models_dir=MODELS, device="cpu", glossary=False)
    first = "The ceremony took place in the church"
    second = 'of <font color="red">Santa Maria</font> in <i>Rome</i>.'
    text = (f"WEBVTT\n\n00:01.000 --> 00:03.000\n<v Roger>{first}\n\n"
            f"00:03.100 --> 00:05.000\n<v Neil>{second}\n")
    result = translate_document(text.encode(), "vtt", "en", "it", tr)
    assert [s.where for s in result.segments] == ["cue 1", "cue 2"]
    assert [s.source for s in result.segments] == [
        first, "of Santa Maria in Rome."]
    cues = parse(result.text, "vtt").cues
    alone = [translate_document(f"WEBVTT\n\n00:01.000 --> 00:03.000\n{t}\n".encode(), "vtt",
                                "en", "it", tr).text.split("\n", 3)[3].strip()
             for t in (f"<v Roger>{first}", f"<v Neil>{second}")]
    assert [" ".join(c.text.split()) for c in cues] == [" ".join(a.split()) for a in alone]
    assert "<font" not in cues[0].text and "<i>" not in cues[0].text
    assert cues[1].text.startswith("<v Neil>") and cues[1].text.count("<font") == 1
