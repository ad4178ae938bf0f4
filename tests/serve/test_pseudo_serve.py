"""``target=en-XA`` through the server's HTTP API (the pseudo-locale, no model)."""

from __future__ import annotations


def test_server_translates_to_en_xa(live):
    text = "The event began with prayers. Rome's church was full."
    r = live.post("/translate", {"q": text, "source": "en", "target": "en-XA"})
    assert r.status == 200, r.body
    assert r.body["translatedText"] == ("[Ţĥé éṽéñţ ḃéĝåñ ŵîţĥ ṕŕåýéŕš.] "
                                        "[Ŕöḿé'š çĥûŕçĥ ŵåš ḟûĺĺ.]")
    assert live.post("/translate", {"q": text, "source": "en-XA", "target": "it"}).status \
        == 400
