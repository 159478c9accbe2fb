"""Read-side queries for the deliberation pages; each list is a fixed number of statements."""
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from portal.domain.deliberation import SuggestionStatus
from portal.domain.procedures import StageKey
from portal.extensions import db
from portal.models import (Assembly, Attendance, Ballot, ConsultMeeting, DossierEntry, Elector, Matter, Proposal,
                           Publication, Second, SecretParticipation, Solicitation, Suggestion, Unit)


def matters_in(unit: Unit, *, stage: str | None = None, year: int | None = None):
    """Matters of ``unit`` and the units below it, newest first."""
    stmt = (select(Matter).join(Unit, Matter.unit_id == Unit.id).options(joinedload(Matter.unit))
            .where(Unit.path.startswith(unit.path)).order_by(Matter.created_at.desc(), Matter.id.desc()))
    if stage:
        stmt = stmt.where(Matter.stage == stage)
    if year:
        stmt = stmt.where(Matter.year == year)
    return stmt


def years_in(unit: Unit) -> list[int]:
    return list(db.session.scalars(
        select(Matter.year).join(Unit, Matter.unit_id == Unit.id).where(Unit.path.startswith(unit.path))
        .distinct().order_by(Matter.year.desc())))


def solicitations_in(unit: Unit) -> list[Solicitation]:
    """Windows of the unit and of the units above it (a community's window is open to all its
    compounds), newest first."""
    return list(db.session.scalars(
        select(Solicitation).join(Unit, Solicitation.unit_id == Unit.id).options(joinedload(Solicitation.unit))
        .where(Unit.id.in_(unit.ancestor_ids)).order_by(Solicitation.closes_at.desc())))


def suggestions_in(window: Solicitation):
    """The window's suggestions with their number of seconds, most seconded first."""
    seconds = (select(Second.suggestion_id, func.count().label("n")).group_by(Second.suggestion_id).subquery())
    return (select(Suggestion, func.coalesce(seconds.c.n, 0))
            .outerjoin(seconds, seconds.c.suggestion_id == Suggestion.id)
            .options(joinedload(Suggestion.author), joinedload(Suggestion.matter))
            .where(Suggestion.solicitation_id == window.id, Suggestion.status != SuggestionStatus.withdrawn)
            .order_by(func.coalesce(seconds.c.n, 0).desc(), Suggestion.id))


def seconded_by(user, suggestion_ids: list[int]) -> set[int]:
    if not getattr(user, "is_authenticated", False) or not suggestion_ids:
        return set()
    return set(db.session.scalars(select(Second.suggestion_id).where(
        Second.user_id == user.id, Second.suggestion_id.in_(suggestion_ids))))


def collecting_matters(unit: Unit) -> list[Matter]:
    """Matters still at the solicit stage, which a suggestion can be merged into."""
    return list(db.session.scalars(select(Matter).join(Unit, Matter.unit_id == Unit.id).where(
        Unit.path.startswith(unit.path), Matter.stage == StageKey.solicit.value).order_by(Matter.id)))


def suggestions_of(user):
    return (select(Suggestion).options(joinedload(Suggestion.solicitation).joinedload(Solicitation.unit),
                                       joinedload(Suggestion.matter))
            .where(Suggestion.author_id == user.id).order_by(Suggestion.id.desc()))


def dossier(matter: Matter) -> dict:
    """Everything on a matter's record, by kind, in a fixed number of queries."""
    return {
        "entries": list(db.session.scalars(select(DossierEntry).options(joinedload(DossierEntry.actor))
                                           .where(DossierEntry.matter_id == matter.id).order_by(DossierEntry.id))),
        "suggestions": list(db.session.scalars(select(Suggestion).options(joinedload(Suggestion.author))
                                               .where(Suggestion.matter_id == matter.id).order_by(Suggestion.id))),
        "proposals": list(db.session.scalars(select(Proposal).options(joinedload(Proposal.author),
                                                                      selectinload(Proposal.answers))
                                             .where(Proposal.matter_id == matter.id).order_by(Proposal.id))),
        "meetings": list(db.session.scalars(select(ConsultMeeting).where(ConsultMeeting.matter_id == matter.id)
                                            .order_by(ConsultMeeting.id))),
        "assemblies": list(db.session.scalars(select(Assembly).where(Assembly.matter_id == matter.id)
                                              .order_by(Assembly.id))),
        "publications": list(db.session.scalars(select(Publication).where(Publication.matter_id == matter.id)
                                                .order_by(Publication.id))),
    }


def electors_of(assembly: Assembly):
    """The frozen electorate, in the order it was frozen."""
    return select(Elector).where(Elector.assembly_id == assembly.id).order_by(Elector.id)


def seat_rows(assembly: Assembly, electors: list[Elector]) -> list[tuple]:
    """(elector, presence, voted, choice) for each seat: whether it voted, and how only when
    the vote is open — a secret vote has no choice to show. Two queries for any page."""
    ids = [e.id for e in electors]
    if not ids:
        return []
    presence = dict(db.session.execute(select(Attendance.elector_id, Attendance.presence).where(
        Attendance.assembly_id == assembly.id, Attendance.elector_id.in_(ids))).all())
    if assembly.secret:
        voted = {i: None for i in db.session.scalars(select(SecretParticipation.elector_id).where(
            SecretParticipation.assembly_id == assembly.id, SecretParticipation.elector_id.in_(ids)))}
    else:
        voted = dict(db.session.execute(select(Ballot.elector_id, Ballot.choice).where(
            Ballot.assembly_id == assembly.id, Ballot.elector_id.in_(ids))).all())
    return [(e, presence.get(e.id), e.id in voted, voted.get(e.id)) for e in electors]
