"""Hostile HTML and subtitle files (#24): each is a one-line exit-2 error for that file with
the other file of the batch still written, or correct output; never an internal error
(exit 1) that stops the batch. Through the CLI on the real fixture models, in a child
process bounded in time and address space; the files are built here."""

from __future__ import annotations

import pytest

from support import MODELS, run_bounded

GOOD = "All news on our Facebook page."
BOM = "\ufeff"


def article(tmp_path, bad_name: str, bad: str | bytes, ext: str):
    """Translate ``bad`` and a good file of the same format to Italian into OUT."""
    bad_path = tmp_path / bad_name
    if isinstance(bad, bytes):
        bad_path.write_bytes(bad)
    else:
        bad_path.write_text(bad, encoding="utf-8")
    good = tmp_path / f"good{ext}"
    good.write_text({".html": f"<html><body><p>{GOOD}</p></body></html>\n",
                     ".srt": f"1\n00:00:01,000 --> 00:00:02,000\n{GOOD}\n",
                     ".vtt": f"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n{GOOD}\n"}[ext],
                    encoding="utf-8")
    out = tmp_path / "out"
    done = run_bounded("article", str(bad_path), str(good), "--from", "en", "--to", "it",
                       "-o", str(out), "--models-dir", str(MODELS), "--no-glossary",
                       seconds=120, address_space_gb=6)
    assert "internal error" not in done.stderr and "Traceback" not in done.stderr
    assert (out / f"good.it{ext}").is_file(), done.stderr  # the good file is always done
    return done, out, bad_path


def refused(done, where: str, *fragments: str) -> None:
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith(f"translate: error: {where}: "), done.stderr
    assert lines[0].endswith("; the other 1 input(s) were done"), done.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


@pytest.mark.parametrize(("ext", "content", "line", "fragments"), [
    # <b> nested 1,000 deep: a RecursionError in the markup placement
    (".html", f"<html><body><p>{'<b>' * 1000}{GOOD}{'</b>' * 1000}</p></body></html>\n",
     ":1", ("inline elements nested more than 100 deep",
            "(limit 100; raise it with --limit nesting_depth=N)")),
    (".srt", f"1\n00:00:01,000 --> 00:00:02,000\n{'<i>' * 1000}{GOOD}{'</i>' * 1000}\n",
     "", ("cue 1: styling tags nested more than 100 deep",
          "(limit 100; raise it with --limit nesting_depth=N)")),
    # hours of 400 digits: an OverflowError
    (".srt", f"1\n{'9' * 400}:00:00,000 --> 00:00:02,000\n{GOOD}\n", ":2",
     ("hours have 400 digits", "(limit 9)")),
    (".vtt", f"WEBVTT\n\n{'9' * 400}:00:00.000 --> 00:00:02.000\n{GOOD}\n", ":3",
     ("hours have 400 digits",)),
], ids=["html-nested", "srt-nested", "srt-hours", "vtt-hours"])
def test_a_file_past_a_limit_is_refused_and_the_batch_done(tmp_path, ext, content, line,
                                                          fragments):
    done, out, bad = article(tmp_path, f"bad{ext}", content, ext)
    refused(done, f"{bad}{line}", *fragments)
    assert not (out / f"bad.it{ext}").exists()


@pytest.mark.parametrize("section", ["<![ endif]>", "<![ CDATA[x]]>", "<![foo[x]]>"])
def test_a_marked_section_html_parser_cannot_name_is_kept_as_written(tmp_path, section):
    """A bogus comment to browsers (an AssertionError in html.parser before)."""
    page = f"<html><body><p>{GOOD}</p>{section}<p>{GOOD}</p></body></html>\n"
    done, out, _ = article(tmp_path, "bad.html", page, ".html")
    assert done.returncode == 0, done.stderr
    written = (out / "bad.it.html").read_text(encoding="utf-8")
    assert f"</p>{section}<p>" in written and GOOD not in written  # both paragraphs done


def test_a_comment_left_open_at_the_end_stays_a_comment(tmp_path):
    """Browsers hide everything after an unclosed ``<!--``: it is not translated and
    published as text (it was, from its first ``>`` on)."""
    note = "<!-- editor note: do not publish. <p>The minister resigns tomorrow.</p>\n"
    done, out, _ = article(tmp_path, "bad.html",
                           f"<html><body><p>{GOOD}</p>{note}", ".html")
    assert done.returncode == 0, done.stderr
    written = (out / "bad.it.html").read_text(encoding="utf-8")
    assert written.endswith(f"</p>{note}")
    assert GOOD not in written


def test_srt_with_a_bom_and_mixed_line_breaks_is_translated_keeping_each_break(tmp_path):
    """CRLF in the first cue, LF in the second: it was "bad timing" on cue 2's text."""
    srt = (f"{BOM}1\r\n00:00:01,000 --> 00:00:02,000\r\n{GOOD}\n\n"
           f"2\n00:00:03,000 --> 00:00:04,000\n{GOOD}\r\n\r\n").encode()
    done, out, _ = article(tmp_path, "mixed.srt", srt, ".srt")
    assert done.returncode == 0, done.stderr
    written = (out / "mixed.it.srt").read_bytes().decode("utf-8")
    assert written.startswith(f"{BOM}1\r\n00:00:01,000 --> 00:00:02,000\r\n")
    assert "\n\n2\n00:00:03,000 --> 00:00:04,000\n" in written
    assert written.endswith("\r\n\r\n") and GOOD not in written
