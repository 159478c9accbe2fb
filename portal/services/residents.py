"""Resident verification: a registered account joins a household, the committee decides."""
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from portal.domain.residents import Relation, VerificationStatus, is_adult
from portal.extensions import db
from portal.models import Household, Resident, User, VerificationRequest
from portal.models.base import utcnow
from portal.permissions import can
from portal.services import PermissionDenied, ServiceError
from portal.services.audit import record


def pending_request(user: User) -> VerificationRequest | None:
    """The user's request awaiting a decision, if any."""
    return db.session.scalar(
        select(VerificationRequest).where(
            VerificationRequest.user_id == user.id,
            VerificationRequest.status == VerificationStatus.pending,
        )
    )


def latest_decision(user: User) -> VerificationRequest | None:
    """The user's most recently decided request (to show a decline and its reason)."""
    return db.session.scalar(
        select(VerificationRequest)
        .where(VerificationRequest.user_id == user.id, VerificationRequest.status != VerificationStatus.pending)
        .order_by(VerificationRequest.id.desc())
        .limit(1)
    )


def request_verification(user: User, *, household: Household, real_name: str, relation: Relation,
                         birth_date: date, note: str = "", today: date) -> VerificationRequest:
    """File a request to be verified as a resident of ``household``."""
    if not can(user, "request_verification"):
        raise PermissionDenied(_l("Sign in first."))
    if user.resident is not None and user.resident.household_id == household.id:
        raise ServiceError(_l("You are already a verified resident of this household."))
    if birth_date > today:
        raise ServiceError(_l("The date of birth cannot be in the future."))
    if not is_adult(birth_date, today):
        raise ServiceError(_l("Only residents aged 18 or over can be verified."))
    real_name = real_name.strip()
    if not real_name:
        raise ServiceError(_l("Enter your real name as on your ID card."))
    req = VerificationRequest(
        user_id=user.id, household_id=household.id, real_name=real_name, relation=relation,
        birth_date=birth_date, note=note.strip(),
    )
    try:
        with db.session.begin_nested():
            db.session.add(req)
    except IntegrityError:
        raise ServiceError(_l("You already have a request waiting for the committee.")) from None
    record(user, "verification.request", req, unit=household.building,
           detail=f"household={household.id} relation={relation.value}")
    return req


def _settle(req: VerificationRequest, status: VerificationStatus, actor: User, reason: str) -> None:
    """Move a pending request to ``status`` exactly once, even if two people click at once."""
    result = db.session.execute(
        update(VerificationRequest)
        .where(VerificationRequest.id == req.id, VerificationRequest.status == VerificationStatus.pending)
        .values(status=status, decided_at=utcnow(), decided_by_id=actor.id, reason=reason)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.refresh(req)
        raise ServiceError(_l("This request has already been dealt with."))
    db.session.refresh(req)


def approve(req: VerificationRequest, *, actor: User) -> Resident:
    """The committee confirms the request: the account becomes a resident of the household
    (moving it there if it was a resident elsewhere)."""
    building = req.household.building
    if not can(actor, "verify_residents", building):
        raise PermissionDenied(_l("Only the committee of this community can verify its residents."))
    _settle(req, VerificationStatus.approved, actor, "")
    resident = req.user.resident
    if resident is None:
        resident = Resident(user_id=req.user_id)
        db.session.add(resident)
    resident.household_id = req.household_id
    resident.real_name = req.real_name
    resident.relation = req.relation
    resident.birth_date = req.birth_date
    resident.verified_at = utcnow()
    resident.verified_by_id = actor.id
    db.session.flush()
    db.session.refresh(req.user)
    record(actor, "verification.approve", req, unit=building, detail=f"user={req.user_id}")
    return resident


def decline(req: VerificationRequest, *, actor: User, reason: str) -> None:
    """The committee declines the request, saying why (the applicant sees the reason)."""
    building = req.household.building
    if not can(actor, "verify_residents", building):
        raise PermissionDenied(_l("Only the committee of this community can verify its residents."))
    reason = reason.strip()
    if not reason:
        raise ServiceError(_l("Give the applicant a reason for declining."))
    _settle(req, VerificationStatus.declined, actor, reason)
    record(actor, "verification.decline", req, unit=building, detail=reason)


def withdraw(req: VerificationRequest, *, actor: User) -> None:
    """The applicant takes back a pending request."""
    if req.user_id != actor.id:
        raise PermissionDenied(_l("Only the applicant can withdraw this request."))
    _settle(req, VerificationStatus.withdrawn, actor, "")
    record(actor, "verification.withdraw", req, unit=req.household.building)
