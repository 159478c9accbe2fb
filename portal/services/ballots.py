"""Voting in an open assembly: seats, check-in, presence in the hall, open and secret
ballots with their receipts, and what a voter's own page needs to know.

Every write here first takes the assembly's row (``_lock_open``) so that it is serialised
with the close (``portal.services.assemblies``): no ballot is cast after the result was
counted. One ballot (or secret participation) and one attendance per seat are unique
constraints. A secret ballot keeps the choice apart from the voter: ``secret_ballot`` holds a
random receipt and the choice, ``secret_participation`` only that the seat voted.
"""
import secrets
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from portal.clock import local_date
from portal.domain.deliberation import AssemblyStatus, Choice, Presence, may_vote_age, voting_has_ended
from portal.domain.procedures import Electorate
from portal.domain.residents import Relation
from portal.extensions import db
from portal.models import (Assembly, Attendance, Ballot, Elector, Matter, SecretBallot, SecretParticipation, User)
from portal.models.base import utcnow
from portal.permissions import can
from portal.services import PermissionDenied, ServiceError
from portal.services.audit import record


RECEIPT_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud at a meeting


def _committee(actor: User, matter: Matter) -> None:
    if not can(actor, "run_procedure", matter.unit):
        raise PermissionDenied(_l("Only the committee of this unit runs its assemblies."))


def _lock_open(assembly: Assembly, *statuses: AssemblyStatus) -> None:
    """Take the assembly's row for this transaction if it is in one of ``statuses``; refuse
    otherwise. See the module docstring for why this comes first."""
    result = db.session.execute(
        update(Assembly).where(Assembly.id == assembly.id, Assembly.status.in_(statuses))
        .values(status=Assembly.status).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        db.session.refresh(assembly)
        if assembly.status == AssemblyStatus.closed:
            raise ServiceError(_l("Voting has closed."))
        if assembly.status == AssemblyStatus.convened:
            raise ServiceError(_l("Voting has not opened yet."))
        raise ServiceError(_l("Voting has already opened."))


def seat_of(assembly: Assembly, user: User, *, now: datetime | None = None) -> Elector | None:
    """The seat ``user`` may vote in: their own, or their household's (an adult of the
    household; for owners' votes, an owner of it)."""
    if not getattr(user, "is_authenticated", False) or assembly.status == AssemblyStatus.convened:
        return None
    if not assembly.electorate.per_household:
        return db.session.scalar(select(Elector).where(Elector.assembly_id == assembly.id,
                                                       Elector.user_id == user.id))
    resident = user.resident
    if resident is None or not may_vote_age(resident.birth_date, local_date(now)):
        return None
    if assembly.electorate == Electorate.owners and resident.relation != Relation.owner:
        return None
    return db.session.scalar(select(Elector).where(Elector.assembly_id == assembly.id,
                                                   Elector.household_id == resident.household_id))


def _seat_or_refuse(assembly: Assembly, user: User, now: datetime) -> Elector:
    seat = seat_of(assembly, user, now=now)
    if seat is None:
        if assembly.electorate == Electorate.owners:
            raise PermissionDenied(_l("Only owners of the compound's flats vote on this matter."))
        raise PermissionDenied(_l("You are not in the electorate of this assembly."))
    return seat


def _attend(assembly: Assembly, seat: Elector, presence: Presence, recorded_by: User | None,
            now: datetime) -> bool:
    """Record the seat as present unless it already is. Returns whether it was new."""
    try:
        with db.session.begin_nested():
            db.session.add(Attendance(assembly_id=assembly.id, elector_id=seat.id, presence=presence,
                                      recorded_by_id=recorded_by.id if recorded_by else None, created_at=now))
    except IntegrityError:
        return False
    return True


def _ensure_voting(assembly: Assembly, now: datetime) -> None:
    """Refuse unless voting is open now. A vote past its closing time is refused here and
    closed by whoever reads it next (``close_if_due``, committed on its own)."""
    _lock_open(assembly, AssemblyStatus.voting)
    if assembly.round != assembly.matter.round:
        raise ServiceError(_l("This assembly belongs to an earlier round of the matter."))
    if voting_has_ended(assembly.status, assembly.closes_at, now):
        raise ServiceError(_l("Voting has closed."))


def check_in(assembly: Assembly, *, actor: User, now: datetime | None = None) -> Attendance:
    """签到: an elector checks in online."""
    now = now or utcnow()
    _ensure_voting(assembly, now)
    seat = _seat_or_refuse(assembly, actor, now)
    if not _attend(assembly, seat, Presence.online, actor, now):
        raise ServiceError(_l("You have already checked in."))
    record(actor, "assembly.check_in", assembly, unit=assembly.matter.unit)
    return db.session.scalar(select(Attendance).where(Attendance.assembly_id == assembly.id,
                                                      Attendance.elector_id == seat.id))


def record_presence(assembly: Assembly, elector: Elector, *, actor: User, now: datetime | None = None) -> None:
    """The committee records an elector present in the hall."""
    _committee(actor, assembly.matter)
    now = now or utcnow()
    _ensure_voting(assembly, now)
    if elector.assembly_id != assembly.id:
        raise ServiceError(_l("That person is not in this assembly's electorate."))
    if not _attend(assembly, elector, Presence.in_hall, actor, now):
        raise ServiceError(_l("%(name)s is already recorded as present.", name=elector.label))
    record(actor, "assembly.presence", assembly, unit=assembly.matter.unit, detail=f"elector={elector.id}")


def new_receipt() -> str:
    """An anonymous receipt like ``7KQ2-M9XD`` (40 random bits)."""
    raw = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(8))
    return f"{raw[:4]}-{raw[4:]}"


def normalise_receipt(receipt: str) -> str:
    raw = "".join(ch for ch in (receipt or "").upper() if ch.isalnum())
    return f"{raw[:4]}-{raw[4:]}" if len(raw) == 8 else ""


@dataclass(frozen=True)
class Cast:
    """What casting a ballot did: the choice, whether it replaced an earlier one, and for a
    secret ballot the receipt to show the voter (never stored with the voter)."""

    choice: Choice
    changed: bool
    receipt: str | None = None


def _cast_open(assembly: Assembly, seat: Elector, choice: Choice, cast_by: User | None,
               entered_by: User | None, now: datetime) -> Cast:
    try:
        with db.session.begin_nested():
            db.session.add(Ballot(assembly_id=assembly.id, elector_id=seat.id, choice=choice,
                                  cast_by_id=cast_by.id if cast_by else None,
                                  entered_by_id=entered_by.id if entered_by else None, cast_at=now))
        return Cast(choice, changed=False)
    except IntegrityError:
        pass
    db.session.execute(update(Ballot).where(Ballot.assembly_id == assembly.id, Ballot.elector_id == seat.id)
                       .values(choice=choice, changed_at=now, cast_by_id=cast_by.id if cast_by else None,
                               entered_by_id=entered_by.id if entered_by else None)
                       .execution_options(synchronize_session=False))
    return Cast(choice, changed=True)


def _cast_secret(assembly: Assembly, seat: Elector, choice: Choice, receipt: str, entered_by: User | None) -> Cast:
    if receipt:
        receipt = normalise_receipt(receipt)
        voted = db.session.scalar(select(SecretParticipation.id).where(
            SecretParticipation.assembly_id == assembly.id, SecretParticipation.elector_id == seat.id))
        changed = voted is not None and db.session.execute(
            update(SecretBallot).where(SecretBallot.assembly_id == assembly.id, SecretBallot.receipt == receipt)
            .values(choice=choice).execution_options(synchronize_session=False)).rowcount == 1
        if not changed:
            raise ServiceError(_l("That receipt does not match a ballot of this vote."))
        return Cast(choice, changed=True, receipt=receipt)
    try:
        with db.session.begin_nested():
            db.session.add(SecretParticipation(assembly_id=assembly.id, elector_id=seat.id,
                                               entered_by_id=entered_by.id if entered_by else None))
    except IntegrityError:
        raise ServiceError(_l("You have already voted. To change your vote, enter the receipt you were given.")) \
            from None
    receipt = new_receipt()
    db.session.add(SecretBallot(receipt=receipt, assembly_id=assembly.id, choice=choice))
    db.session.flush()
    return Cast(choice, changed=False, receipt=receipt)


def cast_ballot(assembly: Assembly, *, actor: User, choice: Choice, receipt: str = "",
                now: datetime | None = None) -> Cast:
    """An elector votes for, against or abstains; they may change it until voting closes
    (a secret ballot is changed with its receipt). Voting also records them as present."""
    now = now or utcnow()
    _ensure_voting(assembly, now)
    seat = _seat_or_refuse(assembly, actor, now)
    _attend(assembly, seat, Presence.online, actor, now)
    if assembly.secret:
        cast = _cast_secret(assembly, seat, choice, receipt, None)
        record(actor, "assembly.vote", assembly, unit=assembly.matter.unit)  # never the choice
    else:
        cast = _cast_open(assembly, seat, choice, actor, None, now)
        record(actor, "assembly.vote", assembly, unit=assembly.matter.unit, detail=choice.value)
    return cast


def enter_paper_ballot(assembly: Assembly, elector: Elector, *, actor: User, choice: Choice,
                       now: datetime | None = None) -> Cast:
    """The committee enters a paper ballot cast in the hall, recording who entered it. For a
    secret vote the receipt is printed for the voter; the choice is still kept apart."""
    _committee(actor, assembly.matter)
    now = now or utcnow()
    _ensure_voting(assembly, now)
    if elector.assembly_id != assembly.id:
        raise ServiceError(_l("That person is not in this assembly's electorate."))
    _attend(assembly, elector, Presence.in_hall, actor, now)
    if assembly.secret:
        cast = _cast_secret(assembly, elector, choice, "", actor)
        record(actor, "assembly.paper_ballot", assembly, unit=assembly.matter.unit, detail=f"elector={elector.id}")
    else:
        cast = _cast_open(assembly, elector, choice, None, actor, now)
        record(actor, "assembly.paper_ballot", assembly, unit=assembly.matter.unit,
               detail=f"elector={elector.id} {choice.value}")
    return cast


def receipts(assembly: Assembly) -> list[tuple[str, Choice]]:
    """The public list of anonymous receipts and their choices, once voting has closed."""
    if assembly.status != AssemblyStatus.closed or not assembly.secret:
        return []
    return [(r, Choice(c)) for r, c in db.session.execute(
        select(SecretBallot.receipt, SecretBallot.choice).where(SecretBallot.assembly_id == assembly.id)
        .order_by(SecretBallot.receipt))]


def has_voted(assembly: Assembly, seat: Elector | None) -> bool:
    if seat is None:
        return False
    model = SecretParticipation if assembly.secret else Ballot
    return db.session.scalar(select(model.id).where(model.assembly_id == assembly.id,
                                                    model.elector_id == seat.id)) is not None


def open_choice(assembly: Assembly, seat: Elector | None) -> Choice | None:
    """The seat's current choice in an open vote (never for a secret one)."""
    if seat is None or assembly.secret:
        return None
    return db.session.scalar(select(Ballot.choice).where(Ballot.assembly_id == assembly.id,
                                                         Ballot.elector_id == seat.id))


def is_present(assembly: Assembly, seat: Elector | None) -> bool:
    if seat is None:
        return False
    return db.session.scalar(select(Attendance.id).where(Attendance.assembly_id == assembly.id,
                                                         Attendance.elector_id == seat.id)) is not None
