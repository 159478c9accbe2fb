"""The whole procedure through the services: suggestion to concluded matter."""
from datetime import date, timedelta

from portal.domain.decisions import Outcome
from portal.domain.deliberation import Choice, MeetingOutcome, PublicationKind
from portal.domain.procedures import AssemblyKind, Electorate
from portal.extensions import db
from portal.models.base import utcnow
from portal.services import assemblies, matters, suggestions


def test_suggestion_to_concluded_matter(world):
    now = utcnow()
    window = suggestions.open_solicitation(world.community, actor=world.committee, title="四季度金点子",
                                           description="", opens_at=now - timedelta(hours=1),
                                           closes_at=now + timedelta(days=10))
    idea = suggestions.submit_suggestion(window, actor=world.resident, title="加装充电桩", body="电动车充电难")
    suggestions.second(idea, actor=world.representative)
    matter = suggestions.accept_suggestion(idea, actor=world.committee, title="充电桩", procedure="yizheng_sanyi")
    today = date.today()
    matters.advance(matter, actor=world.committee, today=today)
    assert matter.stage == "propose"
    matters.write_proposal(matter, actor=world.party_org, body_html="<p>建议</p>", answers=[idea])
    matters.advance(matter, actor=world.party_org, today=today)
    matters.record_meeting(matter, actor=world.committee, held_on=today, place="会议室", attendees="两委",
                           minutes_html="<p>同意</p>", opinions="", outcome=MeetingOutcome.forward, today=today)
    assert matter.stage == "resolve"
    a = assemblies.convene(matter, actor=world.committee, kind=AssemblyKind.residents_meeting,
                           electorate=Electorate.adult_residents, motion="是否同意", place="活动室",
                           starts_at=now, closes_at=now + timedelta(days=1))
    n = assemblies.open_voting(a, actor=world.committee)
    assert n == 2
    assemblies.cast_ballot(a, actor=world.resident, choice=Choice.for_)
    assemblies.cast_ballot(a, actor=world.representative, choice=Choice.against)
    assemblies.cast_ballot(a, actor=world.representative, choice=Choice.for_)
    assemblies.close_voting(a, actor=world.committee)
    assert a.outcome == Outcome.passed and a.votes_for == 2 and a.attending == 2
    matters.advance(matter, actor=world.committee, today=today)
    matters.publish(matter, actor=world.committee, kind=PublicationKind.resolution, title="决议公示",
                    body_html="<p>通过</p>", today=today)
    matters.advance(matter, actor=world.committee, today=today + timedelta(days=7))
    matters.publish(matter, actor=world.committee, kind=PublicationKind.final, title="结果", body_html="<p>完成</p>",
                    today=today + timedelta(days=30))
    matters.advance(matter, actor=world.committee, today=today + timedelta(days=30))
    db.session.commit()
    assert matter.stage == "concluded"
    assert [e.kind for e in matter.dossier][:3] == ["started", "suggestion_accepted", "advance"]
