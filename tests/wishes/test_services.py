"""微心愿 and 社区合伙人 through the services (no HTTP): partners' registration and verification,
offers and records, every move of a wish's life cycle by the right and the wrong people, 代办,
bad input, claims lapsing at their exact deadline, who sees a household's contact details, and
care tags with their access log."""
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from flask_babel import force_locale
from flask_login import AnonymousUserMixin
from sqlalchemy import select

from portal.domain.permissions import Role
from portal.domain.units import UnitLevel
from portal.domain.wishes import MOVES, CareTag, Category, Move, PartnerKind, PartnerStatus, WishStatus
from portal.extensions import db
from portal.labels import WISH_STATUS_LABELS
from portal.models import AuditEntry, CareAccess, HouseholdCareTag, Offer, Partner, Wish, WishEvent
from portal.models.base import utcnow
from portal.services import PermissionDenied, ServiceError, wishes
from portal.services.files import Upload, attachment_dir
from tests.deliberation.helpers import attempt, english, rows
from tests.factories import TODAY, make_unit, make_user
from tests.wishes.conftest import PDF, PNG, make_partner, post, wish_at

T = datetime(2026, 11, 22, 1, 30, 15, 250_000, tzinfo=timezone.utc)  # a claim's moment, with microseconds
DAY = timedelta(days=1)
ALREADY = "Another partner has already claimed this wish."


def refusal(action) -> str:
    """The English message of the ServiceError (not PermissionDenied) that ``action`` raises."""
    with pytest.raises(ServiceError) as info:
        action()
    assert not isinstance(info.value, PermissionDenied), english(info.value)
    return english(info.value)


def denied(action) -> str:
    with pytest.raises(PermissionDenied) as info:
        action()
    return english(info.value)


def not_now(status: WishStatus) -> str:
    with force_locale("en"):
        return f"This wish cannot do that now (it is {WISH_STATUS_LABELS[status]})."


def events(wish, move: str | None = None) -> list[WishEvent]:
    query = select(WishEvent).where(WishEvent.wish_id == wish.id)
    if move is not None:
        query = query.where(WishEvent.move == move)
    return list(db.session.scalars(query.order_by(WishEvent.id)))


def other_grid_worker(world):
    """A grid worker of a second grid of the same community (not covering the world's building)."""
    grid = make_unit("第二网格", UnitLevel.grid, world.community)
    return make_user("刘网格员", role=Role.grid_worker, unit=grid)


# ================================================================ partners

def test_register_partner_is_pending_until_the_committee_decides(world):
    user = make_user("华联超市")
    partner = wishes.register_partner(user, name=" 华联超市 ", kind=PartnerKind.business, contact_name="李经理",
                                      contact_phone="13912345678", offers_summary="米面粮油", units=[world.community])
    assert partner.status == PartnerStatus.pending
    assert partner.name == "华联超市" and partner.units == [world.community] and partner.user_id == user.id
    assert wishes.partner_of(user) is partner
    assert denied(lambda: wishes.register_partner(AnonymousUserMixin(), name="匿名", kind=PartnerKind.business,
                                                  contact_name="某人", contact_phone="110", offers_summary="",
                                                  units=[world.community])) == "Sign in first."
    assert rows(AuditEntry, AuditEntry.action == "partner.register", AuditEntry.object_id == partner.id) == 1
    assert denied(lambda: wishes.claim_wish(wish_at(world, WishStatus.open), actor=user)) == \
        "Only partners verified by the committee can claim wishes."
    # The same account cannot register a second profile while the first is pending (or verified).
    assert attempt(lambda: make_partner(world, user=user, verify=None)) == \
        "This account already has a partner profile."
    wishes.decide_partner(partner, actor=world.committee, verify=True)
    assert attempt(lambda: make_partner(world, user=user, verify=None)) == \
        "This account already has a partner profile."


def test_register_partner_refuses_incomplete_profiles(world):
    user = make_user("无名商户")
    valid = {"name": "华联超市", "kind": PartnerKind.business, "contact_name": "李经理",
             "contact_phone": "13912345678", "offers_summary": "", "units": [world.community]}
    for field, value, message in [
        ("name", "", "Give the organisation's name (at most 80 characters)."),
        ("name", "超" * 81, "Give the organisation's name (at most 80 characters)."),
        ("contact_name", "  ", "Give a contact person and a phone number."),
        ("contact_phone", "", "Give a contact person and a phone number."),
        ("units", [], "Choose at least one community the organisation serves."),
    ]:
        assert attempt(lambda: wishes.register_partner(user, **{**valid, field: value})) == message, field
    assert rows(Partner) == 0


def test_decide_partner_by_the_committee_of_a_served_community_only(world):
    partner = make_partner(world, verify=None)
    for outsider in (world.other_committee, world.grid_worker, world.resident, world.admin, partner.user):
        assert attempt(lambda: wishes.decide_partner(partner, actor=outsider, verify=True)) == "denied"
    assert attempt(lambda: wishes.decide_partner(partner, actor=world.committee, verify=False)) == \
        "Give the organisation a reason for declining."
    assert attempt(lambda: wishes.decide_partner(partner, actor=world.committee, verify=False, reason="  ")) == \
        "Give the organisation a reason for declining."
    assert db.session.get(Partner, partner.id).status == PartnerStatus.pending

    wishes.decide_partner(partner, actor=world.committee, verify=True)
    assert partner.status == PartnerStatus.verified
    assert partner.decided_by_id == world.committee.id and partner.decided_at is not None
    # Deciding twice is refused, whichever way.
    assert attempt(lambda: wishes.decide_partner(partner, actor=world.committee, verify=True)) == \
        "This partner has already been decided on."
    assert attempt(lambda: wishes.decide_partner(partner, actor=world.committee, verify=False, reason="改主意")) == \
        "This partner has already been decided on."
    assert db.session.get(Partner, partner.id).status == PartnerStatus.verified
    assert rows(AuditEntry, AuditEntry.action == "partner.verified") == 1


def test_a_declined_partner_may_register_again_and_is_pending_again(world):
    partner = make_partner(world, verify=False)
    assert partner.status == PartnerStatus.declined and partner.reason == "材料不全"
    again = make_partner(world, "华联超市（补充材料）", user=partner.user, verify=None)
    assert again.id == partner.id
    assert (again.status, again.reason, again.decided_by_id, again.decided_at) == (PartnerStatus.pending, "", None, None)
    assert again.name == "华联超市（补充材料）"
    wishes.decide_partner(again, actor=world.committee, verify=True)
    assert again.status == PartnerStatus.verified


def test_only_verified_partners_serving_the_community_claim(world):
    wish = wish_at(world, WishStatus.open)
    pending = make_partner(world, "待审商户", verify=None)
    declined = make_partner(world, "被拒商户", verify=False)
    elsewhere = make_partner(world, "桂花药房", units=[world.other_community], decider=world.other_committee)
    assert elsewhere.status == PartnerStatus.verified
    unverified = "Only partners verified by the committee can claim wishes."
    for user in (pending.user, declined.user, world.partner, world.resident, world.committee):
        assert denied(lambda: wishes.claim_wish(wish, actor=user)) == unverified
    assert denied(lambda: wishes.claim_wish(wish, actor=AnonymousUserMixin())) == unverified
    assert denied(lambda: wishes.claim_wish(wish, actor=elsewhere.user)) == \
        "Your organisation does not serve this community."
    assert wish.status == WishStatus.open and wish.partner_id is None
    assert events(wish, "claim") == []


def test_a_partner_serving_the_whole_street_claims_in_its_communities(world):
    street_committee = make_user("街道办", role=Role.committee, unit=world.street)
    # The community's committee cannot decide on a partner of the whole street; the street's can.
    assert attempt(lambda: make_partner(world, "街道商会", units=[world.street])) == "denied"
    partner = make_partner(world, "街道商会", units=[world.street], decider=street_committee)
    assert wishes.serves(partner, world.community) and wishes.serves(partner, world.other_community)
    wish = wish_at(world, WishStatus.claimed, partner.user)
    assert wish.partner_id == partner.id


def test_add_offer_only_by_the_verified_partner_itself_in_a_served_unit(world, partner, rival):
    pending = make_partner(world, "待审商户", verify=None)
    assert attempt(lambda: wishes.add_offer(pending, actor=pending.user, unit=world.community, title="免费理发",
                                            description="")) == "The committee has to verify the partner first."
    for actor in (rival.user, world.committee, world.resident):
        assert attempt(lambda: wishes.add_offer(partner, actor=actor, unit=world.community, title="免费理发",
                                                description="")) == "denied"
    assert attempt(lambda: wishes.add_offer(partner, actor=partner.user, unit=world.other_community,
                                            title="免费理发", description="")) == \
        "The partner does not serve that community."
    assert attempt(lambda: wishes.add_offer(partner, actor=partner.user, unit=world.street, title="免费理发",
                                            description="")) == "The partner does not serve that community."
    for title in ("", "   ", "理" * 121):
        assert attempt(lambda: wishes.add_offer(partner, actor=partner.user, unit=world.community, title=title,
                                                description="")) == "Give the offer a title of at most 120 characters."
    assert rows(Offer) == 0

    offer = wishes.add_offer(partner, actor=partner.user, unit=world.community, title=" 每周三免费理发 ",
                             description="老人优先")
    inner = wishes.add_offer(partner, actor=partner.user, unit=world.building, title="上门修水管", description="")
    assert (offer.title, offer.unit_id, offer.partner_id) == ("每周三免费理发", world.community.id, partner.id)
    assert inner.unit_id == world.building.id
    assert rows(Offer) == 2


def test_partner_record_counts_claims_deliveries_confirmations_lapses_and_releases(world, partner, rival):
    now = utcnow()
    fulfilled = wish_at(world, WishStatus.delivered, partner.user, now=now)
    wishes.report_problem(fulfilled, actor=world.resident, note="尺码不对", now=now + 2 * DAY)
    wishes.deliver_wish(fulfilled, actor=partner.user, note="换了一床", now=now + 3 * DAY)
    wishes.confirm_wish(fulfilled, actor=world.resident, thanks="谢谢！", now=now + 4 * DAY)
    released = wish_at(world, WishStatus.claimed, partner.user, now=now)
    wishes.release_wish(released, actor=partner.user, reason="缺货")
    lapsed = wish_at(world, WishStatus.claimed, partner.user, now=now)
    assert wishes.lapse_if_due(lapsed, now=now + 14 * DAY)
    wishes.claim_wish(lapsed, actor=rival.user, now=now + 15 * DAY)

    # Wishes, not clicks: the wish delivered again after a reported problem is one delivery.
    assert wishes.partner_record(partner) == {"claim": 3, "deliver": 1, "confirm": 1, "lapse": 1, "release": 1}
    assert wishes.partner_record(rival) == {"claim": 1, "deliver": 0, "confirm": 0, "lapse": 0, "release": 0}
    assert events(lapsed, "lapse")[0].partner_id == partner.id


# ================================================================ the life cycle

def test_posting_a_wish_submits_it_for_review(world):
    wish = post(world, value=" ¥120.5 ")
    assert wish.status == WishStatus.submitted
    assert (wish.unit_id, wish.household_id, wish.beneficiary_id) == (
        world.community.id, world.households[0].id, world.resident.resident.id)
    assert wish.posted_by_id == world.resident.id and wish.on_behalf is False
    assert wish.value == Decimal("120.50") and wish.category == Category.daily
    assert [(e.move, e.from_status, e.to_status, e.actor_id) for e in events(wish)] == [
        ("submit", "draft", "submitted", world.resident.id)]
    assert rows(AuditEntry, AuditEntry.action == "wish.post", AuditEntry.object_id == wish.id) == 1


def test_a_draft_is_submitted_by_its_holder_only(world, partner):
    wish = post(world, submit=False)
    assert wish.status == WishStatus.draft and events(wish) == []
    for outsider in (world.committee, world.grid_worker, world.other_resident, partner.user):
        assert attempt(lambda: wishes.submit_wish(wish, actor=outsider)) == "denied"
    wishes.submit_wish(wish, actor=world.resident)
    assert wish.status == WishStatus.submitted
    assert attempt(lambda: wishes.submit_wish(wish, actor=world.resident)) == not_now(WishStatus.submitted)


def _moves(world, partner_user) -> dict:
    """Each move of the table made through its service by the person entitled to it."""
    return {
        Move.submit: lambda w: wishes.submit_wish(w, actor=world.resident),
        Move.approve: lambda w: wishes.approve_wish(w, actor=world.committee),
        Move.decline: lambda w: wishes.decline_wish(w, actor=world.committee, reason="不属于微心愿"),
        Move.withdraw: lambda w: wishes.withdraw_wish(w, actor=world.resident),
        Move.claim: lambda w: wishes.claim_wish(w, actor=partner_user),
        Move.release: lambda w: wishes.release_wish(w, actor=partner_user, reason="缺货"),
        Move.deliver: lambda w: wishes.deliver_wish(w, actor=partner_user, note="已送到"),
        Move.confirm: lambda w: wishes.confirm_wish(w, actor=world.resident, thanks="谢谢"),
        Move.report_problem: lambda w: wishes.report_problem(w, actor=world.resident, note="坏了"),
    }


def test_every_move_from_every_status_follows_the_life_cycle_table(world, partner):
    """9 moves × 8 statuses through the services: the table's moves succeed (to the table's
    status, with a history row), every other one is refused with a clear message."""
    moves = _moves(world, partner.user)
    checked = 0
    for status in WishStatus:
        wish = wish_at(world, status, partner.user)
        assert wish.status == status
        for move, action in moves.items():
            after = []

            def act():
                action(wish)
                after.append((wish.status, events(wish)[-1].move))

            outcome = attempt(act)
            if (status, move) in MOVES:
                assert outcome == "ok", (status, move, outcome)
                assert after == [(MOVES[status, move][0], move.value)], (status, move)
            elif move == Move.claim and status in (WishStatus.claimed, WishStatus.delivered, WishStatus.confirmed):
                assert outcome == ALREADY, (status, move)
            else:
                assert outcome == not_now(status), (status, move, outcome)
            assert db.session.get(Wish, wish.id).status == status  # attempt() rolled it back
            checked += 1
    assert checked == 72


def test_withdraw_before_a_claim_by_the_holder_only(world, partner):
    for status in (WishStatus.draft, WishStatus.submitted, WishStatus.open):
        wish = wish_at(world, status)
        for outsider in (world.committee, world.grid_worker, world.other_resident, world.representative,
                         partner.user):
            assert attempt(lambda: wishes.withdraw_wish(wish, actor=outsider)) == "denied", (status, outsider)
        wishes.withdraw_wish(wish, actor=world.resident)
        assert wish.status == WishStatus.withdrawn
        assert events(wish)[-1].move == "withdraw"
    for status in (WishStatus.claimed, WishStatus.delivered, WishStatus.confirmed):
        wish = wish_at(world, status, partner.user)
        assert refusal(lambda: wishes.withdraw_wish(wish, actor=world.resident)) == not_now(status)
        assert wish.status == status


def test_approve_and_decline_by_the_committee_of_the_unit_only(world, partner):
    wish = wish_at(world, WishStatus.submitted)
    for outsider in (world.other_committee, world.grid_worker, world.party_org, world.representative,
                     world.resident, world.admin, partner.user):
        assert attempt(lambda: wishes.approve_wish(wish, actor=outsider)) == "denied"
        assert attempt(lambda: wishes.decline_wish(wish, actor=outsider, reason="不行")) == "denied"
    assert refusal(lambda: wishes.decline_wish(wish, actor=world.committee, reason=" ")) == \
        "Give the resident a reason for declining."
    assert wish.status == WishStatus.submitted

    wishes.decline_wish(wish, actor=world.committee, reason="价值超出微心愿范围")
    assert (wish.status, wish.reason) == (WishStatus.declined, "价值超出微心愿范围")
    assert events(wish)[-1].note == "价值超出微心愿范围"
    assert refusal(lambda: wishes.approve_wish(wish, actor=world.committee)) == not_now(WishStatus.declined)
    assert refusal(lambda: wishes.withdraw_wish(wish, actor=world.resident)) == not_now(WishStatus.declined)

    other = wish_at(world, WishStatus.submitted)
    wishes.approve_wish(other, actor=world.committee)
    assert other.status == WishStatus.open
    assert events(other)[-1].actor_id == world.committee.id
    assert refusal(lambda: wishes.approve_wish(other, actor=world.committee)) == not_now(WishStatus.open)


def test_claim_only_from_open_and_the_claim_is_held_for_the_claim_period(world, partner, rival):
    for status in (WishStatus.draft, WishStatus.submitted, WishStatus.declined, WishStatus.withdrawn):
        wish = wish_at(world, status)
        assert refusal(lambda: wishes.claim_wish(wish, actor=partner.user)) == not_now(status)
    wish = wish_at(world, WishStatus.open)
    wishes.claim_wish(wish, actor=partner.user, now=T)
    assert wish.status == WishStatus.claimed and wish.partner_id == partner.id
    assert (wish.claimed_at, wish.claim_deadline) == (T, T + 14 * DAY)
    event = events(wish, "claim")[0]
    assert (event.partner_id, event.actor_id, event.created_at) == (partner.id, partner.user.id, T)
    # Nobody else, and not the same partner again: "already claimed".
    assert refusal(lambda: wishes.claim_wish(wish, actor=rival.user, now=T + DAY)) == ALREADY
    assert refusal(lambda: wishes.claim_wish(wish, actor=partner.user, now=T + DAY)) == ALREADY
    assert wish.partner_id == partner.id and len(events(wish, "claim")) == 1


def test_the_claim_period_is_configurable(app, world, partner):
    app.config["WISH_CLAIM_DAYS"] = 3
    wish = wish_at(world, WishStatus.open)
    wishes.claim_wish(wish, actor=partner.user, now=T)
    assert wish.claim_deadline == T + 3 * DAY
    assert not wishes.lapse_if_due(wish, now=T + 3 * DAY - timedelta(microseconds=1))
    assert wishes.lapse_if_due(wish, now=T + 3 * DAY)


def test_deliver_only_by_the_claimant_with_a_note(world, partner, rival):
    wish = wish_at(world, WishStatus.claimed, partner.user, now=T)
    for note in ("", "   "):
        assert refusal(lambda: wishes.deliver_wish(wish, actor=partner.user, note=note, now=T + DAY)) == \
            "Say how the wish was fulfilled."
    for outsider in (rival.user, world.resident, world.committee, world.grid_worker):
        assert attempt(lambda: wishes.deliver_wish(wish, actor=outsider, note="送到了", now=T + DAY)) == "denied"
    assert wish.status == WishStatus.claimed
    wishes.deliver_wish(wish, actor=partner.user, note=" 已送到家中，老人很满意 ", now=T + DAY)
    assert wish.status == WishStatus.delivered and wish.partner_id == partner.id
    assert (wish.delivered_at, wish.delivery_note, wish.delivery_photo_sha256) == (T + DAY, "已送到家中，老人很满意", None)
    assert events(wish)[-1].partner_id == partner.id
    assert refusal(lambda: wishes.deliver_wish(wish, actor=partner.user, note="又送了", now=T + DAY)) == \
        not_now(WishStatus.delivered)
    open_ = wish_at(world, WishStatus.open)
    assert refusal(lambda: wishes.deliver_wish(open_, actor=partner.user, note="送了")) == not_now(WishStatus.open)


def test_a_delivery_photo_must_be_an_image(world, partner):
    wish = wish_at(world, WishStatus.claimed, partner.user)
    assert refusal(lambda: wishes.deliver_wish(wish, actor=partner.user, note="送到了",
                                               photo=Upload("送达回执.pdf", PDF))) == \
        "The file 送达回执.pdf is not an image (PNG, JPEG, WebP)."
    assert wish.status == WishStatus.claimed
    wishes.deliver_wish(wish, actor=partner.user, note="送到了", photo=Upload("送达.png", PNG))
    assert wish.delivery_photo_type == "image/png"
    assert (attachment_dir() / wish.delivery_photo_sha256).read_bytes() == PNG


def test_confirm_by_the_beneficiary_or_a_grid_worker_of_the_unit_not_the_partner(world, partner, rival):
    wish = wish_at(world, WishStatus.delivered, partner.user)
    for outsider in (partner.user, rival.user, world.committee, world.other_resident, world.representative,
                     other_grid_worker(world), world.other_committee):
        assert attempt(lambda: wishes.confirm_wish(wish, actor=outsider)) == "denied"
        assert attempt(lambda: wishes.report_problem(wish, actor=outsider, note="有问题")) == "denied"
    wishes.confirm_wish(wish, actor=world.resident, thanks=" 谢谢华联超市送来的棉被！ ", now=T)
    assert (wish.status, wish.confirmed_at, wish.thanks) == (WishStatus.confirmed, T, "谢谢华联超市送来的棉被！")
    assert wish.partner_id == partner.id  # the thank-you wall names the partner
    assert events(wish)[-1].partner_id == partner.id

    by_grid = wish_at(world, WishStatus.delivered, partner.user)
    wishes.confirm_wish(by_grid, actor=world.grid_worker)
    assert by_grid.status == WishStatus.confirmed
    assert events(by_grid)[-1].actor_id == world.grid_worker.id


def test_report_problem_returns_the_wish_to_the_partner_and_restarts_the_deadline(world, partner):
    wish = wish_at(world, WishStatus.delivered, partner.user, now=T)
    assert refusal(lambda: wishes.report_problem(wish, actor=world.resident, note=" ")) == \
        "Say what is wrong, so the partner can put it right."
    reported = T + 10 * DAY
    wishes.report_problem(wish, actor=world.resident, note="棉被尺寸太小", now=reported)
    assert wish.status == WishStatus.claimed and wish.partner_id == partner.id
    assert wish.claim_deadline == reported + 14 * DAY and wish.delivered_at is None
    assert events(wish)[-1].note == "棉被尺寸太小"
    # The old deadline has passed; the new one holds.
    assert not wishes.lapse_if_due(wish, now=T + 20 * DAY)
    wishes.deliver_wish(wish, actor=partner.user, note="换了一床大的", now=T + 20 * DAY)
    wishes.report_problem(wish, actor=world.grid_worker, note="还是不合适", now=T + 21 * DAY)
    assert wish.status == WishStatus.claimed
    assert wishes.lapse_if_due(wish, now=T + 35 * DAY)
    assert wish.status == WishStatus.open


def test_release_reopens_the_wish_for_others(world, partner, rival):
    wish = wish_at(world, WishStatus.claimed, partner.user)
    for outsider in (rival.user, world.resident, world.committee):
        assert attempt(lambda: wishes.release_wish(wish, actor=outsider)) == "denied"
    wishes.release_wish(wish, actor=partner.user, reason="暂时缺货")
    assert (wish.status, wish.partner_id, wish.claimed_at, wish.claim_deadline) == (WishStatus.open, None, None, None)
    event = events(wish)[-1]
    assert (event.move, event.partner_id, event.note) == ("release", partner.id, "暂时缺货")
    assert not wishes.may_see_contact(partner.user, wish)
    wishes.claim_wish(wish, actor=rival.user)
    assert wish.partner_id == rival.id


def test_confirmed_is_final(world, partner):
    wish = wish_at(world, WishStatus.confirmed, partner.user)
    for move, action in _moves(world, partner.user).items():
        expected = ALREADY if move == Move.claim else not_now(WishStatus.confirmed)
        assert attempt(lambda: action(wish)) == expected, move
    assert attempt(lambda: wishes.confirm_wish(wish, actor=world.grid_worker)) == not_now(WishStatus.confirmed)
    assert not wishes.lapse_if_due(wish, now=utcnow() + 365 * DAY)
    assert wishes.expire_claims(utcnow() + 365 * DAY) == 0
    assert wish.status == WishStatus.confirmed


# ================================================================ 代办

def test_a_grid_worker_posts_on_a_residents_behalf_and_confirms(world, partner):
    wish = post(world, world.grid_worker, title="想去医院复查")
    assert wish.status == WishStatus.submitted
    assert wish.on_behalf is True and wish.posted_by_id == world.grid_worker.id
    assert wish.beneficiary_id == world.resident.resident.id and wish.household_id == world.households[0].id
    assert events(wish)[0].actor_id == world.grid_worker.id
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "wish.post",
                                                       AuditEntry.object_id == wish.id))
    assert (entry.actor_id, entry.detail) == (world.grid_worker.id, "on behalf")

    wishes.approve_wish(wish, actor=world.committee)
    wishes.claim_wish(wish, actor=partner.user)
    wishes.deliver_wish(wish, actor=partner.user, note="已陪同就医")
    wishes.confirm_wish(wish, actor=world.grid_worker, thanks="代王阿姨致谢")
    assert wish.status == WishStatus.confirmed


def test_the_grid_worker_who_posted_is_a_holder_and_may_withdraw(world):
    wish = post(world, world.grid_worker)
    assert attempt(lambda: wishes.withdraw_wish(wish, actor=world.grid_worker)) == "ok"
    # A grid worker who did not post it is not its holder.
    mine = post(world)
    assert attempt(lambda: wishes.withdraw_wish(mine, actor=world.grid_worker)) == "denied"


def test_only_a_grid_worker_of_the_residents_grid_posts_for_them(world):
    beneficiary = world.resident.resident
    for_them = "Only a grid worker of the resident's grid can post a wish for them."
    for actor in (other_grid_worker(world), world.representative, world.other_resident, world.newcomer,
                  world.committee, world.partner):
        assert denied(lambda: post(world, actor, beneficiary=beneficiary)) == for_them
    assert denied(lambda: post(world, world.grid_worker, beneficiary=world.other_resident.resident)) == for_them
    assert rows(Wish) == 0


# ================================================================ bad input

BAD_VALUES = [
    ("-5", "The estimated value must be more than 0."),
    ("0", "The estimated value must be more than 0."),
    ("0.00", "The estimated value must be more than 0."),
    ("500.01", "A micro-wish is worth at most ¥500; larger needs go to the committee directly."),
    ("1e9", "A micro-wish is worth at most ¥500; larger needs go to the committee directly."),
    ("abc", "Enter the estimated value in yuan, e.g. 120 or 89.50."),
    ("", "Enter the estimated value in yuan, e.g. 120 or 89.50."),
    ("NaN", "Enter the estimated value in yuan, e.g. 120 or 89.50."),
    ("12.345", "The estimated value has at most two decimals (fen)."),
]


def test_bad_values_are_refused_and_nothing_is_written(world):
    for value, message in BAD_VALUES:
        assert refusal(lambda: post(world, value=value)) == message, value
        assert rows(Wish) == 0 and rows(WishEvent) == 0  # nothing pending in the session either
        db.session.rollback()
        assert rows(Wish) == 0 and rows(AuditEntry, AuditEntry.action.like("wish.%")) == 0


def test_bad_text_dates_and_photos_are_refused_and_nothing_is_written(world):
    cases = [
        ({"title": "棉" * 81}, "Give the wish a title of at most 80 characters."),
        ({"title": "   "}, "Give the wish a title of at most 80 characters."),
        ({"description": "被" * 2001}, "Describe the wish in at most 2,000 characters."),
        ({"description": ""}, "Describe the wish in at most 2,000 characters."),
        ({"wanted_by": TODAY - DAY}, "The wanted-by date cannot be in the past."),
        ({"photo": Upload("照片.pdf", PDF)}, "The file 照片.pdf is not an image (PNG, JPEG, WebP)."),
        ({"photo": Upload("大.png", PNG + b"\x00" * (5 * 1024 * 1024))}, "The file 大.png is larger than 5 MB."),
    ]
    for fields, message in cases:
        assert refusal(lambda: post(world, **fields)) == message, fields
        assert rows(Wish) == 0
        db.session.rollback()
        assert rows(Wish) == 0 and rows(WishEvent) == 0
    folder = attachment_dir()
    assert not any(Path(folder).iterdir()), "no refused photo was stored"


def test_boundary_values_are_accepted(world):
    at_most = post(world, value="500", title="棉" * 80, description="被" * 2000, wanted_by=TODAY)
    assert at_most.value == Decimal("500.00") and at_most.wanted_by == TODAY
    assert len(at_most.title) == 80 and len(at_most.description) == 2000
    assert post(world, value="0.01").value == Decimal("0.01")
    assert post(world, value="89.50").value == Decimal("89.50")


def test_the_largest_value_is_configurable(app, world):
    app.config["WISH_MAX_VALUE"] = 300
    assert refusal(lambda: post(world, value="300.01")) == \
        "A micro-wish is worth at most ¥300; larger needs go to the committee directly."
    assert post(world, value="300").value == Decimal("300.00")


def test_a_photo_is_recognised_by_its_content_and_stored(world):
    wish = post(world, photo=Upload("../../etc/棉被.png", PNG))
    assert wish.photo_type == "image/png" and len(wish.photo_sha256) == 64
    assert (attachment_dir() / wish.photo_sha256).read_bytes() == PNG
    assert post(world, photo=Upload("空.png", b"")).photo_sha256 is None  # no file chosen


# ================================================================ lapses

def test_a_claim_lapses_at_its_deadline_exactly(world, partner):
    wish = wish_at(world, WishStatus.claimed, partner.user, now=T)
    deadline = T + 14 * DAY
    db.session.commit()
    db.session.expire_all()  # the deadline as stored, microseconds and all
    assert wish.claim_deadline == deadline
    assert wishes.lapse_if_due(wish, now=deadline - timedelta(microseconds=1)) is False
    assert wish.status == WishStatus.claimed and wish.partner_id == partner.id
    assert wishes.may_see_contact(partner.user, wish)

    assert wishes.lapse_if_due(wish, now=deadline) is True
    assert (wish.status, wish.partner_id, wish.claimed_at, wish.claim_deadline) == (WishStatus.open, None, None, None)
    lapse = events(wish, "lapse")
    assert [(e.partner_id, e.actor_id, e.from_status, e.to_status, e.created_at) for e in lapse] == [
        (partner.id, None, "claimed", "open", deadline)]
    assert wishes.partner_record(partner)["lapse"] == 1
    assert not wishes.may_see_contact(partner.user, wish)
    assert wishes.lapse_if_due(wish, now=deadline + DAY) is False  # once only
    assert len(events(wish, "lapse")) == 1


def test_expire_claims_lapses_every_claim_past_its_deadline(world, partner, rival):
    due = [wish_at(world, WishStatus.claimed, partner.user, now=T),
           wish_at(world, WishStatus.claimed, rival.user, now=T + timedelta(hours=5)),
           wish_at(world, WishStatus.claimed, partner.user, now=T + timedelta(hours=6))]
    kept = [wish_at(world, WishStatus.claimed, rival.user, now=T + timedelta(hours=6, microseconds=1)),
            wish_at(world, WishStatus.delivered, partner.user, now=T - 30 * DAY)]
    db.session.commit()
    now = T + 14 * DAY + timedelta(hours=6)
    assert wishes.expire_claims(now) == 3
    db.session.commit()
    db.session.expire_all()
    assert [w.status for w in due] == [WishStatus.open] * 3
    assert [w.status for w in kept] == [WishStatus.claimed, WishStatus.delivered]
    assert wishes.partner_record(partner)["lapse"] == 2 and wishes.partner_record(rival)["lapse"] == 1
    assert wishes.expire_claims(now) == 0
    assert wishes.expire_claims(now + timedelta(microseconds=1)) == 1


def test_delivering_after_the_deadline_is_refused_and_the_wish_reopens(world, partner, rival):
    wish = wish_at(world, WishStatus.claimed, partner.user, now=T)
    assert refusal(lambda: wishes.deliver_wish(wish, actor=partner.user, note="晚了一天送到",
                                               now=T + 14 * DAY)) == \
        "The claim period has ended and the wish has reopened."
    assert wish.status == WishStatus.open and wish.partner_id is None
    assert [e.partner_id for e in events(wish, "lapse")] == [partner.id]
    assert events(wish, "deliver") == []


def test_a_late_claim_by_another_partner_first_lapses_the_old_one(world, partner, rival):
    wish = wish_at(world, WishStatus.claimed, partner.user, now=T)
    assert refusal(lambda: wishes.claim_wish(wish, actor=rival.user, now=T + 14 * DAY - DAY)) == ALREADY
    wishes.claim_wish(wish, actor=rival.user, now=T + 14 * DAY)
    assert wish.partner_id == rival.id and wish.claim_deadline == T + 28 * DAY
    assert [(e.move, e.partner_id) for e in events(wish)[-2:]] == [("lapse", partner.id), ("claim", rival.id)]


def test_releasing_after_the_deadline_is_a_lapse_not_a_release(world, partner):
    wish = wish_at(world, WishStatus.claimed, partner.user, now=T)
    assert refusal(lambda: wishes.release_wish(wish, actor=partner.user, reason="来不及了", now=T + 14 * DAY)) == \
        "The claim period has ended and the wish has reopened."
    assert wish.status == WishStatus.open and wish.partner_id is None
    record = wishes.partner_record(partner)
    assert (record["lapse"], record["release"]) == (1, 0)


# ================================================================ privacy

def test_contact_details_are_for_staff_of_the_unit_and_the_claimant_while_it_holds_the_claim(world, partner, rival):
    staff = [world.committee, world.grid_worker]
    never = [world.other_committee, other_grid_worker(world), world.other_resident, world.representative,
             world.newcomer, rival.user, AnonymousUserMixin()]

    def check(wish, claimant_sees: bool):
        assert all(wishes.may_see_contact(user, wish) for user in staff)
        assert not any(wishes.may_see_contact(user, wish) for user in never)
        assert wishes.may_see_contact(partner.user, wish) is claimant_sees, wish.status

    wish = wish_at(world, WishStatus.submitted)
    check(wish, False)
    wishes.approve_wish(wish, actor=world.committee)
    check(wish, False)
    wishes.claim_wish(wish, actor=partner.user)
    check(wish, True)
    wishes.deliver_wish(wish, actor=partner.user, note="送到了")
    check(wish, True)
    wishes.report_problem(wish, actor=world.resident, note="不对")
    check(wish, True)
    wishes.deliver_wish(wish, actor=partner.user, note="再送")
    wishes.confirm_wish(wish, actor=world.resident)
    check(wish, False)


def test_a_partner_sees_nothing_of_another_partners_claim(world, partner, rival):
    wish = wish_at(world, WishStatus.claimed, rival.user)
    assert not wishes.may_see_contact(partner.user, wish)
    assert wishes.may_see_contact(rival.user, wish)
    assert wishes.actors_for(AnonymousUserMixin(), wish) == frozenset()


# ================================================================ care tags

def test_care_tags_are_set_by_the_committee_and_grid_workers_of_the_unit_only(world, partner):
    household = world.households[0]
    for outsider in (partner.user, world.partner, world.resident, world.other_committee, other_grid_worker(world),
                     world.representative, world.admin, world.party_org):
        assert attempt(lambda: wishes.set_care_tags(household, actor=outsider, tags={CareTag.living_alone})) == \
            "denied", outsider
    assert rows(HouseholdCareTag) == 0

    wishes.set_care_tags(household, actor=world.committee, tags={CareTag.living_alone, CareTag.low_income},
                         note="子女在外地")
    assert sorted(db.session.scalars(select(HouseholdCareTag.tag).where(
        HouseholdCareTag.household_id == household.id))) == [CareTag.living_alone, CareTag.low_income]
    wishes.set_care_tags(household, actor=world.grid_worker, tags={CareTag.low_income, CareTag.disability})
    assert sorted(db.session.scalars(select(HouseholdCareTag.tag).where(
        HouseholdCareTag.household_id == household.id))) == [CareTag.disability, CareTag.low_income]
    wishes.set_care_tags(household, actor=world.grid_worker, tags=set())
    assert rows(HouseholdCareTag) == 0


def test_care_tags_are_shown_to_staff_of_the_unit_only_and_every_view_is_logged(world, partner):
    tagged, untagged = world.households[0], world.households[1]
    wishes.set_care_tags(tagged, actor=world.committee, tags={CareTag.veteran, CareTag.living_alone})
    wishes.set_care_tags(world.other_household, actor=world.other_committee, tags={CareTag.bereaved})
    db.session.commit()
    shown = [tagged, untagged, world.other_household]

    viewed = CareAccess.context != "care_tags_set"  # setting tags is logged too, under its own context
    for viewer in (world.committee, world.grid_worker):
        before = rows(CareAccess)
        assert wishes.care_tags_for(viewer, shown, context="wish_review") == {
            tagged.id: [CareTag.living_alone, CareTag.veteran]}
        logged = db.session.scalars(select(CareAccess).order_by(CareAccess.id)).all()
        assert rows(CareAccess) == before + 1
        assert (logged[-1].user_id, logged[-1].household_id, logged[-1].context) == (
            viewer.id, tagged.id, "wish_review")

    assert wishes.care_tags_for(world.other_committee, shown, context="wish_page") == {
        world.other_household.id: [CareTag.bereaved]}
    assert rows(CareAccess, viewed, CareAccess.user_id == world.other_committee.id) == 1

    before = rows(CareAccess)
    for viewer in (partner.user, world.partner, world.resident, world.representative, world.newcomer, world.admin,
                   other_grid_worker(world), AnonymousUserMixin()):
        assert wishes.care_tags_for(viewer, shown, context="wish_page") == {}, viewer
    assert wishes.care_tags_for(world.committee, [untagged], context="wish_page") == {}
    assert rows(CareAccess) == before
    assert rows(CareAccess, viewed) == 3
    # A household shown twice in two calls is logged twice: every view counts.
    wishes.care_tags_for(world.grid_worker, [tagged], context="care_tags")
    assert rows(CareAccess, viewed, CareAccess.user_id == world.grid_worker.id) == 2


def test_care_tags_do_not_leak_into_the_audit_log(world):
    """The general audit log is read by the portal-wide admin: no tag may reach it; setting
    tags is logged in the care-tag access log instead."""
    household = world.households[0]
    wishes.set_care_tags(household, actor=world.grid_worker, tags={CareTag.correction, CareTag.bereaved})
    db.session.flush()
    details = " ".join(db.session.scalars(select(AuditEntry.detail)))
    assert not any(tag.value in details for tag in CareTag)
    assert rows(CareAccess, CareAccess.user_id == world.grid_worker.id, CareAccess.household_id == household.id) == 1
