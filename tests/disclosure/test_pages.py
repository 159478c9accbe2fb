"""Disclosure boards over HTTP (DESIGN §6): the boards of a unit, entries newest first with
paging and an htmx partial, corrections as new revisions, publishing with attachments that are
served inert, the htmx preview, the A4 print notice with its QR code, Atom feeds, the chain
check, objections during the notice period, residents' ratings of results, and the links from
matters and the community home page. Every page is also checked for inline code and escaping.

UI text is compared in the default locale through the message catalogue (``ui``), so the
assertions hold whether a string is translated yet or not."""
import re
import struct
import xml.etree.ElementTree as ET
import zlib
from datetime import timedelta
from io import BytesIO
from urllib.parse import quote

from flask import current_app
from flask_babel import force_locale, gettext
from markupsafe import escape
from sqlalchemy import func, select, text
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from portal.clock import local_date
from portal.domain.disclosure import BoardKind
from portal.extensions import db
from portal.labels import BOARD_LABELS
from portal.models import (
    BoardEntry,
    EntryRevision,
    Objection,
    Publication,
    Rating,
    RevisionAttachment,
)
from portal.models.base import utcnow
from portal.services import disclosure
from tests.factories import PASSWORD, XSS, make_matter
from tests.test_security import assert_safe_response

HX = {"HX-Request": "true"}
ATOM = "{http://www.w3.org/2005/Atom}"
ESCAPED_XSS = "&lt;script&gt;alert(1)&lt;/script&gt;"
CATEGORY = {BoardKind.affairs: "notice", BoardKind.party: "party", BoardKind.finance: "finance",
            BoardKind.service: "service"}


# Helpers

def ui(message, **variables) -> str:
    """A UI string as pages show it in the default locale (the translation once there is one,
    the English msgid until then), HTML-escaped as the templates escape it."""
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        shown = gettext(message, **variables) if isinstance(message, str) else str(message)
    return str(escape(shown))


def _browser(app, user):
    """A client of its own for each person, signed in once (the login limit is per address)."""
    client = app.test_client()
    assert client.post("/auth/login", data={"login": user.login, "password": PASSWORD}).status_code == 302
    return client


def publish(world, title="关于小区停车位收费的公告", body="<p>每月<strong>150</strong>元</p>", *,
            kind=BoardKind.finance, unit=None, notice_days=None, now=None):
    entry = disclosure.publish_entry(unit or world.community, kind, actor=world.committee, title=title,
                                     body_html=body, category=CATEGORY[kind], notice_days=notice_days, now=now)
    db.session.commit()
    return entry


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def entry_ids(html: str) -> list[int]:
    """The entries a list links to, in page order."""
    return [int(n) for n in re.findall(r'<p class="row-title"><a href="/disclosures/(\d+)">', html)]


def long_date(day) -> str:
    """A date as the zh_Hans "long" format writes it."""
    return f"{day.year}年{day.month}月{day.day}日"


def page_of(client, url, status=200, **kwargs):
    resp = client.get(url, **kwargs)
    assert resp.status_code == status, (url, resp.status_code)
    return resp.get_data(as_text=True)


def _png() -> bytes:
    """A real 1×1 PNG."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\xb3\x26\x1e")) + chunk(b"IEND", b""))


def _pdf() -> bytes:
    """A real one-page PDF with a correct cross-reference table."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"]
    out = b"%PDF-1.4\n"
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return out


PDF, PNG = _pdf(), _png()


# A small QR decoder (no new dependency): reads the module grid back from the SVG path and
# decodes it by the standard (format information, unmasking, zigzag order, de-interleaving,
# numeric / alphanumeric / byte segments). The block table comes from the qrcode package.

_MASKS = [lambda r, c: (r + c) % 2 == 0, lambda r, c: r % 2 == 0, lambda r, c: c % 3 == 0,
          lambda r, c: (r + c) % 3 == 0, lambda r, c: (r // 2 + c // 3) % 2 == 0,
          lambda r, c: (r * c) % 2 + (r * c) % 3 == 0, lambda r, c: ((r * c) % 2 + (r * c) % 3) % 2 == 0,
          lambda r, c: ((r * c) % 3 + (r + c) % 2) % 2 == 0]
_ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"


def qr_grid(svg: str) -> list[list[bool]]:
    """The dark modules of a qrcode SvgPathImage: one "Mx,yHx2V..z" square per module."""
    squares = [(float(x), float(y), float(x2)) for x, y, x2 in re.findall(r"M([\d.]+),([\d.]+)H([\d.]+)", svg)]
    assert squares, "the QR code has path data"
    unit = squares[0][2] - squares[0][0]
    cells = {(round(y / unit), round(x / unit)) for x, y, _x2 in squares}
    top, left = min(r for r, _c in cells), min(c for _r, c in cells)
    size = max(c for _r, c in cells) - left + 1
    assert (size - 17) % 4 == 0, size
    return [[(r + top, c + left) in cells for c in range(size)] for r in range(size)]


def qr_decode(grid: list[list[bool]]) -> str:
    from qrcode.base import rs_blocks
    from qrcode.util import pattern_position

    n = len(grid)
    version = (n - 17) // 4
    # Format information, both copies: 15 bits XOR 101010000010010.
    vertical = [grid[r][8] for r in (0, 1, 2, 3, 4, 5, 7, 8)] + [grid[n - 7 + i][8] for i in range(7)]
    horizontal = [grid[8][n - 1 - i] for i in range(8)] + [grid[8][c] for c in (7, 5, 4, 3, 2, 1, 0)]
    assert vertical == horizontal, "both copies of the format information agree"
    bits = sum(1 << i for i, b in enumerate(vertical) if b) ^ 0b101010000010010
    ec_bits, mask = bits >> 13, (bits >> 10) & 7
    ec = {0b01: 1, 0b00: 0, 0b11: 3, 0b10: 2}[ec_bits]  # as qrcode's ERROR_CORRECT_* constants
    # Function patterns: finders with separators and format areas, timing, alignment, version.
    reserved = [[False] * n for _ in range(n)]

    def block(r0, c0, h, w):
        for r in range(max(r0, 0), min(r0 + h, n)):
            for c in range(max(c0, 0), min(c0 + w, n)):
                reserved[r][c] = True

    block(0, 0, 9, 9)
    block(0, n - 8, 9, 8)
    block(n - 8, 0, 8, 9)
    block(6, 0, 1, n)
    block(0, 6, n, 1)
    centres = pattern_position(version)
    for r in centres:
        for c in centres:
            if not reserved[r][c]:
                block(r - 2, c - 2, 5, 5)
    if version >= 7:
        block(0, n - 11, 6, 3)
        block(n - 11, 0, 3, 6)
    # Zigzag from the bottom right, two columns at a time, skipping the timing column.
    stream = []
    col, upward = n - 1, True
    while col > 0:
        if col == 6:
            col -= 1
        for r in (range(n - 1, -1, -1) if upward else range(n)):
            for c in (col, col - 1):
                if not reserved[r][c]:
                    stream.append(grid[r][c] ^ _MASKS[mask](r, c))
        col -= 2
        upward = not upward
    codewords = [int("".join("1" if b else "0" for b in stream[i:i + 8]), 2) for i in range(0, len(stream) - 7, 8)]
    # De-interleave the data codewords of the blocks.
    blocks = rs_blocks(version, ec)
    data = [[] for _ in blocks]
    position = 0
    for i in range(max(b.data_count for b in blocks)):
        for k, b in enumerate(blocks):
            if i < b.data_count:
                data[k].append(codewords[position])
                position += 1
    bitstring = "".join(f"{cw:08b}" for d in data for cw in d)
    # Segments until the terminator.
    size_class = 0 if version < 10 else 1 if version < 27 else 2
    out, i = "", 0

    def take(k):
        nonlocal i
        value = int(bitstring[i:i + k], 2)
        i += k
        return value

    while i + 4 <= len(bitstring):
        mode = take(4)
        if mode == 0:
            break
        if mode == 0b0100:
            length = take((8, 16, 16)[size_class])
            out += bytes(take(8) for _ in range(length)).decode("utf-8")
        elif mode == 0b0010:
            length = take((9, 11, 13)[size_class])
            for _ in range(length // 2):
                pair = take(11)
                out += _ALNUM[pair // 45] + _ALNUM[pair % 45]
            if length % 2:
                out += _ALNUM[take(6)]
        elif mode == 0b0001:
            length = take((10, 12, 14)[size_class])
            for k in range(0, length, 3):
                digits = min(3, length - k)
                out += str(take((4, 7, 10)[digits - 1])).zfill(digits)
        else:
            raise AssertionError(f"unexpected QR segment mode {mode:04b}")
    return out


# Boards and entries

def test_board_index_lists_the_four_boards_with_their_latest_notices(client, world):
    publish(world, "二〇二六年三季度财务收支明细", kind=BoardKind.finance)
    publish(world, "党员活动日安排" + XSS, kind=BoardKind.party)
    html = page_of(client, f"/units/{world.community.id}/boards")
    for kind in BoardKind:
        assert ui(BOARD_LABELS[kind]) in html, kind
        assert f'href="/units/{world.community.id}/boards/{kind.value}"' in html, kind
    assert "二〇二六年三季度财务收支明细" in html and "党员活动日安排" + ESCAPED_XSS in html
    assert html.count(ui("Nothing published yet.")) == 2, "the two empty boards say so"
    assert page_of(client, "/units/99999/boards", 404)


def test_board_lists_newest_first_with_paging_and_an_htmx_partial(client, world):
    first = [publish(world, f"第{n}号公告") for n in range(1, 22)]  # PAGE_SIZE is 20
    publish(world, "别的公开栏", kind=BoardKind.service)
    url = f"/units/{world.community.id}/boards/finance"
    html = page_of(client, url)
    ids = entry_ids(html)
    assert ids == [e.id for e in reversed(first)][:20], "newest first, twenty to a page"
    assert "第21号公告" in html and "第1号公告<" not in html and "别的公开栏" not in html
    assert f'href="{url}?page=2"' in html and 'rel="next"' in html
    assert "<html" in html

    page2 = page_of(client, url + "?page=2")
    assert entry_ids(page2) == [first[0].id] and "第1号公告" in page2 and "第2号公告" not in page2
    assert f'href="{url}?page=1"' in page2 and 'rel="prev"' in page2

    partial = page_of(client, url + "?page=2", headers=HX)
    assert "<html" not in partial and "<main" not in partial, "htmx gets the list only"
    assert entry_ids(partial) == [first[0].id]
    assert entry_ids(page_of(client, url, headers=HX)) == ids
    assert page_of(client, f"/units/{world.community.id}/boards/noticeboard", 404)


def test_board_pages_use_a_bounded_number_of_queries(app, client, world, count_queries):
    """Every list of the boards costs the same statements for 2 entries as for 12."""
    urls = [f"/units/{world.community.id}/boards/finance", f"/units/{world.community.id}/boards",
            f"/units/{world.community.id}/boards/finance/feed.atom", f"/c/{world.community.id}"]
    committee = _browser(app, world.committee)
    for n in range(2):
        publish(world, f"收支公告{n}", kind=BoardKind.finance)
    for c in (client, committee):
        for url in urls:
            c.get(url)  # warm caches (templates, grants) before counting
    few = {}
    for who, c in (("visitor", client), ("committee", committee)):
        for url in urls:
            with count_queries() as statements:
                assert c.get(url).status_code == 200
            few[who, url] = len(statements)
    for n in range(2, 12):
        entry = publish(world, f"收支公告{n}", kind=BoardKind.finance)
        if n % 3 == 0:  # some corrected entries too
            disclosure.revise_entry(entry, actor=world.committee, title=f"收支公告{n}（更正）",
                                    body_html="<p>更正</p>", category="finance", reason="金额有误")
            db.session.commit()
    assert count(BoardEntry) == 12
    for who, c in (("visitor", client), ("committee", committee)):
        for url in urls:
            with count_queries() as statements:
                html = c.get(url).get_data(as_text=True)
            assert len(statements) == few[who, url], (who, url, statements)
            assert "收支公告11" in html, (who, url)


def test_entry_shows_its_latest_revision_and_every_earlier_one(app, world):
    entry = publish(world, "绿化养护费用公示", "<p>合计 3000 元</p>", kind=BoardKind.finance)
    committee = _browser(app, world.committee)
    form = page_of(committee, f"/disclosures/{entry.id}/revise")
    assert "绿化养护费用公示" in form and 'name="reason"' in form

    resp = committee.post(f"/disclosures/{entry.id}/revise", data={
        "title": "绿化养护费用公示（更正）", "category": "finance", "body": "<p>合计 3200 元</p>",
        "reason": "漏记了修剪费 200 元" + XSS, "keep_attachments": "y"})
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/disclosures/{entry.id}")
    assert count(EntryRevision, EntryRevision.entry_id == entry.id) == 2

    html = page_of(app.test_client(), f"/disclosures/{entry.id}")
    main, _sep, earlier = html.partition('id="earlier-heading"')
    assert "<h1>绿化养护费用公示（更正）</h1>" in main and "合计 3200 元" in main
    assert "漏记了修剪费 200 元" + ESCAPED_XSS in main, "the reason is shown with the correction"
    assert ui("corrected (revision %(n)s)", n=2) in main
    assert ui("Revision %(n)s", n=1) in earlier
    assert re.search(r"<summary>[^<]*· 绿化养护费用公示</summary>", earlier), "the first title stays visible"
    assert "合计 3000 元" in earlier
    assert XSS not in html
    # The board lists the entry once, under its latest title.
    board = page_of(app.test_client(), f"/units/{world.community.id}/boards/finance")
    assert entry_ids(board) == [entry.id] and "绿化养护费用公示（更正）" in board


def test_a_correction_without_a_reason_is_refused_and_adds_nothing(app, world):
    entry = publish(world, "电梯维保合同公示", kind=BoardKind.affairs)
    committee = _browser(app, world.committee)
    for reason in ("", "   "):
        resp = committee.post(f"/disclosures/{entry.id}/revise", data={
            "title": "电梯维保合同公示（更正）", "category": "notice", "body": "<p>新的正文</p>", "reason": reason})
        assert resp.status_code == 422, reason
        body = resp.get_data(as_text=True)
        assert 'class="error"' in body or 'class="form-errors"' in body, "the refusal says why"
        assert "电梯维保合同公示（更正）" in body, "the form keeps what was typed"
    assert count(EntryRevision, EntryRevision.entry_id == entry.id) == 1
    html = page_of(app.test_client(), f"/disclosures/{entry.id}")
    assert "电梯维保合同公示（更正）" not in html and 'id="earlier-heading"' not in html
    # Only the committee corrects.
    resident = _browser(app, world.resident)
    assert resident.post(f"/disclosures/{entry.id}/revise", data={
        "title": "x", "category": "notice", "body": "<p>x</p>", "reason": "x"}).status_code == 403
    assert count(EntryRevision, EntryRevision.entry_id == entry.id) == 1


# Publishing with attachments

def test_committee_publishes_with_attachments_that_are_served_inert(app, world):
    committee = _browser(app, world.committee)
    form = page_of(committee, f"/units/{world.community.id}/boards/finance/new")
    assert 'enctype="multipart/form-data"' in form and 'type="file"' in form and 'id="preview"' in form
    resp = committee.post(f"/units/{world.community.id}/boards/finance/new", data={
        "title": "维修基金使用明细", "category": "finance", "body": "<p>见附件</p>", "notice_days": "",
        "attachments": [(BytesIO(PDF), "维修基金明细.pdf", "application/pdf"),
                        (BytesIO(PNG), "receipt.png", "image/png")]}, content_type="multipart/form-data")
    assert resp.status_code == 302, resp.get_data(as_text=True)
    entry = db.session.scalar(select(BoardEntry))
    assert resp.headers["Location"].endswith(f"/disclosures/{entry.id}")
    pdf, png = db.session.scalars(select(RevisionAttachment).order_by(RevisionAttachment.position)).all()
    assert (pdf.name, pdf.content_type, pdf.size) == ("维修基金明细.pdf", "application/pdf", len(PDF))
    assert (png.name, png.content_type, png.size) == ("receipt.png", "image/png", len(PNG))

    visitor = app.test_client()
    html = page_of(visitor, f"/disclosures/{entry.id}")
    assert f'<a href="/disclosures/attachments/{pdf.id}">维修基金明细.pdf</a>' in html
    assert f'<a href="/disclosures/attachments/{png.id}">receipt.png</a>' in html

    for item, data, disposition in ((pdf, PDF, "attachment"), (png, PNG, "inline")):
        resp = visitor.get(f"/disclosures/attachments/{item.id}")
        assert resp.status_code == 200
        assert resp.data == data, "the exact bytes"
        assert resp.mimetype == item.content_type
        assert resp.headers["X-Content-Type-Options"] == "nosniff"
        csp = resp.headers["Content-Security-Policy"]
        assert "sandbox" in csp and "default-src 'none'" in csp
        assert resp.headers["Content-Disposition"].split(";")[0] == disposition, item.name
    assert "filename*=UTF-8''" + quote("维修基金明细.pdf") in visitor.get(
        f"/disclosures/attachments/{pdf.id}").headers["Content-Disposition"]
    assert visitor.get("/disclosures/attachments/99999").status_code == 404


def test_html_disguised_as_an_image_is_refused_and_nothing_published(app, world):
    committee = _browser(app, world.committee)
    resp = committee.post(f"/units/{world.community.id}/boards/finance/new", data={
        "title": "带附件的公告", "category": "finance", "body": "<p>见附件</p>",
        "attachments": [(BytesIO(PDF), "ok.pdf", "application/pdf"),
                        (BytesIO(b"<html><script>alert(1)</script></html>"), "photo.png", "image/png")]},
        content_type="multipart/form-data")
    assert resp.status_code == 422
    body = resp.get_data(as_text=True)
    assert ui("The file %(name)s is not a PDF or an image (PNG, JPEG, WebP).", name="photo.png") in body
    assert "带附件的公告" in body, "the form comes back with what was typed"
    assert count(BoardEntry) == 0 and count(EntryRevision) == 0 and count(RevisionAttachment) == 0
    # Too large a file is refused with its size limit.
    big = b"%PDF-1.4\n" + b"0" * (5 * 1024 * 1024)
    # Encoded here in memory: the test client would spool a body this large to a file it never closes.
    boundary, payload = encode_multipart({"title": "大附件", "category": "finance", "body": "<p>x</p>",
                                          "attachments": FileStorage(BytesIO(big), "big.pdf", "attachments",
                                                                     "application/pdf")})
    resp = committee.post(f"/units/{world.community.id}/boards/finance/new", data=payload,
                          content_type=f"multipart/form-data; boundary={boundary}")
    assert resp.status_code == 422
    assert ui("The file %(name)s is larger than %(limit)s.", name="big.pdf", limit="5 MB") in resp.get_data(as_text=True)
    assert count(BoardEntry) == 0
    # A correction with a disguised file is refused too, and adds no revision.
    entry = publish(world, "已发布的公告")
    resp = committee.post(f"/disclosures/{entry.id}/revise", data={
        "title": "已发布的公告（更正）", "category": "finance", "body": "<p>x</p>", "reason": "补充附件",
        "attachments": [(BytesIO(b"GIF89a<svg onload=alert(1)>"), "scan.jpg", "image/jpeg")]},
        content_type="multipart/form-data")
    assert resp.status_code == 422
    assert ui("The file %(name)s is not a PDF or an image (PNG, JPEG, WebP).", name="scan.jpg") in resp.get_data(
        as_text=True)
    assert count(EntryRevision) == 1 and count(RevisionAttachment) == 0
    # An empty title is refused by the form, again with nothing published.
    resp = committee.post(f"/units/{world.community.id}/boards/finance/new",
                          data={"title": "", "category": "finance", "body": "<p>x</p>"})
    assert resp.status_code == 422 and 'class="error"' in resp.get_data(as_text=True)
    assert count(BoardEntry) == 1
    # Residents cannot publish at all.
    resident = _browser(app, world.resident)
    assert resident.get(f"/units/{world.community.id}/boards/finance/new").status_code == 403
    assert resident.post(f"/units/{world.community.id}/boards/finance/new", data={
        "title": "x", "category": "finance", "body": "<p>x</p>"}).status_code == 403
    assert count(BoardEntry) == 1


def test_party_organisation_publishes_on_the_party_board_only(app, world):
    party = _browser(app, world.party_org)
    unit = world.community.id
    assert ui("Publish a notice") in page_of(party, f"/units/{unit}/boards/party")
    assert ui("Publish a notice") not in page_of(party, f"/units/{unit}/boards/finance")
    resp = party.post(f"/units/{unit}/boards/party/new", data={
        "title": "发展党员公示", "category": "party", "body": "<p>拟发展对象：<strong>李某</strong></p>",
        "notice_days": "5"})
    assert resp.status_code == 302
    entry = db.session.scalar(select(BoardEntry))
    assert entry.board.kind == BoardKind.party and disclosure.latest(entry).notice_ends_on is not None
    assert party.post(f"/units/{unit}/boards/finance/new", data={
        "title": "x", "category": "finance", "body": "<p>x</p>"}).status_code == 403
    assert party.post("/disclosures/preview", data={"body": "<p><em>x</em></p>"}).status_code == 200
    assert count(BoardEntry) == 1


def test_the_body_field_asks_htmx_for_a_preview(app, world):
    committee = _browser(app, world.committee)
    html = page_of(committee, f"/units/{world.community.id}/boards/finance/new")
    textarea = re.search(r"<textarea[^>]*\bid=\"body\"[^>]*>", html).group(0)
    for attribute in ('hx-post="/disclosures/preview"', 'hx-target="#preview"', 'hx-include="closest form"',
                      'hx-trigger="keyup changed delay:600ms"'):
        assert attribute in textarea, attribute


def test_preview_returns_the_sanitised_text_to_publishers_only(app, world):
    committee = _browser(app, world.committee)
    resp = committee.post("/disclosures/preview", headers=HX, data={
        "title": "标题" + XSS, "body": '<p>本月<strong>收入</strong>2000元</p><script>alert(1)</script>'
                                      '<img src=x onerror="alert(2)">'})
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert "<strong>收入</strong>" in html and "<p>本月" in html
    assert "<script" not in html and "<img" not in html and "onerror" not in html
    assert "标题" + ESCAPED_XSS in html
    assert "<html" not in html
    resident = _browser(app, world.resident)
    assert resident.post("/disclosures/preview", headers=HX, data={"body": "<p>x</p>"}).status_code == 403
    # A visitor is sent to sign in.
    resp = app.test_client().post("/disclosures/preview", headers=HX, data={"body": "<p>x</p>"})
    assert resp.status_code in (302, 401)


# The A4 notice

def test_print_notice_carries_everything_for_the_physical_board(client, world):
    entry = publish(world, "关于加装电梯的公示" + XSS, "<p>一号楼加装电梯，费用见下表。</p>", kind=BoardKind.affairs,
                    notice_days=7)
    revision = disclosure.latest(entry)
    resp = client.get(f"/disclosures/{entry.id}/print")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert_safe_response(resp, "print")
    assert "枫林社区" in html and ui(BOARD_LABELS[BoardKind.affairs]) in html
    assert "<h1>关于加装电梯的公示" + ESCAPED_XSS + "</h1>" in html
    assert "<p>一号楼加装电梯，费用见下表。</p>" in html
    published = local_date(revision.published_at)
    assert long_date(published) in html
    assert revision.notice_ends_on == published + timedelta(days=6)
    assert f"{long_date(published)} – {long_date(revision.notice_ends_on)}" in html, "the notice period"
    assert revision.hash[:16] in html
    link = f"http://localhost/disclosures/{entry.id}"
    assert link in html
    assert re.search(r'<link rel="stylesheet" href="/static/css/print-notice\.css">', html)
    css = client.get("/static/css/print-notice.css")
    assert css.status_code == 200 and b"@page" in css.data
    css.close()
    assert "site-header" not in html, "the notice is printed without the site's chrome"
    svg = re.search(r"<svg\b[^>]*>.*?</svg>", html, re.DOTALL).group(0)
    root = ET.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    path = root.find("{http://www.w3.org/2000/svg}path")
    assert path is not None and len(path.get("d")) > 100
    assert qr_decode(qr_grid(svg)) == link, "the QR code leads to the online entry"


def test_print_notice_without_a_notice_period_shows_no_period(client, world):
    entry = publish(world, "服务窗口时间调整", kind=BoardKind.service)
    html = page_of(client, f"/disclosures/{entry.id}/print")
    assert "服务窗口时间调整" in html and " – " not in html
    assert page_of(client, "/disclosures/99999/print", 404)


def test_printed_correction_keeps_the_notice_period_that_began_with_the_entry(client, world):
    entry = publish(world, "拆除违建公示", kind=BoardKind.affairs, notice_days=7,
                    now=utcnow() - timedelta(days=2))
    first = disclosure.latest(entry)
    disclosure.revise_entry(entry, actor=world.committee, title="拆除违建公示（更正）", body_html="<p>更正</p>",
                            category="notice", reason="门牌号写错")
    db.session.commit()
    html = page_of(client, f"/disclosures/{entry.id}/print")
    assert "门牌号写错" in html
    start = local_date(first.published_at)
    assert f"{long_date(start)} – {long_date(first.notice_ends_on)}" in html


# Atom feeds

def _feed(client, url):
    resp = client.get(url)
    assert resp.status_code == 200
    assert resp.mimetype == "application/atom+xml"
    return ET.fromstring(resp.data)


def test_atom_feed_of_a_board(client, world):
    old = publish(world, "一季度收支" + XSS, "<p>收入<strong>1000</strong>元</p>", now=utcnow() - timedelta(days=30))
    new = publish(world, "二季度收支", "<p>收入 2000 元</p>")
    disclosure.revise_entry(old, actor=world.committee, title="一季度收支（更正）" + XSS,
                            body_html="<p>收入 1100 元</p>", category="finance", reason="漏记")
    db.session.commit()
    publish(world, "别的公开栏", kind=BoardKind.service)
    unit = world.community.id
    feed = _feed(client, f"/units/{unit}/boards/finance/feed.atom")
    assert feed.tag == f"{ATOM}feed"
    assert feed.findtext(f"{ATOM}id") == f"tag:community-hall,2026:board/{unit}/finance"
    assert "枫林社区" in feed.findtext(f"{ATOM}title")
    assert feed.findtext(f"{ATOM}updated")
    links = {link.get("rel"): link.get("href") for link in feed.findall(f"{ATOM}link")}
    assert links["self"] == f"http://localhost/units/{unit}/boards/finance/feed.atom"
    assert links["alternate"] == f"http://localhost/units/{unit}/boards/finance"
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 2, "one <entry> per entry of this board, not per revision"
    by_id = {e.findtext(f"{ATOM}id"): e for e in entries}
    assert set(by_id) == {f"tag:community-hall,2026:entry/{old.id}", f"tag:community-hall,2026:entry/{new.id}"}
    corrected = by_id[f"tag:community-hall,2026:entry/{old.id}"]
    assert corrected.findtext(f"{ATOM}title") == "一季度收支（更正）" + XSS, "the latest title, as plain text"
    assert corrected.find(f"{ATOM}link").get("href") == f"http://localhost/disclosures/{old.id}"
    content = corrected.find(f"{ATOM}content")
    assert content.get("type") == "html" and content.text == "<p>收入 1100 元</p>"
    assert by_id[f"tag:community-hall,2026:entry/{new.id}"].find(f"{ATOM}content").text == "<p>收入 2000 元</p>"
    for e in entries:
        assert e.findtext(f"{ATOM}updated") and e.findtext(f"{ATOM}title")
    # The corrected entry was updated today, so the feed's own time is the latest revision's.
    assert feed.findtext(f"{ATOM}updated") == corrected.findtext(f"{ATOM}updated")
    assert corrected.findtext(f"{ATOM}updated")[:10] > corrected.findtext(f"{ATOM}published")[:10]


def test_atom_entries_are_not_updated_before_they_are_published(client, world):
    from datetime import datetime

    publish(world, "新公告")
    feed = _feed(client, f"/units/{world.community.id}/boards/finance/feed.atom")
    for e in feed.findall(f"{ATOM}entry"):
        published = datetime.fromisoformat(e.findtext(f"{ATOM}published"))
        assert datetime.fromisoformat(e.findtext(f"{ATOM}updated")) >= published


def test_atom_feed_of_an_empty_board_is_valid(client, world):
    feed = _feed(client, f"/units/{world.community.id}/boards/party/feed.atom")
    assert feed.tag == f"{ATOM}feed" and feed.findall(f"{ATOM}entry") == []
    assert feed.findtext(f"{ATOM}id") == f"tag:community-hall,2026:board/{world.community.id}/party"
    assert feed.findtext(f"{ATOM}title") and feed.findtext(f"{ATOM}updated")
    assert any(link.get("rel") == "self" for link in feed.findall(f"{ATOM}link"))
    assert client.get(f"/units/{world.community.id}/boards/nope/feed.atom").status_code == 404
    assert client.get("/units/99999/boards/party/feed.atom").status_code == 404


# The chain check

def test_verify_page_reports_an_intact_board_and_the_first_broken_revision(client, world):
    entries = [publish(world, f"党费收缴公示{n}", kind=BoardKind.party) for n in range(3)]
    url = f"/units/{world.community.id}/boards/party/verify"
    html = page_of(client, url)
    assert ui("All %(n)s revisions check out: nothing was changed or removed.", n=3) in html
    board = disclosure.board_for(world.community, BoardKind.party)
    assert board.head_hash in html
    assert ui("The chain is broken at revision #%(seq)s.", seq=2) not in html

    second = disclosure.latest(entries[1])
    db.session.execute(text("UPDATE entry_revision SET body_html='x' WHERE id = :id"), {"id": second.id})
    db.session.commit()
    html = page_of(client, url)
    assert ui("The chain is broken at revision #%(seq)s.", seq=second.seq) in html and second.seq == 2
    assert ui("Its content was changed after it was published.") in html
    assert ui("All %(n)s revisions check out: nothing was changed or removed.", n=3) not in html
    # Other boards are not affected; an empty board says there is nothing yet; no such board kind.
    assert ui("Nothing published yet.") in page_of(client, f"/units/{world.community.id}/boards/finance/verify")
    assert page_of(client, f"/units/{world.community.id}/boards/noticeboard/verify", 404)
    assert page_of(client, "/units/99999/boards/party/verify", 404)


# Objections during the notice period

def test_resident_objects_during_the_notice_period_and_the_committee_answers(app, world):
    entry = publish(world, "小区停车收费调整公示", kind=BoardKind.affairs, notice_days=7)
    resident, committee, visitor = _browser(app, world.resident), _browser(app, world.committee), app.test_client()
    html = page_of(resident, f"/disclosures/{entry.id}")
    assert f'action="/disclosures/{entry.id}/objections"' in html

    resp = resident.post(f"/disclosures/{entry.id}/objections", data={"body": "收费标准偏高" + XSS})
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/disclosures/{entry.id}#objections")
    objection = db.session.scalar(select(Objection))
    assert objection.author_id == world.resident.id

    html = page_of(visitor, f"/disclosures/{entry.id}")
    assert f'id="objection-{objection.id}"' in html
    assert "收费标准偏高" + ESCAPED_XSS in html
    assert "王**" in html and "王秀英" not in html, "the author is anonymised"
    assert ui("Objections (%(n)s)", n=1) in html

    # An empty objection is refused with the form shown again; nothing saved.
    resp = resident.post(f"/disclosures/{entry.id}/objections", data={"body": "  "})
    assert resp.status_code == 422 and 'class="error"' in resp.get_data(as_text=True)
    assert count(Objection) == 1

    # The committee answers publicly, once.
    html = page_of(committee, f"/disclosures/{entry.id}")
    assert f'action="/objections/{objection.id}/answer"' in html and "王秀英" not in html
    resp = committee.post(f"/objections/{objection.id}/answer", data={"answer": "按物价部门标准执行" + XSS})
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"#objection-{objection.id}")
    html = page_of(visitor, f"/disclosures/{entry.id}")
    assert "按物价部门标准执行" + ESCAPED_XSS in html and ui("Committee's answer:") in html
    resp = committee.post(f"/objections/{objection.id}/answer", data={"answer": "第二次回复"},
                          follow_redirects=True)
    assert ui("This objection has already been answered.") in resp.get_data(as_text=True)
    db.session.refresh(objection)
    assert objection.answer == "按物价部门标准执行" + XSS
    # A resident cannot answer.
    assert resident.post(f"/objections/{objection.id}/answer", data={"answer": "x"}).status_code == 403


def test_objections_close_with_the_notice_period(app, world):
    entry = publish(world, "垃圾分类点位调整公示", kind=BoardKind.affairs, notice_days=1,
                    now=utcnow() - timedelta(days=3))
    ended = disclosure.latest(entry).notice_ends_on
    assert ended < local_date()
    resident = _browser(app, world.resident)
    html = page_of(resident, f"/disclosures/{entry.id}")
    assert f'action="/disclosures/{entry.id}/objections"' not in html, "no form after the period"
    message = ui("The notice period ended on %(day)s; objections are no longer accepted.", day=ended.isoformat())
    assert message in html
    resp = resident.post(f"/disclosures/{entry.id}/objections", data={"body": "我反对"})
    assert resp.status_code == 422
    assert message in resp.get_data(as_text=True)
    assert count(Objection) == 0


def test_an_objection_to_a_notice_without_a_notice_period_is_refused_with_a_message(app, world):
    entry = publish(world, "社区活动室开放时间", kind=BoardKind.service)
    resident = _browser(app, world.resident)
    resp = resident.post(f"/disclosures/{entry.id}/objections", data={"body": "我反对"})
    assert count(Objection) == 0
    assert resp.status_code == 422
    assert ui("This notice has no notice period for objections.") in resp.get_data(as_text=True)


def test_only_verified_residents_of_the_unit_object(app, world):
    entry = publish(world, "绿地改造公示", kind=BoardKind.affairs, notice_days=7)
    for user in (world.newcomer, world.other_resident):
        c = _browser(app, user)
        html = page_of(c, f"/disclosures/{entry.id}")
        assert f'action="/disclosures/{entry.id}/objections"' not in html, user.display_name
        assert c.post(f"/disclosures/{entry.id}/objections", data={"body": "我反对"}).status_code == 403
    resp = app.test_client().post(f"/disclosures/{entry.id}/objections", data={"body": "我反对"})
    assert resp.status_code == 302 and "/auth/login" in resp.headers["Location"]
    assert count(Objection) == 0


# Ratings of a matter's results (群众评议)

def test_residents_rate_the_results_once(app, world):
    matter = make_matter(world, "disclose_results")
    url = f"/matters/{matter.id}"
    resident, neighbour, visitor = (_browser(app, world.resident), _browser(app, world.representative),
                                    app.test_client())
    html = page_of(resident, url)
    assert f'action="/matters/{matter.id}/rating"' in html and 'name="score"' in html
    assert ui("No ratings yet.") in html

    resp = resident.post(f"{url}/rating", data={"score": "4", "comment": "施工很快" + XSS})
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"{url}#rating")
    assert [(r.user_id, r.score) for r in db.session.scalars(select(Rating))] == [(world.resident.id, 4)]
    html = page_of(resident, url)
    assert ui("Thank you for rating the results.") in html
    assert ui("%(n)s ratings, on average %(avg)s of 5 stars.", n=1, avg=4.0) in html
    assert f'action="/matters/{matter.id}/rating"' not in html, "no second form"

    resp = resident.post(f"{url}/rating", data={"score": "1"}, follow_redirects=True)
    assert ui("You have already rated these results.") in resp.get_data(as_text=True)
    assert count(Rating) == 1 and db.session.scalar(select(Rating.score)) == 4

    resp = neighbour.post(f"{url}/rating", data={"score": "9"}, follow_redirects=True)
    assert "不是有效的选择" in resp.get_data(as_text=True)
    resp = neighbour.post(f"{url}/rating", data={"score": ""}, follow_redirects=True)
    assert ui("Choose 1 to 5 stars.") in resp.get_data(as_text=True)
    assert count(Rating) == 1
    assert neighbour.post(f"{url}/rating", data={"score": "5"}).status_code == 302
    html = page_of(visitor, url)
    assert ui("%(n)s ratings, on average %(avg)s of 5 stars.", n=2, avg=4.5) in html
    assert f'action="/matters/{matter.id}/rating"' not in html, "visitors see the summary, not the form"
    assert XSS not in html


def test_no_rating_before_the_results_are_disclosed(app, world):
    matter = make_matter(world, "disclose_resolution")
    resident = _browser(app, world.resident)
    html = page_of(resident, f"/matters/{matter.id}")
    assert f'action="/matters/{matter.id}/rating"' not in html and 'id="rating"' not in html
    resp = resident.post(f"/matters/{matter.id}/rating", data={"score": "5"}, follow_redirects=True)
    assert ui("Results can be rated once they are disclosed.") in resp.get_data(as_text=True)
    assert count(Rating) == 0
    # An unverified account may not rate even at stage 6.
    later = make_matter(world, "disclose_results")
    newcomer = _browser(app, world.newcomer)
    assert f'action="/matters/{later.id}/rating"' not in page_of(newcomer, f"/matters/{later.id}")
    assert newcomer.post(f"/matters/{later.id}/rating", data={"score": "5"}).status_code == 403
    assert count(Rating) == 0


# Links from matters and the community home page

def test_matter_timeline_links_its_publications_to_the_board(client, world):
    matter = make_matter(world, "concluded")
    publications = db.session.scalars(select(Publication).where(Publication.matter_id == matter.id)
                                      .order_by(Publication.id)).all()
    assert len(publications) == 2 and all(p.board_entry_id for p in publications)
    html = page_of(client, f"/matters/{matter.id}")
    for p in publications:
        assert f'<a href="/disclosures/{p.board_entry_id}">{p.title}</a>' in html, p.title
    # The entry links back to the matter; the matter's title is escaped in both places.
    entry_html = page_of(client, f"/disclosures/{publications[0].board_entry_id}")
    assert f'href="/matters/{matter.id}"' in entry_html
    assert "充电桩建设" + ESCAPED_XSS in entry_html and XSS not in entry_html
    assert page_of(client, f"/units/{world.community.id}/boards/affairs").count('class="row-title"') == 2


def test_community_home_shows_the_latest_notices(client, world):
    html = page_of(client, f"/c/{world.community.id}")
    assert ui("Latest notices") not in html, "no section before anything is published"
    old = publish(world, "春季义诊通知", kind=BoardKind.service, now=utcnow() - timedelta(days=5))
    new = publish(world, "三季度收支公开" + XSS, kind=BoardKind.finance)
    html = page_of(client, f"/c/{world.community.id}")
    section = html.partition(ui("Latest notices"))[2]
    assert section, "the section is there"
    assert f'href="/disclosures/{new.id}"' in section and f'href="/disclosures/{old.id}"' in section
    assert section.index(f'/disclosures/{new.id}"') < section.index(f'/disclosures/{old.id}"'), "newest first"
    assert "三季度收支公开" + ESCAPED_XSS in section and XSS not in html
    assert f'href="/units/{world.community.id}/boards"' in html
    assert ui("Latest notices") not in page_of(client, f"/c/{world.other_community.id}")


# Every page: no inline code, the world's script tags escaped

def test_every_disclosure_page_is_safe_for_the_csp_and_escapes_user_text(app, world):
    matter = make_matter(world, "disclose_results")
    from_matter = db.session.scalar(select(Publication.board_entry_id).where(Publication.matter_id == matter.id))
    entry = publish(world, "公告" + XSS, "<p>正文</p>" + XSS, kind=BoardKind.affairs, notice_days=7)
    disclosure.revise_entry(entry, actor=world.committee, title="公告（更正）" + XSS, body_html="<p>更正</p>",
                            category="notice", reason="原因" + XSS)
    disclosure.file_objection(entry, actor=world.resident, body="异议" + XSS, today=local_date())
    db.session.commit()
    unit = world.community.id
    public = [f"/units/{unit}/boards", f"/units/{unit}/boards/affairs", f"/units/{unit}/boards/affairs/verify",
              f"/disclosures/{entry.id}", f"/disclosures/{entry.id}/print", f"/disclosures/{from_matter}",
              f"/disclosures/{from_matter}/print", f"/matters/{matter.id}", f"/c/{unit}"]
    committee_only = [f"/units/{unit}/boards/finance/new", f"/disclosures/{entry.id}/revise"]
    visitor, committee = app.test_client(), _browser(app, world.committee)
    for c, urls in ((visitor, public), (committee, public + committee_only)):
        for url in urls:
            resp = c.get(url)
            assert resp.status_code == 200, url
            assert_safe_response(resp, url)
            html = resp.get_data(as_text=True)
            assert XSS not in html, url
            if not url.endswith(("/verify", "/new")):  # the pages that show user-written text
                assert ESCAPED_XSS in html, f"{url} shows it escaped"
    partial = visitor.get(f"/units/{unit}/boards/affairs", headers=HX)
    assert_safe_response(partial, "board partial")
    assert "<html" not in partial.get_data(as_text=True)
