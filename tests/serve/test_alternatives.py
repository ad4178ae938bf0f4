"""``alternatives=N`` over HTTP: LibreTranslate's n-best shape, from the real beam."""

from __future__ import annotations

import concurrent.futures

from support import aligned_rows

ROWS = aligned_rows()


def ask(live, q, n, **more):
    r = live.post("/translate", {"q": q, "source": "en", "target": "it", "alternatives": n,
                                 **more})
    assert r.status == 200, r.body
    return r.body


def test_string_q_gets_a_list_of_alternatives_beside_the_same_translation(
        live, base_translator):
    text = ROWS[4]["en"]
    plain = live.post("/translate", {"q": text, "source": "en", "target": "it"}).body
    assert "alternatives" not in plain
    body = ask(live, text, 2)
    assert body["translatedText"] == plain["translatedText"]
    alts = body["alternatives"]
    assert isinstance(alts, list) and len(alts) == 2
    assert all(isinstance(a, str) and a for a in alts)
    assert len(set(alts)) == 2 and body["translatedText"] not in alts
    # the library's n-best for the same sentence
    (lib,) = base_translator.translate_batch([text], "en", "it", alternatives=2)
    assert alts == list(lib.alternatives)


def test_list_q_gets_one_list_per_item(live):
    texts = [ROWS[3]["en"], ROWS[5]["en"], "   "]
    body = ask(live, texts, 3)
    assert len(body["translatedText"]) == 3
    alts = body["alternatives"]
    assert isinstance(alts, list) and len(alts) == 3
    assert all(isinstance(a, list) for a in alts)
    for best, item in zip(body["translatedText"][:2], alts[:2], strict=True):
        assert 1 <= len(item) <= 3 and best not in item and len(set(item)) == len(item)
    assert alts[2] == []  # nothing to translate, nothing to offer


def test_a_text_of_two_sentences_gets_whole_text_alternatives_in_its_layout(live):
    text = f"{ROWS[4]['en']}\n\n{ROWS[5]['en']}"
    body = ask(live, text, 2)
    best = body["translatedText"]
    first, second = best.split("\n\n")
    assert body["alternatives"] and best not in body["alternatives"]
    for alt in body["alternatives"]:
        a, b = alt.split("\n\n")  # the blank line between the paragraphs is kept
        assert (a, b) != (first, second)


def test_concurrent_requests_with_different_n_get_their_own(live):
    texts = [ROWS[i]["en"] for i in range(6, 12)]
    alone = {n: [ask(live, t, n)["alternatives"] for t in texts] for n in (1, 3)}
    jobs = [(t, n) for t in texts for n in (1, 3)] * 2
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        got = list(pool.map(lambda job: ask(live, job[0], job[1])["alternatives"], jobs))
    for (t, n), alts in zip(jobs, got, strict=True):
        assert alts == alone[n][texts.index(t)]
        assert len(alts) <= n
    assert any(len(a) == 3 for a in alone[3])


def test_alternatives_limit_as_libretranslate(live, make_server):
    r = live.post("/translate", {"q": ROWS[4]["en"], "source": "en", "target": "it",
                                 "alternatives": 4})
    assert r.status == 400
    assert r.error == "Invalid request: alternatives parameter must be <= 3"
    unlimited = make_server(alternatives_limit=-1)
    body = ask(unlimited, ROWS[4]["en"], 5)
    assert 3 < len(body["alternatives"]) <= 5  # the beam widened to give them
    zero = ask(live, ROWS[4]["en"], 0)
    assert "alternatives" not in zero


def test_alternatives_limit_option_reaches_the_settings():
    from translate.cli import build_parser
    from translate.commands.serve import build_settings

    args = build_parser().parse_args(["serve", "--alternatives-limit", "5"])
    assert build_settings(args).alternatives_limit == 5
    assert build_settings(build_parser().parse_args(["serve"])).alternatives_limit == 3
