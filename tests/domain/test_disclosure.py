"""The disclosure boards' pure rules (portal.domain.disclosure): the canonical serialisation a
revision's hash covers, the hash chain and its verification, the notice period for
objections, what an attachment may be, and the range of a rating. No app, no database."""
import dataclasses
import hashlib
import json
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.domain.disclosure import (
    CANONICAL_VERSION,
    GENESIS,
    Attachment,
    Break,
    Revision,
    canonical,
    objections_open,
    rating_is_valid,
    revision_hash,
    sniff,
    verify_chain,
)

UTC = timezone.utc
PUBLISHED = datetime(2026, 11, 22, 8, 30, 15, tzinfo=UTC)
PDF = Attachment(name="预算表.pdf", content_type="application/pdf", size=1234, sha256="a" * 64)
PNG = Attachment(name="现场照片.png", content_type="image/png", size=99, sha256="b" * 64)


def revision(**changes) -> Revision:
    """A fixed revision of the community's 居务公开 board, with ``changes``."""
    base = dict(board="3/affairs", seq=1, entry=7, number=1, title="决议公示", body_html="<p>同意加装电梯</p>",
                category="resolution", published_at=PUBLISHED, notice_ends_on=date(2026, 11, 28), reason="",
                source="matter/12/disclose_resolution", attachments=(PDF,), prev_hash=GENESIS)
    base.update(changes)
    return Revision(**base)


# --- canonical form ------------------------------------------------------------------------------

# The documented format, pinned byte for byte (portal/domain/disclosure.py, "Canonical form
# (version 1)"): sorted keys, no whitespace, non-ASCII as itself in UTF-8, whole-second UTC with
# Z, ISO dates, attachments as objects in upload order, "v": 1. If this test fails, every stored
# hash on every board no longer verifies: a change of format needs a new version, not an edit.
PINNED = (
    '{"attachments":[{"content_type":"application/pdf","name":"预算表.pdf","sha256":"'
    + "a" * 64 + '","size":1234},{"content_type":"image/png","name":"现场照片.png","sha256":"' + "b" * 64
    + '","size":99}],"board":"3/affairs","body_html":"<p>同意加装电梯，费用见附件</p>","category":"resolution",'
    '"entry":7,"notice_ends_on":"2026-11-28","number":2,"prev_hash":"' + "c" * 64 + '",'
    '"published_at":"2026-11-22T08:30:15Z","reason":"更正金额","seq":5,"source":"matter/12/disclose_resolution",'
    '"title":"决议公示 \\"更正\\"","v":1}'
).encode("utf-8")


def pinned_revision() -> Revision:
    return revision(seq=5, number=2, title='决议公示 "更正"', body_html="<p>同意加装电梯，费用见附件</p>",
                    reason="更正金额", attachments=(PDF, PNG), prev_hash="c" * 64,
                    published_at=datetime(2026, 11, 22, 16, 30, 15, 999999, tzinfo=ZoneInfo("Asia/Shanghai")))


def test_canonical_bytes_are_pinned_to_the_documented_format():
    assert canonical(pinned_revision()) == PINNED


def test_the_hash_is_the_sha256_of_the_pinned_bytes():
    assert revision_hash(pinned_revision()) == hashlib.sha256(PINNED).hexdigest()
    assert revision_hash(pinned_revision()) == "5ce8b974cef17fb2166f4a2fa8a2415202248340e5ba1b4729b26f4ca0ee492d"


def test_canonical_form_is_compact_sorted_json_in_utf8_with_the_version():
    data = canonical(revision())
    text = data.decode("utf-8")
    assert "决议公示" in text and "\\u" not in text, "non-ASCII is written as itself"
    assert " " not in text and "\n" not in text, "no insignificant whitespace (the fixed revision has none)"
    parsed = json.loads(text)
    assert list(parsed) == sorted(parsed), "top-level keys sorted"
    assert set(parsed) == {f.name for f in dataclasses.fields(Revision)} | {"v"}
    assert parsed["v"] == CANONICAL_VERSION == 1
    assert all(list(a) == sorted(a) for a in parsed["attachments"]), "attachment keys sorted"
    assert parsed["attachments"] == [{"name": PDF.name, "content_type": PDF.content_type, "size": PDF.size,
                                      "sha256": PDF.sha256}]
    assert parsed["prev_hash"] == GENESIS == "0" * 64


def test_canonical_form_does_not_depend_on_dict_order():
    """Serialising the same content from a dict built in any key order gives the same bytes:
    the keys are sorted, not taken in insertion order."""
    data = json.loads(canonical(revision()))
    for keys in (list(data), list(reversed(list(data))), sorted(data, key=len)):
        shuffled = {k: data[k] for k in keys}
        shuffled["attachments"] = [dict(reversed(list(a.items()))) for a in data["attachments"]]
        again = json.dumps(shuffled, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()
        assert again == canonical(revision())


def test_canonical_form_is_deterministic():
    assert canonical(revision()) == canonical(revision()) == canonical(dataclasses.replace(revision()))
    assert revision_hash(revision()) == revision_hash(revision())
    # A list of attachments serialises like the tuple.
    assert canonical(revision(attachments=[PDF])) == canonical(revision(attachments=(PDF,)))


@settings(max_examples=60, deadline=None)
@given(title=st.text(min_size=1, max_size=30), body=st.text(max_size=60),
       seconds=st.integers(min_value=0, max_value=10 ** 9), micro=st.integers(min_value=0, max_value=999_999))
def test_canonical_form_round_trips_and_ignores_sub_seconds(title, body, seconds, micro):
    moment = datetime(2000, 1, 1, tzinfo=UTC) + timedelta(seconds=seconds)
    a = revision(title=title, body_html=body, published_at=moment)
    b = revision(title=title, body_html=body, published_at=moment.replace(microsecond=micro))
    assert canonical(a) == canonical(b)
    parsed = json.loads(canonical(a).decode("utf-8"))
    assert list(parsed) == sorted(parsed)
    assert parsed["published_at"] == moment.strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.mark.parametrize("decomposed, composed", [
    ("Cafe\u0301 公示", "Caf\u00e9 公示"),     # e + combining acute / é
    ("\uf90a额", "\u91d1额"),                 # CJK compatibility ideograph 金 / unified 金
    ("\ufa0c", "\u5140"),                     # 兀
], ids=["latin-e-acute", "cjk-compat-jin", "cjk-compat-wu"])
@pytest.mark.parametrize("field", ["title", "body_html", "reason", "source", "category", "attachment name"])
def test_strings_are_normalised_to_nfc(decomposed, composed, field):
    def make(text):
        if field == "attachment name":
            return revision(attachments=(dataclasses.replace(PDF, name=text),))
        return revision(**{field: text})

    assert decomposed != composed
    assert canonical(make(decomposed)) == canonical(make(composed))
    assert revision_hash(make(decomposed)) == revision_hash(make(composed))
    assert composed.encode("utf-8") in canonical(make(decomposed))


def test_datetimes_are_whole_second_utc_with_z():
    shanghai = datetime(2026, 11, 23, 4, 30, 15, 123456, tzinfo=ZoneInfo("Asia/Shanghai"))
    parsed = json.loads(canonical(revision(published_at=shanghai)))
    assert parsed["published_at"] == "2026-11-22T20:30:15Z"
    same_moment = datetime(2026, 11, 22, 20, 30, 15, tzinfo=UTC)
    assert revision_hash(revision(published_at=shanghai)) == revision_hash(revision(published_at=same_moment))
    assert json.loads(canonical(revision(notice_ends_on=None)))["notice_ends_on"] is None
    assert json.loads(canonical(revision(notice_ends_on=date(2027, 1, 5))))["notice_ends_on"] == "2027-01-05"


def test_a_naive_datetime_is_refused():
    with pytest.raises(ValueError):
        canonical(revision(published_at=datetime(2026, 11, 22, 8, 30)))
    with pytest.raises(ValueError):
        revision_hash(revision(published_at=datetime(2026, 11, 22, 8, 30)))


# Every field of Revision, and a change to it. A new field must be added here (checked below).
FIELD_CHANGES = {
    "board": [{"board": "3/party"}, {"board": "4/affairs"}],
    "seq": [{"seq": 2}],
    "entry": [{"entry": 8}],
    "number": [{"number": 2}],
    "title": [{"title": "决议公示（更正）"}, {"title": "决议公示 "}],
    "body_html": [{"body_html": "<p>同意加装电梯。</p>"}, {"body_html": "<p>不同意加装电梯</p>"}],
    "category": [{"category": "notice"}],
    "published_at": [{"published_at": PUBLISHED + timedelta(seconds=1)}, {"published_at": PUBLISHED - timedelta(days=1)}],
    "notice_ends_on": [{"notice_ends_on": date(2026, 11, 29)}, {"notice_ends_on": None}],
    "reason": [{"reason": "更正"}],
    "source": [{"source": ""}, {"source": "matter/13/disclose_resolution"}],
    "attachments": [{"attachments": ()}, {"attachments": (PDF, PNG)},
                    {"attachments": (dataclasses.replace(PDF, sha256="f" * 64),)},
                    {"attachments": (dataclasses.replace(PDF, name="预算表2.pdf"),)},
                    {"attachments": (dataclasses.replace(PDF, size=1235),)},
                    {"attachments": (dataclasses.replace(PDF, content_type="image/png"),)}],
    "prev_hash": [{"prev_hash": "1" * 64}, {"prev_hash": GENESIS[:-1] + "1"}],
}


def test_every_field_of_a_revision_is_covered_by_the_parametrisation():
    assert set(FIELD_CHANGES) == {f.name for f in dataclasses.fields(Revision)}


@pytest.mark.parametrize("changes", [c for cs in FIELD_CHANGES.values() for c in cs],
                         ids=[f"{k}-{i}" for k, cs in FIELD_CHANGES.items() for i in range(len(cs))])
def test_changing_any_single_field_changes_the_hash(changes):
    assert revision_hash(revision(**changes)) != revision_hash(revision())


def test_attachment_order_is_covered():
    assert revision_hash(revision(attachments=(PDF, PNG))) != revision_hash(revision(attachments=(PNG, PDF)))


# --- the chain -----------------------------------------------------------------------------------

def chain(n: int = 5) -> list[tuple[Revision, str]]:
    """A valid board chain of ``n`` revisions (entry 3 corrected as seq 4)."""
    links, prev = [], GENESIS
    for seq in range(1, n + 1):
        rev = revision(seq=seq, entry=3 if seq == 4 else seq, number=2 if seq == 4 else 1, title=f"公告{seq}",
                       published_at=PUBLISHED + timedelta(minutes=seq), reason="更正" if seq == 4 else "",
                       prev_hash=prev)
        prev = revision_hash(rev)
        links.append((rev, prev))
    return links


def test_a_valid_chain_verifies():
    assert verify_chain(chain()) is None
    assert verify_chain(chain(1)) is None


def test_an_empty_chain_verifies():
    assert verify_chain([]) is None


def test_the_first_revision_links_to_genesis():
    links = chain(2)
    assert links[0][0].prev_hash == GENESIS
    assert links[1][0].prev_hash == links[0][1]


@pytest.mark.parametrize("seq", [1, 3, 5])
def test_altered_content_is_a_hash_break_at_that_revision(seq):
    links = chain()
    rev, stored = links[seq - 1]
    links[seq - 1] = (dataclasses.replace(rev, body_html=rev.body_html + " "), stored)
    assert verify_chain(links) == Break(seq, "hash")


def test_an_altered_stored_hash_is_a_break():
    links = chain()
    rev, stored = links[2]
    links[2] = (rev, "e" * 64)
    assert verify_chain(links) == Break(3, "hash")


def test_a_removed_middle_revision_is_a_gap():
    links = chain()
    del links[2]
    assert verify_chain(links) == Break(3, "gap")


def test_a_removed_first_revision_is_a_gap():
    assert verify_chain(chain()[1:]) == Break(1, "gap")


def test_two_swapped_revisions_are_detected():
    links = chain()
    links[1], links[2] = links[2], links[1]
    broken = verify_chain(links)
    assert broken is not None and broken.seq == 2 and broken.problem in ("gap", "prev")


def test_two_revisions_swapped_with_their_seqs_renumbered_are_detected():
    """An attacker who swaps two revisions and renumbers them still breaks the links."""
    links = chain()
    (a, ha), (b, hb) = links[1], links[2]
    links[1], links[2] = (dataclasses.replace(b, seq=2), hb), (dataclasses.replace(a, seq=3), ha)
    broken = verify_chain(links)
    assert broken is not None and broken.seq == 2 and broken.problem in ("gap", "prev", "hash")


def test_a_wrong_previous_hash_with_a_recomputed_hash_is_a_prev_break():
    """Whoever rewrites a revision and recomputes its own hash still cannot fake its link."""
    links = chain()
    forged = dataclasses.replace(links[2][0], prev_hash="d" * 64)
    links[2] = (forged, revision_hash(forged))
    assert verify_chain(links) == Break(3, "prev")


def test_a_rewritten_revision_breaks_the_next_link():
    """Rewriting a revision and recomputing its hash moves the break to the next revision."""
    links = chain()
    forged = dataclasses.replace(links[1][0], title="改过的标题")
    links[1] = (forged, revision_hash(forged))
    assert verify_chain(links) == Break(3, "prev")


def test_a_chain_rebuilt_from_genesis_verifies_again():
    """The chain alone proves consistency, not authenticity: rewriting every hash from the
    changed revision on verifies (which is why the board keeps its head hash, and copies are
    printed)."""
    links = chain()
    prev = links[0][1]
    for i in range(1, len(links)):
        rev = dataclasses.replace(links[i][0], title=links[i][0].title + "!", prev_hash=prev)
        prev = revision_hash(rev)
        links[i] = (rev, prev)
    assert verify_chain(links) is None
    assert links[-1][1] != chain()[-1][1], "but the head hash differs from the published one"


# --- notice period, attachments, ratings ---------------------------------------------------------

END = date(2026, 11, 28)


@pytest.mark.parametrize("today, expected", [
    (date(2026, 11, 22), True),
    (END - timedelta(days=1), True),
    (END, True),                          # the last day of the period is included
    (END + timedelta(days=1), False),     # the day after is refused
    (END + timedelta(days=365), False),
])
def test_objections_are_open_up_to_and_including_the_last_day(today, expected):
    assert objections_open(END, today) is expected


def test_objections_are_refused_without_a_notice_period():
    assert objections_open(None, date(2026, 11, 22)) is False
    assert objections_open(None, date(1970, 1, 1)) is False


WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 \x18\x00\x00\x00"


@pytest.mark.parametrize("head, expected", [
    (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "application/pdf"),
    (b"%PDF-1.7", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "image/png"),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "image/jpeg"),
    (b"\xff\xd8\xff\xe1\x00\x10Exif\x00", "image/jpeg"),
    (WEBP, "image/webp"),
], ids=["pdf-1.4", "pdf-1.7", "png", "jpeg-jfif", "jpeg-exif", "webp"])
def test_sniff_recognises_accepted_kinds_by_content(head, expected):
    assert sniff(head) == expected
    assert sniff(head[:16]) == expected, "the service sniffs the first 16 bytes"


@pytest.mark.parametrize("head", [
    b"<!DOCTYPE html><html><script>alert(1)</script>",
    b"<html><body>%PDF-1.4",
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script/></svg>',
    b"<svg onload=alert(1)>",
    b"PK\x03\x04\x14\x00\x00\x00\x08\x00",          # ZIP (and docx/xlsx)
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00",          # Windows executable
    b"\x7fELF\x02\x01\x01",                        # Linux executable
    b"",
    b"%PD",                                        # a truncated magic
    b" %PDF-1.4",                                  # not at the start
    b"\x89PNG\r\n",                                # truncated PNG magic
    b"RIFF\x24\x00\x00\x00WAVEfmt ",               # RIFF, but audio
    b"GIF89a\x01\x00\x01\x00",                     # GIF is not offered
], ids=["html", "html-then-pdf", "svg-xml", "svg", "zip", "exe", "elf", "empty", "short-pdf", "space-pdf",
        "short-png", "wave", "gif"])
def test_sniff_refuses_everything_else(head):
    assert sniff(head) is None


@pytest.mark.parametrize("score, valid", [(-1, False), (0, False), (1, True), (2, True), (3, True), (4, True),
                                          (5, True), (6, False), (100, False)])
def test_rating_is_valid_from_one_to_five(score, valid):
    assert rating_is_valid(score) is valid
