"""征: solicitation windows, suggestions, seconds and the committee's triage, through the services."""
import re
from datetime import timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from portal.domain.deliberation import SuggestionStatus
from portal.extensions import db
from portal.models import (
    AuditEntry,
    DossierEntry,
    Matter,
    Second,
    Solicitation,
    Suggestion,
)
from portal.models.base import utcnow
from portal.services import PermissionDenied, ServiceError, matters, suggestions

# ---------------------------------------------------------------------------- helpers

def english(excinfo) -> str:
    """The refusal's message in English (the msgid), whatever the default locale."""
    with force_locale("en"):
        return str(excinfo.value.message)


def rows(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def audit(action: str, obj=None) -> list[AuditEntry]:
    query = select(AuditEntry).where(AuditEntry.action == action)
    if obj is not None:
        query = query.where(AuditEntry.object_id == obj.id)
    return list(db.session.scalars(query.order_by(AuditEntry.id)))


def open_window(world, unit=None, *, opens_at=None, closes_at=None) -> Solicitation:
    now = utcnow()
    return suggestions.open_solicitation(
        unit or world.community, actor=world.committee, title="四季度金点子", description="说明",
        opens_at=opens_at or now - timedelta(hours=1), closes_at=closes_at or now + timedelta(days=10))


def submit(window, user, title="加装充电桩", body="电动车充电难", **kw) -> Suggestion:
    return suggestions.submit_suggestion(window, actor=user, title=title, body=body, **kw)


@pytest.fixture
def window(world):
    return open_window(world)


@pytest.fixture
def idea(world, window):
    """A suggestion by the resident, waiting for the committee."""
    return submit(window, world.resident)


# ---------------------------------------------------------------------------- open_solicitation

def test_committee_opens_a_solicitation(world):
    """The committee's window is stored with its times, author and an audit row."""
    now = utcnow()
    window = open_window(world, opens_at=now, closes_at=now + timedelta(days=3))
    db.session.commit()
    assert (window.unit_id, window.title, window.created_by_id) == (world.community.id, "四季度金点子",
                                                                    world.committee.id)
    assert window.opens_at == now and window.closes_at == now + timedelta(days=3)
    [entry] = audit("solicitation.open", window)
    assert entry.actor_id == world.committee.id and entry.unit_id == world.community.id


NOT_COMMITTEE = ["party_org", "resident", "other_committee", "grid_worker", "representative", "partner", "admin",
                 "newcomer"]


def test_only_the_committee_opens_a_solicitation(world):
    """Anyone but the unit's committee is refused with PermissionDenied and nothing is written."""
    before = rows(Solicitation), rows(AuditEntry)
    now = utcnow()
    outcome = {}
    for who in NOT_COMMITTEE:
        try:
            suggestions.open_solicitation(world.community, actor=getattr(world, who), title="金点子", description="",
                                          opens_at=now, closes_at=now + timedelta(days=1))
            outcome[who] = "opened"
        except PermissionDenied:
            outcome[who] = "denied"
    assert outcome == dict.fromkeys(NOT_COMMITTEE, "denied")
    assert (rows(Solicitation), rows(AuditEntry)) == before


BAD_WINDOWS = [  # title, opens (hours from now), closes (hours from now), expected message
    ("金点子", 0, 0, "close after it opens"),           # closes_at == opens_at
    ("金点子", 0, -1, "close after it opens"),          # closes before it opens
    ("金点子", -48, -24, "already past"),               # the whole window in the past
    ("金点子", -48, 0, "already past"),                 # closes exactly now
    ("", 0, 24, "title"),
    ("   ", 0, 24, "title"),
    ("长" * 121, 0, 24, "too long"),
]


def test_bad_solicitation_is_refused_and_writes_nothing(world):
    """Bad times and titles are refused with a clear message (not a permission error); nothing is written."""
    now = utcnow()
    before = rows(Solicitation), rows(AuditEntry)
    for title, opens, closes, expected in BAD_WINDOWS:
        with pytest.raises(ServiceError) as err:
            suggestions.open_solicitation(world.community, actor=world.committee, title=title, description="",
                                          opens_at=now + timedelta(hours=opens),
                                          closes_at=now + timedelta(hours=closes), now=now)
        assert not isinstance(err.value, PermissionDenied)
        assert expected in english(err), (title, opens, closes)
    assert (rows(Solicitation), rows(AuditEntry)) == before


def test_title_of_exactly_the_limit_is_accepted(world):
    """120 characters is the longest title allowed."""
    now = utcnow()
    window = suggestions.open_solicitation(world.community, actor=world.committee, title="长" * 120,
                                           description="", opens_at=now, closes_at=now + timedelta(days=1))
    assert len(window.title) == 120


# ---------------------------------------------------------------------------- submit_suggestion

def test_resident_submits_a_suggestion(world, window):
    """A verified resident of the unit sends a suggestion; it waits for the committee."""
    idea = submit(window, world.resident, title="  加装充电桩 ", body=" 电动车充电难 ")
    db.session.commit()
    assert (idea.title, idea.body, idea.status, idea.author_id) == ("加装充电桩", "电动车充电难",
                                                                    SuggestionStatus.submitted, world.resident.id)
    assert idea.matter_id is None and idea.solicitation_id == window.id
    assert [e.actor_id for e in audit("suggestion.submit", idea)] == [world.resident.id]


def test_resident_of_a_subunit_submits_to_the_community(world, window):
    """The representative is also a verified resident of the community: they may submit too."""
    assert submit(window, world.representative).author_id == world.representative.id


NOT_RESIDENTS = ["newcomer", "other_resident", "committee", "party_org", "grid_worker", "partner", "admin",
                 "other_committee"]


def test_only_verified_residents_of_the_unit_submit(world, window):
    """Unverified, other-community and role holders without a residence are refused."""
    for who in NOT_RESIDENTS:
        with pytest.raises(PermissionDenied) as err:
            submit(window, getattr(world, who))
        assert "verified residents" in english(err), who
    assert rows(Suggestion) == 0 and audit("suggestion.submit") == []


def test_window_boundaries_for_submitting(world):
    """The window is [opens, closes): before opening and at the close refused, a second before accepted."""
    now = utcnow()
    window = open_window(world, opens_at=now + timedelta(hours=1), closes_at=now + timedelta(days=1))
    with pytest.raises(ServiceError) as err:
        submit(window, world.resident)  # not open yet
    assert "not open" in english(err)
    with pytest.raises(ServiceError):
        submit(window, world.resident, now=window.opens_at - timedelta(microseconds=1))
    with pytest.raises(ServiceError) as err:
        submit(window, world.resident, now=window.closes_at)
    assert "not open" in english(err)
    assert rows(Suggestion) == 0
    first = submit(window, world.resident, now=window.opens_at)
    last = submit(window, world.resident, title="第二条", now=window.closes_at - timedelta(seconds=1))
    assert rows(Suggestion, Suggestion.solicitation_id == window.id) == 2
    assert first.status == last.status == SuggestionStatus.submitted


BAD_TEXTS = [
    ("", "内容", "title"),
    ("  ", "内容", "title"),
    ("标题", "", "Describe"),
    ("标题", " \n ", "Describe"),
    ("长" * 121, "内容", "title is too long"),
    ("标题", "长" * 5001, "description is too long"),
]


def test_bad_suggestion_text_is_refused(world, window):
    """Empty or overlong titles and bodies are refused; nothing is stored."""
    for title, body, expected in BAD_TEXTS:
        with pytest.raises(ServiceError) as err:
            submit(window, world.resident, title=title, body=body)
        assert expected in english(err), (title[:5], body[:5])
    assert rows(Suggestion) == 0


def test_longest_suggestion_is_accepted(world, window):
    """A title of 120 and a body of 5000 characters are the limits, inclusive."""
    idea = submit(window, world.resident, title="长" * 120, body="长" * 5000)
    assert (len(idea.title), len(idea.body)) == (120, 5000)


# ---------------------------------------------------------------------------- seconds

def test_second_once_and_withdraw(world, idea):
    """A resident seconds once; a second attempt is refused; withdrawing then seconding again works."""
    suggestions.second(idea, actor=world.representative)
    assert suggestions.seconds_of(idea) == 1 and suggestions.has_seconded(idea, world.representative)
    with pytest.raises(ServiceError) as err:
        suggestions.second(idea, actor=world.representative)
    assert "already" in english(err)
    assert suggestions.seconds_of(idea) == 1
    suggestions.withdraw_second(idea, actor=world.representative)
    assert suggestions.seconds_of(idea) == 0 and not suggestions.has_seconded(idea, world.representative)
    suggestions.second(idea, actor=world.representative)
    db.session.commit()
    assert rows(Second, Second.suggestion_id == idea.id) == 1
    assert [e.action for e in db.session.scalars(
        select(AuditEntry).where(AuditEntry.action.like("suggestion.%second"), AuditEntry.object_id == idea.id)
        .order_by(AuditEntry.id))] == ["suggestion.second", "suggestion.unsecond", "suggestion.second"]


def test_refusals_speak_chinese_by_default(world, idea):
    """Without a chosen locale a refusal reads in Simplified Chinese."""
    suggestions.second(idea, actor=world.representative)
    with pytest.raises(ServiceError) as err:
        suggestions.second(idea, actor=world.representative)
    assert re.search("[\u4e00-\u9fff]", str(err.value.message)) and "附议" in str(err.value.message)


def test_withdraw_without_a_second_is_refused(world, idea):
    """Withdrawing a second one never gave is refused and writes no audit row."""
    with pytest.raises(ServiceError) as err:
        suggestions.withdraw_second(idea, actor=world.representative)
    assert "not seconded" in english(err)
    assert audit("suggestion.unsecond") == []


def test_cannot_second_own_suggestion(world, idea):
    """The author's own support does not count twice."""
    with pytest.raises(ServiceError) as err:
        suggestions.second(idea, actor=world.resident)
    assert "own suggestion" in english(err)
    assert suggestions.seconds_of(idea) == 0


def test_non_residents_cannot_second(world, idea):
    """Seconding and withdrawing belong to verified residents of the unit."""
    for who in NOT_RESIDENTS:
        with pytest.raises(PermissionDenied):
            suggestions.second(idea, actor=getattr(world, who))
        with pytest.raises(PermissionDenied):
            suggestions.withdraw_second(idea, actor=getattr(world, who))
    assert suggestions.seconds_of(idea) == 0


@pytest.mark.parametrize("settle", ["accept", "decline", "withdraw"])
def test_no_seconding_after_triage(world, idea, settle):
    """Once the suggestion left ``submitted``, seconds can neither be given nor taken back."""
    suggestions.second(idea, actor=world.representative)
    if settle == "accept":
        suggestions.accept_suggestion(idea, actor=world.committee, title="充电桩", procedure="yizheng_sanyi")
    elif settle == "decline":
        suggestions.decline_suggestion(idea, actor=world.committee, reason="不在本社区职责范围")
    else:
        suggestions.withdraw_suggestion(idea, actor=world.resident)
    with pytest.raises(ServiceError) as err:
        suggestions.withdraw_second(idea, actor=world.representative)
    assert "already dealt with" in english(err)
    with pytest.raises(ServiceError):
        suggestions.second(idea, actor=world.representative)
    assert suggestions.seconds_of(idea) == 1


def test_no_seconding_after_the_window_closed(world, idea):
    """At and after the window's close, seconds can neither be given nor withdrawn."""
    closes = idea.solicitation.closes_at
    suggestions.second(idea, actor=world.representative, now=closes - timedelta(seconds=1))
    with pytest.raises(ServiceError) as err:
        suggestions.withdraw_second(idea, actor=world.representative, now=closes)
    assert "closed" in english(err)
    suggestions.withdraw_second(idea, actor=world.representative, now=closes - timedelta(microseconds=1))
    with pytest.raises(ServiceError) as err:
        suggestions.second(idea, actor=world.representative, now=closes + timedelta(days=1))
    assert "closed" in english(err)
    assert suggestions.seconds_of(idea) == 0


# ---------------------------------------------------------------------------- triage

def test_accept_into_a_new_matter(world, idea):
    """Accepting starts a matter at its template's first stage with the suggestion linked and on record."""
    matter = suggestions.accept_suggestion(idea, actor=world.committee, title="充电桩", procedure="yizheng_sanyi")
    db.session.commit()
    db.session.expire_all()
    assert (matter.title, matter.procedure, matter.stage, matter.position) == ("充电桩", "yizheng_sanyi",
                                                                               "solicit", 0)
    assert matter.unit_id == world.community.id and matter.summary == idea.body
    assert (idea.status, idea.matter_id, idea.decided_by_id) == (SuggestionStatus.accepted, matter.id,
                                                                 world.committee.id)
    assert idea.decided_at is not None
    assert [s.id for s in matter.suggestions] == [idea.id]
    assert [e.kind for e in matter.dossier] == ["started", "suggestion_accepted"]
    entry = matter.dossier[1]
    assert (entry.stage, entry.actor_id, entry.artefact_type, entry.artefact_id) == (
        "solicit", world.committee.id, "suggestion", idea.id)
    [row] = audit("suggestion.accept", idea)
    assert (row.actor_id, row.detail, row.unit_id) == (world.committee.id, f"matter={matter.id}", world.community.id)
    assert [r.object_id for r in audit("matter.start")] == [matter.id]


def test_accept_without_title_takes_the_suggestions_title(world, idea):
    """With no title given, the matter is named after the suggestion, on the default procedure."""
    matter = suggestions.accept_suggestion(idea, actor=world.committee)
    assert (matter.title, matter.procedure) == ("加装充电桩", "yizheng_sanyi")


def test_second_suggestion_merges_into_the_same_matter(world, window, idea):
    """Several suggestions merge into one matter still at the solicit stage."""
    other = submit(window, world.representative, title="充电桩安全", body="防火")
    matter = suggestions.accept_suggestion(idea, actor=world.committee, title="充电桩")
    merged = suggestions.accept_suggestion(other, actor=world.committee, matter=matter)
    db.session.commit()
    db.session.expire_all()
    assert merged is matter and rows(Matter) == 1
    assert [s.id for s in matter.suggestions] == [idea.id, other.id]
    assert other.status == SuggestionStatus.accepted and other.matter_id == matter.id
    assert [e.kind for e in matter.dossier].count("suggestion_accepted") == 2


def test_merging_into_a_matter_past_solicit_is_refused(world, window, idea):
    """Once the matter has left the solicit stage it takes no more suggestions."""
    late = submit(window, world.representative, title="晚到的建议", body="内容")
    matter = suggestions.accept_suggestion(idea, actor=world.committee, title="充电桩")
    matters.advance(matter, actor=world.committee, today=utcnow().date())
    assert matter.stage == "propose"
    with pytest.raises(ServiceError) as err:
        suggestions.accept_suggestion(late, actor=world.committee, matter=matter)
    assert "still collecting" in english(err)
    db.session.expire_all()
    assert late.status == SuggestionStatus.submitted and late.matter_id is None
    assert [s.id for s in matter.suggestions] == [idea.id]


def test_decline_needs_a_reason(world, idea):
    """A decline without a reason is refused: residents are owed one."""
    for reason in ["", "   ", "\n", "长" * 1001]:
        with pytest.raises(ServiceError) as err:
            suggestions.decline_suggestion(idea, actor=world.committee, reason=reason)
        assert "reason" in english(err)
    db.session.refresh(idea)
    assert idea.status == SuggestionStatus.submitted and audit("suggestion.decline") == []


def test_decline_stores_the_public_reason(world, idea):
    """The reason is stored for the suggester to see, with who decided and an audit row."""
    suggestions.decline_suggestion(idea, actor=world.committee, reason="  属于物业职责，已转交物业  ")
    db.session.commit()
    db.session.expire_all()
    assert (idea.status, idea.reason, idea.decided_by_id, idea.matter_id) == (
        SuggestionStatus.declined, "属于物业职责，已转交物业", world.committee.id, None)
    [row] = audit("suggestion.decline", idea)
    assert row.detail == "属于物业职责，已转交物业" and row.actor_id == world.committee.id


def test_only_the_committee_triages(world, idea):
    """Accepting and declining belong to the committee of the unit."""
    for who in NOT_COMMITTEE:
        actor = getattr(world, who)
        with pytest.raises(PermissionDenied):
            suggestions.accept_suggestion(idea, actor=actor, title="充电桩")
        with pytest.raises(PermissionDenied):
            suggestions.decline_suggestion(idea, actor=actor, reason="不行")
    db.session.refresh(idea)
    assert idea.status == SuggestionStatus.submitted and rows(Matter) == 0


@pytest.mark.parametrize("first, then", [
    ("accept", "decline"), ("decline", "decline"), ("decline", "merge"), ("accept", "accept"),
    ("withdraw", "accept"), ("withdraw", "decline"), ("accept", "withdraw"), ("decline", "withdraw"),
])
def test_deciding_twice_is_refused(world, window, idea, first, then):
    """A suggestion leaves ``submitted`` exactly once; the later decision is refused and rolled back."""
    host = suggestions.accept_suggestion(submit(window, world.representative, title="宿主", body="内容"),
                                         actor=world.committee, title="宿主议题")
    acts = {
        "accept": lambda: suggestions.accept_suggestion(idea, actor=world.committee, title="新议题"),
        "merge": lambda: suggestions.accept_suggestion(idea, actor=world.committee, matter=host),
        "decline": lambda: suggestions.decline_suggestion(idea, actor=world.committee, reason="理由"),
        "withdraw": lambda: suggestions.withdraw_suggestion(idea, actor=world.resident),
    }
    acts[first]()
    db.session.commit()
    status = idea.status
    counts = rows(Matter), rows(DossierEntry), rows(AuditEntry)
    with pytest.raises(ServiceError) as err:
        acts[then]()
    assert "already been dealt with" in english(err)
    db.session.rollback()
    assert idea.status == status
    assert (rows(Matter), rows(DossierEntry), rows(AuditEntry)) == counts


def test_suggester_withdraws_before_triage(world, idea):
    """The author may withdraw a waiting suggestion; the committee can then no longer accept it."""
    suggestions.withdraw_suggestion(idea, actor=world.resident)
    db.session.commit()
    assert idea.status == SuggestionStatus.withdrawn and idea.decided_by_id == world.resident.id
    assert [r.actor_id for r in audit("suggestion.withdraw", idea)] == [world.resident.id]


def test_only_the_author_withdraws(world, idea):
    """Nobody but the suggester may withdraw a suggestion, not even the committee."""
    for who in ["representative", "committee", "other_resident"]:
        with pytest.raises(PermissionDenied) as err:
            suggestions.withdraw_suggestion(idea, actor=getattr(world, who))
        assert "suggester" in english(err)
    db.session.refresh(idea)
    assert idea.status == SuggestionStatus.submitted


def test_accept_into_a_matter_of_another_unit_is_refused(world, idea):
    """A suggestion of another community cannot be merged into this community's matter."""
    matter = suggestions.accept_suggestion(idea, actor=world.committee, title="充电桩")
    now = utcnow()
    far_window = suggestions.open_solicitation(world.other_community, actor=world.other_committee, title="桂花征集",
                                               description="", opens_at=now - timedelta(hours=1),
                                               closes_at=now + timedelta(days=1))
    far_idea = submit(far_window, world.other_resident, title="桂花苑的建议", body="内容")
    with pytest.raises(PermissionDenied):  # our committee cannot triage the other community's suggestion
        suggestions.accept_suggestion(far_idea, actor=world.committee, matter=matter)
    with pytest.raises(ServiceError) as err:
        suggestions.accept_suggestion(far_idea, actor=world.other_committee, matter=matter)
    assert "another unit" in english(err)
    db.session.expire_all()
    assert far_idea.status == SuggestionStatus.submitted and [s.id for s in matter.suggestions] == [idea.id]


def test_audit_trail_of_a_suggestions_life(world, window):
    """Each step of triage leaves an audit row with its actor."""
    a = submit(window, world.resident, title="甲", body="甲")
    b = submit(window, world.representative, title="乙", body="乙")
    c = submit(window, world.resident, title="丙", body="丙")
    suggestions.second(a, actor=world.representative)
    suggestions.accept_suggestion(a, actor=world.committee, title="甲议题")
    suggestions.decline_suggestion(b, actor=world.committee, reason="重复")
    suggestions.withdraw_suggestion(c, actor=world.resident)
    db.session.commit()
    trail = [(r.action, r.object_id, r.actor_id) for r in db.session.scalars(
        select(AuditEntry).where(AuditEntry.object_type == "suggestion").order_by(AuditEntry.id))]
    assert trail == [
        ("suggestion.submit", a.id, world.resident.id), ("suggestion.submit", b.id, world.representative.id),
        ("suggestion.submit", c.id, world.resident.id), ("suggestion.second", a.id, world.representative.id),
        ("suggestion.accept", a.id, world.committee.id), ("suggestion.decline", b.id, world.committee.id),
        ("suggestion.withdraw", c.id, world.resident.id),
    ]
