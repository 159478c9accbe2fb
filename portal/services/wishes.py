"""微心愿 and 社区合伙人: partners register and are verified, residents (or grid workers for
them) post wishes, the committee reviews, verified partners claim, deliver, and the
beneficiary confirms. Every move goes through ``portal.domain.wishes.next_status`` and is a
conditional UPDATE on the wish's current status, so two partners claiming at once cannot both
win: the database decides, the loser hears "already claimed".
"""
from datetime import date, datetime
from decimal import Decimal

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from portal.domain.residents import is_adult
from portal.domain.wishes import (Actor, CareTag, Category, Move, PartnerKind, PartnerStatus, Refusal, WishError,
                                  WishStatus, claim_deadline, claim_has_lapsed, next_status, parse_value,
                                  wanted_by_ok)
from portal.extensions import db
from portal.models import (CareAccess, Household, HouseholdCareTag, Offer, Partner, Resident, Unit, User,
                           Wish, WishEvent)
from portal.models.base import utcnow
from portal.permissions import can
from portal.services import PermissionDenied, ServiceError
from portal.services.audit import record
from portal.services.disclosure import community_of
from portal.services.files import Upload, store_upload

VALUE_MESSAGES = {
    "not_number": _l("Enter the estimated value in yuan, e.g. 120 or 89.50."),
    "not_positive": _l("The estimated value must be more than 0."),
    "too_many_decimals": _l("The estimated value has at most two decimals (fen)."),
}


# -- partners ---------------------------------------------------------------------------------

def partner_of(user) -> Partner | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(select(Partner).where(Partner.user_id == user.id))


def serves(partner: Partner | None, unit: Unit) -> bool:
    """Whether a partner serves ``unit`` (one of its units is the unit or above it)."""
    return partner is not None and any(u.contains(unit) for u in partner.units)


def register_partner(user: User, *, name: str, kind: PartnerKind, contact_name: str, contact_phone: str,
                     offers_summary: str, units: list[Unit], now: datetime | None = None) -> Partner:
    """An organisation asks to become a community partner (again, after a decline)."""
    if not can(user, "register_partner"):
        raise PermissionDenied(_l("Sign in first."))
    name, contact_name, contact_phone = (name or "").strip(), (contact_name or "").strip(), (contact_phone or "").strip()
    if not name or len(name) > 80:
        raise ServiceError(_l("Give the organisation's name (at most 80 characters)."))
    if not contact_name or not contact_phone:
        raise ServiceError(_l("Give a contact person and a phone number."))
    if not units:
        raise ServiceError(_l("Choose at least one community the organisation serves."))
    partner = partner_of(user)
    if partner is not None and partner.status != PartnerStatus.declined:
        raise ServiceError(_l("This account already has a partner profile."))
    if partner is None:
        try:
            with db.session.begin_nested():
                partner = Partner(user_id=user.id, name=name, kind=kind, contact_name=contact_name[:40],
                                  contact_phone=contact_phone[:20], created_at=now or utcnow())
                db.session.add(partner)
        except IntegrityError:  # the same account registering twice at once
            raise ServiceError(_l("This account already has a partner profile.")) from None
    partner.name, partner.kind, partner.contact_name = name, kind, contact_name[:40]
    partner.contact_phone, partner.offers_summary = contact_phone[:20], (offers_summary or "").strip()[:2000]
    partner.status, partner.reason, partner.decided_by_id, partner.decided_at = PartnerStatus.pending, "", None, None
    partner.units = list(units)
    db.session.flush()
    record(user, "partner.register", partner, unit=units[0], detail=name)
    return partner


def decide_partner(partner: Partner, *, actor: User, verify: bool, reason: str = "",
                   now: datetime | None = None) -> None:
    """The committee of a community the partner serves verifies it, or declines with a reason."""
    if not any(can(actor, "verify_partners", u) for u in partner.units):
        raise PermissionDenied(_l("Only the committee of a community this partner serves can decide."))
    reason = (reason or "").strip()
    if not verify and not reason:
        raise ServiceError(_l("Give the organisation a reason for declining."))
    status = PartnerStatus.verified if verify else PartnerStatus.declined
    result = db.session.execute(update(Partner).where(Partner.id == partner.id,
                                                      Partner.status == PartnerStatus.pending)
                                .values(status=status, reason=reason[:1000], decided_by_id=actor.id,
                                        decided_at=now or utcnow()).execution_options(synchronize_session=False))
    db.session.refresh(partner)
    if result.rowcount != 1:
        raise ServiceError(_l("This partner has already been decided on."))
    record(actor, f"partner.{status.value}", partner, unit=partner.units[0], detail=reason)


def add_offer(partner: Partner, *, actor: User, unit: Unit, title: str, description: str,
              now: datetime | None = None) -> Offer:
    """资源清单: a verified partner lists what it offers in a unit it serves."""
    if partner.user_id != actor.id:
        raise PermissionDenied(_l("Only the partner itself can publish its offers."))
    if partner.status != PartnerStatus.verified:
        raise ServiceError(_l("The committee has to verify the partner first."))
    if not serves(partner, unit):
        raise ServiceError(_l("The partner does not serve that community."))
    title = (title or "").strip()
    if not title or len(title) > 120:
        raise ServiceError(_l("Give the offer a title of at most 120 characters."))
    offer = Offer(partner_id=partner.id, unit_id=unit.id, title=title, description=(description or "").strip()[:2000],
                  created_at=now or utcnow())
    db.session.add(offer)
    db.session.flush()
    record(actor, "partner.offer", offer, unit=unit, detail=title)
    return offer


def partner_record(partner: Partner) -> dict[str, int]:
    """Claims, deliveries, confirmations and lapses, read from the wishes' history."""
    # Distinct wishes: a wish delivered again after a reported problem is one delivery.
    rows = db.session.execute(select(WishEvent.move, func.count(func.distinct(WishEvent.wish_id)))
                              .where(WishEvent.partner_id == partner.id).group_by(WishEvent.move)).all()
    counts = dict(rows)
    return {key: counts.get(key, 0) for key in ("claim", "deliver", "confirm", "lapse", "release")}


# -- who is who, for one wish -----------------------------------------------------------------

def actors_for(user, wish: Wish, *, partner: Partner | None = None) -> frozenset[Actor]:
    """The roles ``user`` plays for ``wish`` in the life-cycle table."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    building = wish.household.building
    roles = set()
    beneficiary = wish.beneficiary.user_id == user.id
    grid = can(user, "act_for_resident", building)
    if beneficiary or (wish.on_behalf and wish.posted_by_id == user.id):
        roles.add(Actor.holder)
    if beneficiary or grid:
        roles.add(Actor.carer)
    if can(user, "review_wishes", building):
        roles.add(Actor.committee)
    partner = partner if partner is not None else partner_of(user)
    if partner is not None and partner.status == PartnerStatus.verified and serves(partner, wish.unit):
        roles.add(Actor.partner)
        if wish.partner_id == partner.id:
            roles.add(Actor.claimant)
    return frozenset(roles)


def may_see_contact(user, wish: Wish) -> bool:
    """The household, phone and address: the committee and grid workers of the unit, and the
    claiming partner only while it holds the claim."""
    if can(user, "view_households", wish.household.building):
        return True
    partner = partner_of(user)
    return (partner is not None and wish.partner_id == partner.id
            and wish.status in (WishStatus.claimed, WishStatus.delivered))


# -- the life cycle ---------------------------------------------------------------------------

REFUSED = {
    Refusal.not_now: _l("This wish cannot do that now (it is %(status)s)."),
    Refusal.not_actor: _l("You cannot do that to this wish."),
}


def _move(wish: Wish, move: Move, actor: User | None, actors: frozenset[Actor], *, values: dict | None = None,
          note: str = "", partner: Partner | None = None, now: datetime | None = None) -> Wish:
    """Apply one move: ask the table, then a conditional UPDATE on the status it was in."""
    from portal.labels import WISH_STATUS_LABELS

    try:
        target = next_status(wish.status, move, actors)
    except WishError as err:
        if err.refusal == Refusal.not_actor:
            raise PermissionDenied(REFUSED[err.refusal]) from None
        if move == Move.claim and wish.status in (WishStatus.claimed, WishStatus.delivered, WishStatus.confirmed):
            raise ServiceError(_l("Another partner has already claimed this wish.")) from None
        raise ServiceError(_l("This wish cannot do that now (it is %(status)s).",
                              status=WISH_STATUS_LABELS[wish.status])) from None
    before = wish.status
    # Guard on the status *and* the holder it was read with: a stale page of a partner whose
    # claim has since passed to another cannot release or deliver the other's claim.
    holder = Wish.partner_id.is_(None) if wish.partner_id is None else Wish.partner_id == wish.partner_id
    result = db.session.execute(update(Wish).where(Wish.id == wish.id, Wish.status == before, holder)
                                .values(status=target, **(values or {}))
                                .execution_options(synchronize_session=False))
    db.session.refresh(wish)
    if result.rowcount != 1:
        if move == Move.claim:
            raise ServiceError(_l("Another partner has already claimed this wish."))
        raise ServiceError(_l("Someone else has just changed this wish; look at it again."))
    db.session.add(WishEvent(wish_id=wish.id, move=move.value, from_status=before.value, to_status=target.value,
                             actor_id=actor.id if actor is not None else None,
                             partner_id=partner.id if partner is not None else wish.partner_id, note=note[:2000],
                             created_at=now or utcnow()))
    record(actor, f"wish.{move.value}", wish, unit=wish.unit, detail=note[:200])
    return wish


def post_wish(actor: User, *, beneficiary: Resident, title: str, description: str, category: Category,
              value: str, wanted_by: date, today: date, photo: Upload | None = None, submit: bool = True,
              now: datetime | None = None) -> Wish:
    """A verified resident posts their own wish, or a grid worker posts for one (代办)."""
    building = beneficiary.household.building
    own = beneficiary.user_id == actor.id
    if own and not can(actor, "post_wish", building):
        raise PermissionDenied(_l("Only verified residents can post wishes."))
    if not own and not can(actor, "act_for_resident", building):
        raise PermissionDenied(_l("Only a grid worker of the resident's grid can post a wish for them."))
    if not is_adult(beneficiary.birth_date, today) and own:
        raise PermissionDenied(_l("Only verified residents can post wishes."))
    title, description = (title or "").strip(), (description or "").strip()
    if not title or len(title) > 80:
        raise ServiceError(_l("Give the wish a title of at most 80 characters."))
    if not description or len(description) > 2000:
        raise ServiceError(_l("Describe the wish in at most 2,000 characters."))
    maximum = current_app.config["WISH_MAX_VALUE"]
    try:
        amount = parse_value(value, Decimal(str(maximum)))
    except ValueError as err:
        key = err.args[0].message_key
        if key == "too_large":
            raise ServiceError(_l("A micro-wish is worth at most ¥%(max)s; larger needs go to the committee "
                                  "directly.", max=maximum)) from None
        raise ServiceError(VALUE_MESSAGES[key]) from None
    if not wanted_by_ok(wanted_by, today):
        raise ServiceError(_l("The wanted-by date cannot be in the past."))
    stored = store_upload(photo, images_only=True) if photo is not None and photo.data else None
    now = now or utcnow()
    wish = Wish(unit_id=community_of(building).id, household_id=beneficiary.household_id,
                beneficiary_id=beneficiary.id, posted_by_id=actor.id, on_behalf=not own, title=title,
                description=description, category=category, value=amount, wanted_by=wanted_by,
                photo_sha256=stored.sha256 if stored else None, photo_type=stored.content_type if stored else None,
                status=WishStatus.draft, created_at=now)
    db.session.add(wish)
    db.session.flush()
    db.session.refresh(wish)
    record(actor, "wish.post", wish, unit=wish.unit, detail="on behalf" if not own else "")
    if submit:
        submit_wish(wish, actor=actor, now=now)
    return wish


def submit_wish(wish: Wish, *, actor: User, now: datetime | None = None) -> Wish:
    return _move(wish, Move.submit, actor, actors_for(actor, wish), now=now)


def withdraw_wish(wish: Wish, *, actor: User, now: datetime | None = None) -> Wish:
    """The holder takes the wish back, before any partner has claimed it."""
    return _move(wish, Move.withdraw, actor, actors_for(actor, wish), now=now)


def approve_wish(wish: Wish, *, actor: User, now: datetime | None = None) -> Wish:
    return _move(wish, Move.approve, actor, actors_for(actor, wish), now=now)


def decline_wish(wish: Wish, *, actor: User, reason: str, now: datetime | None = None) -> Wish:
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_l("Give the resident a reason for declining."))
    return _move(wish, Move.decline, actor, actors_for(actor, wish), values={"reason": reason[:1000]}, note=reason,
                 now=now)


def claim_wish(wish: Wish, *, actor: User, now: datetime | None = None) -> Wish:
    """认领: a verified partner serving the community takes the wish; exactly one can."""
    partner = partner_of(actor)
    if partner is None or partner.status != PartnerStatus.verified:
        raise PermissionDenied(_l("Only partners verified by the committee can claim wishes."))
    if not serves(partner, wish.unit):
        raise PermissionDenied(_l("Your organisation does not serve this community."))
    now = now or utcnow()
    lapse_if_due(wish, now=now)
    days = current_app.config["WISH_CLAIM_DAYS"]
    return _move(wish, Move.claim, actor, actors_for(actor, wish, partner=partner), partner=partner, now=now,
                 values={"partner_id": partner.id, "claimed_at": now, "claim_deadline": claim_deadline(now, days)})


def release_wish(wish: Wish, *, actor: User, reason: str = "", now: datetime | None = None) -> Wish:
    """The holding partner gives the claim up; the wish reopens. Past the deadline the claim
    has already lapsed, and that is what the partner's record shows."""
    now = now or utcnow()
    if lapse_if_due(wish, now=now):
        raise ServiceError(_l("The claim period has ended and the wish has reopened."))
    partner = partner_of(actor)
    return _move(wish, Move.release, actor, actors_for(actor, wish, partner=partner), partner=partner, now=now,
                 note=(reason or "").strip(), values={"partner_id": None, "claimed_at": None, "claim_deadline": None})


def deliver_wish(wish: Wish, *, actor: User, note: str, photo: Upload | None = None,
                 now: datetime | None = None) -> Wish:
    """The partner says it is done, with a note (and a photo if it likes)."""
    note = (note or "").strip()
    if not note:
        raise ServiceError(_l("Say how the wish was fulfilled."))
    now = now or utcnow()
    if lapse_if_due(wish, now=now):
        raise ServiceError(_l("The claim period has ended and the wish has reopened."))
    partner = partner_of(actor)
    stored = store_upload(photo, images_only=True) if photo is not None and photo.data else None
    return _move(wish, Move.deliver, actor, actors_for(actor, wish, partner=partner), partner=partner, now=now,
                 note=note, values={"delivered_at": now, "delivery_note": note[:2000],
                                    "delivery_photo_sha256": stored.sha256 if stored else None,
                                    "delivery_photo_type": stored.content_type if stored else None})


def confirm_wish(wish: Wish, *, actor: User, thanks: str = "", now: datetime | None = None) -> Wish:
    """The beneficiary (or the grid worker) confirms; the wish goes to the thank-you wall."""
    now = now or utcnow()
    return _move(wish, Move.confirm, actor, actors_for(actor, wish), now=now, note=(thanks or "").strip(),
                 values={"confirmed_at": now, "thanks": (thanks or "").strip()[:500]})


def report_problem(wish: Wish, *, actor: User, note: str, now: datetime | None = None) -> Wish:
    """Not as delivered: back to the partner, whose claim period starts again."""
    note = (note or "").strip()
    if not note:
        raise ServiceError(_l("Say what is wrong, so the partner can put it right."))
    now = now or utcnow()
    days = current_app.config["WISH_CLAIM_DAYS"]
    return _move(wish, Move.report_problem, actor, actors_for(actor, wish), now=now, note=note,
                 values={"claim_deadline": claim_deadline(now, days), "delivered_at": None})


def lapse_if_due(wish: Wish, *, now: datetime | None = None) -> bool:
    """A claim past its deadline lapses (the wish reopens, the partner's record shows it).
    Called when a wish is read and by ``flask wishes expire``. Returns whether it lapsed."""
    now = now or utcnow()
    if wish.status != WishStatus.claimed or not claim_has_lapsed(wish.claim_deadline, now):
        return False
    partner_id = wish.partner_id
    result = db.session.execute(update(Wish).where(Wish.id == wish.id, Wish.status == WishStatus.claimed,
                                                   Wish.claim_deadline <= now)
                                .values(status=WishStatus.open, partner_id=None, claimed_at=None,
                                        claim_deadline=None).execution_options(synchronize_session=False))
    db.session.refresh(wish)
    if result.rowcount != 1:
        return False
    db.session.add(WishEvent(wish_id=wish.id, move=Move.lapse.value, from_status=WishStatus.claimed.value,
                             to_status=WishStatus.open.value, partner_id=partner_id, created_at=now))
    record(None, "wish.lapse", wish, unit=wish.unit, detail=f"partner={partner_id}")
    return True


def expire_claims(now: datetime | None = None) -> int:
    """Lapse every claim past its deadline. Returns how many."""
    now = now or utcnow()
    due = db.session.scalars(select(Wish).where(Wish.status == WishStatus.claimed, Wish.claim_deadline <= now)).all()
    return sum(1 for wish in due if lapse_if_due(wish, now=now))


# -- care tags --------------------------------------------------------------------------------

def set_care_tags(household: Household, *, actor: User, tags: set[CareTag], note: str = "",
                  now: datetime | None = None) -> None:
    """The committee or a grid worker of the unit sets a household's care tags. The change is
    logged in the care-tag access log, never in the general audit log (which admins read)."""
    if not can(actor, "manage_care_tags", household.building):
        raise PermissionDenied(_l("Only the committee and grid workers of this unit can see and set care tags."))
    current = {t.tag: t for t in db.session.scalars(select(HouseholdCareTag).where(
        HouseholdCareTag.household_id == household.id))}
    for tag in set(current) - set(tags):
        db.session.delete(current[tag])
    for tag in set(tags) & set(current):
        current[tag].note = note[:500]
    now = now or utcnow()
    for tag in set(tags) - set(current):
        try:
            with db.session.begin_nested():  # another staff member may be adding it this moment
                db.session.add(HouseholdCareTag(household_id=household.id, tag=tag, note=note[:500],
                                                created_by_id=actor.id, created_at=now))
        except IntegrityError:
            pass
    db.session.add(CareAccess(user_id=actor.id, household_id=household.id, context="care_tags_set", created_at=now))
    db.session.flush()


def care_tags_for(viewer, households: list[Household], *, context: str) -> dict[int, list[CareTag]]:
    """The care tags of those ``households`` that ``viewer`` may see (committee and grid workers
    of each household's unit), writing one access-log row per tagged household shown."""
    visible = [h for h in households if can(viewer, "manage_care_tags", h.building)]
    if not visible:
        return {}
    tags: dict[int, list[CareTag]] = {}
    for household_id, tag in db.session.execute(select(HouseholdCareTag.household_id, HouseholdCareTag.tag).where(
            HouseholdCareTag.household_id.in_([h.id for h in visible])).order_by(HouseholdCareTag.tag)):
        tags.setdefault(household_id, []).append(CareTag(tag))
    for household_id in tags:
        db.session.add(CareAccess(user_id=viewer.id, household_id=household_id, context=context[:40]))
    return tags

