"""征: solicitation windows, suggestions (金点子), seconds (附议) and the committee's triage."""
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from portal.domain.deliberation import SuggestionStatus, window_is_open
from portal.domain.procedures import StageKey
from portal.extensions import db
from portal.models import Matter, Second, Solicitation, Suggestion, Unit, User
from portal.models.base import utcnow
from portal.permissions import can
from portal.services import PermissionDenied, ServiceError
from portal.services.audit import record
from portal.services.matters import note, start_matter

TITLE_MAX = 120
BODY_MAX = 5000


def _text(value: str, *, empty, too_long, limit: int) -> str:
    value = (value or "").strip()
    if not value:
        raise ServiceError(empty)
    if len(value) > limit:
        raise ServiceError(too_long)
    return value


def open_solicitation(unit: Unit, *, actor: User, title: str, description: str, opens_at: datetime,
                      closes_at: datetime, now: datetime | None = None) -> Solicitation:
    """The committee opens a window for suggestions on its unit."""
    if not can(actor, "run_procedure", unit):
        raise PermissionDenied(_l("Only the committee of this unit can open a solicitation."))
    title = _text(title, empty=_l("Give the solicitation a title."),
                  too_long=_l("The title is too long."), limit=TITLE_MAX)
    if closes_at <= opens_at:
        raise ServiceError(_l("The window must close after it opens."))
    if closes_at <= (now or utcnow()):
        raise ServiceError(_l("The closing time is already past."))
    window = Solicitation(unit_id=unit.id, title=title, description=(description or "").strip()[:BODY_MAX],
                          opens_at=opens_at, closes_at=closes_at, created_by_id=actor.id, created_at=now or utcnow())
    db.session.add(window)
    db.session.flush()
    record(actor, "solicitation.open", window, unit=unit, detail=title)
    return window


def submit_suggestion(window: Solicitation, *, actor: User, title: str, body: str,
                      now: datetime | None = None) -> Suggestion:
    """A verified resident of the unit sends a suggestion while the window is open."""
    if not can(actor, "submit_suggestion", window.unit):
        raise PermissionDenied(_l("Only verified residents of %(unit)s can send suggestions here.",
                                  unit=window.unit.name))
    now = now or utcnow()
    if not window_is_open(window.opens_at, window.closes_at, now):
        raise ServiceError(_l("This solicitation is not open for suggestions."))
    title = _text(title, empty=_l("Give your suggestion a title."), too_long=_l("The title is too long."),
                  limit=TITLE_MAX)
    body = _text(body, empty=_l("Describe your suggestion."), too_long=_l("The description is too long."),
                 limit=BODY_MAX)
    suggestion = Suggestion(solicitation_id=window.id, author_id=actor.id, title=title, body=body, created_at=now)
    db.session.add(suggestion)
    db.session.flush()
    record(actor, "suggestion.submit", suggestion, unit=window.unit)
    return suggestion


def _check_seconding(suggestion: Suggestion, actor: User, now: datetime) -> None:
    window = suggestion.solicitation
    if not can(actor, "second_suggestion", window.unit):
        raise PermissionDenied(_l("Only verified residents of %(unit)s can second suggestions here.",
                                  unit=window.unit.name))
    if suggestion.status != SuggestionStatus.submitted:
        raise ServiceError(_l("The committee has already dealt with this suggestion."))
    if not window_is_open(window.opens_at, window.closes_at, now):
        raise ServiceError(_l("This solicitation is closed."))


def second(suggestion: Suggestion, *, actor: User, now: datetime | None = None) -> Second:
    """附议: a resident supports someone else's suggestion, once."""
    now = now or utcnow()
    _check_seconding(suggestion, actor, now)
    if suggestion.author_id == actor.id:
        raise ServiceError(_l("You cannot second your own suggestion."))
    row = Second(suggestion_id=suggestion.id, user_id=actor.id, created_at=now)
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        raise ServiceError(_l("You have already seconded this suggestion.")) from None
    record(actor, "suggestion.second", suggestion, unit=suggestion.solicitation.unit)
    return row


def withdraw_second(suggestion: Suggestion, *, actor: User, now: datetime | None = None) -> None:
    """Take back one's second while the suggestion still waits."""
    _check_seconding(suggestion, actor, now or utcnow())
    result = db.session.execute(delete(Second).where(Second.suggestion_id == suggestion.id,
                                                     Second.user_id == actor.id))
    if result.rowcount != 1:
        raise ServiceError(_l("You have not seconded this suggestion."))
    record(actor, "suggestion.unsecond", suggestion, unit=suggestion.solicitation.unit)


def seconds_of(suggestion: Suggestion) -> int:
    return db.session.scalar(select(func.count()).select_from(Second).where(Second.suggestion_id == suggestion.id))


def has_seconded(suggestion: Suggestion, user: User) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return db.session.scalar(select(Second.id).where(Second.suggestion_id == suggestion.id,
                                                     Second.user_id == user.id)) is not None


def _settle(suggestion: Suggestion, status: SuggestionStatus, actor: User, *, reason: str = "",
            matter: Matter | None = None, now: datetime | None = None) -> None:
    """Leave ``submitted`` exactly once, however many clicks arrive together."""
    result = db.session.execute(
        update(Suggestion)
        .where(Suggestion.id == suggestion.id, Suggestion.status == SuggestionStatus.submitted)
        .values(status=status, reason=reason, decided_by_id=actor.id, decided_at=now or utcnow(),
                matter_id=matter.id if matter is not None else None)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(suggestion)
    if result.rowcount != 1:
        raise ServiceError(_l("This suggestion has already been dealt with."))


def withdraw_suggestion(suggestion: Suggestion, *, actor: User, now: datetime | None = None) -> None:
    """The suggester takes back a suggestion the committee has not yet dealt with."""
    if suggestion.author_id != actor.id:
        raise PermissionDenied(_l("Only the suggester can withdraw a suggestion."))
    _settle(suggestion, SuggestionStatus.withdrawn, actor, now=now)
    record(actor, "suggestion.withdraw", suggestion, unit=suggestion.solicitation.unit)


def decline_suggestion(suggestion: Suggestion, *, actor: User, reason: str, now: datetime | None = None) -> None:
    """The committee declines a suggestion with a public reason the suggester is shown."""
    unit = suggestion.solicitation.unit
    if not can(actor, "run_procedure", unit):
        raise PermissionDenied(_l("Only the committee of this unit can deal with its suggestions."))
    reason = _text(reason, empty=_l("Give a reason: residents will see it."),
                   too_long=_l("The reason is too long."), limit=1000)
    _settle(suggestion, SuggestionStatus.declined, actor, reason=reason, now=now)
    record(actor, "suggestion.decline", suggestion, unit=unit, detail=reason)


def accept_suggestion(suggestion: Suggestion, *, actor: User, matter: Matter | None = None,
                      title: str = "", procedure: str = "", secret_ballot: bool = False,
                      major: bool = False, now: datetime | None = None) -> Matter:
    """The committee takes a suggestion into a matter: a new one (``title``, ``procedure``),
    or an existing matter still collecting suggestions, so several suggestions merge."""
    window = suggestion.solicitation
    unit = window.unit
    if not can(actor, "run_procedure", unit):
        raise PermissionDenied(_l("Only the committee of this unit can deal with its suggestions."))
    if matter is None:
        matter = start_matter(unit, actor=actor, title=title or suggestion.title,
                              summary=suggestion.body, procedure=procedure, secret_ballot=secret_ballot,
                              major=major, now=now)
    else:
        if matter.stage != StageKey.solicit.value:
            raise ServiceError(_l("Suggestions can only be merged into a matter that is still collecting them."))
        if not unit.contains(matter.unit) and not matter.unit.contains(unit):
            raise ServiceError(_l("That matter belongs to another unit."))
    _settle(suggestion, SuggestionStatus.accepted, actor, matter=matter, now=now)
    note(matter, "suggestion_accepted", actor, artefact=suggestion, at=now)
    record(actor, "suggestion.accept", suggestion, unit=unit, detail=f"matter={matter.id}")
    return matter
