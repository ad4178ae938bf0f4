"""DeepL's API behind the same protections as LibreTranslate's (#25 on #27's routes),
tried against real ``translate serve`` processes: admission limits, the queue timeout,
clients that disconnect, the key lockout, hostile bodies, a zip bomb sent to
``/v2/document``, and a glossary deleted while a request that names it waits. The
pseudo-locale ``en-XA`` (no model) stands in wherever the model's cost is not the
point."""

from __future__ import annotations

import concurrent.futures
import time

import pytest

from serve.serve_helpers import ServeProcess, hold_model, sentences_for
from support import aligned_rows

requests = pytest.importorskip("requests")

ROWS = aligned_rows()
#: row 7: "... recognized the events in Khojaly as ..." -> "... Xocalıda baş verən ..."
KHOJALY_EN = ROWS[6]["en"]
AUTH = {"Authorization": "DeepL-Auth-Key any-key"}
XA = {"source_lang": "EN", "target_lang": "EN-XA"}


def call(srv, method, path, *, headers=None, timeout=120, **kw):
    return requests.request(method, srv.url + path, headers={**AUTH, **(headers or {})},
                            timeout=timeout, **kw)


def deepl_error(r) -> str:
    """The message of an answer in DeepL's error shape (and nothing internal in it)."""
    body = r.json()
    assert set(body) == {"message"}, body
    assert isinstance(body["message"], str) and body["message"]
    for internal in ("Traceback", "pybind", "KeyError", "File \""):
        assert internal not in body["message"]
    return body["message"]


# ----------------------------------------------------------------------------- glossaries

def test_a_glossary_deleted_while_a_request_waits_is_not_a_500(tmp_path):
    """Regression: a request queued with a glossary that was deleted before its turn came
    was a 500 (the model thread looked the glossary up by name and found nothing). Now
    the request finishes with the glossary it started with, on both APIs."""
    srv = ServeProcess("--batch-limit", "-1", "--request-tokens", "-1", "--max-queue",
                       "100000", "--batch-tokens", "1000000", "--queue-timeout", "300",
                       "--timeout", "600", "--no-glossary", "--data-dir", str(tmp_path),
                       "--load", "start")
    try:
        made = call(srv, "POST", "/v2/glossaries", json={
            "name": "khojaly", "source_lang": "en", "target_lang": "az",
            "entries": "Khojaly\tXocalı\n", "entries_format": "tsv"})
        assert made.status_code == 201, made.text
        gid = made.json()["glossary_id"]
        with_glossary = call(srv, "POST", "/v2/translate", json={
            "text": [KHOJALY_EN], "source_lang": "EN", "target_lang": "AZ",
            "glossary_id": gid})
        assert with_glossary.status_code == 200, with_glossary.text
        expected = with_glossary.json()["translations"][0]["text"]
        with concurrent.futures.ThreadPoolExecutor(3) as pool:
            # the two glossary requests wait behind one long model call
            slow = hold_model(srv, pool)
            deadline = time.monotonic() + 60
            deepl_req = pool.submit(call, srv, "POST", "/v2/translate", json={
                "text": [KHOJALY_EN], "source_lang": "EN", "target_lang": "AZ",
                "glossary_id": gid}, timeout=600)
            lt_req = pool.submit(srv.post, "/translate", {
                "q": KHOJALY_EN, "source": "en", "target": "az", "glossary_id": gid,
                "report": True}, timeout=600)
            while srv.get("/health").body["queue"] < 2:  # both wait for the model
                assert time.monotonic() < deadline and not slow.done()
                time.sleep(0.05)
            assert call(srv, "DELETE", f"/v2/glossaries/{gid}").status_code == 204
            assert not slow.done(), "the long request ended before the glossary went"
            deepl_reply, lt_reply = deepl_req.result(), lt_req.result()
            assert slow.result().status == 200
        assert deepl_reply.status_code == 200, deepl_reply.text
        assert deepl_reply.json()["translations"][0]["text"] == expected
        assert lt_reply.status == 200, lt_reply.body
        terms = [t for s in lt_reply.body["report"]["segments"] for t in s["terms"]]
        assert [t["required"] for t in terms] == ["Xocalı"]
        # the glossary is gone for a request that comes after: a 4xx
        after = call(srv, "POST", "/v2/translate", json={
            "text": [KHOJALY_EN], "source_lang": "EN", "target_lang": "AZ",
            "glossary_id": gid})
        assert after.status_code == 400 and "no such glossary" in deepl_error(after)
        lt_after = srv.post("/translate", {"q": "Rome.", "source": "en", "target": "az",
                                           "glossary_id": gid})
        assert lt_after.status == 400 and "unknown glossary" in lt_after.error
    finally:
        srv.stop()


# ----------------------------------------------------------------------------- admission

@pytest.fixture(scope="module")
def guarded():
    """Small admission limits, the fixture models behind them."""
    srv = ServeProcess("--batch-limit", "4", "--request-tokens", "300", "--no-glossary")
    yield srv
    srv.stop()


def test_batch_limit_and_token_budget_are_400s_at_once(guarded):
    """--batch-limit and --request-tokens hold for /v2/translate as for /translate (the
    limit was DeepL's fixed 50 texts, and no token budget): refused before anything is
    queued, in DeepL's shape."""
    t0 = time.monotonic()
    r = call(guarded, "POST", "/v2/translate", json={"text": ["one", "two", "three",
                                                              "four", "five"], **XA})
    assert r.status_code == 400
    assert deepl_error(r) == "request (5 texts) exceeds the batch limit (4)"
    form = call(guarded, "POST", "/v2/translate", data=[("text", t) for t in "abcde"]
                + [("target_lang", "EN-XA")])
    assert form.status_code == 400 and "batch limit (4)" in deepl_error(form)
    long = " ".join(["word"] * 400)
    for tags in (None, "xml", "html"):
        r = call(guarded, "POST", "/v2/translate", json={"text": [long], "tag_handling":
                                                         tags, **XA})
        assert r.status_code == 400, (tags, r.text)
        assert deepl_error(r).startswith("request (about 520 tokens) exceeds the token "
                                         "limit per request (300)")
    assert time.monotonic() - t0 < 5
    ok = call(guarded, "POST", "/v2/translate", json={"text": ["one", "two", "three",
                                                               "four"], **XA})
    assert ok.status_code == 200 and len(ok.json()["translations"]) == 4


# ----------------------------------------------------------------------------- bodies

@pytest.mark.parametrize("method, path, body, expected", [
    ("POST", "/v2/translate", b'{"text": ' + b"[" * 100_000 + b"]" * 100_000
     + b', "target_lang": "EN-XA"}', "Invalid JSON format"),
    ("POST", "/v2/translate", b'{"text": ["caf\\ud800"], "target_lang": "EN-XA"}',
     "text is not valid Unicode (a lone surrogate at character 3)"),
    ("POST", "/v2/translate", b'{"text": ["x"], "target_lang": "EN-XA\\udfff"}',
     "not valid Unicode"),
    ("POST", "/v2/translate", b'{"text": 5, "target_lang": "EN-XA"}', "'text'"),
    ("POST", "/v2/translate", b'{"text": {"a": 1}, "target_lang": "EN-XA"}', "'text'"),
    ("POST", "/v2/translate", b'{"text": [["x"]], "target_lang": "EN-XA"}', "'text'"),
    ("POST", "/v2/translate", b'{"text": ["x"], "target_lang": ["IT"]}', "target_lang"),
    ("POST", "/v2/translate", b'{"text": ["x"], "target_lang": "IT", "source_lang": 5}',
     "source_lang"),
    ("POST", "/v2/translate", b'{"text": ["x"], "target_lang": "IT", "source_lang": "EN",'
     b' "glossary_id": {"a": 1}}', "glossary_id"),
    ("POST", "/v2/translate", b'{"text": ["x"], "target_lang": "IT", "tag_handling": '
     b'["xml"]}', "tag_handling"),
    ("POST", "/v2/translate", b'{"text": ["x"], "target_lang": "IT", "formality": [1]}',
     "formality"),
    ("POST", "/v2/translate", b'{"text": ["x"], "target_lang": "IT", "split_sentences": '
     b'{"a": 1}}', "split_sentences"),
    ("POST", "/v2/translate", b'"just a string"', "Invalid JSON format"),
    ("POST", "/v2/translate", b"\xff\xfe{", "Invalid JSON format"),
    ("POST", "/v2/languages", b'{"type": ["x"]}', "type"),
    ("POST", "/v2/glossaries", b'{"name": 5, "source_lang": "en", "target_lang": "az", '
     b'"entries": "a\\tb"}', "name"),
    ("POST", "/v2/glossaries", b'{"name": "g", "source_lang": "en", "target_lang": "az", '
     b'"entries": 5}', "entries"),
    ("POST", "/v2/glossaries", b'{"name": "g", "source_lang": ["en"], "target_lang": "az",'
     b' "entries": "a\\tb"}', "source_lang"),
    ("POST", "/v2/glossaries", b'{"name": "g", "source_lang": "en", "target_lang": "az", '
     b'"entries": "a\\tb", "entries_format": ["tsv"]}', "entries_format"),
    ("POST", "/v2/glossaries", b'{"name": "g\\ud800", "source_lang": "en", "target_lang":'
     b' "az", "entries": "a\\tb"}', "not valid Unicode"),
    ("POST", "/v3/glossaries", b'{"name": "g", "dictionaries": [{"source_lang": "en", '
     b'"target_lang": "az", "entries": "Rome\\tRo\\udc00ma"}]}', "not valid Unicode"),
    ("POST", "/v3/glossaries", b'{"name": "g", "dictionaries": "x"}', "dictionaries"),
    ("POST", "/v3/glossaries", b'{"name": "g", "dictionaries": [5]}', "dictionaries"),
    ("POST", "/v3/glossaries", b'{"name": "g", "dictionaries": [' + b"[" * 500
     + b"]" * 500 + b"]}", "dictionaries"),
    ("POST", "/v2/document/NOPE", b'{"document_key": 5}', "Document not found"),
], ids=lambda value: value[:40].decode("latin-1") if isinstance(value, bytes) else None)
def test_bad_bodies_are_4xx_in_deepl_shape(guarded, method, path, body, expected):
    r = call(guarded, method, path, data=body, headers={"Content-Type": "application/json"})
    assert 400 <= r.status_code < 500, (r.status_code, r.text)
    assert expected in deepl_error(r)


# ----------------------------------------------------------------------------- the queue

def test_an_abandoned_request_leaves_the_queue():
    """A client that gives up on a /v2/translate of many texts takes its work with it (the
    DeepL routes did not watch for a disconnect): the queue empties and the next request
    is answered at once."""
    srv = ServeProcess("--batch-limit", "-1", "--request-tokens", "-1", "--max-queue",
                       "100000", "--no-glossary", "--load", "start")
    try:
        huge = sentences_for(srv, 15)  # far more than the 2 s the client waits
        with pytest.raises(requests.exceptions.ReadTimeout):  # gives up, and closes
            call(srv, "POST", "/v2/translate", json={
                "text": huge, "source_lang": "EN", "target_lang": "IT"}, timeout=2)
        deadline = time.monotonic() + 30
        while (health := srv.get("/health").body)["queue"] > 0:
            assert time.monotonic() < deadline, health
            time.sleep(0.2)
        t0 = time.monotonic()
        r = call(srv, "POST", "/v2/translate", json={
            "text": [ROWS[3]["en"]], "source_lang": "EN", "target_lang": "IT"})
        assert r.status_code == 200 and r.json()["translations"][0]["text"]
        assert time.monotonic() - t0 < 10
    finally:
        srv.stop()


def test_queue_timeout_is_503_with_retry_after():
    """One model call that takes seconds holds the model thread, the queue timeout is
    1 s: /v2/translate is refused with 503 and Retry-After in DeepL's shape (it waited
    for the whole --timeout), then served again."""
    srv = ServeProcess("--batch-limit", "-1", "--request-tokens", "-1", "--max-queue",
                       "100000", "--batch-tokens", "1000000", "--queue-timeout", "1",
                       "--no-glossary", "--load", "start")
    try:
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            slow = hold_model(srv, pool)
            t0 = time.monotonic()
            r = call(srv, "POST", "/v2/translate", json={
                "text": ["The minister spoke."], "source_lang": "EN", "target_lang": "IT"})
            assert r.status_code == 503, r.text
            assert int(r.headers["retry-after"]) >= 1
            assert "could not start within 1 s" in deepl_error(r)
            assert time.monotonic() - t0 < 4
            assert not slow.done(), "the long request ended too soon to hold the queue"
            assert slow.result().status == 200
        r = call(srv, "POST", "/v2/translate", json={"text": ["Rome."], **XA})
        assert r.status_code == 200
    finally:
        srv.stop()


# ----------------------------------------------------------------------------- documents

def upload_document(srv, filename: str, content: bytes, **fields) -> dict:
    up = call(srv, "POST", "/v2/document", data={**XA, **fields},
              files={"file": (filename, content)})
    assert up.status_code == 200, up.text
    return up.json()


def status(srv, handle: dict) -> dict:
    st = call(srv, "POST", f"/v2/document/{handle['document_id']}",
              json={"document_key": handle["document_key"]})
    assert st.status_code == 200, st.text
    return st.json()


def finished(srv, handle: dict) -> dict:
    """Poll a document's status until it is done or an error."""
    deadline = time.monotonic() + 120
    while (st := status(srv, handle))["status"] not in ("done", "error"):
        assert time.monotonic() < deadline, st
        time.sleep(0.3)
    return st


def test_zip_bomb_document_costs_the_worker_not_the_server():
    """A .docx zip bomb sent to /v2/document, package limits raised so that it is read:
    the isolated file job runs out of its memory cap, the document's status is "error"
    with a message, the server's memory does not grow, and the next document works."""
    from tagged_corpus import build_docx

    from serve.test_robustness import zip_bomb_docx

    srv = ServeProcess("--limit", "zip_member_mb=4000", "--limit", "zip_total_mb=8000",
                       "--limit", "xml_elements=1000000000", "--file-memory-mb", "400",
                       "--no-glossary")
    try:
        warm = finished(srv, upload_document(srv, "memo.docx", build_docx("en")))
        assert warm["status"] == "done", warm  # the worker path once
        before = srv.rss_mb()
        t0 = time.monotonic()
        bomb = upload_document(srv, "bomb.docx", zip_bomb_docx(500))
        st = finished(srv, bomb)
        assert st["status"] == "error", st
        assert st["error_message"] == ("the file needs more than 400 MB of memory to "
                                       "read (the server's file memory limit)")
        assert time.monotonic() - t0 < 90
        after = srv.rss_mb()
        assert after - before < 50, (before, after)
        res = call(srv, "POST", f"/v2/document/{bomb['document_id']}/result",
                   json={"document_key": bomb["document_key"]})
        assert res.status_code == 400 and "error" in deepl_error(res)
        memo = upload_document(srv, "memo.docx", build_docx("en"))
        assert finished(srv, memo)["status"] == "done"
        out = call(srv, "POST", f"/v2/document/{memo['document_id']}/result",
                   json={"document_key": memo["document_key"]})
        assert out.status_code == 200 and out.content[:2] == b"PK"
    finally:
        srv.stop()


def test_a_document_waits_queued_for_its_file_job():
    """One file job at once (--file-jobs 1), a queue timeout of 1 s: a document uploaded
    while another holds the file job is "queued" for as long as that takes, then done
    (it was an error, "the server is busy", after the queue timeout). The first one
    holds its file job for seconds: its sentences wait for a model thread held by one
    long call."""
    from tagged_corpus import build_docx

    srv = ServeProcess("--file-jobs", "1", "--queue-timeout", "1", "--batch-limit", "-1",
                       "--request-tokens", "-1", "--max-queue", "100000",
                       "--batch-tokens", "1000000", "--no-glossary", "--load", "start")
    try:
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            slow = hold_model(srv, pool, 10)
            first = upload_document(srv, "memo.docx", build_docx("en"), target_lang="IT")
            second = upload_document(srv, "memo.docx", build_docx("en"))
            waiting = status(srv, second)["status"]
            assert not slow.done(), "the long call ended too soon to hold the file job"
            assert waiting == "queued"
            assert status(srv, first)["status"] == "translating"
            assert slow.result().status == 200
        assert finished(srv, first)["status"] == "done"
        assert finished(srv, second)["status"] == "done"
    finally:
        srv.stop()


# ----------------------------------------------------------------------------- keys

@pytest.fixture(scope="module")
def keyed(tmp_path_factory):
    """Keys, a lockout after 3 invalid keys for 3 s, 3 requests a minute per key."""
    from translate.serve.keys import KeyStore

    db = tmp_path_factory.mktemp("keys") / "keys.sqlite"
    store = KeyStore(db)
    keys = [store.add(name)[0] for name in ("desk", "docs")]
    store.close()
    srv = ServeProcess("--keys-db", str(db), "--key-failures", "3", "--key-lockout", "3",
                       "--req-limit", "3", "--no-glossary")
    yield srv, keys
    srv.stop()


def test_a_document_upload_counts_once_against_the_rate_limit(keyed):
    """Regression: an upload to /v2/document counted twice against --req-limit (the
    upload's check, then /translate_file's own), so with 3 a minute the result of the
    first document was refused. Now: upload, status, result are three requests."""
    srv, (_desk, docs) = keyed
    auth = {"Authorization": f"DeepL-Auth-Key {docs}"}
    up = call(srv, "POST", "/v2/document", data=XA, headers=auth,
              files={"file": ("a.txt", b"Hello world.\n")})
    assert up.status_code == 200, up.text
    handle = up.json()
    body = {"document_key": handle["document_key"]}
    st = call(srv, "POST", f"/v2/document/{handle['document_id']}", json=body,
              headers=auth)
    assert st.status_code == 200 and st.json()["status"] == "done", st.text
    res = call(srv, "POST", f"/v2/document/{handle['document_id']}/result", json=body,
               headers=auth)
    assert res.status_code == 200, res.text
    assert res.content.decode() != "Hello world.\n"
    over = call(srv, "POST", "/v2/usage", headers=auth)
    assert over.status_code == 429 and "3 per 1 minute" in deepl_error(over)


def test_invalid_keys_lock_the_address_out(keyed):
    srv, (desk, _docs) = keyed
    body = {"text": ["Hi."], **XA}
    for _ in range(3):
        r = call(srv, "POST", "/v2/translate", json=body,
                 headers={"Authorization": "DeepL-Auth-Key wrong"})
        assert r.status_code == 403 and deepl_error(r) == "Invalid API key"
    r = call(srv, "POST", "/v2/translate", json=body,
             headers={"Authorization": "DeepL-Auth-Key wrong"})
    assert r.status_code == 429 and "invalid API keys" in deepl_error(r)
    assert 1 <= int(r.headers["retry-after"]) <= 3
    form = call(srv, "POST", "/v2/translate", data={"auth_key": "wrong", **XA, "text": "x"},
                headers={"Authorization": None})
    assert form.status_code == 429 and "retry-after" in form.headers
    good = {"Authorization": f"DeepL-Auth-Key {desk}"}
    assert call(srv, "POST", "/v2/translate", json=body, headers=good).status_code == 429
    time.sleep(3.2)  # --key-lockout 3
    assert call(srv, "POST", "/v2/translate", json=body, headers=good).status_code == 200
