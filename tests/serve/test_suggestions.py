"""Corrections that stick (#26): ``translate serve --suggestions`` stores a ``/suggest``ed
translation as a human entry of ``<data-dir>/suggestions.sqlite``, and the next
``/translate`` (``/translate_file``, DeepL's ``/v2/translate``) of that text returns it,
also after a restart. Real ``translate serve`` processes over the fixture models."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import urllib.request

import pytest

from serve.serve_helpers import ServeProcess, upload
from support import MODELS, ROOT

pytest.importorskip("uvicorn", reason="the serve extra is not installed")

ONE = "The minister spoke in Rome."
TWO = "The minister spoke in Rome. The meeting ended late."


def xa(srv, text):
    r = srv.post("/translate", {"q": text, "source": "en", "target": "en-XA"})
    assert r.status == 200, r.body
    return r.body


def suggest(srv, q, s, target="en-XA", **kw):
    return srv.post("/suggest", {"q": q, "s": s, "source": "en", "target": target, **kw})


def rows(path):
    with sqlite3.connect(path) as db:
        return db.execute("SELECT src_lang, tgt_lang, context, source, target, origin "
                          "FROM units ORDER BY source").fetchall()


def test_suggestion_is_returned_and_survives_a_restart(tmp_path):
    data = tmp_path / "data"
    srv = ServeProcess("--data-dir", str(data), "--suggestions")
    try:
        assert srv.get("/frontend/settings").body["suggestions"] is True
        before = xa(srv, ONE)["translatedText"]
        assert before != ONE and before != "Il ministro ha parlato a Roma."
        # a correction of one sentence: that sentence, alone or inside a longer text
        assert suggest(srv, ONE + "  ", "Il ministro ha parlato a Roma.").body == {
            "success": True}
        body = xa(srv, ONE)
        assert body["translatedText"] == "Il ministro ha parlato a Roma."
        assert body["review"] == {"confidence": 1.0, "needsReview": False, "reasons": []}
        two = xa(srv, TWO)["translatedText"]
        assert two.startswith("Il ministro ha parlato a Roma. ")
        assert "The meeting" not in two and two != TWO  # the other sentence: the pseudo-locale
        # a correction of a whole text of two sentences (what LibreTranslate clients send)
        assert suggest(srv, TWO, "Il ministro ha parlato. Tutto è finito tardi.").status == 200
        assert xa(srv, TWO)["translatedText"] == "Il ministro ha parlato. Tutto è finito tardi."
        # a newer correction replaces the older one
        assert suggest(srv, ONE, "Il ministro parlò a Roma.").status == 200
        assert xa(srv, ONE)["translatedText"] == "Il ministro parlò a Roma."
        # errors: one line each, nothing stored
        blank = suggest(srv, "  ", "x")
        assert blank.status == 400 and "must not be blank" in blank.error
        same = srv.post("/suggest", {"q": ONE, "s": "x", "source": "en", "target": "en"})
        assert same.status == 400 and "same language" in same.error
        auto = srv.post("/suggest", {"q": ONE, "s": "x", "source": "auto", "target": "it"})
        assert auto.status == 400 and auto.error == "auto is not supported"
    finally:
        srv.stop()
    db = data / "suggestions.sqlite"
    assert rows(db) == [
        ("en", "en-XA", "", ONE, "Il ministro parlò a Roma.", "human"),
        ("en", "en-XA", "", TWO, "Il ministro ha parlato. Tutto è finito tardi.", "human")]
    # the model's output is not kept: only corrections are
    again = ServeProcess("--data-dir", str(data), "--suggestions")
    try:
        assert xa(again, ONE)["translatedText"] == "Il ministro parlò a Roma."
        assert xa(again, TWO)["translatedText"] == "Il ministro ha parlato. Tutto è finito tardi."
    finally:
        again.stop()
    assert len(rows(db)) == 2
    # without --suggestions: /suggest is refused and the memory is not read
    off = ServeProcess("--data-dir", str(data))
    try:
        r = suggest(off, ONE, "x")
        assert r.status == 403 and r.error == "Suggestions are disabled on this server."
        assert off.get("/frontend/settings").body["suggestions"] is False
        assert xa(off, ONE)["translatedText"] == before
    finally:
        off.stop()


def test_human_entry_wins_over_the_model_everywhere(tmp_path):
    """The fixture en-it model: a correction is returned by /translate, by a document
    through /translate_file and by DeepL's /v2/translate; --suggestions-tm puts the
    memory where it says."""
    tm = tmp_path / "desk" / "corrections.sqlite"
    srv = ServeProcess("--data-dir", str(tmp_path / "data"), "--suggestions-tm", str(tm))
    try:
        model = srv.post("/translate", {"q": ONE, "source": "en", "target": "it"}).body
        assert model["translatedText"] and model["translatedText"] != "Il ministro parlò a Roma."
        assert model["review"]["confidence"] < 1.0
        assert suggest(srv, ONE, "Il ministro parlò a Roma.", target="it").status == 200
        body = srv.post("/translate", {"q": ONE, "source": "en", "target": "it",
                                       "report": True}).body
        assert body["translatedText"] == "Il ministro parlò a Roma."
        seg = body["report"]["segments"][0]
        assert seg["human"] is True and seg["from_memory"] is True and seg["confidence"] == 1.0
        # a document: the sentence inside a paragraph of an HTML page
        html = f"<html><body><p>{ONE}</p><p>The meeting ended late.</p></body></html>"
        r = upload(srv, "story.html", html.encode(), report="true")
        assert r.status == 200, r.body
        assert r.body["report"]["segments"][0]["human"] is True
        with urllib.request.urlopen(r.body["translatedFileUrl"], timeout=60) as f:
            page = f.read().decode("utf-8")
        assert "<p>Il ministro parlò a Roma.</p>" in page
        assert "The meeting" not in page
        # DeepL's API
        import requests

        d = requests.post(srv.url + "/v2/translate", timeout=120, json={
            "text": [ONE], "source_lang": "EN", "target_lang": "IT"},
            headers={"Authorization": "DeepL-Auth-Key any"})
        assert d.status_code == 200, d.text
        assert d.json()["translations"][0]["text"] == "Il ministro parlò a Roma."
    finally:
        srv.stop()
    assert rows(tm) == [("en", "it", "", ONE, "Il ministro parlò a Roma.", "human")]
    assert not (tmp_path / "data" / "suggestions.sqlite").exists()


def test_review_below_sets_the_threshold(tmp_path):
    """--review-below 1: every model output is flagged with its confidence; a value
    outside [0, 1] is one line and exit code 2."""
    srv = ServeProcess("--review-below", "1", "--data-dir", str(tmp_path))
    try:
        review = srv.post("/translate", {"q": ONE, "source": "en", "target": "it"}
                          ).body["review"]
    finally:
        srv.stop()
    assert review["needsReview"] is True
    assert any(r.startswith("low confidence") and r.endswith("(below 1)")
               for r in review["reasons"]), review
    bad = subprocess.run([sys.executable, "-m", "translate.cli", "serve", "--models-dir",
                          str(MODELS), "--review-below", "2", "--data-dir", str(tmp_path)],
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2
    assert "review" in bad.stderr and "between 0 and 1" in bad.stderr
    assert len(bad.stderr.strip().splitlines()) == 1
