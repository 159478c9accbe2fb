"""决议: assemblies — convening, the electorate derived and frozen, closing by the committee
or the clock, and the result computed by rule and frozen with its figures.

Ballots, check-in and receipts are in ``portal.services.ballots``; the names callers use are
re-exported here so that an assembly's whole life reads as one service.
"""
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, insert, literal, or_, select, update

from portal.clock import local_date
from portal.domain.decisions import MeetingTally, Outcome, OwnersTally, area_units, majority_of_attending, \
    owners_decision
from portal.domain.deliberation import AssemblyStatus, Choice, may_vote_age, voting_has_ended
from portal.domain.permissions import Role
from portal.domain.procedures import ELECTORATES, AssemblyKind, Electorate
from portal.extensions import db
from portal.models import (Assembly, Attendance, Ballot, Elector, Household, Matter, Resident, RoleGrant,
                           SecretBallot, Unit, User)
from portal.models.base import utcnow
from portal.services import ServiceError
from portal.services.audit import record
from portal.services.ballots import (Cast, _committee, _lock_open, cast_ballot, check_in,  # noqa: F401  (re-exported)
                                     enter_paper_ballot, has_voted, is_present, open_choice, receipts,
                                     record_presence, seat_of)
from portal.services.matters import _act, note, stage_of


@dataclass(frozen=True)
class Seat:
    """A seat in an electorate, before it is frozen into an ``Elector`` row."""

    label: str
    user_id: int | None = None
    household_id: int | None = None
    area: int = 0


def convene(matter: Matter, *, actor: User, kind: AssemblyKind, electorate: Electorate, motion: str,
            place: str, starts_at: datetime, closes_at: datetime | None, now: datetime | None = None) -> Assembly:
    """Call an assembly to decide the matter's current voting stage."""
    stage = stage_of(matter)
    if stage is None or not stage.assemblies:
        raise ServiceError(_l("The matter is not at a stage that is decided by a vote."))
    _act(matter, stage.key, actor)
    if kind not in stage.assemblies:
        raise ServiceError(_l("This stage cannot be decided by that kind of assembly."))
    if electorate not in ELECTORATES[kind]:
        raise ServiceError(_l("That electorate does not fit this kind of assembly."))
    motion = (motion or "").strip()
    if not motion:
        raise ServiceError(_l("State the motion that is put to the vote."))
    if len(motion) > 2000:
        raise ServiceError(_l("The motion is too long."))
    now = now or utcnow()
    if closes_at is not None and (closes_at <= starts_at or closes_at <= now):
        raise ServiceError(_l("Voting must close after the assembly starts and after now."))
    for stale in db.session.scalars(select(Assembly).where(
            Assembly.matter_id == matter.id, Assembly.status == AssemblyStatus.convened,
            Assembly.closes_at.is_not(None), Assembly.closes_at <= now)).all():
        # It missed its time without opening: convening again calls it off, on the record.
        stale.status = AssemblyStatus.cancelled
        stale.closed_at, stale.closed_by_id = now, actor.id
        note(matter, "assembly_cancelled", actor, artefact=stale, stage=stale.stage, at=now,
             reason=str(_l("Its voting time passed before voting opened.")))
    pending = db.session.scalar(select(Assembly.id).where(
        Assembly.matter_id == matter.id, Assembly.status.in_((AssemblyStatus.convened, AssemblyStatus.voting))))
    if pending is not None:
        raise ServiceError(_l("This matter already has an assembly that has not closed; close it, or call it "
                              "off if voting has not opened."))
    assembly = Assembly(matter_id=matter.id, matter=matter, stage=stage.key.value, round=matter.round, kind=kind,
                        electorate=electorate, motion=motion, place=(place or "").strip()[:120],
                        starts_at=starts_at, closes_at=closes_at, secret=matter.secret_ballot,
                        major=matter.major, convened_by_id=actor.id, created_at=now)
    db.session.add(assembly)
    db.session.flush()
    note(matter, "assembly_convened", actor, artefact=assembly, at=now)
    record(actor, "assembly.convene", assembly, unit=matter.unit, detail=f"{kind.value}/{electorate.value}")
    return assembly


def _households_in(unit: Unit):
    return (select(Household, Unit.name).join(Unit, Household.building_id == Unit.id)
            .where(Unit.path.startswith(unit.path)).order_by(Unit.path, Household.label))


def _role_holders(unit: Unit, role: Role) -> list[Seat]:
    """Holders of ``role`` granted in the unit, inside it, or in a unit that covers it."""
    rows = db.session.execute(
        select(User.id, User.display_name, Resident.real_name)
        .join(RoleGrant, RoleGrant.user_id == User.id).join(Unit, RoleGrant.unit_id == Unit.id)
        .outerjoin(Resident, Resident.user_id == User.id)
        .where(RoleGrant.role == role, User.active.is_(True),
               or_(Unit.path.startswith(unit.path), func.substr(unit.path, 1, func.length(Unit.path)) == Unit.path))
        .distinct().order_by(User.id))
    return [Seat(label=real or display, user_id=uid) for uid, display, real in rows]


def derive_electorate(assembly: Assembly, *, now: datetime | None = None) -> list[Seat]:
    """Who may vote, worked out from the unit, roles and households as of ``now``."""
    unit = assembly.matter.unit
    kind = assembly.electorate
    if kind == Electorate.adult_residents:
        day = local_date(now)
        rows = db.session.execute(
            select(Resident.user_id, Resident.real_name, Resident.birth_date, Unit.name, Household.label)
            .join(Household, Resident.household_id == Household.id).join(Unit, Household.building_id == Unit.id)
            .join(User, User.id == Resident.user_id)
            .where(Unit.path.startswith(unit.path), User.active.is_(True))
            .order_by(Unit.path, Household.label, Resident.id))
        return [Seat(label=f"{name}（{building} {label}）", user_id=uid)
                for uid, name, born, building, label in rows if may_vote_age(born, day)]
    if kind == Electorate.households:
        return [Seat(label=f"{building} {h.label}", household_id=h.id)
                for h, building in db.session.execute(_households_in(unit))]
    if kind == Electorate.owners:
        return [Seat(label=f"{building} {h.label}", household_id=h.id, area=area_units(h.floor_area))
                for h, building in db.session.execute(_households_in(unit))]
    role = Role.representative if kind == Electorate.representatives else Role.party_member
    return _role_holders(unit, role)


def open_voting(assembly: Assembly, *, actor: User, now: datetime | None = None) -> int:
    """Freeze the electorate and open attendance and voting. Returns the electorate's size."""
    matter = assembly.matter
    _committee(actor, matter)
    stage = stage_of(matter)
    _act(matter, stage.key if stage is not None else None, actor)
    if assembly.round != matter.round:
        raise ServiceError(_l("This assembly belongs to an earlier round of the matter."))
    now = now or utcnow()
    _lock_open(assembly, AssemblyStatus.convened)
    seats = derive_electorate(assembly, now=now)
    if not seats:
        raise ServiceError(_l("Nobody is eligible to vote in this assembly; check the electorate."))
    if assembly.closes_at is not None and assembly.closes_at <= now:
        raise ServiceError(_l("The closing time has already passed; convene the assembly again."))
    db.session.execute(Elector.__table__.insert(), [
        {"assembly_id": assembly.id, "user_id": s.user_id, "household_id": s.household_id,
         "label": s.label[:120], "area": s.area} for s in seats])
    db.session.execute(update(Assembly).where(Assembly.id == assembly.id).values(
        status=AssemblyStatus.voting, opened_at=now, opened_by_id=actor.id).execution_options(
        synchronize_session=False))
    db.session.refresh(assembly)
    note(matter, "voting_opened", actor, artefact=assembly, at=now)
    record(actor, "assembly.open", assembly, unit=matter.unit, detail=f"electorate={len(seats)}")
    return len(seats)


def close_if_due(assembly: Assembly, *, now: datetime | None = None, actor: User | None = None) -> bool:
    """Close the vote if its closing time has come (called on reading, by the clock command,
    and by a committee member closing late, who is then recorded). Returns whether this call
    closed it."""
    now = now or utcnow()
    if assembly.status != AssemblyStatus.voting or not voting_has_ended(assembly.status, assembly.closes_at, now):
        return False
    return _close(assembly, actor, now)


def cancel(assembly: Assembly, *, actor: User, reason: str, now: datetime | None = None) -> Assembly:
    """Call off an assembly before voting opens (it missed its time, or was convened in
    error), so that the stage can convene another. A vote that has opened must be closed."""
    _committee(actor, assembly.matter)
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_l("Say why the assembly is called off, for the record."))
    now = now or utcnow()
    _lock_open(assembly, AssemblyStatus.convened)
    db.session.execute(update(Assembly).where(Assembly.id == assembly.id).values(
        status=AssemblyStatus.cancelled, closed_at=now, closed_by_id=actor.id).execution_options(
        synchronize_session=False))
    db.session.refresh(assembly)
    note(assembly.matter, "assembly_cancelled", actor, artefact=assembly, stage=assembly.stage, reason=reason[:1000],
         at=now)
    record(actor, "assembly.cancel", assembly, unit=assembly.matter.unit, detail=reason)
    return assembly


def close_voting(assembly: Assembly, *, actor: User, now: datetime | None = None) -> Assembly:
    """The committee closes the vote now: the result is computed and frozen."""
    _committee(actor, assembly.matter)
    now = now or utcnow()
    if close_if_due(assembly, now=now, actor=actor):
        return assembly
    _close(assembly, actor, now)
    return assembly


@dataclass(frozen=True)
class Figures:
    electorate: int
    electorate_area: int
    attending: int
    participating_area: int
    votes: dict
    areas: dict


def count(assembly: Assembly) -> Figures:
    """The counts as they stand (the frozen result once closed comes from the assembly row)."""
    electorate, electorate_area = db.session.execute(
        select(func.count(Elector.id), func.coalesce(func.sum(Elector.area), 0))
        .where(Elector.assembly_id == assembly.id)).one()
    attending = db.session.scalar(select(func.count(Attendance.id)).where(Attendance.assembly_id == assembly.id))
    votes = {c: 0 for c in Choice}
    areas = {c: 0 for c in Choice}
    if assembly.secret:
        rows = db.session.execute(select(SecretBallot.choice, func.count(), literal(0))
                                  .where(SecretBallot.assembly_id == assembly.id).group_by(SecretBallot.choice))
    else:
        rows = db.session.execute(select(Ballot.choice, func.count(), func.coalesce(func.sum(Elector.area), 0))
                                  .join(Elector, Ballot.elector_id == Elector.id)
                                  .where(Ballot.assembly_id == assembly.id).group_by(Ballot.choice))
    for choice, n, area in rows:
        votes[Choice(choice)] = n
        areas[Choice(choice)] = int(area)
    return Figures(electorate=electorate, electorate_area=int(electorate_area), attending=attending,
                   participating_area=sum(areas.values()), votes=votes, areas=areas)


def decide(assembly: Assembly, figures: Figures) -> Outcome:
    """Apply the decision rule of the assembly's kind to the figures."""
    if assembly.kind == AssemblyKind.owners_vote:
        ballots = sum(figures.votes.values())
        return owners_decision(OwnersTally(
            total_owners=figures.electorate, total_area=figures.electorate_area,
            participating_owners=ballots, participating_area=figures.participating_area,
            for_owners=figures.votes[Choice.for_], for_area=figures.areas[Choice.for_]), major=assembly.major)
    return majority_of_attending(MeetingTally(
        electorate=figures.electorate, attending=figures.attending, votes_for=figures.votes[Choice.for_],
        votes_against=figures.votes[Choice.against], abstain=figures.votes[Choice.abstain]))


def _close(assembly: Assembly, actor: User | None, now: datetime) -> bool:
    """Close once (a guarded UPDATE), count, apply the rule and freeze the figures."""
    result = db.session.execute(
        update(Assembly).where(Assembly.id == assembly.id, Assembly.status == AssemblyStatus.voting)
        .values(status=AssemblyStatus.closed, closed_at=now, closed_by_id=actor.id if actor else None)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        db.session.refresh(assembly)
        raise ServiceError(_l("Voting is not open, so it cannot be closed."))
    if assembly.secret:
        _reshuffle_secret_ballots(assembly)
    figures = count(assembly)
    outcome = decide(assembly, figures)
    db.session.execute(update(Assembly).where(Assembly.id == assembly.id).values(
        electorate_count=figures.electorate, electorate_area=figures.electorate_area,
        attending=figures.attending, participating_area=figures.participating_area,
        votes_for=figures.votes[Choice.for_], votes_against=figures.votes[Choice.against],
        votes_abstain=figures.votes[Choice.abstain], for_area=figures.areas[Choice.for_],
        against_area=figures.areas[Choice.against], abstain_area=figures.areas[Choice.abstain],
        outcome=outcome).execution_options(synchronize_session=False))
    db.session.refresh(assembly)
    note(assembly.matter, "voting_closed", actor, artefact=assembly, stage=assembly.stage,
         reason=outcome.value, at=now)
    record(actor, "assembly.close", assembly, unit=assembly.matter.unit,
           detail=f"{outcome.value} electorate={figures.electorate} attending={figures.attending} "
                  f"for={figures.votes[Choice.for_]} against={figures.votes[Choice.against]} "
                  f"abstain={figures.votes[Choice.abstain]}")
    return True


def _reshuffle_secret_ballots(assembly: Assembly) -> None:
    """Write the secret ballots again, in receipt order, in the closing transaction. On
    PostgreSQL each row carries the id of the transaction that wrote it (``xmin``) and sits
    where it was appended (``ctid``); a ballot written in its voter's transaction could be
    joined to that voter's participation. After the close every ballot has the same writer
    and an order that says nothing (the old row versions go with the next VACUUM)."""
    rows = db.session.execute(select(SecretBallot.receipt, SecretBallot.choice)
                              .where(SecretBallot.assembly_id == assembly.id).order_by(SecretBallot.receipt)).all()
    db.session.execute(delete(SecretBallot).where(SecretBallot.assembly_id == assembly.id))
    if rows:
        db.session.execute(insert(SecretBallot), [{"receipt": r, "assembly_id": assembly.id, "choice": c}
                                                  for r, c in rows])


def close_due(now: datetime | None = None) -> int:
    """Close every vote whose closing time has passed (for cron). Returns how many."""
    now = now or utcnow()
    due = db.session.scalars(select(Assembly).where(Assembly.status == AssemblyStatus.voting,
                                                    Assembly.closes_at.is_not(None), Assembly.closes_at <= now))
    return sum(1 for a in list(due) if close_if_due(a, now=now))
