"""Matters through their procedure templates: who may move which stage, what each stage needs on
record, the dossier and audit trail of every move, and the acts recorded at each stage."""
from datetime import date, timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from portal.domain.decisions import Outcome
from portal.domain.deliberation import Choice, MeetingOutcome, PublicationKind
from portal.domain.permissions import Role
from portal.domain.procedures import TEMPLATES, AssemblyKind, Electorate, StageKey
from portal.extensions import db
from portal.models import (
    AuditEntry,
    ConsultMeeting,
    DossierEntry,
    Matter,
    Proposal,
    Publication,
)
from portal.models.base import utcnow
from portal.services import (
    PermissionDenied,
    ServiceError,
    assemblies,
    matters,
    suggestions,
)
from portal.services.units import grant_role

D0 = date(2026, 12, 1)          # the day meetings are held and resolutions published
LATE = D0 + timedelta(days=60)  # well after any notice period: the day moves are made
from tests.deliberation.helpers import attempt, english, rows

ROLES = ["committee", "party_org", "representative", "resident", "grid_worker", "partner", "admin",
         "other_committee"]


# ---------------------------------------------------------------------------- helpers

@pytest.fixture(autouse=True)
def _english(app):
    """Refusals are built in English (the msgids): some compose translated parts eagerly."""
    with force_locale("en"):
        yield


def open_window(world, unit):
    now = utcnow()
    return suggestions.open_solicitation(unit, actor=world.committee, title="金点子征集", description="",
                                         opens_at=now - timedelta(hours=1), closes_at=now + timedelta(days=10))


def begin(world, procedure="yizheng_sanyi", **kw) -> Matter:
    """A new matter as the procedure starts it: from an accepted suggestion where the template
    solicits, else started by the party organisation."""
    if TEMPLATES[procedure].stages[0].key == StageKey.solicit:
        unit = world.compound if procedure == "owners" else world.community
        idea = suggestions.submit_suggestion(open_window(world, unit), actor=world.resident, title="加装充电桩",
                                             body="电动车充电难")
        return suggestions.accept_suggestion(idea, actor=world.committee, title="充电桩", procedure=procedure, **kw)
    return matters.start_matter(world.community, actor=world.party_org, title="老旧小区改造", procedure=procedure,
                                **kw)


def stage_actor(world, matter):
    return world.committee if Role.committee in matters.stage_of(matter).actors else world.party_org


def party_members(world):
    """The resident and the representative are party members registered in the community."""
    for user in (world.resident, world.representative):
        if not any(g.role == Role.party_member for g in user.grants):
            grant_role(actor=None, user=user, role=Role.party_member, unit=world.community)
    return [world.resident, world.representative]


VOTES = {  # (template, stage): the assembly that decides it and who votes in it
    ("yizheng_sanyi", "resolve"): (AssemblyKind.residents_meeting, Electorate.adult_residents),
    ("siyi_liangkai", "review"): (AssemblyKind.party_members_meeting, Electorate.party_members),
    ("siyi_liangkai", "resolve"): (AssemblyKind.representatives_meeting, Electorate.representatives),
    ("owners", "resolve"): (AssemblyKind.owners_vote, Electorate.owners),
}


def vote(world, matter, choices=(Choice.for_, Choice.for_)):
    """Convene the stage's assembly, open it, let the electors vote ``choices`` in turn, close it."""
    kind, electorate = VOTES[(matter.procedure, matter.stage)]
    voters = {Electorate.adult_residents: [world.resident, world.representative],
              Electorate.party_members: party_members(world) if electorate == Electorate.party_members else [],
              Electorate.representatives: [world.representative],
              Electorate.owners: [world.resident, world.representative]}[electorate]
    now = utcnow()
    assembly = assemblies.convene(matter, actor=world.committee, kind=kind, electorate=electorate, motion="是否同意",
                                  place="活动室", starts_at=now, closes_at=now + timedelta(days=1))
    assemblies.open_voting(assembly, actor=world.committee)
    for voter, choice in zip(voters, choices):
        assemblies.cast_ballot(assembly, actor=voter, choice=choice)
    assemblies.close_voting(assembly, actor=world.committee)
    return assembly


def propose(world, matter, actor=None, body="<p>方案</p>"):
    return matters.write_proposal(matter, actor=actor or world.party_org, body_html=body,
                                  answers=list(matter.suggestions))


def meeting(world, matter, outcome=MeetingOutcome.forward, opinions="", actor=None, held_on=D0, today=D0):
    return matters.record_meeting(matter, actor=actor or world.committee, held_on=held_on, place="会议室",
                                  attendees="两委委员", minutes_html="<p>讨论</p>", opinions=opinions,
                                  outcome=outcome, today=today)


def publish(world, matter, kind=PublicationKind.resolution, today=D0, **kw):
    return matters.publish(matter, actor=world.committee, kind=kind, title="公示", body_html="<p>内容</p>",
                           today=today, **kw)


def complete(world, matter):
    """Record what the current stage needs before it may be left (a consult stage is left by
    the meeting that forwards it, so it has nothing to record beforehand)."""
    stage = matter.stage
    if stage == "propose":
        propose(world, matter, actor=stage_actor(world, matter))
    elif stage in ("review", "resolve"):
        vote(world, matter)
    elif stage == "disclose_resolution":
        publish(world, matter)
    elif stage == "disclose_results":
        publish(world, matter, PublicationKind.final, today=LATE)


def leave(world, matter, actor=None):
    """Move the matter on from its current stage, as ``actor`` (the stage's own actor by default)."""
    actor = actor or stage_actor(world, matter)
    if matter.stage == "consult":
        meeting(world, matter, actor=actor)
    else:
        matters.advance(matter, actor=actor, today=LATE)


def drive_to(world, procedure, stage, **kw) -> Matter:
    """A matter of ``procedure`` that has just reached ``stage``, by the real services."""
    matter = begin(world, procedure, **kw)
    while matter.stage != stage:
        complete(world, matter)
        leave(world, matter)
    return matter


# ---------------------------------------------------------------------------- who moves each stage

CASES = [(t.key, s.key.value) for t in TEMPLATES.values() for s in t.stages]


@pytest.mark.parametrize("procedure, stage", CASES)
def test_each_stage_is_moved_exactly_by_its_actors(world, procedure, stage):
    """With the stage's record complete, only its actors advance it or send it back, one stage."""
    matter = drive_to(world, procedure, stage)
    complete(world, matter)
    template = TEMPLATES[procedure]
    spec = template.stages[matter.position]
    expected = {who for who in ("committee", "party_org") if Role(who) in spec.actors}
    ahead = template.stages[matter.position + 1].key.value if matter.position + 1 < len(template.stages) \
        else "concluded"

    def forward(actor):
        leave(world, matter, actor)
        assert matter.stage == ahead

    advanced = {who: attempt(lambda: forward(getattr(world, who))) for who in ROLES}
    assert advanced == {who: "ok" if who in expected else "denied" for who in ROLES}

    if matter.position > 0:
        behind = template.stages[matter.position - 1].key.value

        def back(actor):
            matters.send_back(matter, actor=actor, reason="退回修改", today=LATE)
            assert matter.stage == behind

        sent = {who: attempt(lambda: back(getattr(world, who))) for who in ROLES}
        assert sent == {who: "ok" if who in expected else "denied" for who in ROLES}
    else:
        assert "first stage" in attempt(lambda: matters.send_back(matter, actor=stage_actor(world, matter),
                                                                      reason="退回", today=LATE))


# ---------------------------------------------------------------------------- what stages need

def test_solicit_needs_an_accepted_suggestion(world):
    """A matter started without a suggestion cannot leave the solicit stage; accepting one lets it."""
    matter = matters.start_matter(world.community, actor=world.committee, title="议题")
    with pytest.raises(ServiceError) as err:
        matters.advance(matter, actor=world.committee, today=D0)
    assert not isinstance(err.value, PermissionDenied)
    assert "accept at least one suggestion" in english(err.value)
    idea = suggestions.submit_suggestion(open_window(world, world.community), actor=world.resident, title="甲",
                                         body="乙")
    suggestions.accept_suggestion(idea, actor=world.committee, matter=matter)
    assert matters.advance(matter, actor=world.committee, today=D0).stage == "propose"


def test_propose_needs_a_proposal(world):
    """The party organisation cannot advance before writing the proposal."""
    matter = drive_to(world, "yizheng_sanyi", "propose")
    with pytest.raises(ServiceError) as err:
        matters.advance(matter, actor=world.party_org, today=D0)
    assert "write the proposal" in english(err.value)
    propose(world, matter)
    assert matters.advance(matter, actor=world.party_org, today=D0).stage == "consult"


@pytest.mark.parametrize("how", ["send_back", "meeting"])
def test_after_send_back_the_old_proposal_no_longer_counts(world, how):
    """Returned for revision, the matter needs a new proposal: the old round's does not count."""
    matter = drive_to(world, "yizheng_sanyi", "propose")
    old = propose(world, matter)
    leave(world, matter)
    assert matter.stage == "consult"
    if how == "send_back":
        matters.send_back(matter, actor=world.committee, reason="方案需补充预算", today=D0)
    else:
        meeting(world, matter, MeetingOutcome.send_back, opinions="方案需补充预算")
    assert matter.stage == "propose" and old.round < matter.round
    with pytest.raises(ServiceError) as err:
        matters.advance(matter, actor=world.party_org, today=D0)
    assert "write the proposal" in english(err.value)
    new = propose(world, matter, body="<p>修改后的方案</p>")
    assert new.round == matter.round
    assert matters.advance(matter, actor=world.party_org, today=D0).stage == "consult"


def test_meeting_send_back_needs_opinions_and_goes_back_one_stage(world):
    """A meeting that returns the matter must say why; it then moves back exactly one stage."""
    matter = drive_to(world, "yizheng_sanyi", "consult")
    for opinions in ("", "   "):
        with pytest.raises(ServiceError) as err:
            meeting(world, matter, MeetingOutcome.send_back, opinions=opinions)
        assert "opinions" in english(err.value)
    assert rows(ConsultMeeting) == 0 and matter.stage == "consult"
    record = meeting(world, matter, MeetingOutcome.send_back, opinions="  选址需再议 ")
    db.session.commit()
    db.session.expire_all()
    assert (matter.stage, record.outcome, record.opinions) == ("propose", MeetingOutcome.send_back, "选址需再议")
    kinds = [(e.kind, e.stage, e.to_stage, e.reason, e.artefact_type) for e in matter.dossier[-2:]]
    assert kinds == [("meeting", "consult", None, "", "consult_meeting"),
                     ("send_back", "consult", "propose", "选址需再议", "consult_meeting")]


def test_meeting_must_be_held_already(world):
    """A meeting dated after today is refused; one held today is recorded and forwards the matter."""
    matter = drive_to(world, "yizheng_sanyi", "consult")
    with pytest.raises(ServiceError) as err:
        meeting(world, matter, held_on=D0 + timedelta(days=1), today=D0)
    assert "future" in english(err.value)
    assert rows(ConsultMeeting) == 0
    record = meeting(world, matter, held_on=D0, today=D0)
    assert (record.held_on, record.round, matter.stage) == (D0, matter.round - 1, "resolve")


def test_meeting_needs_place_attendees_and_minutes(world):
    """A meeting record without place, attendees or minutes is refused."""
    matter = drive_to(world, "yizheng_sanyi", "consult")
    base = dict(actor=world.committee, held_on=D0, place="会议室", attendees="两委", minutes_html="<p>纪要</p>",
                opinions="", outcome=MeetingOutcome.forward, today=D0)
    for missing, expected in (("place", "where"), ("attendees", "who attended"), ("minutes_html", "minutes")):
        with pytest.raises(ServiceError) as err:
            matters.record_meeting(matter, **{**base, missing: "  "})
        assert expected in english(err.value)
    assert rows(ConsultMeeting) == 0


def test_resolve_needs_a_closed_assembly(world):
    """The resolve stage cannot be left before its vote is closed and its result frozen."""
    matter = drive_to(world, "yizheng_sanyi", "resolve")
    refused = "close the vote"
    assert refused in attempt(lambda: matters.advance(matter, actor=world.committee, today=LATE))
    now = utcnow()
    assembly = assemblies.convene(matter, actor=world.committee, kind=AssemblyKind.residents_meeting,
                                  electorate=Electorate.adult_residents, motion="是否同意", place="活动室",
                                  starts_at=now, closes_at=now + timedelta(days=1))
    assert refused in attempt(lambda: matters.advance(matter, actor=world.committee, today=LATE))
    assemblies.open_voting(assembly, actor=world.committee)
    assemblies.cast_ballot(assembly, actor=world.resident, choice=Choice.for_)
    assert refused in attempt(lambda: matters.advance(matter, actor=world.committee, today=LATE))
    assemblies.close_voting(assembly, actor=world.committee)
    assert assembly.outcome == Outcome.void  # 1 of 2 attending is not more than half: still a frozen result
    assert matters.advance(matter, actor=world.committee, today=LATE).stage == "disclose_resolution"


def test_siyi_review_needs_a_passed_party_vote(world):
    """A rejected or void review cannot advance (it can be sent back); a passed one can."""
    matter = drive_to(world, "siyi_liangkai", "review")
    rejected = vote(world, matter, choices=(Choice.against, Choice.against))
    assert rejected.outcome == Outcome.rejected
    assert "review vote that passed" in attempt(lambda: matters.advance(matter, actor=world.committee, today=LATE))
    void = vote(world, matter, choices=())
    assert void.outcome == Outcome.void
    assert "review vote that passed" in attempt(lambda: matters.advance(matter, actor=world.committee, today=LATE))
    matters.send_back(matter, actor=world.committee, reason="党员大会未通过", today=LATE)
    assert matter.stage == "consult"
    meeting(world, matter)
    assert matter.stage == "review"
    # the earlier rounds' votes do not count for the new round
    assert "review vote that passed" in attempt(lambda: matters.advance(matter, actor=world.committee, today=LATE))
    assert vote(world, matter).outcome == Outcome.passed
    assert matters.advance(matter, actor=world.committee, today=LATE).stage == "resolve"


# ---------------------------------------------------------------------------- disclosure

NOTICE = [  # notice days, last day still refused (offset from publication), first day allowed
    (7, 6, 7),
    (1, 0, 1),
    (30, 29, 30),
]


def test_notice_period_boundaries(world):
    """Published on day D with n days, the matter may advance on D+n, not on D+n-1."""
    matter = drive_to(world, "yizheng_sanyi", "disclose_resolution")
    assert "publish the resolution" in attempt(lambda: matters.advance(matter, actor=world.committee, today=LATE))
    for days, refused_on, allowed_on in NOTICE:
        def go(offset, days=days):
            publication = publish(world, matter, today=D0, notice_days=days)
            assert publication.notice_ends_on == D0 + timedelta(days=days - 1)
            matters.advance(matter, actor=world.committee, today=D0 + timedelta(days=offset))

        assert "notice period has ended" in attempt(lambda: go(refused_on)), days
        assert attempt(lambda: go(allowed_on)) == "ok", days


def test_default_notice_is_seven_days(world):
    """Without ``notice_days`` the notice period is 7 days: D+6 refused, D+7 allowed."""
    matter = drive_to(world, "yizheng_sanyi", "disclose_resolution")
    publication = publish(world, matter, today=D0)
    assert (publication.notice_ends_on, publication.progress, publication.round) == (D0 + timedelta(days=6), None,
                                                                                      matter.round)
    with pytest.raises(ServiceError) as err:
        matters.advance(matter, actor=world.committee, today=D0 + timedelta(days=6))
    assert "notice period" in english(err.value)
    assert matters.advance(matter, actor=world.committee, today=D0 + timedelta(days=7)).stage == "disclose_results"


def test_notice_days_out_of_range_are_refused(world):
    """A notice period lasts 1 to 90 days."""
    matter = drive_to(world, "yizheng_sanyi", "disclose_resolution")
    for days in (0, -1, 91):
        assert "between 1 and 90" in attempt(lambda: publish(world, matter, notice_days=days)), days
    assert attempt(lambda: publish(world, matter, notice_days=90)) == "ok"
    assert rows(Publication) == 0


def test_progress_and_final_report(world):
    """Progress is 0..100; the final report sets progress 100 and lets the matter conclude."""
    matter = drive_to(world, "yizheng_sanyi", "disclose_results")
    for progress in (-1, 101, None):
        assert "percentage" in attempt(lambda: publish(world, matter, PublicationKind.progress, progress=progress))
    assert [publish(world, matter, PublicationKind.progress, progress=p).progress for p in (0, 55, 100)] == [0, 55, 100]
    assert "final report" in attempt(lambda: matters.advance(matter, actor=world.committee, today=LATE))
    assert "not at the stage" in attempt(lambda: publish(world, matter, PublicationKind.resolution))
    final = publish(world, matter, PublicationKind.final, today=LATE, progress=30)
    assert (final.progress, final.notice_ends_on, final.stage) == (100, None, "disclose_results")
    matters.advance(matter, actor=world.committee, today=LATE)
    db.session.commit()
    assert matter.stage == "concluded" and matter.concluded_at is not None
    assert matter.position == len(TEMPLATES["yizheng_sanyi"].stages)


def test_final_report_only_at_results_stage(world):
    """A final report or progress update at the resolution stage is refused."""
    matter = drive_to(world, "yizheng_sanyi", "disclose_resolution")
    assert "not at the stage" in attempt(lambda: publish(world, matter, PublicationKind.final))
    assert "not at the stage" in attempt(lambda: publish(world, matter, PublicationKind.progress, progress=10))
    assert attempt(lambda: matters.publish(matter, actor=world.party_org, kind=PublicationKind.resolution,
                                           title="公示", body_html="<p>x</p>", today=D0)) == "denied"


# ---------------------------------------------------------------------------- dossier and audit

def matter_audit(matter):
    return [(a.action, a.actor_id, a.detail) for a in db.session.scalars(
        select(AuditEntry).where(AuditEntry.object_type == "matter", AuditEntry.object_id == matter.id)
        .order_by(AuditEntry.id))]


def test_every_move_is_in_the_dossier_and_the_audit_log(world):
    """Each move records kind, stage, to_stage, actor and reason, and one audit row."""
    matter = begin(world)
    matters.advance(matter, actor=world.committee, today=D0)
    matters.send_back(matter, actor=world.party_org, reason="  需先补充调研  ", today=D0)
    matters.advance(matter, actor=world.committee, today=D0)
    propose(world, matter)
    matters.advance(matter, actor=world.party_org, today=D0)
    db.session.commit()
    db.session.expire_all()
    moves = [(e.kind, e.stage, e.to_stage, e.actor_id, e.reason) for e in matter.dossier
             if e.kind in ("advance", "send_back")]
    c, p = world.committee.id, world.party_org.id
    assert moves == [("advance", "solicit", "propose", c, ""), ("send_back", "propose", "solicit", p, "需先补充调研"),
                     ("advance", "solicit", "propose", c, ""), ("advance", "propose", "consult", p, "")]
    assert [e.kind for e in matter.dossier] == ["started", "suggestion_accepted", "advance", "send_back", "advance",
                                                "proposal", "advance"]
    trail = matter_audit(matter)
    assert [(a, actor) for a, actor, _ in trail] == [
        ("matter.start", c), ("matter.advance", c), ("matter.send_back", p), ("matter.advance", c),
        ("matter.proposal", p), ("matter.advance", p)]
    assert trail[1][2].startswith("solicit->propose") and trail[2][2].startswith("propose->solicit")
    assert "需先补充调研" in trail[2][2]
    assert matter.round == 4  # every move starts a new round


def test_refused_moves_write_nothing(world):
    """A refused move leaves no dossier line, no audit row and the matter where it was."""
    matter = drive_to(world, "yizheng_sanyi", "propose")
    at_start = begin(world)
    db.session.commit()
    before = rows(DossierEntry), rows(AuditEntry), (matter.position, matter.round), (at_start.position,
                                                                                      at_start.round)
    refused = [
        lambda: matters.advance(matter, actor=world.committee, today=D0),            # not the stage's actor
        lambda: matters.advance(matter, actor=world.party_org, today=D0),            # no proposal yet
        lambda: matters.send_back(matter, actor=world.party_org, reason="  ", today=D0),  # no reason
        lambda: matters.send_back(matter, actor=world.resident, reason="不同意", today=D0),
        lambda: matters.send_back(at_start, actor=world.committee, reason="退回", today=D0),  # first stage
        lambda: matters.write_proposal(matter, actor=world.committee, body_html="<p>x</p>", answers=[]),
    ]
    for move in refused:
        with pytest.raises(ServiceError):
            move()
        assert (rows(DossierEntry), rows(AuditEntry)) == before[:2]
        db.session.rollback()
        assert (rows(DossierEntry), rows(AuditEntry), (matter.position, matter.round),
                (at_start.position, at_start.round)) == before


def test_concluded_matter_refuses_everything(world):
    """After the last stage nothing moves and nothing more is recorded."""
    matter = drive_to(world, "yizheng_sanyi", "disclose_results")
    complete(world, matter)
    leave(world, matter)
    db.session.commit()
    assert matter.stage == "concluded"
    idea = suggestions.submit_suggestion(open_window(world, world.community), actor=world.resident, title="迟到",
                                         body="迟到的建议")
    db.session.commit()
    before = rows(DossierEntry), rows(AuditEntry)
    now = utcnow()
    acts = {
        "advance": lambda: matters.advance(matter, actor=world.committee, today=LATE),
        "send_back": lambda: matters.send_back(matter, actor=world.committee, reason="重新来", today=LATE),
        "proposal": lambda: matters.write_proposal(matter, actor=world.party_org, body_html="<p>x</p>", answers=[]),
        "meeting": lambda: meeting(world, matter),
        "resolution": lambda: publish(world, matter),
        "progress": lambda: publish(world, matter, PublicationKind.progress, progress=50),
        "final": lambda: publish(world, matter, PublicationKind.final),
        "convene": lambda: assemblies.convene(matter, actor=world.committee, kind=AssemblyKind.residents_meeting,
                                              electorate=Electorate.adult_residents, motion="再议", place="",
                                              starts_at=now, closes_at=now + timedelta(days=1)),
        "merge": lambda: suggestions.accept_suggestion(idea, actor=world.committee, matter=matter),
    }
    outcome = {name: attempt(act) for name, act in acts.items()}
    assert all(result not in ("ok", "denied") for result in outcome.values()), outcome
    for name in ("advance", "send_back", "proposal", "meeting", "resolution", "final"):
        assert "finished its procedure" in outcome[name], name
    assert (rows(DossierEntry), rows(AuditEntry)) == before


# ---------------------------------------------------------------------------- start_matter

def test_owners_template_only_on_compound_or_building(world):
    """Owners' matters are started on a compound or a building, never on a community or a grid."""
    for unit in (world.community, world.grid):
        with pytest.raises(ServiceError) as err:
            matters.start_matter(unit, actor=world.committee, title="加装电梯", procedure="owners")
        assert "compound or a building" in english(err.value)
    for unit in (world.compound, world.building):
        matter = matters.start_matter(unit, actor=world.committee, title="加装电梯", procedure="owners", major=True)
        assert (matter.unit_id, matter.stage, matter.major, matter.secret_ballot) == (unit.id, "solicit", True, False)


def test_start_matter_refusals(world):
    """Secret owners' ballots, major non-owners' matters, unknown procedures and bad titles are refused."""
    cases = [
        (world.compound, world.committee, dict(procedure="owners", secret_ballot=True), "signed"),
        (world.community, world.committee, dict(procedure="yizheng_sanyi", major=True), "Only owners"),
        (world.community, world.party_org, dict(procedure="siyi_liangkai", major=True), "Only owners"),
        (world.community, world.committee, dict(procedure="sanyi"), "procedures offered"),
        (world.community, world.committee, dict(title=""), "title"),
        (world.community, world.committee, dict(title="长" * 121), "too long"),
    ]
    for unit, actor, kw, expected in cases:
        kw = {"title": "议题", **kw}
        with pytest.raises(ServiceError) as err:
            matters.start_matter(unit, actor=actor, **kw)
        assert not isinstance(err.value, PermissionDenied), kw
        assert expected in english(err.value), kw
    assert rows(Matter) == 0 and rows(DossierEntry) == 0


def test_who_starts_which_procedure(world):
    """The party organisation starts a 四议两公开 matter (its first stage is propose) but not one that
    begins by soliciting; the committee starts soliciting ones; nobody else starts any."""
    started = {}
    for who in ROLES:
        for procedure in TEMPLATES:
            unit = world.compound if procedure == "owners" else world.community
            started[(who, procedure)] = attempt(
                lambda: matters.start_matter(unit, actor=getattr(world, who), title="议题", procedure=procedure))
    assert {k for k, v in started.items() if v == "ok"} == {
        ("committee", "yizheng_sanyi"), ("committee", "owners"), ("party_org", "siyi_liangkai")}
    assert all(v == "denied" for v in started.values() if v != "ok")
    matter = matters.start_matter(world.community, actor=world.party_org, title="议题", procedure="siyi_liangkai")
    assert (matter.stage, matter.position, matter.round, matter.created_by_id) == ("propose", 0, 0,
                                                                                   world.party_org.id)
    assert [e.kind for e in matter.dossier] == ["started"]
    assert matter_audit(matter)[0][:2] == ("matter.start", world.party_org.id)


def test_matter_year_is_the_local_year(world, monkeypatch):
    """A matter started at 07:00 on 1 January in Beijing (23:00 UTC on 31 December) belongs to the new year."""
    from datetime import datetime, timezone

    from portal.clock import local_date

    moment = datetime(2026, 12, 31, 23, 0, tzinfo=timezone.utc)
    monkeypatch.setattr(matters, "utcnow", lambda: moment)
    assert local_date(moment) == date(2027, 1, 1)
    matter = matters.start_matter(world.community, actor=world.committee, title="新年议题")
    assert matter.year == 2027


# ---------------------------------------------------------------------------- write_proposal

def test_proposal_is_sanitised_and_linked(world):
    """Script does not survive, allowed markup does, and the answered suggestions are linked."""
    matter = drive_to(world, "yizheng_sanyi", "propose")
    proposal = propose(world, matter, body='<p onclick="x()">建议<strong>加装</strong></p><script>alert(1)</script>'
                                           '<img src=x onerror=alert(2)>')
    db.session.commit()
    db.session.expire_all()
    assert "<script" not in proposal.body_html and "onerror" not in proposal.body_html
    assert "onclick" not in proposal.body_html and "<img" not in proposal.body_html
    assert "<p>建议<strong>加装</strong></p>" in proposal.body_html
    assert [s.id for s in proposal.answers] == [s.id for s in matter.suggestions]
    assert (proposal.round, proposal.author_id) == (matter.round, world.party_org.id)
    assert matter.dossier[-1].kind == "proposal" and matter.dossier[-1].artefact_id == proposal.id


def test_proposal_that_sanitises_to_nothing_is_refused(world):
    """A body that is only script is empty once cleaned."""
    matter = drive_to(world, "yizheng_sanyi", "propose")
    for body in ("", "   ", "<script></script>", "<script>\n</script>  "):
        assert "Write the proposal" in attempt(lambda: propose(world, matter, body=body)), body
    assert rows(Proposal) == 0


def test_markup_without_text_is_empty(world):
    """A proposal, minutes or publication whose HTML has no visible text is refused as empty."""
    blank = ("<p> </p>", "<p><br></p>", "<p>&nbsp;</p>", "<p>\u3000</p>")
    matter = drive_to(world, "yizheng_sanyi", "propose")
    for body in blank:
        assert "Write the proposal" in attempt(lambda: propose(world, matter, body=body)), body
    propose(world, matter)
    leave(world, matter)
    base = dict(actor=world.committee, held_on=D0, place="会议室", attendees="两委", opinions="",
                outcome=MeetingOutcome.forward, today=D0)
    for body in blank:
        assert "minutes" in attempt(lambda: matters.record_meeting(matter, minutes_html=body, **base)), body
    matter = drive_to(world, "yizheng_sanyi", "disclose_resolution")
    for body in blank:
        assert "Write what is being published" in attempt(lambda: matters.publish(
            matter, actor=world.committee, kind=PublicationKind.resolution, title="公示", body_html=body,
            today=D0)), body
    assert rows(Publication) == 0


def test_proposal_cannot_answer_suggestions_of_another_matter(world):
    """Linking a suggestion of another matter, or one never accepted, is refused."""
    matter = drive_to(world, "yizheng_sanyi", "propose")
    other = begin(world)
    stray = suggestions.submit_suggestion(open_window(world, world.community), actor=world.representative,
                                          title="未处理", body="未处理")
    for answers in ([*matter.suggestions, *other.suggestions], [stray]):
        with pytest.raises(ServiceError) as err:
            matters.write_proposal(matter, actor=world.party_org, body_html="<p>方案</p>", answers=answers)
        assert "taken into this matter" in english(err.value)
    assert rows(Proposal) == 0


def test_proposal_only_by_party_at_propose(world):
    """In 一征三议 the proposal is the party organisation's, and only at the propose stage."""
    matter = begin(world)
    assert "not at the stage" in attempt(lambda: propose(world, matter))
    matters.advance(matter, actor=world.committee, today=D0)
    assert attempt(lambda: propose(world, matter, actor=world.committee)) == "denied"
    assert attempt(lambda: propose(world, matter, actor=world.resident)) == "denied"
    assert attempt(lambda: propose(world, matter)) == "ok"
