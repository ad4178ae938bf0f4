"""Bad requests get LibreTranslate's error shape and code, and the server keeps serving."""

from __future__ import annotations

import pytest

from serve.serve_helpers import upload


def still_serving(live):
    r = live.post("/translate", {"q": "Facebook", "source": "en", "target": "it"})
    assert r.status == 200 and isinstance(r.body["translatedText"], str)


@pytest.mark.parametrize("body, message", [
    ({"source": "en", "target": "it"}, "Invalid request: missing q parameter"),
    ({"q": "", "source": "en", "target": "it"}, "Invalid request: missing q parameter"),
    ({"q": "x", "target": "it"}, "Invalid request: missing source parameter"),
    ({"q": "x", "source": "en"}, "Invalid request: missing target parameter"),
    ({"q": "x", "source": "xx", "target": "it"}, "xx is not supported"),
    ({"q": "x", "source": "en", "target": "de"}, "de is not supported"),
    ({"q": "x", "source": "en", "target": "it", "format": "pdf"},
     "pdf format is not supported"),
    ({"q": [1, 2], "source": "en", "target": "it"},
     "Invalid request: q must be a string or a list of strings"),
])
def test_bad_translate_requests(live, body, message):
    r = live.post("/translate", body)
    assert r.status == 400
    assert r.error == message
    still_serving(live)


def test_over_the_char_limit(make_server):
    srv = make_server(char_limit=40)
    r = srv.post("/translate", {"q": ["short", "x" * 41], "source": "en", "target": "it"})
    assert r.status == 400
    assert r.error == "Invalid request: request (41) exceeds text limit (40)"
    ok = srv.post("/translate", {"q": "x" * 40, "source": "en", "target": "it"})
    assert ok.status == 200
    assert srv.get("/frontend/settings").body["charLimit"] == 40


def test_invalid_json_and_unknown_route(live):
    r = live.request("POST", "/translate", data=b"{not json",
                     headers={"Content-Type": "application/json"})
    assert r.status == 400 and r.error == "Invalid JSON format"
    r = live.request("POST", "/translate", data=b"[1, 2]",
                     headers={"Content-Type": "application/json"})
    assert r.status == 400 and r.error == "Invalid JSON format"
    missing = live.get("/no/such/route")
    assert missing.status == 404 and missing.error
    still_serving(live)


def test_malformed_multipart(live):
    body = (b"--XYZ\r\nContent-Disposition: form-data; name=\"source\"\r\n\r\nen\r\n"
            b"--XYZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n"
            b"Content-Type: text/plain\r\n\r\nunterminated")
    r = live.request("POST", "/translate_file", data=body,
                     headers={"Content-Type": "multipart/form-data; boundary=XYZ"})
    assert r.status == 400
    assert r.error.startswith("Invalid request: malformed form data")
    r = live.request("POST", "/translate_file", data=b"garbage",
                     headers={"Content-Type": "multipart/form-data"})
    assert r.status == 400
    still_serving(live)


def test_unsupported_file_format_and_limits(make_server, live):
    r = upload(live, "slides.pptx", b"PK\x03\x04...")
    assert r.status == 400 and r.error == "Invalid request: file format not supported"
    r = upload(live, "empty.txt", b"   \n")
    assert r.status == 400 and r.error == "Invalid request: empty file"
    r = upload(live, "latin1.txt", "caffè".encode("latin-1"))
    assert r.status == 400 and "not UTF-8" in r.error
    r = upload(live, "a.txt", b"Facebook", target="xx")
    assert r.status == 400 and r.error == "xx is not supported"
    small = make_server(max_upload_mb=0.001)
    r = upload(small, "big.txt", b"Facebook page. " * 200)
    assert r.status == 400 and "larger than" in r.error
    still_serving(live)


def test_wrong_key(make_server, tmp_path):
    from translate.serve.keys import KeyStore

    db = tmp_path / "keys.sqlite"
    key, _ = KeyStore(db).add("desk")
    srv = make_server(keys_db=str(db))
    r = srv.form("/translate", {"q": "Facebook", "source": "en", "target": "it",
                                "api_key": "wrong"})
    assert r.status == 403 and r.error == "Invalid API key"
    # keys on but not required: no key is fine, a valid one too
    assert srv.form("/translate", {"q": "Facebook", "source": "en", "target": "it"}
                    ).status == 200
    assert srv.form("/translate", {"q": "Facebook", "source": "en", "target": "it",
                                   "api_key": key}).status == 200
    r = srv.form("/detect", {"q": "Facebook", "api_key": "wrong"})
    assert r.status == 403


def test_queue_full_is_503(make_server):
    srv = make_server(max_queue=2, gather_ms=1500)
    import concurrent.futures

    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        first = pool.submit(srv.post, "/translate", {"q": ["Facebook", "Instagram"],
                                                      "source": "en", "target": "it"})
        import time

        time.sleep(0.4)  # the first request's two sentences wait in the gather window
        second = srv.post("/translate", {"q": "Rome", "source": "en", "target": "it"})
        assert second.status == 503 and "busy" in second.error
        assert first.result().status == 200
    assert srv.post("/translate", {"q": "Rome", "source": "en", "target": "it"}
                    ).status == 200


def test_timeout_is_503(make_server):
    srv = make_server(timeout_s=0.05, gather_ms=500)
    r = srv.post("/translate", {"q": "Facebook", "source": "en", "target": "it"})
    assert r.status == 503 and "timed out" in r.error


def test_model_that_cannot_load_is_500_one_line(tmp_path):
    """A server whose models are missing (offline, nothing local): 500 with one line
    naming the model, no traceback; other routes keep answering."""
    from serve.conftest import Live
    from serve.serve_helpers import free_port
    from translate import Translator
    from translate.serve import ServeSettings, create_app

    tr = Translator(models_dir=tmp_path, device="cpu", glossary=False)
    srv = Live(create_app(tr, ServeSettings()), free_port())
    try:
        r = srv.post("/translate", {"q": "Facebook", "source": "en", "target": "it"})
        assert r.status == 500
        assert r.error.startswith("Cannot translate text: ") and "\n" not in r.error
        assert "opus-mt-en-it" in r.error
        # in the library's terms, not the command line's flags the client does not have
        assert "pass models_dir or models=SRC-TGT=DIR" in r.error and "--model" not in r.error
        assert srv.get("/languages").status == 200
        assert srv.post("/detect", {"q": "Facebook"}).status == 200
    finally:
        srv.stop()
