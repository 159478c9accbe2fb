"""Read-side queries for the wish pages; each list is a fixed number of statements."""
from sqlalchemy import case, select
from sqlalchemy.orm import joinedload, selectinload

from portal.domain.wishes import WishStatus
from portal.extensions import db
from portal.models import Household, Offer, Partner, PartnerUnit, Resident, Unit, Wish

# What the public wall shows; drafts, submissions, declined and withdrawn wishes stay private.
PUBLIC = (WishStatus.open, WishStatus.claimed, WishStatus.delivered, WishStatus.confirmed)


def _loaded():
    return (joinedload(Wish.beneficiary), joinedload(Wish.unit), joinedload(Wish.partner),
            joinedload(Wish.household).joinedload(Household.building))


def wall(unit: Unit, *, category: str | None = None, status: str | None = None):
    """Public wishes of the unit's communities: open first (soonest wanted first), then the rest."""
    order = case((Wish.status == WishStatus.open, 0), else_=1)
    stmt = (select(Wish).join(Unit, Wish.unit_id == Unit.id).options(*_loaded())
            .where(Unit.path.startswith(unit.path) | Unit.id.in_(unit.ancestor_ids))
            .where(Wish.status.in_(PUBLIC)).order_by(order, Wish.wanted_by, Wish.id))
    if category:
        stmt = stmt.where(Wish.category == category)
    if status:
        stmt = stmt.where(Wish.status == status)
    return stmt


def review_queue(unit: Unit):
    """Wishes of the unit's households waiting for the committee, oldest first."""
    return (select(Wish).options(*_loaded()).join(Household, Wish.household_id == Household.id)
            .join(Unit, Household.building_id == Unit.id)
            .where(Unit.path.startswith(unit.path), Wish.status == WishStatus.submitted).order_by(Wish.id))


def thanks(unit: Unit):
    return (select(Wish).join(Unit, Wish.unit_id == Unit.id).options(*_loaded())
            .where(Unit.path.startswith(unit.path) | Unit.id.in_(unit.ancestor_ids),
                   Wish.status == WishStatus.confirmed).order_by(Wish.confirmed_at.desc()))


def mine(user):
    """Wishes the user holds: their own, and those they posted for others (代办)."""
    return (select(Wish).options(*_loaded()).join(Resident, Wish.beneficiary_id == Resident.id)
            .where((Resident.user_id == user.id) | (Wish.posted_by_id == user.id)).order_by(Wish.id.desc()))


def claims_of(partner: Partner):
    """The partner's current claims, soonest deadline first, with the contact it may see."""
    return (select(Wish).options(*_loaded(), joinedload(Wish.beneficiary).joinedload(Resident.user)).where(Wish.partner_id == partner.id,
                                                   Wish.status.in_((WishStatus.claimed, WishStatus.delivered)))
            .order_by(Wish.claim_deadline))


def partners_in(unit: Unit):
    """Partners serving the unit or a unit above it."""
    return (select(Partner).options(selectinload(Partner.units)).join(PartnerUnit, PartnerUnit.partner_id == Partner.id)
            .join(Unit, PartnerUnit.unit_id == Unit.id)
            .where(Unit.id.in_(unit.ancestor_ids) | Unit.path.startswith(unit.path)).distinct().order_by(Partner.id))


def offers_in(unit: Unit):
    return (select(Offer).options(joinedload(Offer.partner), joinedload(Offer.unit)).join(Unit, Offer.unit_id == Unit.id)
            .where(Unit.id.in_(unit.ancestor_ids) | Unit.path.startswith(unit.path)).order_by(Offer.id.desc()))


def residents_for_grid_worker(units: list[Unit]) -> list[Resident]:
    """Residents a grid worker may post for: those living inside the units of their grants."""
    if not units:
        return []
    cond = None
    for unit in units:
        part = Unit.path.startswith(unit.path)
        cond = part if cond is None else cond | part
    return list(db.session.scalars(select(Resident).join(Household, Resident.household_id == Household.id)
                                   .join(Unit, Household.building_id == Unit.id)
                                   .options(joinedload(Resident.household).joinedload(Household.building))
                                   .where(cond).order_by(Unit.path, Household.label).limit(500)))
