"""Read-side queries for the verification pages, each a fixed number of SQL statements."""
from sqlalchemy import select
from sqlalchemy.orm import aliased, joinedload

from portal.domain.residents import VerificationStatus
from portal.domain.units import UnitLevel
from portal.extensions import db
from portal.models import Household, Resident, Unit, User, VerificationRequest


def communities() -> list[Unit]:
    return list(db.session.scalars(select(Unit).where(Unit.level == UnitLevel.community).order_by(Unit.path)))


def buildings_in(unit: Unit) -> list[Unit]:
    """Buildings below ``unit``, with their compound loaded for labels."""
    return list(db.session.scalars(
        select(Unit).options(joinedload(Unit.parent))
        .where(Unit.level == UnitLevel.building, Unit.path.startswith(unit.path)).order_by(Unit.path)
    ))


def building_label(building: Unit) -> str:
    parent = building.parent
    return f"{parent.name} {building.name}" if parent is not None and parent.level == UnitLevel.compound else building.name


def households_in(building: Unit) -> list[Household]:
    return list(db.session.scalars(select(Household).where(Household.building_id == building.id).order_by(Household.label)))


def requests_in(unit: Unit, status: VerificationStatus):
    """Verification requests for households inside ``unit``, newest last for the pending queue."""
    building = aliased(Unit)
    order = VerificationRequest.created_at.asc() if status == VerificationStatus.pending else VerificationRequest.decided_at.desc()
    return (
        select(VerificationRequest)
        .join(Household, VerificationRequest.household_id == Household.id)
        .join(building, Household.building_id == building.id)
        .where(building.path.startswith(unit.path), VerificationRequest.status == status)
        .options(
            joinedload(VerificationRequest.user),
            joinedload(VerificationRequest.decided_by),
            joinedload(VerificationRequest.household).joinedload(Household.building).joinedload(Unit.parent),
        )
        .order_by(order, VerificationRequest.id)
    )


def residents_in(unit: Unit):
    building = aliased(Unit)
    return (
        select(Resident)
        .join(Household, Resident.household_id == Household.id)
        .join(building, Household.building_id == building.id)
        .where(building.path.startswith(unit.path))
        .options(
            joinedload(Resident.user),
            joinedload(Resident.household).joinedload(Household.building).joinedload(Unit.parent),
        )
        .order_by(building.path, Household.label, Resident.id)
    )


def request_for_update(request_id: int) -> VerificationRequest | None:
    return db.session.scalar(
        select(VerificationRequest).where(VerificationRequest.id == request_id)
        .options(joinedload(VerificationRequest.user).joinedload(User.resident),
                 joinedload(VerificationRequest.household).joinedload(Household.building))
    )
