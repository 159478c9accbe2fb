"""Micro-wishes and partners over HTTP (DESIGN §4): a wish from the resident's form through
the committee's review, the wall, a partner's claim (htmx, and the loser of a second claim),
delivery, confirmation and the thank-you wall; 代办 by the grid worker; the wall's filters,
paging and partial; bad input; declining, withdrawing; partner registration, verification and
offers; lapsed claims (the CLI and a late read); and every page checked for inline code,
escaping and a bounded number of queries.

UI text is compared in the default locale through the message catalogue (``ui``), so the
assertions hold whether a string is translated yet or not."""
import itertools
import re
import struct
import zlib
from datetime import timedelta
from io import BytesIO
from urllib.parse import urlsplit

import pytest
from flask import current_app
from flask_babel import force_locale, format_datetime, gettext
from markupsafe import escape
from sqlalchemy import func, select

from portal.clock import local_date
from portal.domain.residents import Relation
from portal.domain.wishes import Category, PartnerKind, PartnerStatus, WishStatus
from portal.extensions import db
from portal.labels import PARTNER_STATUS_LABELS, WISH_CATEGORY_LABELS, WISH_STATUS_LABELS
from portal.models import Offer, Partner, Wish, WishEvent
from portal.models.base import utcnow
from portal.services import wishes
from tests.factories import PASSWORD, TODAY, XSS, make_resident, make_user
from tests.test_security import assert_safe_response

HX = {"HX-Request": "true"}
ESCAPED_XSS = "&lt;script&gt;alert(1)&lt;/script&gt;"
CARD = re.compile(r'<li class="card wish-card" id="wish-(\d+)">')


# Helpers (test_privacy.py and the browser test use them too)

def ui(message, **variables) -> str:
    """A UI string as pages show it in the default locale (the translation once there is one,
    the English msgid until then), HTML-escaped as the templates escape it."""
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        shown = gettext(message, **variables) if isinstance(message, str) else str(message)
    return str(escape(shown))


_addresses = itertools.count(1)


def browser_for(app, user=None):
    """A client of its own for one person, signed in once from an address of its own (the
    login limit counts per address); ``None`` for an anonymous visitor."""
    client = app.test_client()
    n = next(_addresses)
    client.environ_base["REMOTE_ADDR"] = f"10.77.{n // 250}.{n % 250 + 1}"
    if user is not None:
        resp = client.post("/auth/login", data={"login": user.login, "password": PASSWORD})
        assert resp.status_code == 302, user.login
    return client


def page_of(client, url, status=200, **kwargs) -> str:
    resp = client.get(url, **kwargs)
    assert resp.status_code == status, (url, resp.status_code)
    return resp.get_data(as_text=True)


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def card_ids(html: str) -> list[int]:
    """The wishes a wall page shows, in page order."""
    return [int(n) for n in CARD.findall(html)]


def verified_partner(world, name="华联超市", *, user=None, units=None, verify=True) -> Partner:
    """A partner profile serving the world's community, verified by its committee (or left
    pending with ``verify=None``)."""
    user = user or make_user(name)
    partner = wishes.register_partner(user, name=name, kind=PartnerKind.business, contact_name="李经理",
                                      contact_phone="13911112222", offers_summary="米面粮油、上门维修",
                                      units=units or [world.community])
    if verify is not None:
        wishes.decide_partner(partner, actor=world.committee, verify=verify, reason="" if verify else "材料不全")
    db.session.commit()
    return partner


def wish_in(world, status=WishStatus.open, *, partner=None, title="冬天的棉衣", beneficiary=None, poster=None,
            category=Category.clothing, value="150", days=20, now=None) -> Wish:
    """A wish of the resident (or ``beneficiary``, a User) driven through the services to
    ``status``; a claim is made by ``partner`` (a Partner) at ``now``."""
    beneficiary = beneficiary or world.resident
    now = now or utcnow()
    wish = wishes.post_wish(poster or beneficiary, beneficiary=beneficiary.resident, title=title,
                            description="天冷了，想要一件厚实的棉衣。" + XSS, category=category, value=value,
                            wanted_by=TODAY + timedelta(days=days), today=TODAY, submit=status != WishStatus.draft)
    if status == WishStatus.withdrawn:
        wishes.withdraw_wish(wish, actor=beneficiary)
    elif status == WishStatus.declined:
        wishes.decline_wish(wish, actor=world.committee, reason="超出微心愿范围" + XSS)
    elif status not in (WishStatus.draft, WishStatus.submitted):
        wishes.approve_wish(wish, actor=world.committee)
        if status != WishStatus.open:
            wishes.claim_wish(wish, actor=partner.user, now=now)
        if status in (WishStatus.delivered, WishStatus.confirmed):
            wishes.deliver_wish(wish, actor=partner.user, note="已送到家中" + XSS, now=now + timedelta(hours=1))
        if status == WishStatus.confirmed:
            wishes.confirm_wish(wish, actor=beneficiary, thanks="谢谢，很暖和！" + XSS, now=now + timedelta(hours=2))
    db.session.commit()
    return wish


def _png() -> bytes:
    """A real 1×1 PNG."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\xb3\x26\x1e")) + chunk(b"IEND", b""))


PNG = _png()
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def wish_form(**fields) -> dict:
    """The /wishes/new form, filled in sensibly; ``fields`` override."""
    data = {"title": "冬天的棉衣" + XSS, "description": "天冷了，想要一件厚实的棉衣。" + XSS,
            "category": Category.clothing.value, "value": "150",
            "wanted_by": (local_date() + timedelta(days=20)).isoformat()}
    data.update(fields)
    return data


def record_of(html: str) -> dict[str, int]:
    """The record counts a partner page shows, by their (translated) heading."""
    return {dt: int(dd) for dt, dd in re.findall(r"<dt>([^<]*)</dt><dd>(\d+)</dd>", html)}


def status_of(wish: Wish) -> WishStatus:
    db.session.expire_all()
    return db.session.get(Wish, wish.id).status


# The whole path

def test_a_wish_goes_from_the_form_to_the_thank_you_wall(app, world):
    resident, committee, public = browser_for(app, world.resident), browser_for(app, world.committee), app.test_client()
    shop, pharmacy = verified_partner(world, "华联超市"), verified_partner(world, "爱心药房")
    shop_client, pharmacy_client = browser_for(app, shop.user), browser_for(app, pharmacy.user)
    community = world.community.id

    # The resident posts, with a photo.
    form = page_of(resident, "/wishes/new")
    assert 'enctype="multipart/form-data"' in form and 'name="photo"' in form
    assert 'name="beneficiary"' not in form, "a resident posts only for themselves"
    resp = resident.post("/wishes/new", data=wish_form(photo=(BytesIO(PNG), "coat.png")),
                         content_type="multipart/form-data")
    assert resp.status_code == 302
    wish = db.session.scalars(select(Wish)).one()
    assert resp.headers["Location"] == f"/wishes/{wish.id}"
    assert wish.status == WishStatus.submitted and not wish.on_behalf
    assert wish.household_id == world.households[0].id and wish.unit_id == community
    assert wish.photo_type == "image/png"
    html = page_of(resident, f"/wishes/{wish.id}")
    assert ui("The wish is sent to the committee for review.") in html
    assert "冬天的棉衣" + ESCAPED_XSS in html and ui(WISH_STATUS_LABELS[WishStatus.submitted]) in html
    photo = resident.get(f"/wishes/{wish.id}/photo/wish")
    assert photo.status_code == 200 and photo.data == PNG and photo.mimetype == "image/png"
    assert "sandbox" in photo.headers["Content-Security-Policy"]

    # Waiting for review: in the committee's queue, not on the wall, not public.
    queue = page_of(committee, f"/units/{community}/wishes/review")
    assert f'href="/wishes/{wish.id}"' in queue and "冬天的棉衣" + ESCAPED_XSS in queue
    assert "王秀英" + ESCAPED_XSS in queue and "1单元101室" in queue, "the committee sees who and where"
    assert f'action="/wishes/{wish.id}/moves/approve"' in queue
    assert card_ids(page_of(public, f"/units/{community}/wishes")) == []
    assert "冬天的棉衣" not in page_of(public, f"/units/{community}/wishes")
    page_of(public, f"/wishes/{wish.id}", 404)
    assert public.get(f"/wishes/{wish.id}/photo/wish").status_code == 404

    # The committee approves: on the wall, anonymised, with the community.
    back = f"/units/{community}/wishes/review"
    resp = committee.post(f"/wishes/{wish.id}/moves/approve", data={"back": back})
    assert resp.status_code == 302 and resp.headers["Location"] == back
    assert status_of(wish) == WishStatus.open
    assert ui("The wish is on the wish wall.") in page_of(committee, back)
    wall = page_of(public, f"/units/{community}/wishes")
    assert card_ids(wall) == [wish.id]
    assert "王**" in wall and "枫林社区" in wall and "秀英" not in wall
    assert ui(WISH_STATUS_LABELS[WishStatus.open]) in wall and ui(WISH_CATEGORY_LABELS[Category.clothing]) in wall
    assert ui("Claim this wish") not in wall, "only verified partners see the claim button"
    shop_wall = page_of(shop_client, f"/units/{community}/wishes")
    assert ui("Claim this wish") in shop_wall and f'hx-post="/wishes/{wish.id}/moves/claim"' in shop_wall

    # The shop claims from the wall with htmx: the card comes back, claimed, with its name.
    resp = shop_client.post(f"/wishes/{wish.id}/moves/claim", headers=HX)
    assert resp.status_code == 200
    card = resp.get_data(as_text=True)
    assert "<html" not in card and "<main" not in card, "htmx gets the card only"
    assert card_ids(card) == [wish.id]
    assert ui(WISH_STATUS_LABELS[WishStatus.claimed]) in card and "华联超市" in card
    assert ui("You have claimed this wish. Please deliver it before the deadline.") in card
    assert ui("Claim this wish") not in card
    assert_safe_response(resp, "claim card")
    db.session.expire_all()
    wish = db.session.get(Wish, wish.id)
    assert wish.status == WishStatus.claimed and wish.partner_id == shop.id
    deadline = wish.claim_deadline

    # The pharmacy is too late: told so, and nothing changes.
    resp = pharmacy_client.post(f"/wishes/{wish.id}/moves/claim", headers=HX)
    assert resp.status_code == 200
    card = resp.get_data(as_text=True)
    assert "<html" not in card and ui("Another partner has already claimed this wish.") in card
    assert "华联超市" in card and ui("You have claimed this wish. Please deliver it before the deadline.") not in card
    db.session.expire_all()
    wish = db.session.get(Wish, wish.id)
    assert wish.partner_id == shop.id and wish.claim_deadline == deadline
    assert count(WishEvent, WishEvent.wish_id == wish.id, WishEvent.move == "claim") == 1

    # The shop sees its claim with the deadline, and delivers with a note.
    claims = page_of(shop_client, "/my/claims")
    assert f'href="/wishes/{wish.id}"' in claims and "冬天的棉衣" + ESCAPED_XSS in claims
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        when = format_datetime(deadline, "short")
    assert ui("deliver by %(when)s", when=when) in claims
    assert "冬天的棉衣" not in page_of(pharmacy_client, "/my/claims")
    resp = shop_client.post(f"/wishes/{wish.id}/moves/deliver", data={"note": "棉衣已送到家中" + XSS})
    assert resp.status_code == 302 and resp.headers["Location"] == f"/wishes/{wish.id}"
    assert status_of(wish) == WishStatus.delivered
    html = page_of(shop_client, f"/wishes/{wish.id}")
    assert ui("Marked as delivered. The resident will confirm.") in html and "棉衣已送到家中" + ESCAPED_XSS in html

    # The resident confirms with a word of thanks.
    html = page_of(resident, f"/wishes/{wish.id}")
    assert f'action="/wishes/{wish.id}/moves/confirm"' in html
    resp = resident.post(f"/wishes/{wish.id}/moves/confirm", data={"thanks": "谢谢华联超市，很暖和！" + XSS})
    assert resp.status_code == 302
    assert status_of(wish) == WishStatus.confirmed
    assert ui("Thank you! The wish is fulfilled and goes on the thank-you wall.") in page_of(resident, f"/wishes/{wish.id}")

    # The thank-you wall and the shop's page.
    thanks = page_of(public, f"/units/{community}/thanks")
    assert "冬天的棉衣" + ESCAPED_XSS in thanks and "谢谢华联超市，很暖和！" + ESCAPED_XSS in thanks
    assert "华联超市" in thanks and f'href="/partners/{shop.id}"' in thanks and "王**" in thanks
    assert "秀英" not in thanks
    profile = page_of(public, f"/partners/{shop.id}")
    assert record_of(profile) == {ui("Claimed"): 1, ui("Delivered"): 1, ui("Confirmed"): 1, ui("Lapsed"): 0}
    assert "谢谢华联超市，很暖和！" + ESCAPED_XSS in profile
    assert record_of(page_of(public, f"/partners/{pharmacy.id}")) == {
        ui("Claimed"): 0, ui("Delivered"): 0, ui("Confirmed"): 0, ui("Lapsed"): 0}
    wall = page_of(public, f"/units/{community}/wishes")
    assert card_ids(wall) == [wish.id] and ui(WISH_STATUS_LABELS[WishStatus.confirmed]) in wall


def test_the_grid_worker_posts_for_a_resident(app, world):
    grid = browser_for(app, world.grid_worker)
    form = page_of(grid, "/wishes/new")
    assert 'name="beneficiary"' in form
    assert f'<option value="{world.resident.resident.id}">' in form and "王秀英" + ESCAPED_XSS in form
    assert "孙桂兰" not in form, "only residents of the grid worker's grid"
    resp = grid.post("/wishes/new", data=wish_form(beneficiary=str(world.resident.resident.id), title="助浴服务"))
    assert resp.status_code == 302
    wish = db.session.scalars(select(Wish)).one()
    assert wish.on_behalf and wish.posted_by_id == world.grid_worker.id
    assert wish.beneficiary_id == world.resident.resident.id and wish.household_id == world.households[0].id
    assert wish.status == WishStatus.submitted
    assert ui("posted by the grid worker (代办)") in page_of(grid, f"/wishes/{wish.id}")
    assert f'href="/wishes/{wish.id}"' in page_of(grid, "/my/wishes"), "the grid worker follows it up"
    resident = browser_for(app, world.resident)
    assert ui("posted by the grid worker (代办)") in page_of(resident, f"/wishes/{wish.id}")
    assert f'href="/wishes/{wish.id}"' in page_of(resident, "/my/wishes")
    assert ui("posted by the grid worker (代办)") in page_of(browser_for(app, world.committee),
                                                          f"/units/{world.community.id}/wishes/review")

    # Not for someone outside the grid, and nothing saved.
    resp = grid.post("/wishes/new", data=wish_form(beneficiary=str(world.other_resident.resident.id)))
    assert resp.status_code == 422 and 'id="beneficiary-error"' in resp.get_data(as_text=True)
    assert count(Wish) == 1
    # Accounts that are neither residents nor grid workers cannot post at all.
    for user in (world.partner, world.newcomer, world.other_committee):
        assert browser_for(app, user).get("/wishes/new").status_code == 403, user.login


# The wall

def test_the_wall_filters_pages_and_serves_a_partial(app, world, client):
    shop = verified_partner(world)
    opened = [wish_in(world, title=f"心愿{n:02d}", category=Category.daily, days=n + 1) for n in range(21)]
    claimed = wish_in(world, WishStatus.claimed, partner=shop, title="轮椅借用", category=Category.health, days=1)
    private = [wish_in(world, status, title=f"不公开的{status.value}")
               for status in (WishStatus.draft, WishStatus.submitted, WishStatus.declined, WishStatus.withdrawn)]
    url = f"/units/{world.community.id}/wishes"

    html = page_of(client, url)
    assert card_ids(html) == [w.id for w in opened[:20]], "open first, soonest wanted first, twenty a page"
    assert f'href="{url}?page=2"' in html and "<html" in html
    page2 = page_of(client, url + "?page=2")
    assert card_ids(page2) == [opened[20].id, claimed.id], "the claimed wish after every open one"
    assert card_ids(page_of(client, url + "?status=open&page=2")) == [opened[20].id]
    assert card_ids(page_of(client, url + "?status=claimed")) == [claimed.id]
    assert card_ids(page_of(client, url + "?category=health")) == [claimed.id]
    assert card_ids(page_of(client, url + "?category=health&status=open")) == []
    assert ui("No wishes here.") in page_of(client, url + "?category=transport")
    filtered = page_of(client, url + "?category=daily&page=2")
    assert card_ids(filtered) == [opened[20].id]
    assert f'href="{url}?page=1&amp;category=daily"' in filtered or f'href="{url}?category=daily&amp;page=1"' in filtered
    # Unknown filters and private statuses are ignored rather than shown.
    for query in ("?status=submitted", "?status=draft", "?category=weapons"):
        assert card_ids(page_of(client, url + query)) == card_ids(html), query

    partial = page_of(client, url + "?status=claimed", headers=HX)
    assert "<html" not in partial and "<main" not in partial and card_ids(partial) == [claimed.id]

    everything = "".join(page_of(client, url + q) for q in ("", "?page=2", "?status=claimed", "?page=3"))
    for wish in private:
        assert f"不公开的{wish.status.value}" not in everything
    # Another community's wall shows none of these.
    assert card_ids(page_of(client, f"/units/{world.other_community.id}/wishes")) == []
    assert page_of(client, "/units/99999/wishes", 404)


@pytest.mark.parametrize("status", [WishStatus.draft, WishStatus.submitted, WishStatus.declined,
                                    WishStatus.withdrawn])
def test_private_wishes_are_shown_to_the_holder_and_the_unit_staff_only(app, world, status):
    shop = verified_partner(world)
    wish = wish_in(world, status, title="不公开的心愿")
    for who in (None, world.other_resident, world.representative, world.other_committee, shop.user, world.partner,
                world.party_org):
        client = browser_for(app, who)
        page_of(client, f"/wishes/{wish.id}", 404)
        assert "不公开的心愿" not in page_of(client, f"/units/{world.community.id}/wishes")
        assert "不公开的心愿" not in page_of(client, f"/c/{world.community.id}")
    for who in (world.resident, world.committee, world.grid_worker):
        html = page_of(browser_for(app, who), f"/wishes/{wish.id}")
        assert "不公开的心愿" in html and ui(WISH_STATUS_LABELS[status]) in html
    assert "不公开的心愿" in page_of(browser_for(app, world.resident), "/my/wishes")


# Bad input

BAD_INPUT = [  # (field overrides, the field whose error shows, the message or None for the validator's own)
    ({"value": "-5"}, "value", "The estimated value must be more than 0."),
    ({"value": "0"}, "value", "The estimated value must be more than 0."),
    ({"value": "600"}, "value", ("A micro-wish is worth at most ¥%(max)s; larger needs go to the committee "
                                 "directly.", {"max": 500})),
    ({"value": "abc"}, "value", "Enter the estimated value in yuan, e.g. 120 or 89.50."),
    ({"value": "12.345"}, "value", "The estimated value has at most two decimals (fen)."),
    ({"title": "棉" * 81}, "title", None),
    ({"description": "长" * 2001}, "description", None),
    ({"wanted_by": "yesterday"}, "wanted_by", "The wanted-by date cannot be in the past."),
    ({"photo": "pdf"}, "photo", ("The file %(name)s is not an image (PNG, JPEG, WebP).", {"name": "notice.pdf"})),
]


@pytest.mark.parametrize(("fields", "field", "message"), BAD_INPUT,
                         ids=["value-5", "value0", "value600", "value-abc", "value-fen", "title81", "desc2001",
                              "yesterday", "pdf-photo"])
def test_bad_input_is_answered_with_a_message_and_nothing_is_saved(app, world, fields, field, message):
    resident = browser_for(app, world.resident)
    fields = dict(fields)
    if fields.get("wanted_by") == "yesterday":
        fields["wanted_by"] = (local_date() - timedelta(days=1)).isoformat()
    if fields.get("photo") == "pdf":
        fields["photo"] = (BytesIO(PDF), "notice.pdf")
    resp = resident.post("/wishes/new", data=wish_form(**fields), content_type="multipart/form-data")
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    assert count(Wish) == 0 and count(WishEvent) == 0
    if message is None:  # a field's own validator: the error sits under the field
        assert re.search(rf'<p class="error" id="{field}-error">\S', html), field
        assert 'aria-invalid="true"' in html
    else:
        text, variables = message if isinstance(message, tuple) else (message, {})
        assert ui(text, **variables) in html and 'role="alert"' in html
    assert "冬天的棉衣" + ESCAPED_XSS in html or field == "title", "what was typed is kept"
    assert_safe_response(resp, field)


def test_the_photo_must_be_an_image_only_on_the_delivery_too(app, world):
    shop = verified_partner(world)
    wish = wish_in(world, WishStatus.claimed, partner=shop)
    resp = browser_for(app, shop.user).post(f"/wishes/{wish.id}/moves/deliver",
                                            data={"note": "已送达", "photo": (BytesIO(PDF), "receipt.pdf")},
                                            content_type="multipart/form-data", follow_redirects=True)
    assert ui("The file %(name)s is not an image (PNG, JPEG, WebP).", name="receipt.pdf") in resp.get_data(as_text=True)
    assert status_of(wish) == WishStatus.claimed


# Declining and withdrawing

def test_declining_needs_a_reason_that_the_resident_sees(app, world):
    wish = wish_in(world, WishStatus.submitted)
    committee, resident = browser_for(app, world.committee), browser_for(app, world.resident)
    html = page_of(committee, f"/wishes/{wish.id}")
    assert f'action="/wishes/{wish.id}/moves/decline"' in html and ui("Reason (the resident sees it)") in html
    for reason in ("", "   "):
        resp = committee.post(f"/wishes/{wish.id}/moves/decline", data={"reason": reason}, follow_redirects=True)
        assert ui("Give the resident a reason for declining.") in resp.get_data(as_text=True)
        assert status_of(wish) == WishStatus.submitted
    committee.post(f"/wishes/{wish.id}/moves/decline", data={"reason": "请联系社区申请临时救助" + XSS})
    assert status_of(wish) == WishStatus.declined
    html = page_of(resident, f"/wishes/{wish.id}")
    assert ui("Declined:") in html and "请联系社区申请临时救助" + ESCAPED_XSS in html
    mine = page_of(resident, "/my/wishes")
    assert f'href="/wishes/{wish.id}"' in mine and ui(WISH_STATUS_LABELS[WishStatus.declined]) in mine
    page_of(app.test_client(), f"/wishes/{wish.id}", 404)


def test_my_wishes_shows_why_a_wish_was_declined(app, world):
    wish = wish_in(world, WishStatus.declined)
    assert wish.reason
    assert str(escape(wish.reason)) in page_of(browser_for(app, world.resident), "/my/wishes")


def test_the_holder_withdraws_before_a_claim_but_not_after(app, world):
    shop = verified_partner(world)
    resident = browser_for(app, world.resident)
    before = wish_in(world, title="想要一盏台灯")
    html = page_of(resident, f"/wishes/{before.id}")
    assert ui("Withdraw the wish") in html and f'action="/wishes/{before.id}/moves/withdraw"' in html
    assert ui("Withdraw the wish") not in page_of(browser_for(app, world.representative), f"/wishes/{before.id}")
    resp = resident.post(f"/wishes/{before.id}/moves/withdraw", follow_redirects=True)
    assert resp.status_code == 200 and ui("The wish has been withdrawn.") in resp.get_data(as_text=True)
    assert status_of(before) == WishStatus.withdrawn
    assert "想要一盏台灯" not in page_of(app.test_client(), f"/units/{world.community.id}/wishes")
    page_of(app.test_client(), f"/wishes/{before.id}", 404)

    after = wish_in(world, WishStatus.claimed, partner=shop, title="想要一件棉衣")
    html = page_of(resident, f"/wishes/{after.id}")
    assert ui("Withdraw the wish") not in html and "/moves/withdraw" not in html
    resp = resident.post(f"/wishes/{after.id}/moves/withdraw", follow_redirects=True)
    assert resp.status_code in (200, 403)
    if resp.status_code == 200:
        assert ui("This wish cannot do that now (it is %(status)s).",
                  status=gettext(WISH_STATUS_LABELS[WishStatus.claimed])) in resp.get_data(as_text=True)
    db.session.expire_all()
    after = db.session.get(Wish, after.id)
    assert after.status == WishStatus.claimed and after.partner_id == shop.id
    assert count(WishEvent, WishEvent.wish_id == after.id, WishEvent.move == "withdraw") == 0
    # Nor may anyone but the holder withdraw, even before a claim.
    other = wish_in(world, title="想要一副老花镜")
    assert browser_for(app, world.other_resident).post(f"/wishes/{other.id}/moves/withdraw").status_code == 403
    browser_for(app, shop.user).post(f"/wishes/{other.id}/moves/withdraw")
    assert status_of(other) == WishStatus.open


@pytest.mark.parametrize("endpoint", ["wish", "partner"])
def test_back_links_stay_on_this_site(app, world, endpoint):
    committee = browser_for(app, world.committee)
    if endpoint == "wish":
        wish = wish_in(world, WishStatus.submitted)
        resp = committee.post(f"/wishes/{wish.id}/moves/approve", data={"back": "//evil.example/"})
        assert status_of(wish) == WishStatus.open
    else:
        partner = verified_partner(world, "爱心药房", verify=None)
        resp = committee.post(f"/partners/{partner.id}/decision", data={"decision": "verify",
                                                                       "back": "//evil.example/"})
    assert resp.status_code == 302
    assert urlsplit(resp.headers["Location"]).netloc in ("", "localhost"), resp.headers["Location"]


# Partners

def test_a_partner_registers_and_the_committee_decides(app, world):
    account = make_user("爱心药房")
    db.session.commit()
    applicant, committee, public = browser_for(app, account), browser_for(app, world.committee), app.test_client()
    form = page_of(applicant, "/partners/register")
    assert f'value="{world.community.id}"' in form and "桂花苑社区" in form
    resp = applicant.post("/partners/register", data={
        "name": "爱心药房" + XSS, "kind": PartnerKind.social_org.value, "contact_name": "赵药师",
        "contact_phone": "13722223333", "offers_summary": "免费测血压" + XSS, "units": [str(world.community.id)]})
    assert resp.status_code == 302
    partner = db.session.scalars(select(Partner)).one()
    assert resp.headers["Location"] == f"/partners/{partner.id}"
    assert partner.status == PartnerStatus.pending and [u.id for u in partner.units] == [world.community.id]
    own = page_of(applicant, f"/partners/{partner.id}")
    assert ui("Thank you. The committee will verify your organisation.") in own
    assert ui(PARTNER_STATUS_LABELS[PartnerStatus.pending]) in own and "13722223333" in own
    assert ui(PARTNER_STATUS_LABELS[PartnerStatus.pending]) in page_of(applicant, "/partners/register"), "no second application"

    listing = f"/units/{world.community.id}/partners"
    staff_list = page_of(committee, listing)
    assert "爱心药房" + ESCAPED_XSS in staff_list and ui(PARTNER_STATUS_LABELS[PartnerStatus.pending]) in staff_list
    assert f'href="/partners/{partner.id}"' in staff_list
    assert "爱心药房" not in page_of(public, listing), "the public list shows verified partners only"
    assert "爱心药房" not in page_of(browser_for(app, world.resident), listing)
    page_of(public, f"/partners/{partner.id}", 404)
    page_of(browser_for(app, world.other_committee), f"/partners/{partner.id}", 404)
    profile = page_of(committee, f"/partners/{partner.id}")
    assert ui("Verify") in profile and ui("Decline") in profile and "13722223333" in profile
    assert f'action="/partners/{partner.id}/decision"' in profile
    # Only a committee of a community it serves decides.
    assert browser_for(app, world.other_committee).post(f"/partners/{partner.id}/decision",
                                                        data={"decision": "verify"}).status_code == 403
    # A pending partner cannot claim.
    wish = wish_in(world)
    assert applicant.post(f"/wishes/{wish.id}/moves/claim", headers=HX).status_code == 403
    assert status_of(wish) == WishStatus.open

    # Declining needs a reason; the organisation sees it and may apply again.
    resp = committee.post(f"/partners/{partner.id}/decision", data={"decision": "decline", "reason": " "},
                          follow_redirects=True)
    assert ui("Give the organisation a reason for declining.") in resp.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Partner, partner.id).status == PartnerStatus.pending
    committee.post(f"/partners/{partner.id}/decision", data={"decision": "decline", "reason": "请补充营业执照" + XSS})
    db.session.expire_all()
    assert db.session.get(Partner, partner.id).status == PartnerStatus.declined
    again = page_of(applicant, "/partners/register")
    assert ui("The committee declined the last request:") in again and "请补充营业执照" + ESCAPED_XSS in again
    assert "请补充营业执照" + ESCAPED_XSS in page_of(applicant, f"/partners/{partner.id}")
    page_of(public, f"/partners/{partner.id}", 404)
    applicant.post("/partners/register", data={
        "name": "爱心药房", "kind": PartnerKind.social_org.value, "contact_name": "赵药师",
        "contact_phone": "13722223333", "units": [str(world.community.id)]})
    db.session.expire_all()
    assert db.session.get(Partner, partner.id).status == PartnerStatus.pending and count(Partner) == 1
    resp = committee.post(f"/partners/{partner.id}/decision", data={"decision": "verify"}, follow_redirects=True)
    assert ui("The partner is verified.") in resp.get_data(as_text=True)
    assert "爱心药房" in page_of(public, listing) and "13722223333" not in page_of(public, f"/partners/{partner.id}")
    assert ui(PARTNER_STATUS_LABELS[PartnerStatus.verified]) in page_of(public, f"/partners/{partner.id}")


def test_the_committee_can_decide_from_the_partner_list(app, world):
    partner = verified_partner(world, "爱心药房", verify=None)
    html = page_of(browser_for(app, world.committee), f"/units/{world.community.id}/partners")
    assert f'action="/partners/{partner.id}/decision"' in html


def test_a_verified_partner_lists_an_offer(app, world):
    shop = verified_partner(world)
    client = browser_for(app, shop.user)
    profile = page_of(client, f"/partners/{shop.id}")
    assert ui("List an offer") in profile and f'action="/partners/{shop.id}/offers"' in profile
    assert "/offers" not in page_of(app.test_client(), f"/partners/{shop.id}"), "only the partner lists offers"
    resp = client.post(f"/partners/{shop.id}/offers", data={"unit": str(world.community.id),
                                                            "title": "老人免费理发" + XSS, "description": "每周三上午"})
    assert resp.status_code == 302
    assert ui("The offer is published.") in page_of(client, f"/partners/{shop.id}")
    offer = db.session.scalars(select(Offer)).one()
    assert offer.unit_id == world.community.id and offer.partner_id == shop.id
    for url in (f"/units/{world.community.id}/partners", f"/partners/{shop.id}"):
        html = page_of(app.test_client(), url)
        assert "老人免费理发" + ESCAPED_XSS in html and "每周三上午" in html, url
    assert "老人免费理发" not in page_of(app.test_client(), f"/units/{world.other_community.id}/partners")
    # Not for a community it does not serve, not without a title, not by anyone else.
    client.post(f"/partners/{shop.id}/offers", data={"unit": str(world.other_community.id), "title": "别处"})
    client.post(f"/partners/{shop.id}/offers", data={"unit": str(world.community.id), "title": ""})
    assert browser_for(app, world.resident).post(f"/partners/{shop.id}/offers", data={
        "unit": str(world.community.id), "title": "冒名"}).status_code == 403
    assert count(Offer) == 1


# Lapsed claims

def test_flask_wishes_expire_reopens_lapsed_claims(app, world, runner):
    shop = verified_partner(world)
    late = wish_in(world, WishStatus.claimed, partner=shop, now=utcnow() - timedelta(days=15), title="过期的认领")
    timely = wish_in(world, WishStatus.claimed, partner=shop, title="还在期限内")
    result = runner.invoke(args=["wishes", "expire"])
    assert result.exit_code == 0, result.output
    assert "1 claim(s) lapsed" in result.output
    db.session.expire_all()
    late, timely = db.session.get(Wish, late.id), db.session.get(Wish, timely.id)
    assert late.status == WishStatus.open and late.partner_id is None and late.claim_deadline is None
    assert timely.status == WishStatus.claimed and timely.partner_id == shop.id
    assert wishes.partner_record(shop)["lapse"] == 1
    assert record_of(page_of(app.test_client(), f"/partners/{shop.id}"))[ui("Lapsed")] == 1
    assert "0 claim(s) lapsed" in runner.invoke(args=["wishes", "expire"]).output
    wall = page_of(browser_for(app, verified_partner(world, "爱心药房").user), f"/units/{world.community.id}/wishes")
    assert f'hx-post="/wishes/{late.id}/moves/claim"' in wall, "claimable again"


def test_reading_a_wish_after_its_claim_deadline_reopens_it(app, world):
    shop = verified_partner(world)
    wish = wish_in(world, WishStatus.claimed, partner=shop, now=utcnow() - timedelta(days=15))
    html = page_of(app.test_client(), f"/wishes/{wish.id}")
    assert ui(WISH_STATUS_LABELS[WishStatus.open]) in html and "华联超市" not in html
    db.session.expire_all()
    assert db.session.get(Wish, wish.id).status == WishStatus.open
    assert wishes.partner_record(shop)["lapse"] == 1
    assert count(WishEvent, WishEvent.wish_id == wish.id, WishEvent.move == "lapse") == 1
    page_of(app.test_client(), f"/wishes/{wish.id}")
    assert count(WishEvent, WishEvent.wish_id == wish.id, WishEvent.move == "lapse") == 1, "once"
    # The late partner can no longer deliver.
    browser_for(app, shop.user).post(f"/wishes/{wish.id}/moves/deliver", data={"note": "送到了"})
    assert status_of(wish) == WishStatus.open


# Every page: no inline code, escaping, bounded queries

def _world_of_wishes(world):
    """Wishes in every state, a partner with an XSS name and an offer; returns (wishes, partner)."""
    shop = verified_partner(world, "华联超市" + XSS)
    made = {status: wish_in(world, status, partner=shop, title=f"心愿{status.value}" + XSS) for status in WishStatus}
    wishes.add_offer(shop, actor=shop.user, unit=world.community, title="免费理发" + XSS, description="每周三" + XSS)
    db.session.commit()
    return made, shop


def test_every_page_is_safe_and_escapes_what_people_wrote(app, world):
    made, shop = _world_of_wishes(world)
    pending = verified_partner(world, "待审核" + XSS, verify=None)
    c = world.community.id
    public_urls = [f"/units/{c}/wishes", f"/units/{c}/wishes?status=claimed&category=clothing", f"/units/{c}/thanks",
                   f"/units/{c}/partners", f"/partners/{shop.id}", f"/c/{c}"] + [
        f"/wishes/{made[s].id}" for s in (WishStatus.open, WishStatus.claimed, WishStatus.delivered,
                                          WishStatus.confirmed)]
    pages = {
        None: public_urls,
        world.resident: public_urls + ["/wishes/new", "/my/wishes", "/partners/register"] + [
            f"/wishes/{made[s].id}" for s in (WishStatus.draft, WishStatus.submitted, WishStatus.declined,
                                              WishStatus.withdrawn)],
        shop.user: public_urls + ["/my/claims", "/partners/register"],
        world.committee: public_urls + [f"/units/{c}/wishes/review", f"/partners/{pending.id}",
                                        f"/households/{world.households[0].id}/care-tags",
                                        f"/wishes/{made[WishStatus.submitted].id}"],
        world.grid_worker: ["/wishes/new", "/my/wishes", f"/households/{world.households[0].id}/care-tags"],
    }
    for who, urls in pages.items():
        client = browser_for(app, who)
        for url in urls:
            resp = client.get(url)
            assert resp.status_code == 200, (who, url)
            checker = assert_safe_response(resp, url)
            assert checker.scripts == 1, url
            html = resp.get_data(as_text=True)
            assert XSS not in html and "<script>alert" not in html, url
    # What people wrote shows, escaped.
    client = browser_for(app)
    assert "心愿open" + ESCAPED_XSS in page_of(client, f"/units/{c}/wishes")
    assert "华联超市" + ESCAPED_XSS in page_of(client, f"/units/{c}/partners")
    assert "免费理发" + ESCAPED_XSS in page_of(client, f"/units/{c}/partners")
    thanks = page_of(client, f"/units/{c}/thanks")
    assert "谢谢，很暖和！" + ESCAPED_XSS in thanks and "华联超市" + ESCAPED_XSS in thanks
    delivered = page_of(client, f"/wishes/{made[WishStatus.delivered].id}")
    assert "已送到家中" + ESCAPED_XSS in delivered and "天冷了，想要一件厚实的棉衣。" + ESCAPED_XSS in delivered
    # The htmx answers are safe too.
    partial = client.get(f"/units/{c}/wishes", headers=HX)
    assert_safe_response(partial, "wall partial")
    rival = verified_partner(world, "爱心药房")
    fresh = wish_in(world, title="新心愿" + XSS)
    resp = browser_for(app, rival.user).post(f"/wishes/{fresh.id}/moves/claim", headers=HX)
    assert_safe_response(resp, "claim card")
    assert "新心愿" + ESCAPED_XSS in resp.get_data(as_text=True)


def _neighbour(world, n: int):
    """One more verified resident (a family member in one of the four households)."""
    user = make_resident(make_user(f"邻居{n}"), world.households[n % 4], world.committee, real_name=f"刘{n}号",
                         relation=Relation.family)
    db.session.commit()
    return user


def _counts(clients: dict, count_queries) -> dict:
    """Statements per (who, url), each page fetched once to warm caches and once counted."""
    found = {}
    for who, (client, urls) in clients.items():
        for url in urls:
            client.get(url)  # templates, grants
            with count_queries() as statements:
                assert client.get(url).status_code == 200, (who, url)
            found[who, url] = (len(statements), statements)
    return found


def test_the_wish_pages_cost_the_same_queries_for_2_wishes_as_for_12(app, world, count_queries):
    """Two wishes of every kind, then twelve, each of another resident and household, claimed
    by one of two partners: the lists cost the same statements."""
    shop, pharmacy = verified_partner(world, "华联超市"), verified_partner(world, "爱心药房")
    c = world.community.id
    urls = [f"/units/{c}/wishes", f"/units/{c}/wishes?status=open", f"/units/{c}/wishes?page=2",
            f"/units/{c}/thanks", f"/units/{c}/partners", f"/c/{c}"]
    clients = {"visitor": (browser_for(app), urls), "partner": (browser_for(app, shop.user), urls),
               "committee": (browser_for(app, world.committee), urls),
               "grid worker": (browser_for(app, world.grid_worker), ["/my/wishes"])}
    kinds = [WishStatus.open, WishStatus.claimed, WishStatus.confirmed, WishStatus.submitted]

    def add(n):
        who = _neighbour(world, n)
        partner = shop if n % 2 else pharmacy
        for k, status in enumerate(kinds):
            wish_in(world, status, partner=partner, beneficiary=who, poster=world.grid_worker, title=f"心愿{n}-{k}",
                    category=list(Category)[(n + k) % len(Category)], days=n + 1)
        if n % 3 == 0:
            wishes.add_offer(partner, actor=partner.user, unit=world.community, title=f"服务{n}", description="")
            db.session.commit()

    for n in range(2):
        add(n)
    few = _counts(clients, count_queries)
    for n in range(2, 12):
        add(n)
    assert count(Wish) == 12 * len(kinds)
    many = _counts(clients, count_queries)
    for key, (n, statements) in many.items():
        assert n == few[key][0], (key, statements)


@pytest.mark.parametrize(("page", "status"), [("/partners/{shop}", WishStatus.confirmed),
                                              ("/my/claims", WishStatus.claimed),
                                              ("/units/{community}/wishes/review", WishStatus.submitted)],
                         ids=["partner-page", "my-claims", "review-queue"])
def test_the_partner_and_review_pages_cost_the_same_queries_for_2_wishes_as_for_12(app, world, count_queries,
                                                                                    page, status):
    shop = verified_partner(world, "华联超市")
    client = browser_for(app, world.committee if "review" in page else shop.user)
    url = page.format(shop=shop.id, community=world.community.id)

    def add(n):
        wish_in(world, status, partner=shop, beneficiary=_neighbour(world, n), title=f"心愿{n}", days=n + 1)

    for n in range(2):
        add(n)
    few = _counts({"who": (client, [url])}, count_queries)
    for n in range(2, 12):
        add(n)
    many = _counts({"who": (client, [url])}, count_queries)
    assert many["who", url][0] == few["who", url][0], many["who", url][1]
