"""User mistakes that used to end in "internal error" (exit 1) are exit 2 with the cause:
through the CLI, as a user runs it."""

from __future__ import annotations

import json

import pytest

from support import MODELS
from translate.cli import main


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def one_line(code: int, err: str, *fragments: str) -> None:
    assert code == 2, err
    assert len(err.strip().splitlines()) == 1, err
    assert "internal error" not in err
    for fragment in fragments:
        assert fragment in err, err


@pytest.mark.parametrize("content", ["", "\ufeff"])
def test_evaluate_on_two_empty_files(capsys, tmp_path, content):
    ref, hyp = tmp_path / "ref.txt", tmp_path / "hyp.txt"
    ref.write_text(content)
    hyp.write_text(content)
    code, _, err = run(capsys, "evaluate", "--ref", str(ref), "--hyp", str(hyp), "--lang", "en")
    one_line(code, err, "both empty", "nothing to score")


def test_evaluate_on_one_empty_line_each_still_scores(capsys, tmp_path):
    ref, hyp = tmp_path / "ref.txt", tmp_path / "hyp.txt"
    ref.write_text("Hello.\n")
    hyp.write_text("Hello.\n")
    code, out, err = run(capsys, "evaluate", "--ref", str(ref), "--hyp", str(hyp), "--lang",
                         "en")
    assert code == 0, err
    assert "chrF" in out


def test_the_evaluate_api_on_empty_lists_is_a_user_error():
    from translate.errors import UserError
    from translate.evaluate import evaluate

    with pytest.raises(UserError, match="nothing to score"):
        evaluate([], [], "en")


@pytest.mark.parametrize(("body", "line"), [
    ('{"a": "Hello \\ud800 world", "b": "Fine."}\n', 1),
    ('{\n  "a": "Fine.",\n  "b": "low \\udc00 alone"\n}\n', 3),
    ('{\n  "a": "Fine.",\n  "\\ud83d": "key"\n}\n', 3),
])
def test_a_json_catalog_with_a_lone_surrogate(capsys, tmp_path, body, line):
    src = tmp_path / "src"
    src.mkdir()
    (src / "app.json").write_text(body, encoding="utf-8")
    code, _, err = run(capsys, "localise", str(src), "--from", "en", "--to", "it", "-o",
                       str(tmp_path / "out"), "--models-dir", str(MODELS), "--no-glossary")
    one_line(code, err, f"app.json:{line}: lone surrogate")
    assert not (tmp_path / "out" / "it").exists()


def test_a_surrogate_pair_escape_is_fine(tmp_path):
    from translate.localise.formats import jsonfmt

    data = json.dumps({"a": "smile \U0001f600"}, ensure_ascii=True).encode()
    assert b"\\ud83d\\ude00" in data
    doc = jsonfmt.read(data, "app.json", "en")
    assert [u.source for u in doc.units] == ["smile \U0001f600"]
