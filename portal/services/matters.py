"""Matters and their procedure: starting a matter, moving it through its template's stages,
and recording each stage's artefact (proposal, consult meeting, publication) in the dossier.

Every move goes through ``portal.domain.procedures.plan`` with the actor's roles in the
matter's unit and the facts the current stage has on record; nothing here decides on its own
whether a move is lawful.
"""
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from sqlalchemy import exists, select, update

from portal.domain.deliberation import (DEFAULT_NOTICE_DAYS, AssemblyStatus, MeetingOutcome, PublicationKind,
                                        SuggestionStatus, notice_end, notice_is_over)
from portal.domain.decisions import Outcome
from portal.domain.procedures import (DEFAULT_TEMPLATE, TEMPLATES, Fact, Move, ProcedureError, Refusal, StageKey,
                                      Template, check_act, current_stage, is_concluded, plan)
from portal.domain.units import UnitLevel
from portal.clock import local_date
from portal.extensions import db
from portal.labels import FACT_LABELS
from portal.models import (Assembly, ConsultMeeting, DossierEntry, Matter, Proposal, Publication, Suggestion, Unit,
                           User)
from portal.models.base import utcnow
from portal.permissions import can, facts_for
from portal.sanitize import is_blank, sanitize_html
from portal.services import PermissionDenied, ServiceError, disclosure
from portal.services.audit import record

CONCLUDED = "concluded"

REFUSALS = {
    Refusal.concluded: _l("This matter has finished its procedure; its dossier is closed."),
    Refusal.not_actor: _l("Your role cannot act at this stage of the matter."),
    Refusal.incomplete: _l("This stage is not complete yet."),
    Refusal.first_stage: _l("This is the first stage; there is nothing to send the matter back to."),
    Refusal.no_reason: _l("Say why the matter goes back, for the record."),
    Refusal.not_this_stage: _l("The matter is not at the stage for this."),
}



def refusal_error(err: ProcedureError) -> ServiceError:
    """The engine's refusal as a message for the user."""
    message = REFUSALS[err.refusal]
    if err.missing:
        missing = LazyString(lambda: "; ".join(str(FACT_LABELS[f]) for f in err.missing))
        message = _l("%(why)s Still to do: %(missing)s.", why=message, missing=missing)
    if err.refusal == Refusal.not_actor:
        return PermissionDenied(message)
    return ServiceError(message)


def template_of(matter: Matter) -> Template:
    return TEMPLATES[matter.procedure]


def stage_of(matter: Matter):
    return current_stage(template_of(matter), matter.position)


def roles_in(actor: User, matter: Matter) -> frozenset:
    return facts_for(actor, matter.unit).roles


def note(matter: Matter, kind: str, actor: User | None, *, reason: str = "", artefact=None,
         stage: str | None = None, to_stage: str | None = None, at: datetime | None = None) -> DossierEntry:
    """Add a line to the matter's dossier (案卷), dated ``at`` (now by default)."""
    entry = DossierEntry(matter_id=matter.id, kind=kind, stage=stage or matter.stage, to_stage=to_stage,
                         created_at=at or utcnow(),
                         actor_id=actor.id if actor is not None else None, reason=reason,
                         artefact_type=type(artefact).__tablename__ if artefact is not None else "",
                         artefact_id=getattr(artefact, "id", None))
    db.session.add(entry)
    return entry


def start_matter(unit: Unit, *, actor: User, title: str, summary: str = "", procedure: str = "",
                 secret_ballot: bool = False, major: bool = False, now: datetime | None = None) -> Matter:
    """Open a matter on ``unit`` at the first stage of its procedure template."""
    now = now or utcnow()
    if not can(actor, "start_matter", unit):
        raise PermissionDenied(_l("Only the committee or the party organisation can start a matter here."))
    procedure = procedure or DEFAULT_TEMPLATE
    template = TEMPLATES.get(procedure)
    if template is None:
        raise ServiceError(_l("Choose one of the procedures offered."))
    title = (title or "").strip()
    if not title:
        raise ServiceError(_l("Give the matter a title."))
    if len(title) > 120:
        raise ServiceError(_l("The title is too long."))
    first = template.stages[0]
    if not (first.actors & facts_for(actor, unit).roles):
        raise PermissionDenied(REFUSALS[Refusal.not_actor])
    if procedure == "owners":
        if unit.level not in (UnitLevel.compound, UnitLevel.building):
            raise ServiceError(_l("Owners decide matters of a compound or a building; choose one."))
        if secret_ballot:
            raise ServiceError(_l("Owners' votes are signed: each vote weighs the owner's floor area, "
                                  "which would reveal a secret ballot."))
    elif major:
        raise ServiceError(_l("Only owners' matters can be major matters."))
    matter = Matter(unit_id=unit.id, unit=unit, title=title, summary=(summary or "").strip()[:5000],
                    procedure=procedure, position=0, round=0, stage=first.key.value,
                    secret_ballot=secret_ballot, major=major, year=local_date(now).year, created_by_id=actor.id,
                    created_at=now)
    db.session.add(matter)
    db.session.flush()
    note(matter, "started", actor, at=now)
    record(actor, "matter.start", matter, unit=unit, detail=f"{procedure}: {title}")
    return matter


def stage_facts(matter: Matter, today: date) -> frozenset[Fact]:
    """What the matter's current stage has on record (only this round's artefacts count)."""
    facts = set()
    mid, rnd = matter.id, matter.round
    if db.session.scalar(select(exists().where(Suggestion.matter_id == mid,
                                               Suggestion.status == SuggestionStatus.accepted))):
        facts.add(Fact.suggestion)
    if db.session.scalar(select(exists().where(Proposal.matter_id == mid, Proposal.round == rnd))):
        facts.add(Fact.proposal)
    if db.session.scalar(select(exists().where(ConsultMeeting.matter_id == mid, ConsultMeeting.round == rnd,
                                               ConsultMeeting.outcome == MeetingOutcome.forward))):
        facts.add(Fact.meeting_forward)
    assembly = latest_assembly(matter)
    if assembly is not None and assembly.round == rnd and assembly.status == AssemblyStatus.closed:
        facts.add(Fact.result)
        if assembly.outcome == Outcome.passed:
            facts.add(Fact.result_passed)
    resolution = db.session.scalar(select(Publication).where(
        Publication.matter_id == mid, Publication.round == rnd, Publication.kind == PublicationKind.resolution)
        .order_by(Publication.id.desc()).limit(1))
    if resolution is not None:
        facts.add(Fact.publication)
        if notice_is_over(resolution.notice_ends_on, today):
            facts.add(Fact.notice_over)
    if db.session.scalar(select(exists().where(Publication.matter_id == mid, Publication.round == rnd,
                                               Publication.kind == PublicationKind.final))):
        facts.add(Fact.final_report)
    return frozenset(facts)


def latest_assembly(matter: Matter) -> Assembly | None:
    """The matter's latest assembly that was not called off."""
    return db.session.scalar(select(Assembly).where(Assembly.matter_id == matter.id,
                                                    Assembly.status != AssemblyStatus.cancelled)
                             .order_by(Assembly.id.desc()).limit(1))


def _call_off_convened(matter: Matter, actor: User, reason: str, now: datetime | None) -> None:
    """A matter sent back leaves its stage: an assembly convened there but not opened is
    called off with the same reason."""
    for assembly in db.session.scalars(select(Assembly).where(
            Assembly.matter_id == matter.id, Assembly.round == matter.round,
            Assembly.status == AssemblyStatus.convened)).all():
        assembly.status = AssemblyStatus.cancelled
        assembly.closed_at = now or utcnow()
        assembly.closed_by_id = actor.id
        note(matter, "assembly_cancelled", actor, artefact=assembly, stage=assembly.stage, reason=reason.strip(),
             at=now)


def stage_artefact(matter: Matter):
    """The latest thing the current stage recorded in this round (proposal, meeting,
    assembly, publication), for the dossier line of the move that leaves it."""
    for model in (Publication, Assembly, ConsultMeeting, Proposal):
        found = db.session.scalar(select(model).where(model.matter_id == matter.id, model.round == matter.round)
                                  .order_by(model.id.desc()).limit(1))
        if found is not None:
            return found
    return None


def _apply(matter: Matter, move: Move, actor: User, *, today: date, reason: str = "", artefact=None,
           now: datetime | None = None) -> Matter:
    """Ask the engine, then move the matter — guarded by its old position and round, so two
    committee members clicking together move it once."""
    template = template_of(matter)
    if move == Move.send_back and db.session.scalar(select(Assembly.id).where(
            Assembly.matter_id == matter.id, Assembly.round == matter.round,
            Assembly.status == AssemblyStatus.voting)) is not None:
        raise ServiceError(_l("A vote of this stage is open: close it before sending the matter back."))
    if move == Move.send_back:
        _call_off_convened(matter, actor, reason, now)
    if artefact is None:
        artefact = stage_artefact(matter)
    try:
        position = plan(template, matter.position, move, roles_in(actor, matter),
                        stage_facts(matter, today), reason)
    except ProcedureError as err:
        raise refusal_error(err) from None
    from_stage = matter.stage
    to_stage = CONCLUDED if is_concluded(template, position) else template.stages[position].key.value
    values = {"position": position, "stage": to_stage, "round": matter.round + 1}
    if to_stage == CONCLUDED:
        values["concluded_at"] = now or utcnow()
    result = db.session.execute(
        update(Matter).where(Matter.id == matter.id, Matter.position == matter.position,
                             Matter.round == matter.round)
        .values(**values).execution_options(synchronize_session=False))
    db.session.refresh(matter)
    if result.rowcount != 1:
        raise ServiceError(_l("Someone else has just moved this matter; look at it again."))
    note(matter, move.value, actor, reason=reason.strip(), artefact=artefact, stage=from_stage, to_stage=to_stage,
         at=now)
    record(actor, f"matter.{move.value}", matter, unit=matter.unit, detail=f"{from_stage}->{to_stage} {reason}")
    return matter


def advance(matter: Matter, *, actor: User, today: date, now: datetime | None = None) -> Matter:
    """The current stage's record is complete: move on (or conclude after the last stage)."""
    return _apply(matter, Move.advance, actor, today=today, now=now)


def send_back(matter: Matter, *, actor: User, reason: str, today: date, now: datetime | None = None) -> Matter:
    """退回修改: back exactly one stage, with the reason on record."""
    return _apply(matter, Move.send_back, actor, today=today, reason=reason or "", now=now)


def _act(matter: Matter, stage: StageKey, actor: User, actors=None):
    try:
        return check_act(template_of(matter), matter.position, stage, roles_in(actor, matter), actors)
    except ProcedureError as err:
        raise refusal_error(err) from None


def write_proposal(matter: Matter, *, actor: User, body_html: str, answers: list[Suggestion],
                   now: datetime | None = None) -> Proposal:
    """提议: the proposal text (sanitised), linked to the suggestions it answers."""
    _act(matter, StageKey.propose, actor)
    body = sanitize_html(body_html or "")
    if is_blank(body):
        raise ServiceError(_l("Write the proposal."))
    if len(body) > 20000:
        raise ServiceError(_l("The proposal is too long."))
    if any(s.matter_id != matter.id for s in answers):
        raise ServiceError(_l("A proposal can only answer suggestions taken into this matter."))
    now = now or utcnow()
    proposal = Proposal(matter_id=matter.id, round=matter.round, body_html=body, author_id=actor.id,
                        answers=list(answers), created_at=now)
    db.session.add(proposal)
    db.session.flush()
    note(matter, "proposal", actor, artefact=proposal, at=now)
    record(actor, "matter.proposal", matter, unit=matter.unit, detail=f"proposal={proposal.id}")
    return proposal


def record_meeting(matter: Matter, *, actor: User, held_on: date, place: str, attendees: str,
                   minutes_html: str, opinions: str, outcome: MeetingOutcome, today: date,
                   now: datetime | None = None) -> ConsultMeeting:
    """商议: record the joint meeting; its outcome forwards the matter or sends it back."""
    _act(matter, StageKey.consult, actor)
    if held_on > today:
        raise ServiceError(_l("Record a meeting after it has been held: the date is in the future."))
    place, attendees = (place or "").strip(), (attendees or "").strip()
    if not place or not attendees:
        raise ServiceError(_l("Record where the meeting was held and who attended."))
    minutes = sanitize_html(minutes_html or "")
    if is_blank(minutes):
        raise ServiceError(_l("Record the minutes of the meeting."))
    opinions = (opinions or "").strip()
    if outcome == MeetingOutcome.send_back and not opinions:
        raise ServiceError(_l("Say why the meeting sends the matter back, in the opinions."))
    meeting = ConsultMeeting(matter_id=matter.id, round=matter.round, held_on=held_on, place=place[:120],
                             attendees=attendees[:2000], minutes_html=minutes, opinions=opinions[:5000],
                             outcome=outcome, recorded_by_id=actor.id, created_at=now or utcnow())
    db.session.add(meeting)
    db.session.flush()
    note(matter, "meeting", actor, artefact=meeting, at=now)
    if outcome == MeetingOutcome.forward:
        _apply(matter, Move.advance, actor, today=today, artefact=meeting, now=now)
    else:
        _apply(matter, Move.send_back, actor, today=today, reason=opinions, artefact=meeting, now=now)
    return meeting


def publish(matter: Matter, *, actor: User, kind: PublicationKind, title: str, body_html: str, today: date,
            progress: int | None = None, notice_days: int = DEFAULT_NOTICE_DAYS,
            now: datetime | None = None) -> Publication:
    """决议公开 / 实施结果公开: publish the resolution (with its notice period), a progress
    update, or the final report, at the stage they belong to."""
    stage = StageKey.disclose_resolution if kind == PublicationKind.resolution else StageKey.disclose_results
    _act(matter, stage, actor)
    title = (title or "").strip()
    if not title or len(title) > 120:
        raise ServiceError(_l("Give the publication a title of at most 120 characters."))
    body = sanitize_html(body_html or "")
    if is_blank(body):
        raise ServiceError(_l("Write what is being published."))
    notice_ends_on = None
    if kind == PublicationKind.resolution:
        if not 1 <= notice_days <= 90:
            raise ServiceError(_l("A notice period lasts between 1 and 90 days."))
        notice_ends_on = notice_end(today, notice_days)
    if kind == PublicationKind.progress:
        if progress is None or not 0 <= progress <= 100:
            raise ServiceError(_l("Progress is a percentage from 0 to 100."))
    elif kind == PublicationKind.final:
        progress = 100
    else:
        progress = None
    publication = Publication(matter_id=matter.id, round=matter.round, stage=stage.value, kind=kind,
                              title=title, body_html=body, progress=progress, published_on=today,
                              notice_ends_on=notice_ends_on, published_by_id=actor.id,
                              published_at=now or utcnow())
    db.session.add(publication)
    db.session.flush()
    note(matter, f"publication_{kind.value}", actor, artefact=publication, at=now)
    # Stages 5 and 6 go on the community's 居务公开 board (with the vote's frozen figures).
    decided_by = latest_assembly(matter) if kind == PublicationKind.resolution else None
    disclosure.publish_for_matter(publication, matter, actor=actor, assembly=decided_by, now=now)
    record(actor, f"matter.publish_{kind.value}", matter, unit=matter.unit, detail=title)
    return publication

