"""Fixtures for the micro-wish and partner tests: verified partners, and wishes driven through
the services to any status."""
from datetime import timedelta

import pytest

from portal.domain.wishes import Category, PartnerKind, WishStatus
from portal.extensions import db
from portal.models.base import utcnow
from portal.services import wishes
from tests.factories import TODAY, make_user

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 32
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"


def make_partner(world, name: str = "华联超市", *, user=None, units=None, verify: bool | None = True,
                 decider=None):
    """A partner profile of ``user`` (a new account by default) serving ``units`` (the world's
    community): verified by the committee (``verify=True``), declined (``False``) or pending
    (``None``)."""
    user = user or make_user(name)
    partner = wishes.register_partner(user, name=name, kind=PartnerKind.business, contact_name="李经理",
                                      contact_phone="13912345678", offers_summary="米面粮油、上门维修",
                                      units=units or [world.community])
    if verify is not None:
        wishes.decide_partner(partner, actor=decider or world.committee, verify=verify,
                              reason="" if verify else "材料不全")
    return partner


def post(world, actor=None, *, beneficiary=None, submit: bool = True, **fields):
    """A wish of the world's resident (posted by ``actor``, the resident by default)."""
    actor = actor or world.resident
    values = {"title": "冬天的棉被", "description": "家里的被子太薄了，想要一床厚棉被。", "category": Category.daily,
              "value": "120", "wanted_by": TODAY + timedelta(days=10), "today": TODAY}
    values.update(fields)
    return wishes.post_wish(actor, beneficiary=beneficiary or world.resident.resident, submit=submit, **values)


def wish_at(world, status: WishStatus, partner_user=None, *, now=None):
    """A wish of the world's resident driven through the services to ``status``; claims are
    made by ``partner_user`` at ``now`` (the current time by default)."""
    now = now or utcnow()
    wish = post(world, submit=status != WishStatus.draft)
    if status in (WishStatus.draft, WishStatus.submitted):
        return wish
    if status == WishStatus.withdrawn:
        return wishes.withdraw_wish(wish, actor=world.resident)
    if status == WishStatus.declined:
        return wishes.decline_wish(wish, actor=world.committee, reason="超出微心愿范围")
    wishes.approve_wish(wish, actor=world.committee)
    if status == WishStatus.open:
        return wish
    wishes.claim_wish(wish, actor=partner_user, now=now)
    if status == WishStatus.claimed:
        return wish
    wishes.deliver_wish(wish, actor=partner_user, note="已送到家中", now=now + timedelta(days=1))
    if status == WishStatus.delivered:
        return wish
    assert status == WishStatus.confirmed
    return wishes.confirm_wish(wish, actor=world.resident, thanks="谢谢华联超市！", now=now + timedelta(days=2))


@pytest.fixture
def partner(world):
    """The world's partner account (华联超市, holding Role.partner at the street) with a profile
    verified by the committee of the community it serves."""
    partner = make_partner(world, user=world.partner)
    db.session.commit()
    return partner


@pytest.fixture
def rival(world):
    """A second verified partner serving the same community."""
    rival = make_partner(world, "爱心药房")
    db.session.commit()
    return rival


@pytest.fixture
def open_wish(world):
    wish = wish_at(world, WishStatus.open)
    db.session.commit()
    return wish
