"""The smaller life cycles of deliberation: suggestions, assemblies and ballots.

The procedure itself (stages and moves) lives in ``portal.domain.procedures``; the counting
rules in ``portal.domain.decisions``. This module holds the states of the things a stage
records, and the pure rules about them.
"""
from datetime import date, datetime, timedelta
from enum import StrEnum

from portal.domain.residents import is_adult


class SuggestionStatus(StrEnum):
    submitted = "submitted"  # waiting for the committee
    accepted = "accepted"    # taken into a matter
    declined = "declined"    # declined with a public reason
    withdrawn = "withdrawn"  # taken back by the suggester before triage


# A suggestion is triaged once; only a submitted one can change state.
SUGGESTION_MOVES: dict[SuggestionStatus, frozenset[SuggestionStatus]] = {
    SuggestionStatus.submitted: frozenset({SuggestionStatus.accepted, SuggestionStatus.declined,
                                           SuggestionStatus.withdrawn}),
    SuggestionStatus.accepted: frozenset(),
    SuggestionStatus.declined: frozenset(),
    SuggestionStatus.withdrawn: frozenset(),
}


def can_move_suggestion(current: SuggestionStatus, target: SuggestionStatus) -> bool:
    return target in SUGGESTION_MOVES[current]


def window_is_open(opens_at: datetime, closes_at: datetime, now: datetime) -> bool:
    """A solicitation window accepts suggestions from its opening up to (not at) its close."""
    return opens_at <= now < closes_at


class MeetingOutcome(StrEnum):
    forward = "forward"      # 提交决议
    send_back = "send_back"  # 退回修改


class AssemblyStatus(StrEnum):
    convened = "convened"  # called, electorate not yet frozen
    voting = "voting"      # electorate frozen, attendance and ballots accepted
    closed = "closed"      # result computed and frozen
    cancelled = "cancelled"  # called off before voting opened (e.g. it missed its time)


class Choice(StrEnum):
    for_ = "for"          # 赞成
    against = "against"   # 反对
    abstain = "abstain"   # 弃权


class Presence(StrEnum):
    online = "online"    # the voter checked in on the portal
    in_hall = "in_hall"  # the committee recorded them present (a paper ballot, if any)


def voting_has_ended(status: AssemblyStatus, closes_at: datetime | None, now: datetime) -> bool:
    """Voting is over once the assembly is closed, or at its closing time (the close itself
    may still be pending until someone reads or the clock command runs)."""
    if status == AssemblyStatus.closed:
        return True
    return status == AssemblyStatus.voting and closes_at is not None and now >= closes_at


def may_vote_age(birth_date: date, freeze_day: date) -> bool:
    """Only adults vote in a residents' meeting; age is taken on the day the electorate froze."""
    return is_adult(birth_date, freeze_day)


class PublicationKind(StrEnum):
    resolution = "resolution"  # 决议公开, with a notice period
    progress = "progress"      # 实施进度
    final = "final"            # 实施结果 (final report)


DEFAULT_NOTICE_DAYS = 7


def notice_end(published_on: date, days: int = DEFAULT_NOTICE_DAYS) -> date:
    """The last day of a notice period (公示期) of ``days`` days that starts on the day of
    publication: published on the 1st with 7 days, the notice runs to the 7th inclusive."""
    if days < 1:
        raise ValueError("a notice period lasts at least one day")
    return published_on + timedelta(days=days - 1)


def notice_is_over(notice_ends_on: date, today: date) -> bool:
    """The notice period is over the day after its last day."""
    return today > notice_ends_on
