"""The LibreTranslate API through real clients: libretranslatepy, and raw requests shaped
like Weblate's and Mastodon's."""

from __future__ import annotations

import concurrent.futures
import re
import sqlite3
import time

import pytest

from support import aligned_rows

libretranslatepy = pytest.importorskip("libretranslatepy",
                                       reason="libretranslatepy (test extra) is missing")

ROWS = aligned_rows()
HEADLINE_EN = ROWS[0]["en"]


def library(translator, text, src, tgt):
    return translator.translate_article(text, src, tgt).text


def test_libretranslatepy_translate_detect_languages(live, base_translator):
    lt = libretranslatepy.LibreTranslateAPI(live.url)
    got = lt.translate(HEADLINE_EN, "en", "it")
    # what the library gives for the same text: the server adds nothing and loses nothing
    assert got == library(base_translator, HEADLINE_EN, "en", "it")
    assert "genocidio di Khojaly" in got or "Khojaly" in got
    assert lt.detect("Xocalı soyqırımının ildönümü")[0]["language"] == "az"
    best = lt.detect(HEADLINE_EN)[0]
    assert best["language"] == "en" and 50 < best["confidence"] <= 100
    langs = {entry["code"]: entry for entry in lt.languages()}
    assert set(langs) == {"en", "az", "it"}
    assert sorted(langs["az"]["targets"]) == ["en", "it"]
    assert langs["it"]["name"] == "Italian"


def test_pivot_and_auto_per_item(live, base_translator):
    az, en = ROWS[2]["az"], ROWS[2]["en"]
    r = live.post("/translate", {"q": [az, en], "source": "auto", "target": "it"})
    assert r.status == 200
    assert r.body["translatedText"] == [library(base_translator, az, "az", "it"),
                                        library(base_translator, en, "en", "it")]
    # one detection per item (LibreTranslate repeats the first for the whole list)
    assert [d["language"] for d in r.body["detectedLanguage"]] == ["az", "en"]
    assert all(0 < d["confidence"] <= 100 for d in r.body["detectedLanguage"])
    one = live.post("/translate", {"q": en, "source": "auto", "target": "az"})
    assert isinstance(one.body["translatedText"], str)
    assert one.body["detectedLanguage"]["language"] == "en"


def test_form_and_json_give_the_same(live):
    text = ROWS[3]["en"]
    a = live.form("/translate", {"q": text, "source": "en", "target": "az"})
    b = live.post("/translate", {"q": text, "source": "en", "target": "az"})
    assert a.status == b.status == 200
    assert a.body == b.body
    assert "Xocalı" in a.body["translatedText"]


def test_layout_kept_and_glossary_report(live):
    article = ROWS[0]["en"] + "\n\n" + ROWS[3]["en"] + "\n"
    r = live.post("/translate", {"q": article, "source": "en", "target": "az", "report": True})
    assert r.status == 200
    out = r.body["translatedText"]
    assert out.count("\n\n") == 1 and out.endswith("\n")
    segments = r.body["report"]["segments"]
    terms = [t for s in segments for t in s["terms"]]
    assert any(t["required"] == "Xocalı soyqırımı" or t["required"] == "Xocalı"
               for t in terms)
    for seg in segments:  # spans index the whole output
        for t in seg["terms"]:
            if t["status"] == "found":
                lo, hi = (seg["output_start"] + t["output_span"][0],
                          seg["output_start"] + t["output_span"][1])
                assert out[lo:hi] == t["required"][:hi - lo]
    off = live.post("/translate", {"q": article, "source": "en", "target": "az",
                                   "report": True, "glossary": "off"})
    assert all(not s["terms"] for s in off.body["report"]["segments"])
    g = live.get("/glossaries")
    assert g.status == 200 and g.body[0]["name"] == "news" and g.body[0]["default"]
    bad = live.post("/translate", {"q": "x", "source": "en", "target": "it",
                                   "glossary": "nope"})
    assert bad.status == 400 and "unknown glossary" in bad.error


def test_weblate_batch_of_twenty_with_placeholders(live):
    """Weblate (machinery/libretranslate.py) posts JSON {api_key, q: [<= 20 strings],
    source, target}, with non-translatable parts replaced by [X<n>X], and waits 20 s."""
    sources = [f"{ROWS[i % len(ROWS)]['en'].split('.')[0][:80]} [X{i}X] "
               f"{ROWS[i % 5]['en'][:40]}" for i in range(20)]
    sources[3] = "[X3X]"  # a string that is only a placeholder
    sources[4] = "Facebook [X4X][X5X]"
    start = time.monotonic()
    r = live.post("/translate", {"api_key": "", "q": sources, "source": "en",
                                 "target": "it"}, timeout=20)
    assert time.monotonic() - start < 20
    assert r.status == 200
    out = r.body["translatedText"]
    assert len(out) == 20
    for src, tgt in zip(sources, out, strict=True):
        for ph in re.findall(r"\[X\d+X\]", src):
            assert tgt.count(ph) == 1, (src, tgt)
    assert out[3] == "[X3X]"
    langs = live.get("/languages")
    assert [x["code"] for x in langs.body] == ["en", "az", "it"]


def test_weblate_settings_check_without_german(live):
    """Weblate's settings check translates "test" from en to de whatever /languages says;
    this server has no German, so the check gets LibreTranslate's 400 and Weblate refuses
    the settings with "Could not fetch translation: ... de is not supported"."""
    r = live.post("/translate", {"api_key": "", "q": ["test"], "source": "en",
                                 "target": "de"})
    assert r.status == 400
    assert r.error == "de is not supported"


def test_mastodon_html(live):
    """Mastodon posts JSON {q: [html], source: lang or auto, target, format: html,
    api_key}."""
    html = f"<p>{ROWS[3]['en']}</p>"
    r = live.post("/translate", {"q": [html], "source": "auto", "target": "az",
                                 "format": "html", "api_key": ""})
    assert r.status == 200
    out = r.body["translatedText"][0]
    assert out.startswith("<p>") and out.endswith("</p>") and "Xocalı" in out
    assert r.body["detectedLanguage"][0]["language"] == "en"


def test_mastodon_403_and_429(make_server, tmp_path):
    """Mastodon raises QuotaExceededError on 403 and TooManyRequestsError on 429, and
    unexpected on anything else: those two codes, with the error shape."""
    from translate.serve.keys import KeyStore

    db = tmp_path / "keys.sqlite"
    store = KeyStore(db)
    key, _rec = store.add("mastodon", req_limit=3)
    store.close()
    srv = make_server(keys_db=str(db), require_api_key=True, req_limit=100)
    body = {"q": ["Facebook"], "source": "en", "target": "it", "format": "text"}
    wrong = srv.post("/translate", {**body, "api_key": "not-a-key"})
    assert wrong.status == 403 and wrong.error == "Invalid API key"
    missing = srv.post("/translate", body)
    assert missing.status == 403 and "API key" in missing.error
    codes = [srv.post("/translate", {**body, "api_key": key}).status for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    limited = srv.post("/translate", {**body, "api_key": key})
    assert limited.status == 429 and limited.error.startswith("Slowdown:")
    assert srv.get("/health").status == 200  # and the server keeps serving


def test_alternatives_not_a_number(live):
    bad = live.post("/translate", {"q": "Facebook", "source": "en", "target": "it",
                                   "alternatives": "three"})
    assert bad.status == 400
    assert bad.error == "Invalid request: alternatives parameter is not a number"


def test_frontend_settings_and_health(live):
    s = live.get("/frontend/settings").body
    assert s["charLimit"] == 5000 and s["suggestions"] is False
    assert s["language"]["source"]["code"] == "auto"
    assert ".txt" in s["supportedFilesFormat"] and ".po" in s["supportedFilesFormat"]
    assert live.get("/health").body["status"] == "ok"


def test_suggest(make_server, live, tmp_path):
    off = live.post("/suggest", {"q": "a", "s": "b", "source": "en", "target": "it"})
    assert off.status == 403 and off.error == "Suggestions are disabled on this server."
    tm = tmp_path / "tm.sqlite"
    srv = make_server(suggestions_tm=str(tm))
    r = srv.form("/suggest", {"q": "All news", "s": "Tutte le notizie", "source": "en",
                              "target": "it"})
    assert r.status == 200 and r.body == {"success": True}
    rows = sqlite3.connect(tm).execute(
        "SELECT src_lang, tgt_lang, source, target, origin FROM units").fetchall()
    assert rows == [("en", "it", "All news", "Tutte le notizie", "human")]
    missing = srv.post("/suggest", {"q": "a", "source": "en", "target": "it"})
    assert missing.status == 400 and missing.error == "Invalid request: missing s parameter"


def test_concurrent_requests_share_model_batches(make_server, base_translator):
    """Sixteen clients at once: every answer is what the library gives alone, and their
    sentences went through fewer model calls than requests."""
    srv = make_server(gather_ms=50)
    texts = [row["en"] for row in ROWS[:16]]
    expected = [library_off(base_translator, t) for t in texts]
    batcher = srv.app.state.service.batcher
    before = batcher.stats.calls
    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        replies = list(pool.map(lambda t: srv.post("/translate", {
            "q": t, "source": "en", "target": "it", "glossary": "off"}), texts))
    assert [r.body["translatedText"] for r in replies] == expected
    calls = batcher.stats.calls - before
    assert calls < len(texts), calls


def library_off(translator, text):
    return translator.using(glossary=None).translate_article(text, "en", "it").text


def test_cors(live, make_server):
    pre = live.request("OPTIONS", "/translate", headers={
        "Origin": "https://weblate.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    assert pre.status == 200
    assert pre.headers.get("access-control-allow-origin") == "*"
    closed = make_server(cors_origins=("https://desk.example",))
    r = closed.request("GET", "/languages", headers={"Origin": "https://evil.example"})
    assert r.status == 200 and "access-control-allow-origin" not in r.headers
    r = closed.request("GET", "/languages", headers={"Origin": "https://desk.example"})
    assert r.headers.get("access-control-allow-origin") == "https://desk.example"


def test_raw_utf8_form_body(live, base_translator):
    """`curl -d q=Xocalı...` sends the UTF-8 bytes unescaped; they must not be read as
    Latin-1 (regression: Starlette's form parser did)."""
    text = "Xocalı soyqırımının 32-ci ildönümü"
    r = live.request("POST", "/translate", data=f"q={text}&source=auto&target=en".encode(),
                     headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status == 200
    assert r.body["detectedLanguage"]["language"] == "az"
    assert r.body["translatedText"] == base_translator.translate_article(text, "az", "en").text


def test_concurrent_mixed_directions_keep_apart(make_server, base_translator):
    """Requests for different directions and glossaries at once: each queue is decoded
    on its own, every answer is the library's for that direction."""
    srv = make_server(gather_ms=50)
    jobs = [(ROWS[i]["en"], "en", ("it", "az")[i % 2], ("news", "off")[i // 2 % 2])
            for i in range(8)] + [(ROWS[1]["az"], "az", "it", "news")]

    def expect(text, src, tgt, glossary):
        tr = base_translator if glossary == "news" else base_translator.using(glossary=None)
        return tr.translate_article(text, src, tgt).text

    with concurrent.futures.ThreadPoolExecutor(len(jobs)) as pool:
        replies = list(pool.map(lambda j: srv.post("/translate", {
            "q": j[0], "source": j[1], "target": j[2], "glossary": j[3]}), jobs))
    assert [r.body["translatedText"] for r in replies] == [expect(*j) for j in jobs]


def test_source_equal_to_target_and_text_without_words_come_back_unchanged(live):
    """LibreTranslate parity (issue 25): source=it&target=it returns the text as it is
    (English text in it was translated into Italian), and text with nothing to translate
    (emoji, numbers, punctuation) is not sent to a model."""
    english = ROWS[3]["en"]
    same = live.post("/translate", {"q": english, "source": "it", "target": "it"})
    assert same.status == 200 and same.body["translatedText"] == english
    for text in ("🎉🎉 👍", "2024 — 10:30 (+1)", "…!?"):
        r = live.post("/translate", {"q": text, "source": "en", "target": "it"})
        assert r.status == 200 and r.body["translatedText"] == text, text


def test_translate_answers_with_a_review_field(live):
    """Issue 26: an extra field (LibreTranslate clients ignore it) with the lowest
    confidence of the text's sentences, whether any is flagged and why."""
    from support import aligned_rows

    seen = aligned_rows()[2]["en"]
    r = live.post("/translate", {"q": [seen, "a"], "source": "en", "target": "it"})
    assert r.status == 200, r.body
    sure, unsure = r.body["review"]
    assert set(sure) == {"confidence", "needsReview", "reasons"}
    assert sure["confidence"] > 0.99 and sure["needsReview"] is False and sure["reasons"] == []
    assert unsure["confidence"] < sure["confidence"]
    one = live.post("/translate", {"q": seen, "source": "en", "target": "it"})
    assert one.body["review"]["confidence"] == sure["confidence"]
