from __future__ import annotations

import io

from support import aligned_rows
from translate.progress import Progress


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_draws_on_a_terminal_and_is_silent_when_piped():
    tty, pipe = Tty(), io.StringIO()
    for stream in (tty, pipe):
        bar = Progress(4, "translating", stream=stream)
        for _ in range(4):
            bar.update()
    assert "4/4" in tty.getvalue() and tty.getvalue().endswith("\n")
    assert pipe.getvalue() == ""


def test_translator_reports_progress_for_long_input(translator, monkeypatch, capsys):
    import sys

    tty = Tty()
    monkeypatch.setattr(sys, "stderr", tty)
    translator.progress = True
    try:
        out = translator.translate([r["en"] for r in aligned_rows()[:10]], "en", "it")
    finally:
        translator.progress = False
    assert out == [r["it"] for r in aligned_rows()[:10]]
    assert "translating [" in tty.getvalue() and "10/10" in tty.getvalue()
