"""Disclosure boards through the services, on a real database (SQLite, or PostgreSQL with
PORTAL_TEST_DATABASE_URL): automatic publication from a matter's stages 5 and 6, direct
publishing and who may do it, attachments, corrections as new revisions, the hash chain and
tampering with it directly in the database (and the `flask disclosure verify` command),
publishing from many requests at once, objections during the notice period, and ratings."""
import dataclasses
import re
import struct
import threading
import zlib
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from flask_babel import force_locale
from sqlalchemy import bindparam, select, text

from portal.domain.deliberation import PublicationKind
from portal.domain.disclosure import GENESIS, Break, revision_hash
from portal.extensions import db
from portal.labels import ASSEMBLY_LABELS, OUTCOME_LABELS
from portal.models import (
    Assembly,
    Board,
    BoardEntry,
    EntryRevision,
    Objection,
    Publication,
    Rating,
    RevisionAttachment,
    Unit,
    User,
)
from portal.models.base import UTCDateTime
from portal.services import PermissionDenied, ServiceError, matters
from portal.services import disclosure as service
from portal.services.disclosure import BoardKind, Upload
from tests.deliberation.helpers import attempt, english, rows
from tests.factories import TODAY, build_world, make_matter

UTC = timezone.utc
DENIED = "denied"
# 2026-11-22 10:00 in Beijing: the local date is TODAY, so a 7-day notice runs to 2026-11-28.
NOW = datetime(2026, 11, 22, 2, 0, tzinfo=UTC)
PDF_BYTES = b"%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n"
HTML_BYTES = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG_BYTES = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="1" height="1"/></svg>'


def png_bytes(width: int = 1, height: int = 1) -> bytes:
    """A real, decodable PNG (8-bit greyscale)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def publish(world, kind: BoardKind = BoardKind.affairs, *, unit: Unit | None = None, actor=..., title="停水通知",
            body_html="<p>本周六上午停水</p>", category="notice", **kwargs) -> BoardEntry:
    return service.publish_entry(unit or world.community, kind, actor=world.committee if actor is ... else actor,
                                 title=title, body_html=body_html, category=category, **kwargs)


def revisions_of(board: Board) -> list[EntryRevision]:
    return list(db.session.scalars(select(EntryRevision).where(EntryRevision.board_id == board.id)
                                   .order_by(EntryRevision.seq)))


def board_of(unit: Unit, kind: BoardKind) -> Board | None:
    return db.session.scalar(select(Board).where(Board.unit_id == unit.id, Board.kind == kind))


def counts() -> tuple:
    """Rows of every disclosure table, and each board's length."""
    lengths = tuple(db.session.execute(select(Board.id, Board.length).order_by(Board.id)).all())
    return (rows(Board), rows(BoardEntry), rows(EntryRevision), rows(RevisionAttachment), lengths)


def raw_rows(table: str) -> dict[int, dict]:
    """Every row of ``table`` as the database holds it, by id."""
    return {r["id"]: dict(r) for r in db.session.execute(text(f"SELECT * FROM {table}")).mappings()}


def table_pairs(body_html: str) -> list[tuple[str, str]]:
    return re.findall(r"<tr><th>(.*?)</th><td>(.*?)</td></tr>", body_html)


# --- automatic publication from a matter ---------------------------------------------------------

def test_stage_5_publishes_the_resolution_with_its_frozen_figures_on_the_community_board(world):
    matter = make_matter(world, "disclose_results")

    entries = list(db.session.scalars(select(BoardEntry)))
    assert len(entries) == 1
    entry = entries[0]
    board = entry.board
    assert (board.unit_id, board.kind) == (world.community.id, BoardKind.affairs)
    assert entry.matter_id == matter.id
    assert entry.source == f"matter/{matter.id}/disclose_resolution"
    assert entry.created_by_id is None, "published by the system, not typed in by someone"
    publication = db.session.scalar(select(Publication).where(Publication.matter_id == matter.id))
    assert publication.kind == PublicationKind.resolution
    assert publication.board_entry_id == entry.id

    [rev] = entry.revisions
    assert (rev.seq, rev.number, rev.prev_hash, rev.reason) == (1, 1, GENESIS, "")
    assert rev.title == publication.title == "决议公示"
    assert rev.category == "resolution"
    assert rev.source == entry.source
    # The publication's 7-day notice period (公示期), published on TODAY-10 by make_matter.
    assert publication.published_on == TODAY - timedelta(days=10)
    assert rev.notice_ends_on == publication.notice_ends_on == TODAY - timedelta(days=4)

    # The frozen figures of the vote that produced the resolution, in Chinese.
    assembly = db.session.scalar(select(Assembly).where(Assembly.matter_id == matter.id,
                                                        Assembly.stage == "resolve"))
    assert (assembly.electorate_count, assembly.attending, assembly.votes_for, assembly.votes_against,
            assembly.votes_abstain) == (2, 2, 2, 0, 0)
    pairs = table_pairs(rev.body_html)
    values = [v for _, v in pairs]
    with force_locale("zh_Hans"):
        kind_label, outcome_label = str(ASSEMBLY_LABELS[assembly.kind]), str(OUTCOME_LABELS[assembly.outcome])
    assert kind_label == "居民会议" and outcome_label == "通过"
    assert pairs[0] == ("会议", "居民会议")
    assert pairs[-1] == ("表决结果", "通过")
    assert pairs[-4:-1] == [("赞成", "2"), ("反对", "0"), ("弃权", "0")]
    assert ("到会", "2") in pairs
    assert str(assembly.electorate_count) in values
    assert rev.body_html.startswith("<p><strong>议题</strong>："), "the record is in the portal's language"
    assert "<p>决议通过</p>" in rev.body_html, "the publication's own text"
    assert "<script>" not in rev.body_html and "&lt;script&gt;" in rev.body_html, "the matter title is escaped"
    assert revision_hash(service.stored_revision(rev, board)) == rev.hash == board.head_hash
    assert service.verify_board(board) is None


def test_the_board_entry_carries_the_publications_notice_period(world):
    """The resolution published on TODAY-10 (as make_matter does) has its 公示期 end on
    TODAY-4; the board entry must show the same period, or residents may object on the board
    long after the matter has moved on because its notice was over."""
    matter = make_matter(world, "disclose_results")
    publication = db.session.scalar(select(Publication).where(Publication.matter_id == matter.id))
    entry = db.session.get(BoardEntry, publication.board_entry_id)
    assert publication.published_on == TODAY - timedelta(days=10)
    assert entry.revisions[0].notice_ends_on == publication.notice_ends_on


def test_the_notice_period_matches_when_published_on_the_day(world):
    matter = make_matter(world, "disclose_resolution")
    publication = matters.publish(matter, actor=world.committee, kind=PublicationKind.resolution, title="决议公示",
                                  body_html="<p>决议通过</p>", today=TODAY, notice_days=10, now=NOW)
    rev = db.session.get(BoardEntry, publication.board_entry_id).revisions[0]
    assert rev.notice_ends_on == publication.notice_ends_on == date(2026, 12, 1)
    assert rev.published_at == NOW


def test_the_frozen_figures_have_distinct_chinese_labels(world):
    matter = make_matter(world, "disclose_results")
    entry = db.session.scalar(select(BoardEntry).where(BoardEntry.matter_id == matter.id))
    labels = [k for k, _ in table_pairs(entry.revisions[0].body_html)]
    assert len(labels) == 8
    assert len(labels) == len(set(labels)), labels
    assert all(re.search(r"[\u4e00-\u9fff]", k) for k in labels), labels


def test_the_board_text_is_written_in_the_portals_language_whatever_the_actors(world):
    matter = make_matter(world, "disclose_results")
    with force_locale("en"):
        matters.publish(matter, actor=world.committee, kind=PublicationKind.progress, title="施工进度",
                        body_html="<p>进行中</p>", progress=75, today=TODAY)
    entry = db.session.scalar(select(BoardEntry).where(BoardEntry.matter_id == matter.id)
                              .order_by(BoardEntry.id.desc()).limit(1))
    body = entry.revisions[0].body_html
    assert "<strong>议题</strong>" in body and "实施进度：75%" in body
    assert "Matter" not in body and "Progress" not in body


def test_stage_6_progress_and_final_report_append_to_the_board(world):
    matter = make_matter(world, "disclose_results")
    progress = matters.publish(matter, actor=world.committee, kind=PublicationKind.progress, title="施工进度",
                               body_html="<p>已完成地基</p>", progress=40, today=TODAY)
    final = matters.publish(matter, actor=world.committee, kind=PublicationKind.final, title="实施结果",
                            body_html="<p>充电桩已投入使用</p>", today=TODAY)
    db.session.commit()

    board = board_of(world.community, BoardKind.affairs)
    revs = revisions_of(board)
    assert [r.seq for r in revs] == [1, 2, 3]
    assert [r.category for r in revs] == ["resolution", "progress", "result"]
    assert [r.entry.matter_id for r in revs] == [matter.id] * 3
    assert [r.entry.source for r in revs] == [f"matter/{matter.id}/disclose_resolution",
                                              f"matter/{matter.id}/disclose_results",
                                              f"matter/{matter.id}/disclose_results"]
    assert progress.board_entry_id == revs[1].entry_id and final.board_entry_id == revs[2].entry_id
    assert "<p>实施进度：40%</p>" in revs[1].body_html and "<p>已完成地基</p>" in revs[1].body_html
    assert "<p>充电桩已投入使用</p>" in revs[2].body_html
    assert revs[1].notice_ends_on is None and revs[2].notice_ends_on is None
    assert revs[1].prev_hash == revs[0].hash and revs[2].prev_hash == revs[1].hash
    assert board.length == 3 and board.head_hash == revs[2].hash
    assert service.verify_board(board) is None


def test_an_owners_matter_publishes_on_its_communitys_board_with_floor_areas(world):
    matter = make_matter(world, "disclose_results", procedure="owners", unit=world.compound)
    assert service.community_of(world.compound).id == world.community.id

    entry = db.session.scalar(select(BoardEntry).where(BoardEntry.matter_id == matter.id))
    assert entry.board.unit_id == world.community.id and entry.board.kind == BoardKind.affairs
    assert board_of(world.compound, BoardKind.affairs) is None, "nothing on the compound's own board"
    assembly = db.session.scalar(select(Assembly).where(Assembly.matter_id == matter.id))
    pairs = table_pairs(entry.revisions[0].body_html)
    assert pairs[0] == ("会议", "业主表决")
    areas = [v for _, v in pairs if v.endswith(" m²")]
    assert areas == [f"{assembly.electorate_area / 100:.2f} m²", f"{assembly.participating_area / 100:.2f} m²",
                     f"{assembly.for_area / 100:.2f} m²"]
    assert areas[0] == "300.00 m²", "four households of 75 m²"
    with force_locale("zh_Hans"):
        assert pairs[-1] == ("表决结果", str(OUTCOME_LABELS[assembly.outcome]))
    assert re.search(r"[\u4e00-\u9fff]", pairs[-1][1])


# --- publishing directly, and who may ------------------------------------------------------------

PUBLISHERS = {
    "committee": {BoardKind.affairs, BoardKind.party, BoardKind.finance, BoardKind.service},
    "party_org": {BoardKind.party},
    "resident": set(), "representative": set(), "partner": set(), "grid_worker": set(), "other_committee": set(),
    "newcomer": set(), "other_resident": set(),
}


@pytest.mark.parametrize("who", list(PUBLISHERS))
def test_who_may_publish_on_which_board(world, who):
    user = getattr(world, who)
    for kind in BoardKind:
        before = counts()
        outcome = attempt(lambda: publish(world, kind, actor=user))
        assert outcome == ("ok" if kind in PUBLISHERS[who] else DENIED), (who, kind)
        assert counts() == before


def test_the_committee_publishes_on_every_board_and_in_its_subtree(world):
    for kind in BoardKind:
        publish(world, kind, category={"finance": "finance", "party": "party"}.get(kind.value, "notice"))
    publish(world, BoardKind.affairs, unit=world.compound)
    publish(world, BoardKind.affairs, unit=world.other_community, actor=world.other_committee)
    db.session.commit()
    assert rows(Board) == 6 and rows(BoardEntry) == 6
    for board in db.session.scalars(select(Board)):
        assert board.length == 1
        assert service.verify_board(board) is None
    assert attempt(lambda: publish(world, unit=world.other_community)) == DENIED


def test_the_party_organisation_publishes_on_the_party_board(world):
    entry = publish(world, BoardKind.party, actor=world.party_org, title="发展党员公示", category="party",
                    notice_days=5, now=NOW)
    db.session.commit()
    rev = entry.revisions[0]
    assert rev.published_by_id == world.party_org.id and entry.created_by_id == world.party_org.id
    assert rev.notice_ends_on == date(2026, 11, 26)


def test_a_published_entry_is_a_first_revision_at_the_head_of_the_chain(world):
    first = publish(world, now=NOW)
    second = publish(world, title="燃气检修", now=NOW + timedelta(seconds=1, microseconds=654321))
    db.session.commit()
    board = first.board
    r1, r2 = revisions_of(board)
    assert (r1.entry_id, r1.seq, r1.number, r1.prev_hash) == (first.id, 1, 1, GENESIS)
    assert (r2.entry_id, r2.seq, r2.number, r2.prev_hash) == (second.id, 2, 1, r1.hash)
    assert r1.published_at == NOW
    assert r2.published_at == NOW + timedelta(seconds=1), "whole seconds, as hashed"
    assert (board.length, board.head_hash) == (2, r2.hash)
    assert r1.notice_ends_on is None and r1.source == "" and r1.reason == ""
    assert r1.published_by_id == world.committee.id


def test_the_body_is_sanitised(world):
    entry = publish(world, body_html='<p onclick="steal()">通知<script>alert(1)</script>'
                                     '<a href="javascript:alert(2)">链接</a><img src=x onerror=alert(3)></p>')
    body = entry.revisions[0].body_html
    assert "通知" in body
    for bad in ("<script", "onclick", "javascript:", "<img", "onerror"):
        assert bad not in body


@pytest.mark.parametrize("changes, message", [
    ({"title": ""}, "Give the notice a title of at most 120 characters."),
    ({"title": "   "}, "Give the notice a title of at most 120 characters."),
    ({"title": "长" * 121}, "Give the notice a title of at most 120 characters."),
    ({"body_html": ""}, "Write the text of the notice."),
    ({"body_html": "<p><br></p>"}, "Write the text of the notice."),
    ({"body_html": "<p>&nbsp;\u3000</p>"}, "Write the text of the notice."),
    ({"category": "gossip"}, "Choose one of the categories offered."),
    ({"category": ""}, "Choose one of the categories offered."),
    ({"notice_days": 91}, "A notice period lasts between 1 and 90 days."),
    ({"notice_days": -1}, "A notice period lasts between 1 and 90 days."),
    ({"notice_days": 0}, "A notice period lasts between 1 and 90 days."),
], ids=["empty-title", "blank-title", "long-title", "empty-body", "empty-editor", "spaces-body", "unknown-category",
        "no-category", "91-days", "negative-days", "0-days"])
def test_invalid_notices_are_refused_and_nothing_is_written(world, changes, message):
    publish(world, BoardKind.finance, category="finance")  # the board exists, with one revision
    db.session.commit()
    before = counts()
    assert attempt(lambda: publish(world, BoardKind.finance, **{"category": "finance", **changes})) == message
    assert counts() == before
    assert service.verify_board(board_of(world.community, BoardKind.finance)) is None


@pytest.mark.parametrize("days, ends", [(1, date(2026, 11, 22)), (7, date(2026, 11, 28)), (90, date(2027, 2, 19))])
def test_notice_period_bounds_are_accepted(world, days, ends):
    entry = publish(world, notice_days=days, now=NOW)
    assert entry.revisions[0].notice_ends_on == ends


def test_the_longest_title_and_file_name_fit(world):
    entry = publish(world, title="长" * 120, uploads=[Upload("附" * 200 + ".pdf", PDF_BYTES)])
    db.session.commit()
    db.session.expire_all()
    rev = db.session.get(BoardEntry, entry.id).revisions[0]
    assert rev.title == "长" * 120
    assert rev.attachments[0].name == "附" * 120
    assert service.verify_board(rev.entry.board) is None


def test_the_notice_period_starts_on_the_local_date(world):
    """Published at 01:00 Beijing time on 23 November (still the 22nd in UTC)."""
    entry = publish(world, notice_days=7, now=datetime(2026, 11, 22, 17, 0, tzinfo=UTC))
    assert entry.revisions[0].notice_ends_on == date(2026, 11, 29)


# --- attachments ---------------------------------------------------------------------------------

@pytest.fixture
def small(make_app):
    """An app whose attachments may be at most 1024 bytes, with a world."""
    app = make_app(ATTACHMENT_MAX_BYTES=1024)
    with app.app_context():
        yield app, build_world()


def stored_file(app, digest: str) -> Path:
    return Path(app.instance_path) / "attachments" / digest


def test_pdf_and_png_are_kept_under_their_sha256(app, world):
    import hashlib

    png = png_bytes(3, 2)
    entry = publish(world, uploads=[Upload("../../预算 表.pdf", PDF_BYTES), Upload("照片.png", png),
                                    Upload("again.pdf", PDF_BYTES)])
    db.session.commit()
    rev = entry.revisions[0]
    got = [(a.position, a.name, a.content_type, a.size, a.sha256) for a in rev.attachments]
    assert got == [(0, "预算 表.pdf", "application/pdf", len(PDF_BYTES), hashlib.sha256(PDF_BYTES).hexdigest()),
                   (1, "照片.png", "image/png", len(png), hashlib.sha256(png).hexdigest()),
                   (2, "again.pdf", "application/pdf", len(PDF_BYTES), hashlib.sha256(PDF_BYTES).hexdigest())]
    for _, _, _, _, digest in got:
        path = stored_file(app, digest)
        assert path.is_file()
    assert stored_file(app, got[0][4]).read_bytes() == PDF_BYTES
    assert stored_file(app, got[1][4]).read_bytes() == png
    assert sorted(p.name for p in stored_file(app, "x").parent.iterdir()) == sorted({got[0][4], got[1][4]}), \
        "one file per content, no temporary files left, nothing under the uploaded name"
    assert service.verify_board(entry.board) is None


def test_the_type_comes_from_the_content_not_the_name(app, world):
    entry = publish(world, uploads=[Upload("photo.png", PDF_BYTES), Upload("scan.pdf", png_bytes())])
    assert [a.content_type for a in entry.revisions[0].attachments] == ["application/pdf", "image/png"]


@pytest.mark.parametrize("upload, message", [
    (Upload("公告.pdf", HTML_BYTES), "The file 公告.pdf is not a PDF or an image (PNG, JPEG, WebP)."),
    (Upload("图.png", SVG_BYTES), "The file 图.png is not a PDF or an image (PNG, JPEG, WebP)."),
    (Upload("a.pdf", b"PK\x03\x04" + b"\x00" * 40), "The file a.pdf is not a PDF or an image (PNG, JPEG, WebP)."),
    (Upload("setup.pdf", b"MZ\x90\x00" + b"\x00" * 40),
     "The file setup.pdf is not a PDF or an image (PNG, JPEG, WebP)."),
    (Upload("空.pdf", b""), "The file 空.pdf is empty."),
], ids=["html-as-pdf", "svg-as-png", "zip", "exe", "empty"])
def test_other_files_are_refused(app, world, upload, message):
    before = counts()
    assert attempt(lambda: publish(world, uploads=[Upload("ok.pdf", PDF_BYTES), upload])) == message
    assert counts() == before
    import hashlib

    assert not stored_file(app, hashlib.sha256(upload.data).hexdigest()).exists()


def test_the_size_refusal_states_the_real_limit(small):
    """Not '0 MB' for a limit under a megabyte (as limit // 2**20 once gave)."""
    app, world = small
    outcome = attempt(lambda: publish(world, uploads=[Upload("big.pdf", PDF_BYTES + b"%" * 2000)]))
    assert outcome.startswith("The file big.pdf is larger than")
    assert " 0 MB" not in outcome, outcome


def test_a_file_stored_by_two_requests_at_once(app, world, monkeypatch):
    """Two requests attach the same PDF at the same moment. Simulated deterministically: right
    after this request has written its temporary file, the other request (same content, so the
    same temporary name) moves it into place first. With 12 real threads attaching one 4 MB
    PDF, most rounds lose one or more requests to a FileNotFoundError."""
    import hashlib
    import os

    original = Path.write_bytes

    def the_other_request_finishes_first(path, data):
        written = original(path, data)
        target = path.with_suffix("")
        if path.suffix == ".part" and len(target.name) == 64 and not target.exists():
            os.replace(path, target)
        return written

    monkeypatch.setattr(Path, "write_bytes", the_other_request_finishes_first)
    entry = publish(world, uploads=[Upload("a.pdf", PDF_BYTES)])
    assert stored_file(app, hashlib.sha256(PDF_BYTES).hexdigest()).read_bytes() == PDF_BYTES
    assert entry.revisions[0].attachments[0].size == len(PDF_BYTES)


def test_the_size_limit(small):
    app, world = small
    limit = app.config["ATTACHMENT_MAX_BYTES"]
    assert limit == 1024
    at_limit = PDF_BYTES + b"%" * (limit - len(PDF_BYTES))
    before = counts()
    outcome = attempt(lambda: publish(world, uploads=[Upload("big.pdf", at_limit + b"%")]))
    assert outcome.startswith("The file big.pdf is larger than")
    assert counts() == before
    entry = publish(world, uploads=[Upload("exact.pdf", at_limit)])
    assert entry.revisions[0].attachments[0].size == limit


def test_at_most_five_attachments(world):
    files = [Upload(f"{n}.pdf", PDF_BYTES + bytes([n])) for n in range(6)]
    before = counts()
    assert attempt(lambda: publish(world, uploads=files)) == "At most 5 attachments."
    assert counts() == before
    entry = publish(world, uploads=files[:5])
    assert [a.position for a in entry.revisions[0].attachments] == [0, 1, 2, 3, 4]


# --- corrections ---------------------------------------------------------------------------------

def snapshot() -> dict:
    return {t: raw_rows(t) for t in ("board_entry", "entry_revision", "revision_attachment")}


def assert_append_only(before: dict, after: dict) -> None:
    """Every row there was is still there, column for column."""
    for table, old in before.items():
        for row_id, row in old.items():
            assert after[table].get(row_id) == row, f"{table} row {row_id} changed or vanished"


def test_a_correction_is_a_new_revision_with_a_reason(world):
    entry = publish(world, title="停水通知", notice_days=7, uploads=[Upload("通知.pdf", PDF_BYTES)], now=NOW)
    other = publish(world, title="燃气检修", now=NOW)
    db.session.commit()
    board = entry.board
    head = board.head_hash
    before = snapshot()

    rev = service.revise_entry(entry, actor=world.committee, title="停水通知（更正）", body_html="<p>改为周日上午停水</p>",
                               category="notice", reason="  日期有误  ", now=NOW + timedelta(hours=1))
    db.session.commit()

    assert (rev.entry_id, rev.number, rev.seq, rev.prev_hash) == (entry.id, 2, 3, head)
    assert rev.reason == "日期有误"
    assert rev.notice_ends_on == entry.revisions[0].notice_ends_on == date(2026, 11, 28), "the period is kept"
    assert [(a.name, a.sha256) for a in rev.attachments] == [(a.name, a.sha256)
                                                           for a in entry.revisions[0].attachments]
    db.session.refresh(board)
    assert (board.length, board.head_hash) == (3, rev.hash)
    db.session.expire_all()
    assert [r.number for r in db.session.get(BoardEntry, entry.id).revisions] == [1, 2]
    assert service.latest(entry).id == rev.id
    assert service.latest(other).number == 1
    assert_append_only(before, snapshot())
    assert service.verify_board(board) is None


def test_attachments_are_dropped_or_added_on_request(world):
    entry = publish(world, uploads=[Upload("a.pdf", PDF_BYTES), Upload("b.png", png_bytes())])
    dropped = service.revise_entry(entry, actor=world.committee, title="t", body_html="<p>b</p>", category="notice",
                                   reason="删去附件", keep_attachments=False)
    assert dropped.attachments == []
    added = service.revise_entry(entry, actor=world.committee, title="t", body_html="<p>b</p>", category="notice",
                                 reason="补充附件", uploads=[Upload("c.png", png_bytes(2, 2))])
    assert [a.name for a in added.attachments] == ["c.png"], "kept from the latest revision, which had none"
    more = service.revise_entry(entry, actor=world.committee, title="t", body_html="<p>b</p>", category="notice",
                                reason="再补充", uploads=[Upload("d.pdf", PDF_BYTES)])
    assert [(a.position, a.name) for a in more.attachments] == [(0, "c.png"), (1, "d.pdf")]
    db.session.commit()
    before = counts()
    too_many = [Upload(f"{n}.pdf", PDF_BYTES + bytes([n])) for n in range(4)]
    assert attempt(lambda: service.revise_entry(entry, actor=world.committee, title="t", body_html="<p>b</p>",
                                                category="notice", reason="太多", uploads=too_many)) \
        == "At most 5 attachments."
    assert counts() == before
    assert service.verify_board(entry.board) is None


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_a_correction_needs_a_reason(world, reason):
    entry = publish(world)
    db.session.commit()
    before = counts()
    assert attempt(lambda: service.revise_entry(entry, actor=world.committee, title="t", body_html="<p>b</p>",
                                                category="notice", reason=reason)) \
        == "Say what the correction corrects and why."
    assert counts() == before


def test_a_correction_is_checked_like_a_notice(world):
    entry = publish(world)
    db.session.commit()

    def revise(**changes):
        kwargs = {"title": "t", "body_html": "<p>b</p>", "category": "notice", "reason": "r", **changes}
        return attempt(lambda: service.revise_entry(entry, actor=world.committee, **kwargs))

    assert revise(title="") == "Give the notice a title of at most 120 characters."
    assert revise(body_html="<p><br></p>") == "Write the text of the notice."
    assert revise(category="gossip") == "Choose one of the categories offered."
    assert revise(uploads=[Upload("x.pdf", HTML_BYTES)]) == \
        "The file x.pdf is not a PDF or an image (PNG, JPEG, WebP)."
    assert revise() == "ok"


@pytest.mark.parametrize("kind, who, outcome", [
    (BoardKind.affairs, "committee", "ok"),
    (BoardKind.affairs, "party_org", DENIED),
    (BoardKind.party, "party_org", "ok"),
    (BoardKind.affairs, "resident", DENIED),
    (BoardKind.affairs, "representative", DENIED),
    (BoardKind.affairs, "other_committee", DENIED),
    (BoardKind.affairs, "grid_worker", DENIED),
    (BoardKind.affairs, "partner", DENIED),
    (BoardKind.party, "resident", DENIED),
])
def test_who_may_correct(world, kind, who, outcome):
    entry = publish(world, kind, category="party" if kind == BoardKind.party else "notice")
    db.session.commit()
    before = counts()
    assert attempt(lambda: service.revise_entry(entry, actor=getattr(world, who), title="t", body_html="<p>b</p>",
                                                category="notice", reason="更正")) == outcome
    assert counts() == before


def test_everything_stays_append_only(world):
    """Publishing, correcting, objecting, answering and rating never change a row of an entry,
    a revision or an attachment that is already there."""
    first = publish(world, notice_days=7, uploads=[Upload("a.pdf", PDF_BYTES)], now=NOW)
    db.session.commit()
    before = snapshot()
    publish(world, BoardKind.service, category="service")
    service.revise_entry(first, actor=world.committee, title="t2", body_html="<p>b2</p>", category="notice",
                         reason="更正", now=NOW + timedelta(hours=2))
    objection = service.file_objection(first, actor=world.resident, body="有异议", today=TODAY)
    service.answer_objection(objection, actor=world.committee, answer="已核实")
    db.session.commit()
    assert_append_only(before, snapshot())
    assert len(snapshot()["entry_revision"]) == 3


# --- the chain, and tampering with it in the database --------------------------------------------

@pytest.fixture
def chained(world):
    """The community's 居务公开 board with five revisions: an entry with a PDF (seq 1), two
    more entries (2, 3), a correction of the first keeping its PDF (4), a fourth entry (5);
    and an intact 党务公开 board beside it. Committed."""
    a = publish(world, title="停水通知", notice_days=7, uploads=[Upload("通知.pdf", PDF_BYTES)], now=NOW)
    publish(world, title="燃气检修", now=NOW + timedelta(minutes=1))
    publish(world, title="低保公示", notice_days=5, now=NOW + timedelta(minutes=2))
    service.revise_entry(a, actor=world.committee, title="停水通知（更正）", body_html="<p>改为周日</p>",
                         category="notice", reason="日期有误", now=NOW + timedelta(minutes=3))
    publish(world, title="垃圾分类", now=NOW + timedelta(minutes=4))
    publish(world, BoardKind.party, actor=world.party_org, title="主题党日", category="party")
    db.session.commit()
    board = board_of(world.community, BoardKind.affairs)
    assert board.length == 5 and [r.seq for r in revisions_of(board)] == [1, 2, 3, 4, 5]
    return board.id


def _sql(statement: str, **params):
    db.session.execute(text(statement), params)


def _rev_id(board_id: int, seq: int) -> int:
    return db.session.execute(text("SELECT id FROM entry_revision WHERE board_id = :b AND seq = :s"),
                              {"b": board_id, "s": seq}).scalar_one()


def edit_body(b):
    _sql("UPDATE entry_revision SET body_html = :v WHERE board_id = :b AND seq = 3", v="<p>低保名单已改</p>", b=b)


def delete_middle(b):
    _sql("DELETE FROM revision_attachment WHERE revision_id = :r", r=_rev_id(b, 3))
    _sql("DELETE FROM entry_revision WHERE board_id = :b AND seq = 3", b=b)


def delete_correction(b):
    _sql("DELETE FROM revision_attachment WHERE revision_id = :r", r=_rev_id(b, 4))
    _sql("DELETE FROM entry_revision WHERE board_id = :b AND seq = 4", b=b)


def delete_newest(b):
    _sql("DELETE FROM revision_attachment WHERE revision_id = :r", r=_rev_id(b, 5))
    _sql("DELETE FROM entry_revision WHERE board_id = :b AND seq = 5", b=b)


def swap(b):
    _sql("UPDATE entry_revision SET seq = -1 WHERE board_id = :b AND seq = 2", b=b)
    _sql("UPDATE entry_revision SET seq = 2 WHERE board_id = :b AND seq = 3", b=b)
    _sql("UPDATE entry_revision SET seq = 3 WHERE board_id = :b AND seq = -1", b=b)


def shift_time(b):
    rid = _rev_id(b, 2)
    stored = db.session.get(EntryRevision, rid).published_at
    db.session.execute(text("UPDATE entry_revision SET published_at = :v WHERE id = :r")
                       .bindparams(bindparam("v", type_=UTCDateTime)), {"v": stored + timedelta(seconds=1), "r": rid})


def edit_attachment(b):
    _sql("UPDATE revision_attachment SET sha256 = :v WHERE revision_id = :r", v="f" * 64, r=_rev_id(b, 1))


def delete_attachment(b):
    _sql("DELETE FROM revision_attachment WHERE revision_id = :r", r=_rev_id(b, 4))


def edit_prev_hash(b):
    _sql("UPDATE entry_revision SET prev_hash = :v WHERE board_id = :b AND seq = 2", v="1" * 64, b=b)


def edit_notice(b):
    _sql("UPDATE entry_revision SET notice_ends_on = NULL WHERE board_id = :b AND seq = 3", b=b)


def rewrite_and_rehash(b):
    """An attacker who knows the format rewrites revision 3 and recomputes its hash."""
    row = db.session.get(EntryRevision, _rev_id(b, 3))
    board = db.session.get(Board, b)
    forged = dataclasses.replace(service.stored_revision(row, board), title="低保公示（已删一户）")
    _sql("UPDATE entry_revision SET title = :t, hash = :h WHERE id = :r", t=forged.title, h=revision_hash(forged),
         r=row.id)


def delete_all(b):
    _sql("DELETE FROM revision_attachment WHERE revision_id IN (SELECT id FROM entry_revision WHERE board_id = :b)",
         b=b)
    _sql("DELETE FROM entry_revision WHERE board_id = :b", b=b)


def edit_board_head(b):
    _sql("UPDATE board SET head_hash = :v WHERE id = :b", v="9" * 64, b=b)


def edit_entry_source(b):
    entry_id = db.session.get(EntryRevision, _rev_id(b, 3)).entry_id
    _sql("UPDATE board_entry SET source = :v WHERE id = :e", v="matter/99/disclose_resolution", e=entry_id)


def phantom_entry(b):
    """An entry row slipped onto the board without a revision in the chain."""
    db.session.execute(text("INSERT INTO board_entry (board_id, source, created_at) VALUES (:b, '', :t)")
                       .bindparams(bindparam("t", type_=UTCDateTime)), {"b": b, "t": NOW})


def move_board(b):
    _sql("UPDATE board SET unit_id = (SELECT id FROM unit WHERE name = :n) WHERE id = :b", n="桂花苑社区", b=b)


TAMPERING = {
    "edit-body": (edit_body, Break(3, "hash")),
    "delete-middle": (delete_middle, Break(3, "gap")),
    "delete-correction-with-attachment": (delete_correction, Break(4, "gap")),
    "delete-newest": (delete_newest, Break(5, "gap")),
    "swap-two": (swap, {Break(2, "prev"), Break(2, "gap")}),
    "published-at-plus-1s": (shift_time, Break(2, "hash")),
    "attachment-sha256": (edit_attachment, Break(1, "hash")),
    "attachment-deleted": (delete_attachment, Break(4, "hash")),
    "prev-hash": (edit_prev_hash, Break(2, "prev")),
    "notice-removed": (edit_notice, Break(3, "hash")),
    "rewritten-and-rehashed": (rewrite_and_rehash, Break(4, "prev")),
    "delete-all": (delete_all, Break(1, "gap")),
    "board-head": (edit_board_head, Break(6, "gap")),
    "entry-source": (edit_entry_source, Break(3, "hash")),
    "phantom-entry": (phantom_entry, Break(6, "gap")),
    "board-moved-to-another-unit": (move_board, Break(1, "hash")),
}


def test_an_intact_board_verifies(world, chained, runner):
    assert service.verify_board(db.session.get(Board, chained)) is None
    result = runner.invoke(args=["disclosure", "verify"])
    assert result.exit_code == 0, result.output
    assert "BROKEN" not in result.output
    assert "2 board(s) checked, 0 broken" in result.output
    assert result.output.count("ok ") == 2


def test_verify_with_no_boards(world, runner):
    result = runner.invoke(args=["disclosure", "verify"])
    assert result.exit_code == 0, result.output
    assert "0 board(s) checked, 0 broken" in result.output


@pytest.mark.parametrize("tamper, expected", list(TAMPERING.values()), ids=list(TAMPERING))
def test_tampering_in_the_database_is_detected(world, chained, runner, tamper, expected):
    tamper(chained)
    db.session.commit()
    db.session.expire_all()

    broken = service.verify_board(db.session.get(Board, chained))
    if isinstance(expected, set):
        assert broken in expected
    else:
        assert broken == expected
    party = board_of(world.community, BoardKind.party)
    assert service.verify_board(party) is None, "the other board is not affected"

    result = runner.invoke(args=["disclosure", "verify"])
    assert result.exit_code == 1, result.output
    assert "2 board(s) checked, 1 broken" in result.output
    [line] = [line for line in result.output.splitlines() if "BROKEN" in line]
    assert f"#{broken.seq}" in line
    assert result.output.count("ok ") == 1

    scoped = runner.invoke(args=["disclosure", "verify", "--unit", str(world.community.id)])
    if tamper is move_board:  # the board now claims to be the other community's
        assert scoped.exit_code == 0 and "1 board(s) checked, 0 broken" in scoped.output
    else:
        assert scoped.exit_code == 1 and "2 board(s) checked, 1 broken" in scoped.output
    street = runner.invoke(args=["disclosure", "verify", "--unit", str(world.street.id)])
    assert street.exit_code == 0 and "0 board(s) checked, 0 broken" in street.output


def test_an_entry_moved_to_another_board_is_detected(world, chained, runner):
    """The pages list a board's entries by board_entry.board_id, which no hash covers: the
    entry rows must agree with the chain."""
    party = board_of(world.community, BoardKind.party)
    entry_id = db.session.get(EntryRevision, _rev_id(chained, 2)).entry_id
    _sql("UPDATE board_entry SET board_id = :p WHERE id = :e", p=party.id, e=entry_id)
    db.session.commit()
    db.session.expire_all()
    assert service.verify_board(db.session.get(Board, chained)) == Break(2, "gap")
    assert service.verify_board(db.session.get(Board, party.id)) is not None
    result = runner.invoke(args=["disclosure", "verify"])
    assert result.exit_code == 1 and "BROKEN" in result.output, result.output
    assert "#2" in result.output


def test_an_entry_relinked_to_another_matter_is_detected(world, runner):
    """The entry page links to board_entry.matter_id, which must agree with the hashed source."""
    first = make_matter(world, "disclose_results")
    second = make_matter(world, "disclose_results")
    entry = db.session.scalar(select(BoardEntry).where(BoardEntry.matter_id == first.id))
    assert entry.revisions[0].source == f"matter/{first.id}/disclose_resolution"
    _sql("UPDATE board_entry SET matter_id = :m WHERE id = :e", m=second.id, e=entry.id)
    db.session.commit()
    db.session.expire_all()
    assert service.verify_board(db.session.get(Board, entry.board_id)) == Break(1, "hash")
    result = runner.invoke(args=["disclosure", "verify"])
    assert result.exit_code == 1 and "BROKEN" in result.output, result.output


def test_a_correction_after_tampering_does_not_heal_the_chain(world, chained):
    """The head moves on, but the broken link stays broken."""
    edit_body(chained)
    db.session.commit()
    entry = db.session.scalars(select(BoardEntry).order_by(BoardEntry.id)).first()
    service.revise_entry(entry, actor=world.committee, title="再更正", body_html="<p>再改</p>", category="notice",
                         reason="又错了")
    db.session.commit()
    db.session.expire_all()
    assert service.verify_board(db.session.get(Board, chained)) == Break(3, "hash")


# --- many publications at once -------------------------------------------------------------------

THREADS = 12


@pytest.fixture
def capp(threaded_app):
    """The concurrency tests' app (tests/conftest.py: a pool for every thread)."""
    return threaded_app


def run_together(app, jobs, work) -> tuple[list, list, list]:
    """Each job in a thread and an app context of its own, all starting together; commit on
    success as a request would. Returns (values, refusals, errors)."""
    barrier = threading.Barrier(len(jobs))

    def one(job):
        with app.app_context():
            try:
                barrier.wait(timeout=30)
                value = work(job)
                db.session.commit()
                return ("value", value)
            except ServiceError as exc:
                db.session.rollback()
                return ("refused", english(exc))
            except Exception as exc:  # noqa: BLE001 - recorded, and the test fails on it
                db.session.rollback()
                return ("error", f"{type(exc).__name__}: {exc}")
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        results = list(pool.map(one, jobs, timeout=120))
    pick = {k: [v for kind, v in results if kind == k] for k in ("value", "refused", "error")}
    return pick["value"], pick["refused"], pick["error"]


def test_simultaneous_publications_on_a_new_board_form_one_chain(capp):
    world = build_world()
    unit_id, committee_id = world.community.id, world.committee.id
    db.session.commit()

    def work(n):
        unit, user = db.session.get(Unit, unit_id), db.session.get(User, committee_id)
        return service.publish_entry(unit, BoardKind.affairs, actor=user, title=f"公告{n}", body_html=f"<p>第{n}号</p>",
                                     category="notice").id

    values, refused, errors = run_together(capp, list(range(THREADS)), work)

    assert errors == [] and refused == []
    assert len(set(values)) == THREADS
    db.session.expire_all()
    boards = db.session.scalars(select(Board).where(Board.unit_id == unit_id)).all()
    assert len(boards) == 1, "one board, however many requests made it at once"
    board = boards[0]
    revs = revisions_of(board)
    assert board.length == THREADS == len(revs)
    assert [r.seq for r in revs] == list(range(1, THREADS + 1))
    assert sorted(r.title for r in revs) == sorted(f"公告{n}" for n in range(THREADS))
    assert board.head_hash == revs[-1].hash
    assert service.verify_board(board) is None


def test_simultaneous_corrections_and_publications_keep_the_chain(capp):
    world = build_world()
    entry = publish(world, notice_days=7)
    db.session.commit()
    unit_id, committee_id, entry_id, board_id = world.community.id, world.committee.id, entry.id, entry.board_id

    def work(n):
        unit, user = db.session.get(Unit, unit_id), db.session.get(User, committee_id)
        if n % 2:
            return service.revise_entry(db.session.get(BoardEntry, entry_id), actor=user, title=f"更正{n}",
                                        body_html="<p>更正</p>", category="notice", reason=f"第{n}次更正").id
        return service.publish_entry(unit, BoardKind.affairs, actor=user, title=f"公告{n}", body_html="<p>新</p>",
                                     category="notice").id

    values, refused, errors = run_together(capp, list(range(THREADS)), work)

    assert errors == [] and refused == []
    db.session.expire_all()
    board = db.session.get(Board, board_id)
    revs = revisions_of(board)
    assert board.length == THREADS + 1 == len(revs)
    assert [r.seq for r in revs] == list(range(1, THREADS + 2))
    numbers = sorted(r.number for r in revs if r.entry_id == entry_id)
    assert numbers == list(range(1, THREADS // 2 + 2)), "the entry's revisions are numbered without gaps"
    assert service.verify_board(board) is None


def test_simultaneous_answers_to_one_objection_leave_one_answer(capp):
    world = build_world()
    entry = publish(world, notice_days=7, now=NOW)
    objection = service.file_objection(entry, actor=world.resident, body="名单有误", today=TODAY)
    db.session.commit()
    objection_id, committee_id = objection.id, world.committee.id

    def work(n):
        return service.answer_objection(db.session.get(Objection, objection_id),
                                        actor=db.session.get(User, committee_id), answer=f"答复{n}")

    values, refused, errors = run_together(capp, list(range(6)), work)

    assert errors == []
    assert len(values) == 1 and len(refused) == 5
    assert set(refused) == {"This objection has already been answered."}
    db.session.expire_all()
    assert db.session.get(Objection, objection_id).answer in {f"答复{n}" for n in range(6)}


def test_simultaneous_ratings_by_one_resident_count_once(capp):
    world = build_world()
    matter = make_matter(world, "disclose_results")
    matter_id, resident_id = matter.id, world.resident.id

    def work(score):
        from portal.models import Matter

        return service.rate_result(db.session.get(Matter, matter_id), actor=db.session.get(User, resident_id),
                                   score=score).id

    values, refused, errors = run_together(capp, [1, 2, 3, 4, 5, 5], work)

    assert errors == []
    assert len(values) == 1 and len(refused) == 5
    assert set(refused) == {"You have already rated these results."}
    db.session.expire_all()
    assert rows(Rating, Rating.matter_id == matter_id) == 1


# --- objections during the notice period ---------------------------------------------------------

@pytest.fixture
def notice(world):
    """An entry published at NOW with a 7-day notice: objections until 2026-11-28."""
    entry = publish(world, title="低保公示", notice_days=7, now=NOW)
    db.session.commit()
    assert entry.revisions[0].notice_ends_on == date(2026, 11, 28)
    return entry


def object_(entry, user, today, body="名单中有一户不符合条件"):
    return attempt(lambda: service.file_objection(entry, actor=user, body=body, today=today))


@pytest.mark.parametrize("today, outcome", [
    (date(2026, 11, 22), "ok"),                # the first day
    (date(2026, 11, 25), "ok"),
    (date(2026, 11, 28), "ok"),                # the last day is included
    (date(2026, 11, 29), "The notice period ended on 2026-11-28; objections are no longer accepted."),
    (date(2027, 3, 1), "The notice period ended on 2026-11-28; objections are no longer accepted."),
])
def test_objection_window(world, notice, today, outcome):
    before = rows(Objection)
    assert object_(notice, world.resident, today) == outcome
    assert rows(Objection) == before


def test_no_objection_before_the_notice_is_published(world, notice):
    outcome = object_(notice, world.resident, date(2026, 11, 21))
    assert outcome not in ("ok", DENIED)


def test_a_resident_files_an_objection_on_the_last_day(world, notice):
    last = notice.revisions[0].notice_ends_on
    objection = service.file_objection(notice, actor=world.resident, body="  名单有误  ", today=last)
    db.session.commit()
    assert (objection.entry_id, objection.author_id, objection.body) == (notice.id, world.resident.id, "名单有误")
    assert objection.answer == "" and objection.answered_at is None
    with pytest.raises(ServiceError) as refused:
        service.file_objection(notice, actor=world.resident, body="再提一次", today=last + timedelta(days=1))
    assert "2026-11-28" in english(refused.value)
    assert not isinstance(refused.value, PermissionDenied)


@pytest.mark.parametrize("who, outcome", [
    ("resident", "ok"), ("representative", "ok"),
    ("other_resident", DENIED), ("newcomer", DENIED), ("committee", DENIED), ("party_org", DENIED),
    ("grid_worker", DENIED), ("partner", DENIED), ("admin", DENIED), ("other_committee", DENIED),
])
def test_who_may_object(world, notice, who, outcome):
    assert object_(notice, getattr(world, who), date(2026, 11, 23)) == outcome


def test_an_objection_needs_a_notice_period_and_a_text(world, notice):
    plain = publish(world, title="便民服务时间", notice_days=None)
    assert object_(plain, world.resident, date(2026, 11, 23)) == "This notice has no notice period for objections."
    assert object_(notice, world.resident, date(2026, 11, 23), body="") == "Write your objection."
    assert object_(notice, world.resident, date(2026, 11, 23), body=" \n ") == "Write your objection."
    assert object_(notice, world.resident, date(2026, 11, 23), body="长" * 3001) == "The objection is too long."


def test_a_correction_keeps_the_notice_period_for_objections(world, notice):
    service.revise_entry(notice, actor=world.committee, title="低保公示（更正）", body_html="<p>更正名单</p>",
                         category="notice", reason="名单更正", now=NOW + timedelta(days=1))
    assert object_(notice, world.resident, date(2026, 11, 28)) == "ok"
    assert object_(notice, world.resident, date(2026, 11, 29)).startswith("The notice period ended on 2026-11-28")


def test_the_committee_answers_an_objection_once(world, notice):
    objection = service.file_objection(notice, actor=world.resident, body="名单有误", today=date(2026, 11, 23))
    db.session.commit()
    for who in ("party_org", "resident", "representative", "other_committee", "grid_worker", "admin"):
        assert attempt(lambda: service.answer_objection(objection, actor=getattr(world, who), answer="答复")) \
            == DENIED, who
    assert attempt(lambda: service.answer_objection(objection, actor=world.committee, answer="  ")) == \
        "Write the answer: it is published with the objection."

    answered_at = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)
    service.answer_objection(objection, actor=world.committee, answer="  经核实，该户符合条件。 ", now=answered_at)
    db.session.commit()
    db.session.expire_all()
    stored = db.session.get(Objection, objection.id)
    assert (stored.answer, stored.answered_by_id, stored.answered_at) == ("经核实，该户符合条件。", world.committee.id,
                                                                          answered_at)
    assert attempt(lambda: service.answer_objection(stored, actor=world.committee, answer="改个答复")) == \
        "This objection has already been answered."
    db.session.expire_all()
    assert db.session.get(Objection, objection.id).answer == "经核实，该户符合条件。"


def test_objections_on_a_matters_resolution(world):
    matter = make_matter(world, "disclose_resolution")
    publication = matters.publish(matter, actor=world.committee, kind=PublicationKind.resolution, title="决议公示",
                                  body_html="<p>决议通过</p>", today=TODAY, now=NOW)
    entry = db.session.get(BoardEntry, publication.board_entry_id)
    assert object_(entry, world.resident, publication.notice_ends_on) == "ok"
    assert object_(entry, world.resident, publication.notice_ends_on + timedelta(days=1)).startswith(
        "The notice period ended on")
    assert object_(entry, world.other_resident, TODAY) == DENIED


# --- ratings of results (群众评议) ----------------------------------------------------------------

@pytest.mark.parametrize("stage, outcome", [
    ("disclose_resolution", "Results can be rated once they are disclosed."),
    ("disclose_results", "ok"),
    ("concluded", "ok"),
])
def test_results_are_rated_once_disclosed(world, stage, outcome):
    matter = make_matter(world, stage)
    assert attempt(lambda: service.rate_result(matter, actor=world.resident, score=4)) == outcome


def test_a_resident_rates_once(world):
    matter = make_matter(world, "disclose_results")
    rating = service.rate_result(matter, actor=world.resident, score=5, comment="  很好，充电方便  ")
    db.session.commit()
    assert (rating.matter_id, rating.user_id, rating.score, rating.comment) == (matter.id, world.resident.id, 5,
                                                                               "很好，充电方便")
    assert service.has_rated(matter, world.resident) and not service.has_rated(matter, world.representative)
    with pytest.raises(ServiceError) as again:
        service.rate_result(matter, actor=world.resident, score=1)
    assert not isinstance(again.value, PermissionDenied)
    assert english(again.value) == "You have already rated these results."
    db.session.rollback()
    assert rows(Rating, Rating.matter_id == matter.id) == 1
    assert db.session.scalar(select(Rating.score).where(Rating.user_id == world.resident.id)) == 5


@pytest.mark.parametrize("score, outcome", [(0, "Rate from 1 to 5 stars."), (1, "ok"), (5, "ok"),
                                            (6, "Rate from 1 to 5 stars."), (-3, "Rate from 1 to 5 stars.")])
def test_rating_scores(world, score, outcome):
    matter = make_matter(world, "disclose_results")
    assert attempt(lambda: service.rate_result(matter, actor=world.resident, score=score)) == outcome
    assert rows(Rating) == 0


@pytest.mark.parametrize("who", ["other_resident", "newcomer", "committee", "party_org", "partner", "grid_worker",
                                 "other_committee"])
def test_only_residents_of_the_unit_rate(world, who):
    matter = make_matter(world, "disclose_results")
    assert attempt(lambda: service.rate_result(matter, actor=getattr(world, who), score=3)) == DENIED


def test_rating_summary(world):
    matter = make_matter(world, "disclose_results")
    assert service.rating_summary(matter) == (0, None)
    service.rate_result(matter, actor=world.resident, score=5)
    service.rate_result(matter, actor=world.representative, score=2)
    db.session.commit()
    assert service.rating_summary(matter) == (2, 3.5)
