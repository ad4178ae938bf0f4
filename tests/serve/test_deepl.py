"""DeepL's API (v2, v3 glossaries) on a real server: the official ``deepl`` client with
``server_url``, and raw requests shaped as Weblate's DeepL backend sends them
(weblate/machinery/deepl.py). Where the model is not the point the target is the en-XA
pseudo-locale; where it is, the fixture models translate the corpus sentences."""

from __future__ import annotations

import datetime as dt
import io
import sqlite3

import pytest

from support import aligned_rows

deepl = pytest.importorskip("deepl", reason="the deepl client (test extra) is missing")
requests = pytest.importorskip("requests")
from deepl.api_data import MultilingualGlossaryDictionaryEntries  # noqa: E402

ROWS = aligned_rows()
#: row 7: "... recognized the events in Khojaly as ..." -> "... Xocalıda baş verən ..."
KHOJALY_EN = ROWS[6]["en"]
KHOJALY_AZ = ROWS[6]["az"]
KEY = "DeepL-Auth-Key weblate-key"


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("deepl-data")


@pytest.fixture(scope="module")
def srv(make_server, data_dir):
    return make_server(data_dir=str(data_dir))


@pytest.fixture
def client(srv):
    c = deepl.DeepLClient("any-key", server_url=srv.url)
    yield c
    c.close()


def call(srv, method, path, **kw):
    """A request as Weblate's backend makes it (``requests``, the DeepL auth header)."""
    headers = {"Authorization": KEY, **kw.pop("headers", {})}
    return requests.request(method, srv.url + path, headers=headers, timeout=120, **kw)


def pseudo(srv, text):
    """What ``/translate`` (LibreTranslate) gives for ``text`` to en-XA."""
    r = srv.post("/translate", {"q": text, "source": "en", "target": "en-XA"})
    assert r.status == 200, r.body
    return r.body["translatedText"]


# ----------------------------------------------------------------------------- client

def test_deepl_client_translates_one_text_and_many(srv, client):
    one = client.translate_text("Hello world. How are you?", source_lang="EN",
                                target_lang="EN-XA")
    assert one.text == pseudo(srv, "Hello world. How are you?") != "Hello world. How are you?"
    assert one.detected_source_lang == "EN"
    assert one.billed_characters == len("Hello world. How are you?")
    many = client.translate_text(["Rome is a city.", "The flag is waving."],
                                 target_lang="en-xa")
    assert [r.text for r in many] == [pseudo(srv, "Rome is a city."),
                                      pseudo(srv, "The flag is waving.")]
    assert [r.detected_source_lang for r in many] == ["EN", "EN"]


def test_deepl_client_translates_with_the_model(client, base_translator):
    row = ROWS[0]
    got = client.translate_text(row["en"], target_lang="IT")
    assert got.text == base_translator.translate_article(row["en"], "en", "it").text
    assert "Khojaly" in got.text and got.detected_source_lang == "EN"
    az = client.translate_text([ROWS[2]["az"]], source_lang="AZ", target_lang="EN-GB")
    assert az[0].text == base_translator.translate_article(ROWS[2]["az"], "az", "en").text


def test_deepl_client_languages_and_glossary_pairs(client):
    assert {lang.code for lang in client.get_source_languages()} == {"EN", "AZ", "IT"}
    targets = {lang.code: lang for lang in client.get_target_languages()}
    assert {"EN-GB", "EN-US", "IT", "AZ", "EN-XA"} == set(targets)
    assert targets["IT"].supports_formality is False
    pairs = {(p.source_lang, p.target_lang) for p in client.get_glossary_languages()}
    assert {("en", "az"), ("az", "en"), ("en", "it"), ("it", "en"), ("az", "it"),
            ("it", "az")} == pairs


def test_usage_counts_billed_characters(client):
    before = client.get_usage().character
    client.translate_text(["Rome.", "Italy."], source_lang="EN", target_lang="EN-XA")
    after = client.get_usage().character
    assert after.count - before.count == len("Rome.") + len("Italy.")
    assert after.valid and not after.limit_reached


def test_deepl_client_glossary_lifecycle(client):
    g = client.create_glossary("desk terms", source_lang="EN", target_lang="AZ",
                               entries={"Khojaly": "Xocalı", "Holy See": "Müqəddəs Taxt-Tac"})
    assert (g.name, g.source_lang, g.target_lang, g.entry_count, g.ready) == \
        ("desk terms", "EN", "AZ", 2, True)
    assert g.glossary_id in {x.glossary_id for x in client.list_glossaries()}
    assert client.get_glossary(g.glossary_id).name == "desk terms"
    assert client.get_glossary_entries(g) == {"Khojaly": "Xocalı",
                                              "Holy See": "Müqəddəs Taxt-Tac"}
    out = client.translate_text_with_glossary(KHOJALY_EN, g)
    assert "Xocalıda" in out.text
    client.delete_glossary(g)
    assert g.glossary_id not in {x.glossary_id for x in client.list_glossaries()}
    with pytest.raises(deepl.GlossaryNotFoundException):
        client.get_glossary(g.glossary_id)
    with pytest.raises(deepl.DeepLException, match="no such glossary"):
        client.translate_text(KHOJALY_EN, source_lang="EN", target_lang="AZ",
                              glossary=g.glossary_id)


def entries_of(client, g):
    """A v3 dictionary's entries (DeepL answers them as TSV text)."""
    got = client.get_multilingual_glossary_entries(g, "EN", "IT").dictionaries[0].entries
    return deepl.util.convert_tsv_to_dict(got)


def test_deepl_client_multilingual_glossary(client):
    g = client.create_multilingual_glossary("news", [
        MultilingualGlossaryDictionaryEntries("EN", "IT", {"Holy See": "Santa Sede"}),
        MultilingualGlossaryDictionaryEntries("EN", "AZ", {"Rome": "Roma"})])
    assert sorted((d.source_lang, d.target_lang, d.entry_count) for d in g.dictionaries) == \
        [("EN", "AZ", 1), ("EN", "IT", 1)]
    client.update_multilingual_glossary_dictionary(
        g, MultilingualGlossaryDictionaryEntries("EN", "IT", {"Rome": "Roma"}))
    entries = entries_of(client, g)
    assert entries == {"Holy See": "Santa Sede", "Rome": "Roma"}  # PATCH merges
    client.replace_multilingual_glossary_dictionary(
        g, MultilingualGlossaryDictionaryEntries("EN", "IT", {"Vatican": "Vaticano"}))
    entries = entries_of(client, g)
    assert entries == {"Vatican": "Vaticano"}  # PUT replaces
    client.update_multilingual_glossary_dictionary_from_csv(
        g, "EN", "IT", "Italy,Italia\nAzerbaijan,Azerbaigian,en,it\n")
    entries = entries_of(client, g)
    assert entries == {"Vatican": "Vaticano", "Italy": "Italia", "Azerbaijan": "Azerbaigian"}
    client.update_multilingual_glossary_name(g, "news 2")
    client.delete_multilingual_glossary_dictionary(g, source_lang="EN", target_lang="AZ")
    now = client.get_multilingual_glossary(g.glossary_id)
    assert now.name == "news 2"
    assert [(d.source_lang, d.target_lang) for d in now.dictionaries] == [("EN", "IT")]
    client.delete_multilingual_glossary(g)
    assert g.glossary_id not in {x.glossary_id for x in client.list_multilingual_glossaries()}


def test_deepl_client_translates_a_document(srv, client):
    html = b"<html><body><h1>Rome</h1><p>Hello <b>world</b>. How are you?</p></body></html>"
    out = io.BytesIO()
    status = client.translate_document(html, out, source_lang="EN", target_lang="EN-XA",
                                       filename="story.html")
    assert status.done and status.billed_characters == len(html)
    # the same code path as /translate_file, so the same bytes
    from serve.serve_helpers import upload

    ref = upload(srv, "story.html", html, source="en", target="en-XA")
    assert ref.status == 200, ref.body
    assert out.getvalue() == srv.request("GET", ref.body["translatedFileUrl"].split(
        srv.url, 1)[1]).body
    assert b"<b>" in out.getvalue() and b"Rome" not in out.getvalue()


def test_document_result_is_gone_after_one_download(srv, client):
    handle = client.translate_document_upload(b"Hello world.\n", filename="a.txt",
                                              source_lang="EN", target_lang="EN-XA")
    assert client.translate_document_wait_until_done(handle).ok
    body = {"document_key": handle.document_key}
    first = call(srv, "POST", f"/v2/document/{handle.document_id}/result", json=body)
    assert first.status_code == 200
    assert first.content.decode() == pseudo(srv, "Hello world.\n")
    again = call(srv, "POST", f"/v2/document/{handle.document_id}/result", json=body)
    assert again.status_code == 404 and "downloaded" in again.json()["message"]
    other = client.translate_document_upload(b"Rome.\n", filename="b.txt",
                                             source_lang="EN", target_lang="EN-XA")
    wrong = call(srv, "POST", f"/v2/document/{other.document_id}",
                 json={"document_key": "0" * 64})
    assert wrong.status_code == 403 and set(wrong.json()) == {"message"}
    bad = call(srv, "POST", "/v2/document", data={"target_lang": "EN-XA"},
               files={"file": ("a.exe", b"MZ")})
    assert bad.status_code == 400 and ".exe" in bad.json()["message"]


def test_document_errors_arrive_in_the_status(srv):
    # a DOCX that is not a zip: accepted, then /translate_file's own check refuses it
    up = call(srv, "POST", "/v2/document", data={"target_lang": "EN-XA", "source_lang": "EN"},
              files={"file": ("a.docx", b"not a zip")})
    assert up.status_code == 200, up.text
    doc = up.json()
    st = call(srv, "POST", f"/v2/document/{doc['document_id']}",
              json={"document_key": doc["document_key"]}).json()
    assert st["status"] == "error" and st["error_message"]
    res = call(srv, "POST", f"/v2/document/{doc['document_id']}/result",
               json={"document_key": doc["document_key"]})
    assert res.status_code == 400 and "error" in res.json()["message"]


# ----------------------------------------------------------------------------- Azerbaijani

def test_azerbaijani_entry_over_http_inflects_as_in_a_file_glossary(make_server, srv, client,
                                                                    tmp_path):
    path = tmp_path / "khojaly.tsv"
    path.write_text("en\taz\nKhojaly\tXocalı\n", encoding="utf-8")
    file_srv = make_server(glossaries=(("khojaly", (str(path),)),))
    g = client.create_glossary("khojaly", "EN", "AZ", {"Khojaly": "Xocalı"})
    try:
        over_http = client.translate_text(KHOJALY_EN, source_lang="EN", target_lang="AZ",
                                          glossary=g)
        from_file = file_srv.post("/translate", {"q": KHOJALY_EN, "source": "en",
                                                 "target": "az", "glossary": "khojaly",
                                                 "report": True})
        assert over_http.text == from_file.body["translatedText"] == KHOJALY_AZ
        assert "Xocalıda" in over_http.text
        # the same term check: the entry found in the locative (Xocalı + da)
        report = srv.post("/translate", {"q": KHOJALY_EN, "source": "en", "target": "az",
                                         "glossary_id": g.glossary_id, "report": True})
        terms = [t for s in report.body["report"]["segments"] for t in s["terms"]]
        file_terms = [t for s in from_file.body["report"]["segments"] for t in s["terms"]]
        assert terms == file_terms
        assert [(t["required"], t["status"], t["suffix"]) for t in terms] == \
            [("Xocalı", "found", "da")]
        # a document with the glossary: the same sentence, the same term
        out = io.BytesIO()
        client.translate_document((KHOJALY_EN + "\n").encode(), out, source_lang="EN",
                                  target_lang="AZ", glossary=g, filename="story.txt")
        assert out.getvalue().decode() == KHOJALY_AZ + "\n"
        listed = {x["name"]: x for x in srv.get("/glossaries").body}
        assert listed[g.glossary_id]["label"] == "khojaly"
        assert listed[g.glossary_id]["languages"] == ["en", "az"]
    finally:
        client.delete_glossary(g)


# ----------------------------------------------------------------------------- Weblate

def test_weblate_v2_glossary_sync(srv):
    """weblate/machinery/deepl.py: glossary-language-pairs, list, create, delete oldest."""
    pairs = call(srv, "GET", "/v2/glossary-language-pairs").json()
    assert {(p["source_lang"].upper(), p["target_lang"].upper())
            for p in pairs["supported_languages"]} >= {("EN", "AZ"), ("EN", "IT")}
    tsv = "Khojaly\tXocalı\nRome\tRoma\n"
    for name in ("weblate:1:en:az:old", "weblate:1:en:az:new"):
        r = call(srv, "POST", "/v2/glossaries", json={
            "name": name, "source_lang": "en", "target_lang": "az", "entries": tsv,
            "entries_format": "tsv"})
        assert r.status_code == 201, r.text
    listed = {g["name"]: g["glossary_id"]
              for g in call(srv, "GET", "/v2/glossaries").json()["glossaries"]}
    assert {"weblate:1:en:az:old", "weblate:1:en:az:new"} <= set(listed)
    glossaries = sorted(call(srv, "GET", "/v2/glossaries").json()["glossaries"],
                        key=lambda g: dt.datetime.fromisoformat(g["creation_time"]))
    oldest = [g for g in glossaries if g["name"].startswith("weblate:")][0]
    assert oldest["name"] == "weblate:1:en:az:old"
    assert call(srv, "DELETE", f"/v2/glossaries/{oldest['glossary_id']}").status_code == 204
    gone = call(srv, "DELETE", f"/v2/glossaries/{oldest['glossary_id']}")
    assert gone.status_code == 404  # Weblate: GlossaryDoesNotExistError
    call(srv, "DELETE", f"/v2/glossaries/{listed['weblate:1:en:az:new']}")


def test_weblate_v3_glossary_sync(srv):
    """The v3 sync: create with TSV dictionaries, update one, delete the outdated."""
    r = call(srv, "POST", "/v3/glossaries", json={"name": "weblate:2", "dictionaries": [
        {"source_lang": "en", "target_lang": "it", "entries": "Holy See\tSanta Sede\n",
         "entries_format": "tsv"},
        {"source_lang": "en", "target_lang": "az", "entries": "Rome\tRoma\n",
         "entries_format": "tsv"}]})
    assert r.status_code == 201, r.text
    gid = r.json()["glossary_id"]
    put = call(srv, "PUT", f"/v3/glossaries/{gid}/dictionaries", json={
        "source_lang": "en", "target_lang": "it",
        "entries": "Holy See\tSanta Sede\nVatican\tVaticano\n", "entries_format": "tsv"})
    assert put.status_code == 200 and put.json()["entry_count"] == 2
    info = call(srv, "GET", f"/v3/glossaries/{gid}").json()
    assert {(d["source_lang"], d["target_lang"], d["entry_count"])
            for d in info["dictionaries"]} == {("en", "it", 2), ("en", "az", 1)}
    dicts = call(srv, "GET", f"/v3/glossaries/{gid}/dictionaries").json()["dictionaries"]
    assert len(dicts) == 2
    entries = call(srv, "GET", f"/v3/glossaries/{gid}/entries",
                   params={"source_lang": "en", "target_lang": "it"}).json()
    assert entries["dictionaries"][0]["entries"] == "Holy See\tSanta Sede\nVatican\tVaticano\n"
    # an outdated dictionary, then the outdated glossary
    assert call(srv, "DELETE", f"/v3/glossaries/{gid}/dictionaries",
                params={"source_lang": "en", "target_lang": "az"}).status_code == 204
    assert [d["target_lang"] for d in call(srv, "GET", f"/v3/glossaries/{gid}").json()[
        "dictionaries"]] == ["it"]
    assert call(srv, "DELETE", f"/v3/glossaries/{gid}").status_code == 204
    assert call(srv, "GET", f"/v3/glossaries/{gid}").status_code == 404


def test_weblate_translate_request_keeps_placeholders(srv):
    """Weblate's download_multiple_translations: JSON, tag_handling=xml, ignore_tags
    ["x"], formality, context; each placeholder comes back exactly."""
    texts = ['Hello <x id="3"></x>, see <x id="12"></x>.', '<x id="0"></x> Rome is a city.']
    r = call(srv, "POST", "/v2/translate", json={
        "text": texts, "source_lang": "EN", "target_lang": "EN-XA", "formality": "default",
        "tag_handling": "xml", "ignore_tags": ["x"], "context": "A string of an app"})
    assert r.status_code == 200, r.text
    outs = [t["text"] for t in r.json()["translations"]]
    for text, out in zip(texts, outs, strict=True):
        for ph in ('<x id="3"></x>', '<x id="12"></x>', '<x id="0"></x>'):
            assert out.count(ph) == text.count(ph)
    assert "Hello" not in outs[0] and "Rome" not in outs[1]
    assert [t["billed_characters"] for t in r.json()["translations"]] == [len(t) for t in texts]
    # the model too: a corpus sentence with a placeholder in it
    row = ROWS[1]["en"]
    marked = row.replace("Rome", 'Rome <x id="7"></x>', 1)
    it = call(srv, "POST", "/v2/translate", json={
        "text": [marked], "source_lang": "EN", "target_lang": "IT", "tag_handling": "xml",
        "ignore_tags": ["x"]}).json()["translations"][0]["text"]
    assert it.count('<x id="7"></x>') == 1 and "Roma" in it
    # @FORMAL: Weblate sends formality=more, refused as DeepL does for such a language
    formal = call(srv, "POST", "/v2/translate", json={
        "text": ["Rome."], "source_lang": "EN", "target_lang": "IT", "formality": "more"})
    assert formal.status_code == 400
    assert "'formality' is not supported for given 'target_lang'" in formal.json()["message"]
    prefer = call(srv, "POST", "/v2/translate", json={
        "text": ["Rome."], "source_lang": "EN", "target_lang": "EN-XA",
        "formality": "prefer_more"})
    assert prefer.status_code == 200


def test_xml_ignored_content_and_splitting_tags(srv):
    text = "<p>Hello world</p><p>How are you</p> <code>Rome</code> &amp; Italy"
    r = call(srv, "POST", "/v2/translate", data={
        "text": text, "source_lang": "EN", "target_lang": "EN-XA", "tag_handling": "xml",
        "ignore_tags": "code", "splitting_tags": "p"})
    out = r.json()["translations"][0]["text"]
    assert out.startswith("<p>") and out.count("</p><p>") == 1
    assert "<code>Rome</code>" in out and "&amp;" in out and "Italy" not in out
    html = call(srv, "POST", "/v2/translate", json={
        "text": ["<p>Hello <b>world</b></p>"], "source_lang": "EN", "target_lang": "EN-XA",
        "tag_handling": "html"}).json()["translations"][0]["text"]
    assert html.startswith("<p>") and "<b>" in html and "world" not in html


def test_form_requests_with_repeated_text(srv):
    r = call(srv, "POST", "/v2/translate", data=[
        ("text", "Rome."), ("text", "Italy."), ("target_lang", "EN-XA"),
        ("source_lang", "EN")])
    assert [t["text"] for t in r.json()["translations"]] == [pseudo(srv, "Rome."),
                                                            pseudo(srv, "Italy.")]


# ----------------------------------------------------------------------------- errors

@pytest.mark.parametrize(("entries", "fmt", "named"), [
    ("Khojaly\tXocalı\nRome\n", "tsv", "line 2 ('Rome')"),
    ("Khojaly\tXocalı\n-\tx\n", "tsv", "line 2"),
    ("Khojaly\tXocalı\nKhojaly\tXankəndi\n", "tsv", "also on line 1"),
    ('Rome,Roma\n"Italy,Italia\n', "csv", "line 2"),
    ("Rome\tRoma\n", "xlsx", "entries_format"),
])
def test_a_bad_glossary_entry_is_a_400_naming_it(srv, entries, fmt, named):
    before = len(call(srv, "GET", "/v3/glossaries").json()["glossaries"])
    r = call(srv, "POST", "/v2/glossaries", json={
        "name": "bad", "source_lang": "EN", "target_lang": "AZ", "entries": entries,
        "entries_format": fmt})
    assert r.status_code == 400 and set(r.json()) == {"message"}
    assert named in r.json()["message"], r.json()
    assert len(call(srv, "GET", "/v3/glossaries").json()["glossaries"]) == before


def test_errors_in_deepl_shape(make_server, srv):
    small = make_server(char_limit=20, max_upload_mb=0.001, data_dir=None)
    cases = [
        (srv, "GET", "/v2/glossaries/nope", {}, 404),
        (srv, "POST", "/v2/translate", {"json": {"text": ["x"], "target_lang": "FR"}}, 400),
        (srv, "POST", "/v2/translate", {"json": {"target_lang": "IT"}}, 400),
        (srv, "POST", "/v2/translate", {"json": {"text": ["Rome"], "target_lang": "IT",
                                                 "tag_handling": "svg"}}, 400),
        (srv, "POST", "/v2/translate", {"json": {"text": ["Rome"], "target_lang": "IT",
                                                 "glossary_id": "x"}}, 400),
        (small, "POST", "/v2/translate", {"json": {"text": ["a" * 21], "target_lang": "IT"}},
         413),
        (small, "POST", "/v2/document", {"data": {"target_lang": "IT"},
                                         "files": {"file": ("a.txt", b"Rome. " * 400)}}, 413),
        (srv, "POST", "/v2/translate", {"json": {"text": ["Rome"], "target_lang": "IT"},
                                        "headers": {"Authorization": "Bearer x"}}, 403),
        (srv, "POST", "/v2/document/NOPE", {"json": {"document_key": "x"}}, 404),
    ]
    for server, method, path, kw, status in cases:
        r = call(server, method, path, **kw)
        assert r.status_code == status, (path, kw, r.text)
        assert set(r.json()) == {"message"} and r.json()["message"]
        assert "Traceback" not in r.text


def test_keys_header_and_auth_key_field(make_server, tmp_path):
    from translate.serve.keys import KeyStore

    store = KeyStore(tmp_path / "keys.sqlite")
    key, _rec = store.add("weblate", req_limit=100)
    store.close()
    locked = make_server(keys_db=str(tmp_path / "keys.sqlite"), require_api_key=True,
                         data_dir=str(tmp_path / "data"))
    body = {"text": ["Rome."], "source_lang": "EN", "target_lang": "EN-XA"}
    none = requests.post(locked.url + "/v2/translate", json=body, timeout=60)
    assert none.status_code == 403 and set(none.json()) == {"message"}
    wrong = requests.post(locked.url + "/v2/translate", json=body, timeout=60,
                          headers={"Authorization": "DeepL-Auth-Key wrong"})
    assert wrong.status_code == 403
    ok = deepl.Translator(key, server_url=locked.url)
    assert ok.translate_text("Rome.", source_lang="EN", target_lang="EN-XA").text
    with pytest.raises(deepl.AuthorizationException):
        deepl.Translator("wrong", server_url=locked.url).get_usage()
    # the older Weblate form: auth_key, text, source_lang, target_lang as form fields
    form = requests.post(locked.url + "/v2/translate", timeout=60, data={
        "auth_key": key, "text": "Rome.", "source_lang": "EN", "target_lang": "EN-XA"})
    assert form.status_code == 200 and form.json()["translations"][0]["text"]
    langs = requests.post(locked.url + "/v2/languages", data={"auth_key": key}, timeout=60)
    assert {x["language"] for x in langs.json()} == {"EN", "AZ", "IT"}


def test_rate_limit_is_429(make_server):
    limited = make_server(req_limit=2)
    codes = [requests.get(limited.url + "/v2/usage", timeout=60,
                          headers={"Authorization": KEY}).status_code for _ in range(3)]
    assert codes == [200, 200, 429]


# ----------------------------------------------------------------------------- data dir

def test_glossaries_persist_in_the_data_dir(make_server, tmp_path):
    first = make_server(data_dir=str(tmp_path))
    c = deepl.DeepLClient("k", server_url=first.url)
    g = c.create_glossary("kept", "EN", "AZ", {"Khojaly": "Xocalı"})
    assert (tmp_path / "glossaries.sqlite").is_file()
    second = make_server(data_dir=str(tmp_path))  # as after a restart
    c2 = deepl.DeepLClient("k", server_url=second.url)
    assert c2.get_glossary_entries(g.glossary_id) == {"Khojaly": "Xocalı"}
    lt = second.post("/translate", {"q": "Khojaly", "source": "en", "target": "az",
                                    "glossary_id": g.glossary_id, "report": True})
    assert lt.status == 200
    assert [t["required"] for s in lt.body["report"]["segments"] for t in s["terms"]] == \
        ["Xocalı"]


def test_a_foreign_glossary_database_is_refused(tmp_path, base_translator):
    from translate.errors import UserError
    from translate.serve import ServeSettings, create_app

    db = sqlite3.connect(tmp_path / "glossaries.sqlite")
    db.execute("CREATE TABLE glossaries (id TEXT)")
    db.execute("CREATE TRIGGER t AFTER INSERT ON glossaries BEGIN SELECT 1; END")
    db.commit()
    db.close()
    with pytest.raises(UserError, match="refused"):
        create_app(base_translator, ServeSettings(data_dir=str(tmp_path)))


def test_data_dir_option_and_default(tmp_path, monkeypatch):
    from translate.cli import build_parser
    from translate.commands.serve import build_settings

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    args = build_parser().parse_args(["serve"])
    assert build_settings(args).data_dir == str(tmp_path / "xdg" / "translate")
    args = build_parser().parse_args(["serve", "--data-dir", str(tmp_path / "d"),
                                      "--require-api-key"])
    settings = build_settings(args)
    assert settings.data_dir == str(tmp_path / "d")
    assert settings.keys_db == str(tmp_path / "d" / "api_keys.sqlite")


def _env():
    import os

    from support import ROOT

    env = dict(os.environ)  # this checkout's translate, in the child processes too
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def _start_serve(port, data_dir):
    import subprocess
    import sys
    import time
    import urllib.request

    from support import FIXTURES, ROOT

    proc = subprocess.Popen(
        [sys.executable, "-m", "translate.cli", "serve", "--port", str(port), "--models-dir",
         str(FIXTURES / "models"), "--data-dir", str(data_dir), "--require-api-key",
         "--log-level", "warning"],
        cwd=ROOT, env=_env(), stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2)
            return proc
        except OSError:
            assert proc.poll() is None, proc.stderr.read()
            assert time.monotonic() < deadline
            time.sleep(0.2)


@pytest.mark.slow
def test_translate_serve_keeps_keys_and_glossaries_in_its_data_dir(tmp_path):
    """The command itself: `translate serve --data-dir DIR keys add` puts the key where
    `translate serve --data-dir DIR` finds it, and a glossary made over HTTP is there
    after a restart."""
    import signal
    import subprocess
    import sys

    from serve.serve_helpers import free_port
    from support import ROOT

    data = tmp_path / "state"
    add = subprocess.run([sys.executable, "-m", "translate.cli", "serve", "--data-dir",
                          str(data), "keys", "add", "--name", "weblate"],
                         capture_output=True, text=True, cwd=ROOT, env=_env(), timeout=120)
    assert add.returncode == 0, add.stderr
    key = add.stdout.strip()
    assert (data / "api_keys.sqlite").is_file()
    gid = None
    for _run in range(2):  # the second run is a restart on the same data directory
        port = free_port()
        proc = _start_serve(port, data)
        try:
            client = deepl.DeepLClient(key, server_url=f"http://127.0.0.1:{port}")
            if gid is None:
                gid = client.create_glossary("desk", "EN", "AZ",
                                             {"Khojaly": "Xocalı"}).glossary_id
            assert client.get_glossary_entries(gid) == {"Khojaly": "Xocalı"}
            out = client.translate_text(KHOJALY_EN, source_lang="EN", target_lang="AZ",
                                        glossary=gid)
            assert out.text == KHOJALY_AZ
            with pytest.raises(deepl.AuthorizationException):
                deepl.Translator("not-a-key",
                                 server_url=f"http://127.0.0.1:{port}").get_usage()
            client.close()
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(60)
    assert sorted(p.name for p in data.iterdir() if p.suffix == ".sqlite") == \
        ["api_keys.sqlite", "glossaries.sqlite"]
