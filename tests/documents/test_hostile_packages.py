"""Hostile DOCX and ODT packages (#24): zip bombs, crafted zips and XML too large or too
deep are each a one-line exit-2 error for that file, checked while reading (never after
inflating everything), with the good file of the same batch still written; ``--limit``
raises a limit. Through the CLI on the real fixture models, in a child process bounded in
time and address space; every file is built here."""

from __future__ import annotations

import io
import struct
import warnings
import zipfile

import pytest

from support import MODELS, run_bounded

GOOD = "All news on our Facebook page."
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"


def document_xml(body: str) -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<w:document xmlns:w="{W}"><w:body>{body}</w:body></w:document>').encode()


def paragraph(text: str = GOOD) -> str:
    return f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"


def content_xml(body: str) -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content '
            f'xmlns:office="{OFFICE}" xmlns:text="{TEXT}"><office:body><office:text>'
            f'{body}</office:text></office:body></office:document-content>').encode()


def package(members: list[tuple[str, bytes]], compress=zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns of a duplicate name
        with zipfile.ZipFile(buf, "w", compress) as z:
            for name, data in members:
                z.writestr(name, data)
    return buf.getvalue()


def docx(body: str = paragraph(), *extra: tuple[str, bytes]) -> bytes:
    return package([("[Content_Types].xml", b"<Types/>"),
                    ("word/document.xml", document_xml(body)), *extra])


def odt(body: str) -> bytes:
    return package([("mimetype", b"application/vnd.oasis.opendocument.text"),
                    ("content.xml", content_xml(body))])


def _central(data: bytes) -> tuple[int, int, int]:
    """(end record offset, central directory offset, its size)."""
    end = data.rfind(b"PK\x05\x06")
    size, offset = struct.unpack_from("<LL", data, end + 12)
    return end, offset, size


def _entries(data: bytes) -> list[int]:
    """The offset of every central directory entry."""
    _end, at, size = _central(data)
    out = []
    while at < _end:
        out.append(at)
        names, extra, comment = struct.unpack_from("<HHH", data, at + 28)
        at += 46 + names + extra + comment
    return out


def patched(data: bytes, member: str, *, flag: int = 0, method: int | None = None,
            size: int | None = None) -> bytes:
    """``data`` with one member's flag bits, compression method or declared inflated
    size changed, in its central entry and its local header alike."""
    raw = bytearray(data)
    for at in _entries(data):
        n = struct.unpack_from("<H", raw, at + 28)[0]
        if raw[at + 46:at + 46 + n].decode() != member:
            continue
        local = struct.unpack_from("<L", raw, at + 42)[0]
        for flags_at, method_at in ((at + 8, at + 10), (local + 6, local + 8)):
            struct.pack_into("<H", raw, flags_at, struct.unpack_from("<H", raw, flags_at)[0]
                             | flag)
            if method is not None:
                struct.pack_into("<H", raw, method_at, method)
            if size is not None:  # or, past 0xFFFFFFFF, the ZIP64 extra field's
                size_at = flags_at + 16
                if struct.unpack_from("<L", raw, size_at)[0] == 0xFFFFFFFF:
                    size_at = (at + 46 + n + 4) if flags_at == at + 8 else (
                        local + 30 + struct.unpack_from("<H", raw, local + 26)[0] + 4)
                    struct.pack_into("<Q", raw, size_at, size)
                else:
                    struct.pack_into("<L", raw, size_at, size)
    return bytes(raw)


def overlapping(data: bytes, copies: int) -> bytes:
    """``data`` with ``copies`` more central entries (new names) all pointing at the bytes
    of ``word/document.xml``: a few kilobytes that inflate the same data again and again."""
    end, start, size = _central(data)
    entry = next(at for at in _entries(data)
                 if data[at + 46:at + 46 + 17] == b"word/document.xml")
    n, extra, comment = struct.unpack_from("<HHH", data, entry + 28)
    whole = data[entry:entry + 46 + n + extra + comment]
    added = b"".join(whole[:46] + f"word/copy{i:08d}.xml"[:n].encode().ljust(n, b"_")
                     + whole[46 + n:] for i in range(copies))
    central = data[start:start + size] + added
    count = len(_entries(data)) + copies
    record = bytearray(data[end:end + 22])
    struct.pack_into("<HHLL", record, 8, count, count, len(central), start)
    return data[:start] + central + bytes(record)


def bomb(megabytes: int) -> bytes:
    """A DOCX whose document.xml inflates to ``megabytes`` MB of empty paragraphs from
    under 1 MB."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        with z.open("word/document.xml", "w", force_zip64=True) as f:
            f.write(document_xml(paragraph())[:-len("</w:body></w:document>")])
            for _ in range(megabytes):
                f.write(b"<w:p/>" * ((1 << 20) // 6 + 1))
            f.write(b"</w:body></w:document>")
    return buf.getvalue()


def article(tmp_path, bad_name: str, bad: bytes, *options: str):
    """Translate ``bad`` and a good DOCX to Italian into OUT, bounded in time and
    address space: the good one is always written."""
    bad_path = tmp_path / bad_name
    bad_path.write_bytes(bad)
    good = tmp_path / "good.docx"
    good.write_bytes(docx())
    out = tmp_path / "out"
    done = run_bounded("article", str(bad_path), str(good), "--from", "en", "--to", "it",
                       "-o", str(out), "--models-dir", str(MODELS), "--no-glossary",
                       *options, seconds=120, address_space_gb=6)
    assert "internal error" not in done.stderr and "Traceback" not in done.stderr
    assert (out / "good.it.docx").is_file(), done.stderr
    with zipfile.ZipFile(out / "good.it.docx") as z:
        assert GOOD not in z.read("word/document.xml").decode()  # translated
    return done, out, bad_path


def refused(done, bad, *fragments: str) -> None:
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith(f"translate: error: {bad}: "), done.stderr
    assert lines[0].endswith("; the other 1 input(s) were done"), done.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


LIMIT = "; raise it with --limit {}=N)"

CASES = {
    # 400 MB of document.xml from a 0.4 MB file
    "inflate-bomb": (lambda: bomb(400), "bad.docx", (
        "member word/document.xml inflates to more than 100 MB", "(limit 100 MB",
        LIMIT.format("zip_member_mb"))),
    # the same bomb declaring 1 MB: reading stops there, whatever the deflate stream holds
    "lying-size": (lambda: patched(bomb(400), "word/document.xml", size=1 << 20), "bad.docx",
                   ("member word/document.xml fails its CRC check",)),
    "members": (lambda: docx(paragraph(), *((f"m/{i}", b"") for i in range(10_001))),
                "bad.docx", ("the zip holds 10003 members (limit 10000",
                             LIMIT.format("zip_members"))),
    # 10k entries sharing document.xml's bytes: CPython's zipfile does not see it
    "overlapping": (lambda: overlapping(docx(paragraph() * 2000), 9000), "bad.docx",
                    ("overlap: a crafted zip",)),
    "duplicate": (lambda: docx(paragraph(), ("word/document.xml", document_xml(paragraph(
        "Two documents in one file.")))), "bad.docx",
        ("holds the member word/document.xml twice",)),
    "encrypted": (lambda: patched(docx(), "word/document.xml", flag=0x1), "bad.docx",
                  ("member word/document.xml is encrypted",)),
    "deflate64": (lambda: patched(docx(), "word/document.xml", method=9), "bad.docx",
                  ("member word/document.xml uses Deflate64 compression",)),
    "deep-xml": (lambda: docx("<w:p>" * 250 + "</w:p>" * 250), "bad.docx",
                 ("bad.docx: word/document.xml", "more than 200 deep", "(limit 200",
                  LIMIT.format("xml_depth"))),
    # 0.02 MB of <w:p/> that reached gigabytes as a tree
    "elements": (lambda: docx("<w:p/>" * 2_000_001), "bad.docx",
                 ("more than 2000000 XML elements", LIMIT.format("xml_elements"))),
    "odt-spaces": (lambda: odt(f'<text:p>{GOOD}<text:s text:c="2000000000"/>x</text:p>'),
                   "bad.odt", ("asks for 2000000000 spaces", "(limit 10000",
                               LIMIT.format("space_run"))),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_hostile_package_is_refused_and_the_batch_done(tmp_path, case):
    build, name, fragments = CASES[case]
    done, out, bad = article(tmp_path, name, build())
    refused(done, bad, *fragments)
    assert not list(out.glob("bad.*"))


def test_the_total_inflated_size_is_bounded_too_and_a_limit_can_be_raised(tmp_path):
    members = [(f"word/media/{i}.bin", b"\0" * (3 << 20)) for i in range(4)]
    done, out, bad = article(tmp_path, "bad.docx", docx(paragraph(), *members),
                             "--limit", "zip_total_mb=10")
    refused(done, bad, "members inflate to more than 10 MB", "(limit 10 MB",
            LIMIT.format("zip_total_mb"))
    done, out, _ = article(tmp_path, "bad.docx", docx(paragraph(), *members),
                           "--limit", "zip_total_mb=20")
    assert done.returncode == 0, done.stderr
    with zipfile.ZipFile(out / "bad.it.docx") as z:  # every member kept, byte for byte
        assert [z.read(n) for n, _ in members] == [data for _, data in members]


def test_a_raised_space_run_translates_the_odt(tmp_path):
    bad = odt(f'<text:p>{GOOD}<text:s text:c="20000"/>x</text:p>')
    done, out, _ = article(tmp_path, "wide.odt", bad)
    assert done.returncode == 2 and "(limit 10000" in done.stderr, done.stderr
    done, out, _ = article(tmp_path, "wide.odt", bad, "--limit", "space_run=20000")
    assert done.returncode == 0, done.stderr
    with zipfile.ZipFile(out / "wide.it.odt") as z:
        written = z.read("content.xml").decode()
    assert GOOD not in written and "Facebook" in written


@pytest.mark.parametrize("setting", ["zip_members", "nothing=3", "xml_depth=0", "xml_depth=x"])
def test_a_bad_limit_option_is_one_line(tmp_path, setting):
    (tmp_path / "a.docx").write_bytes(docx())
    done = run_bounded("article", str(tmp_path / "a.docx"), "--from", "en", "--to", "it",
                       "-o", str(tmp_path / "out"), "--models-dir", str(MODELS),
                       "--limit", setting, seconds=60)
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip().splitlines() == [
        done.stderr.strip()] and f"--limit {setting}: " in done.stderr, done.stderr


def test_the_library_names_the_limit_as_its_keyword():
    """Python callers raise a limit with ``limits=Limits(...)``; the message says which."""
    from translate.documents import check_document
    from translate.errors import UserError
    from translate.limits import Limits

    data = docx(paragraph(), ("word/media/a.bin", b"\0" * (2 << 20)))
    check_document(data, "docx", "a.docx")  # within the defaults
    with pytest.raises(UserError) as err:
        check_document(data, "docx", "a.docx", Limits(zip_member_mb=1))
    assert str(err.value) == ("a.docx: member word/media/a.bin inflates to more than 1 MB "
                              "(limit 1 MB; raise it with limits=zip_member_mb=N)")
