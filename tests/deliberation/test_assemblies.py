"""决议: convening assemblies, deriving and freezing electorates, attendance, open and secret
ballots, closing and the frozen result, through the services."""
import os
import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from flask_babel import force_locale
from sqlalchemy import select, text

from portal.clock import local_date
from portal.domain.decisions import Outcome
from portal.domain.deliberation import AssemblyStatus, Choice, MeetingOutcome, Presence
from portal.domain.permissions import Role
from portal.domain.procedures import ELECTORATES, AssemblyKind, Electorate
from portal.domain.residents import Relation
from portal.domain.units import UnitLevel
from portal.extensions import db
from portal.models import (
    Assembly,
    Attendance,
    AuditEntry,
    Ballot,
    Elector,
    SecretBallot,
    SecretParticipation,
)
from portal.models.base import utcnow
from portal.services import (
    PermissionDenied,
    ServiceError,
    assemblies,
    matters,
    suggestions,
)
from portal.services.residents import approve, request_verification
from portal.services.units import grant_role
from tests.deliberation.helpers import attempt, english, rows
from tests.factories import make_household, make_resident, make_unit, make_user

D0 = date(2026, 12, 1)
RECEIPT = re.compile(r"^[23456789ABCDEFGHJKLMNPQRSTUVWXYZ]{4}-[23456789ABCDEFGHJKLMNPQRSTUVWXYZ]{4}$")


# ---------------------------------------------------------------------------- helpers

@pytest.fixture(autouse=True)
def _english(app):
    """Refusals are built in English (the msgids): some compose translated parts eagerly."""
    with force_locale("en"):
        yield


def begin(world, procedure="yizheng_sanyi", *, unit=None, suggester=None, **kw):
    """A matter at its first stage: from an accepted suggestion, or started by the party organisation."""
    if procedure == "siyi_liangkai":
        return matters.start_matter(world.community, actor=world.party_org, title="议题", procedure=procedure, **kw)
    unit = unit or (world.compound if procedure == "owners" else world.community)
    now = utcnow()
    window = suggestions.open_solicitation(unit, actor=world.committee, title="征集", description="",
                                           opens_at=now - timedelta(hours=1), closes_at=now + timedelta(days=10))
    idea = suggestions.submit_suggestion(window, actor=suggester or world.resident, title="加装充电桩", body="充电难")
    return suggestions.accept_suggestion(idea, actor=world.committee, title="充电桩", procedure=procedure, **kw)


def forward_to_vote(world, matter):
    """Drive a matter from its first stage to its first voting stage."""
    if matter.stage == "solicit":
        matters.advance(matter, actor=world.committee, today=D0)
    matters.write_proposal(matter, actor=world.party_org, body_html="<p>方案</p>", answers=list(matter.suggestions))
    matters.advance(matter, actor=world.party_org, today=D0)
    matters.record_meeting(matter, actor=world.committee, held_on=D0, place="会议室", attendees="两委",
                           minutes_html="<p>同意</p>", opinions="", outcome=MeetingOutcome.forward, today=D0)
    return matter


def at_vote(world, procedure="yizheng_sanyi", **kw):
    """A matter at its first voting stage (resolve, or review for 四议两公开)."""
    return forward_to_vote(world, begin(world, procedure, **kw))


def convene(world, matter, kind=AssemblyKind.residents_meeting, electorate=Electorate.adult_residents, *,
            closes_in=timedelta(days=1), **kw):
    now = utcnow()
    return assemblies.convene(matter, actor=world.committee, kind=kind, electorate=electorate, motion="是否同意加装",
                              place="社区活动室", starts_at=now, closes_at=now + closes_in if closes_in else None, **kw)


def opened(world, matter, kind=AssemblyKind.residents_meeting, electorate=Electorate.adult_residents, **kw):
    assembly = convene(world, matter, kind, electorate, **kw)
    assemblies.open_voting(assembly, actor=world.committee)
    return assembly


def seat(assembly, user=None, household=None) -> Elector | None:
    query = select(Elector).where(Elector.assembly_id == assembly.id)
    if user is not None:
        query = query.where(Elector.user_id == user.id)
    else:
        query = query.where(Elector.household_id == household.id)
    return db.session.scalar(query)


def electors(assembly) -> list[Elector]:
    return list(db.session.scalars(select(Elector).where(Elector.assembly_id == assembly.id).order_by(Elector.id)))


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def resident_born(world, name: str, born: date, household, relation=Relation.owner):
    """A verified resident born on ``born``, verified on a day they were already adult."""
    user = make_user(name)
    request = request_verification(user, household=household, real_name=name, relation=relation, birth_date=born,
                                   today=born + timedelta(days=366 * 18 + 1))
    approve(request, actor=world.committee)
    return user


# ---------------------------------------------------------------------------- convene

def test_convene_only_at_a_voting_stage(world):
    """Solicit, propose and consult are not decided by a vote; resolve is."""
    matter = begin(world)
    refused = []
    for step in ("solicit", "propose", "consult"):
        assert matter.stage == step
        refused.append(attempt(lambda: convene(world, matter)))
        if step == "solicit":
            matters.advance(matter, actor=world.committee, today=D0)
        elif step == "propose":
            matters.write_proposal(matter, actor=world.party_org, body_html="<p>方案</p>", answers=[])
            matters.advance(matter, actor=world.party_org, today=D0)
    assert all("not at a stage that is decided by a vote" in r for r in refused), refused
    assert rows(Assembly) == 0
    matters.record_meeting(matter, actor=world.committee, held_on=D0, place="会议室", attendees="两委",
                           minutes_html="<p>同意</p>", opinions="", outcome=MeetingOutcome.forward, today=D0)
    assert convene(world, matter).stage == "resolve"


@pytest.mark.parametrize("procedure", ["yizheng_sanyi", "siyi_liangkai", "owners"])
def test_convene_kind_and_electorate_table(world, procedure):
    """Only the stage's assembly kinds, each only with an electorate that fits it (ELECTORATES)."""
    matter = at_vote(world, procedure)
    stage = matters.stage_of(matter)
    result = {(k, e): attempt(lambda: convene(world, matter, k, e)) for k in AssemblyKind for e in Electorate}
    for (kind, electorate), got in result.items():
        if kind not in stage.assemblies:
            assert "cannot be decided by that kind" in got, (kind, electorate)
        elif electorate not in ELECTORATES[kind]:
            assert "does not fit" in got, (kind, electorate)
        else:
            assert got == "ok", (kind, electorate)
    assert {k for (k, _), got in result.items() if got == "ok"} == set(stage.assemblies)
    if procedure == "yizheng_sanyi":  # e.g. an owners' vote cannot decide a 一征三议 resolution
        assert "cannot be decided by that kind" in result[(AssemblyKind.owners_vote, Electorate.owners)]


def test_convene_records_the_assembly(world):
    """The assembly carries the stage, round, kind, electorate and the matter's secrecy."""
    matter = at_vote(world, secret_ballot=True)
    assembly = convene(world, matter, AssemblyKind.representatives_meeting, Electorate.representatives)
    db.session.commit()
    assert (assembly.stage, assembly.round, assembly.status, assembly.secret, assembly.convened_by_id) == (
        "resolve", matter.round, AssemblyStatus.convened, True, world.committee.id)
    assert matter.dossier[-1].kind == "assembly_convened" and matter.dossier[-1].artefact_id == assembly.id
    assert db.session.scalar(select(AuditEntry.detail).where(AuditEntry.action == "assembly.convene")) == \
        "representatives_meeting/representatives"


def test_convene_refusals(world):
    """Bad times, an empty motion, a second open assembly and other roles are refused."""
    matter = at_vote(world)
    now = utcnow()
    bad = {
        "closes in the past": dict(starts_at=now - timedelta(days=2), closes_at=now - timedelta(days=1)),
        "closes now": dict(starts_at=now - timedelta(hours=1), closes_at=now),
        "closes at start": dict(starts_at=now + timedelta(days=1), closes_at=now + timedelta(days=1)),
        "no motion": dict(starts_at=now, closes_at=now + timedelta(days=1), motion="  "),
    }
    for name, kw in bad.items():
        kw = {"motion": "是否同意", **kw}
        got = attempt(lambda: assemblies.convene(matter, actor=world.committee, kind=AssemblyKind.residents_meeting,
                                                 electorate=Electorate.adult_residents, place="", now=now, **kw))
        assert got not in ("ok", "denied"), name
    for who in ("party_org", "resident", "other_committee", "admin", "grid_worker"):
        got = attempt(lambda: assemblies.convene(matter, actor=getattr(world, who), kind=AssemblyKind.residents_meeting,
                                                 electorate=Electorate.adult_residents, motion="是否同意", place="",
                                                 starts_at=now, closes_at=now + timedelta(days=1)))
        assert got == "denied", who
    assert rows(Assembly) == 0
    first = convene(world, matter, closes_in=None)  # no closing time: closed by the committee
    assert first.closes_at is None
    assert "not closed" in attempt(lambda: convene(world, matter))
    assemblies.open_voting(first, actor=world.committee)
    assert "not closed" in attempt(lambda: convene(world, matter))
    assemblies.close_voting(first, actor=world.committee)
    assert convene(world, matter).id != first.id


def test_assembly_that_missed_its_opening_can_be_convened_again(world):
    """open_voting tells the committee to convene again once the closing time passed; that must work."""
    matter = at_vote(world)
    stale = convene(world, matter, closes_in=timedelta(hours=1))
    db.session.commit()
    with pytest.raises(ServiceError) as err:
        assemblies.open_voting(stale, actor=world.committee, now=stale.closes_at + timedelta(seconds=1))
    assert "convene the assembly again" in english(err.value)
    db.session.rollback()
    later = stale.closes_at + timedelta(seconds=1)
    again = assemblies.convene(matter, actor=world.committee, kind=AssemblyKind.residents_meeting,
                               electorate=Electorate.adult_residents, motion="再次表决", place="社区活动室",
                               starts_at=later, closes_at=later + timedelta(days=1), now=later)
    assert again.id != stale.id
    db.session.refresh(stale)
    assert stale.status == AssemblyStatus.cancelled
    assert matter.dossier[-2].kind == "assembly_cancelled", "calling it off is on the record"


# ---------------------------------------------------------------------------- electorates

def test_adult_residents_frozen_on_the_day_voting_opens(world):
    """Adults on the (local) freeze day: 18 today is in, 18 tomorrow is out; other communities and
    unverified accounts are out; someone verified after opening cannot vote."""
    now = utcnow()
    day = local_date(now)
    eighteen_today = resident_born(world, "今天成年", years_before(day, 18), world.households[3])
    eighteen_tomorrow = resident_born(world, "明天成年", years_before(day + timedelta(days=1), 18),
                                      world.households[3])
    matter = at_vote(world)
    assembly = convene(world, matter)
    count = assemblies.open_voting(assembly, actor=world.committee, now=now)
    voters = {e.user_id for e in electors(assembly)}
    assert voters == {world.resident.id, world.representative.id, eighteen_today.id}
    assert count == 3 and eighteen_tomorrow.id not in voters
    assert all(e.household_id is None and e.area == 0 for e in electors(assembly))
    assert "今天成年" in seat(assembly, eighteen_today).label
    assert (assembly.status, assembly.opened_by_id) == (AssemblyStatus.voting, world.committee.id)
    # verified after the freeze: not an elector, cannot vote
    approve(world.pending, actor=world.committee)
    for user in (world.newcomer, eighteen_tomorrow, world.other_resident):
        with pytest.raises(PermissionDenied) as err:
            assemblies.cast_ballot(assembly, actor=user, choice=Choice.for_)
        assert "not in the electorate" in english(err.value)
    assert len(electors(assembly)) == 3 and rows(Ballot) == 0


def test_households_electorate_one_seat_per_household(world):
    """Every household of the unit has one seat, with or without residents; none from elsewhere."""
    empty = make_household(world.building, "3单元301室", "60.00")
    matter = at_vote(world)
    assembly = convene(world, matter, electorate=Electorate.households)
    assert assemblies.open_voting(assembly, actor=world.committee) == 5
    seats = electors(assembly)
    assert sorted(e.household_id for e in seats) == sorted([h.id for h in world.households] + [empty.id])
    assert all(e.user_id is None for e in seats) and world.other_household.id not in {e.household_id for e in seats}
    assert seat(assembly, household=empty).label.endswith("3单元301室")


def test_representatives_electorate(world):
    """Holders of the representative role in, under or above the unit; not those of another community."""
    grid_rep = make_user("网格代表", role=Role.representative, unit=world.grid)
    street_rep = make_user("街道代表", role=Role.representative, unit=world.street)
    make_user("桂花代表", role=Role.representative, unit=world.other_community)
    matter = at_vote(world)
    assembly = convene(world, matter, AssemblyKind.representatives_meeting, Electorate.representatives)
    assert assemblies.open_voting(assembly, actor=world.committee) == 3
    assert {e.user_id for e in electors(assembly)} == {world.representative.id, grid_rep.id, street_rep.id}
    assert seat(assembly, world.representative).label == "周建国"  # the verified real name
    with pytest.raises(PermissionDenied):
        assemblies.cast_ballot(assembly, actor=world.resident, choice=Choice.for_)


def test_party_members_electorate(world):
    """Holders of Role.party_member registered in the community, residents or not."""
    outsider = make_user("在职党员")
    for user in (world.resident, outsider):
        grant_role(actor=None, user=user, role=Role.party_member, unit=world.community)
    far = make_user("外社区党员", role=Role.party_member, unit=world.other_community)
    matter = at_vote(world, "siyi_liangkai")
    assert matter.stage == "review"
    assembly = convene(world, matter, AssemblyKind.party_members_meeting, Electorate.party_members)
    assert assemblies.open_voting(assembly, actor=world.committee) == 2
    assert {e.user_id for e in electors(assembly)} == {world.resident.id, outsider.id}
    assert far.id not in {e.user_id for e in electors(assembly)}


def test_nobody_eligible_is_refused(world):
    """Opening with an empty electorate is refused and freezes nothing."""
    matter = at_vote(world, "siyi_liangkai")
    assembly = convene(world, matter, AssemblyKind.party_members_meeting, Electorate.party_members)
    with pytest.raises(ServiceError) as err:
        assemblies.open_voting(assembly, actor=world.committee)
    assert "Nobody is eligible" in english(err.value)
    assert rows(Elector) == 0


def test_owners_electorate_has_areas_in_hundredths(world):
    """Every household of the compound is an owner's seat weighted by its floor area in hundredths."""
    extra = make_household(world.building, "2单元101室", "88.50")
    matter = at_vote(world, "owners")
    assembly = convene(world, matter, AssemblyKind.owners_vote, Electorate.owners)
    assert assemblies.open_voting(assembly, actor=world.committee) == 5
    areas = {e.household_id: e.area for e in electors(assembly)}
    assert areas == {**{h.id: 7500 for h in world.households}, extra.id: 8850}


def test_open_voting_refusals(world):
    """Only the committee opens, only once, not after the closing time."""
    matter = at_vote(world)
    assembly = convene(world, matter)
    for who in ("party_org", "resident", "other_committee"):
        assert attempt(lambda: assemblies.open_voting(assembly, actor=getattr(world, who))) == "denied", who
    late = attempt(lambda: assemblies.open_voting(assembly, actor=world.committee, now=assembly.closes_at))
    assert "closing time has already passed" in late
    assert rows(Elector) == 0
    assemblies.open_voting(assembly, actor=world.committee)
    assert "already opened" in attempt(lambda: assemblies.open_voting(assembly, actor=world.committee))
    assert len(electors(assembly)) == 2


# ---------------------------------------------------------------------------- voting

def test_only_electors_vote(world):
    """Non-electors are refused with PermissionDenied; nothing is recorded for them."""
    assembly = opened(world, at_vote(world))
    for who in ("newcomer", "other_resident", "committee", "party_org", "partner", "admin", "grid_worker"):
        with pytest.raises(PermissionDenied):
            assemblies.cast_ballot(assembly, actor=getattr(world, who), choice=Choice.for_)
        with pytest.raises(PermissionDenied):
            assemblies.check_in(assembly, actor=getattr(world, who))
    assert rows(Ballot) == rows(Attendance) == 0


def test_voting_not_before_opening(world):
    """A convened assembly takes neither check-ins nor ballots."""
    assembly = convene(world, at_vote(world))
    assert "not opened yet" in attempt(lambda: assemblies.cast_ballot(assembly, actor=world.resident,
                                                                       choice=Choice.for_))
    assert "not opened yet" in attempt(lambda: assemblies.check_in(assembly, actor=world.resident))


def test_owners_vote_is_for_owners_only(world):
    """A tenant or a family member of an owner cannot vote in an owners' vote; the owner can."""
    approve(world.pending, actor=world.committee)  # the newcomer becomes a tenant of household 3
    family = make_resident(make_user("王家属"), world.households[0], world.committee, real_name="王家属",
                           relation=Relation.family)
    assembly = opened(world, at_vote(world, "owners"), AssemblyKind.owners_vote, Electorate.owners)
    for user in (world.newcomer, family, world.other_resident):
        with pytest.raises(PermissionDenied) as err:
            assemblies.cast_ballot(assembly, actor=user, choice=Choice.for_)
        assert "Only owners" in english(err.value)
    cast = assemblies.cast_ballot(assembly, actor=world.resident, choice=Choice.against)
    assert (cast.choice, cast.changed, cast.receipt) == (Choice.against, False, None)
    [ballot] = db.session.scalars(select(Ballot))
    assert (ballot.elector_id, ballot.cast_by_id) == (seat(assembly, household=world.households[0]).id,
                                                      world.resident.id)


def test_household_has_one_ballot_any_adult_may_change(world):
    """In a households vote any adult of the household casts its single ballot; a second member changes it."""
    family = make_resident(make_user("王家属"), world.households[0], world.committee, real_name="王家属",
                           relation=Relation.family)
    assembly = opened(world, at_vote(world), electorate=Electorate.households)
    first = assemblies.cast_ballot(assembly, actor=world.resident, choice=Choice.for_)
    second = assemblies.cast_ballot(assembly, actor=family, choice=Choice.against)
    assert (first.changed, second.changed) == (False, True)
    [ballot] = db.session.scalars(select(Ballot).where(Ballot.assembly_id == assembly.id))
    db.session.refresh(ballot)
    assert (ballot.choice, ballot.cast_by_id) == (Choice.against, family.id) and ballot.changed_at is not None
    assert ballot.elector_id == seat(assembly, household=world.households[0]).id
    assert rows(Attendance) == 1
    with pytest.raises(ServiceError) as err:
        assemblies.check_in(assembly, actor=family)
    assert "already checked in" in english(err.value)


def test_choice_changes_until_close_and_the_close_is_exact(world):
    """A voter changes their choice up to one microsecond before closes_at; at closes_at and after
    the close they are refused."""
    assembly = opened(world, at_vote(world))
    closes = assembly.closes_at
    assemblies.cast_ballot(assembly, actor=world.resident, choice=Choice.for_)
    changed = assemblies.cast_ballot(assembly, actor=world.resident, choice=Choice.abstain,
                                     now=closes - timedelta(microseconds=1))
    assert changed.changed and changed.choice == Choice.abstain
    with pytest.raises(ServiceError) as err:
        assemblies.cast_ballot(assembly, actor=world.resident, choice=Choice.against, now=closes)
    assert "Voting has closed" in english(err.value)
    with pytest.raises(ServiceError):
        assemblies.check_in(assembly, actor=world.representative, now=closes)
    assert assemblies.open_choice(assembly, seat(assembly, world.resident)) == Choice.abstain
    assemblies.close_voting(assembly, actor=world.committee)
    for user in (world.resident, world.representative):
        with pytest.raises(ServiceError) as err:
            assemblies.cast_ballot(assembly, actor=user, choice=Choice.for_)
        assert "Voting has closed" in english(err.value)
    assert rows(Ballot) == 1 and assembly.votes_abstain == 1 and assembly.votes_for == 0


def test_casting_records_attendance_and_check_in_once(world):
    """Checking in records presence online once; a vote also records presence."""
    assembly = opened(world, at_vote(world))
    attendance = assemblies.check_in(assembly, actor=world.resident)
    assert (attendance.presence, attendance.recorded_by_id) == (Presence.online, world.resident.id)
    with pytest.raises(ServiceError) as err:
        assemblies.check_in(assembly, actor=world.resident)
    assert "already checked in" in english(err.value)
    assemblies.cast_ballot(assembly, actor=world.representative, choice=Choice.for_)
    rep_seat = seat(assembly, world.representative)
    assert assemblies.is_present(assembly, rep_seat) and assemblies.has_voted(assembly, rep_seat)
    with pytest.raises(ServiceError):
        assemblies.check_in(assembly, actor=world.representative)
    assemblies.cast_ballot(assembly, actor=world.resident, choice=Choice.against)  # checked in, then votes
    assert rows(Attendance) == 2
    assert [a for (a,) in db.session.execute(select(AuditEntry.action).where(
        AuditEntry.action.like("assembly.%")).order_by(AuditEntry.id))][-3:] == [
        "assembly.check_in", "assembly.vote", "assembly.vote"]


def test_committee_records_presence_and_paper_ballots(world):
    """The committee records people in the hall and enters paper ballots, and is named for it."""
    assembly = opened(world, at_vote(world))
    res_seat, rep_seat = seat(assembly, world.resident), seat(assembly, world.representative)
    for who in ("party_org", "resident", "representative", "other_committee"):
        actor = getattr(world, who)
        assert attempt(lambda: assemblies.record_presence(assembly, res_seat, actor=actor)) == "denied", who
        assert attempt(lambda: assemblies.enter_paper_ballot(assembly, res_seat, actor=actor,
                                                             choice=Choice.for_)) == "denied", who
    assemblies.record_presence(assembly, res_seat, actor=world.committee)
    with pytest.raises(ServiceError) as err:
        assemblies.record_presence(assembly, res_seat, actor=world.committee)
    assert "already recorded as present" in english(err.value) and res_seat.label in english(err.value)
    cast = assemblies.enter_paper_ballot(assembly, rep_seat, actor=world.committee, choice=Choice.against)
    assert cast == assemblies.Cast(Choice.against, changed=False)
    db.session.commit()
    presence = {a.elector_id: (a.presence, a.recorded_by_id) for a in db.session.scalars(select(Attendance))}
    assert presence == {res_seat.id: (Presence.in_hall, world.committee.id),
                        rep_seat.id: (Presence.in_hall, world.committee.id)}
    [ballot] = db.session.scalars(select(Ballot))
    assert (ballot.elector_id, ballot.entered_by_id, ballot.cast_by_id, ballot.choice) == (
        rep_seat.id, world.committee.id, None, Choice.against)
    # an elector of another assembly is not this assembly's
    other = opened(world, at_vote(world))
    stranger = seat(other, world.resident)
    assert "not in this assembly" in attempt(lambda: assemblies.record_presence(assembly, stranger,
                                                                                 actor=world.committee))
    assert "not in this assembly" in attempt(lambda: assemblies.enter_paper_ballot(
        assembly, stranger, actor=world.committee, choice=Choice.for_))


# ---------------------------------------------------------------------------- secret ballots

def test_secret_ballot_schema(app):
    """The schema itself keeps voter and choice apart."""
    inspector = sa.inspect(db.engine)
    assert {c["name"] for c in inspector.get_columns("secret_ballot")} == {"receipt", "assembly_id", "choice"}
    participation = {c["name"] for c in inspector.get_columns("secret_participation")}
    assert "choice" not in participation and "elector_id" in participation
    assert not any(fk["referred_table"] in ("elector", "user_account", "secret_participation")
                   for fk in inspector.get_foreign_keys("secret_ballot"))


def test_secret_vote_stores_no_link_from_voter_to_choice(world):
    """A secret vote returns a receipt, writes no Ballot, and the audit log keeps no choice."""
    assembly = opened(world, at_vote(world, secret_ballot=True))
    assert assembly.secret
    mine = assemblies.cast_ballot(assembly, actor=world.resident, choice=Choice.against)
    theirs = assemblies.enter_paper_ballot(assembly, seat(assembly, world.representative), actor=world.committee,
                                           choice=Choice.for_)
    db.session.commit()
    assert RECEIPT.match(mine.receipt) and RECEIPT.match(theirs.receipt) and mine.receipt != theirs.receipt
    assert (mine.choice, mine.changed) == (Choice.against, False)
    assert rows(Ballot) == 0
    assert rows(SecretParticipation, SecretParticipation.assembly_id == assembly.id) == 2
    assert {(b.receipt, b.choice) for b in db.session.scalars(select(SecretBallot))} == {
        (mine.receipt, Choice.against), (theirs.receipt, Choice.for_)}
    entered = db.session.scalar(select(SecretParticipation.entered_by_id).where(
        SecretParticipation.elector_id == seat(assembly, world.representative).id))
    assert entered == world.committee.id
    votes = list(db.session.scalars(select(AuditEntry).where(AuditEntry.action.in_(
        ("assembly.vote", "assembly.paper_ballot")))))
    assert len(votes) == 2
    for entry in votes:
        assert not any(c.value in entry.detail for c in Choice), entry.detail
        assert mine.receipt not in entry.detail and theirs.receipt not in entry.detail
    assert assemblies.open_choice(assembly, seat(assembly, world.resident)) is None
    assert assemblies.has_voted(assembly, seat(assembly, world.resident))


def test_changing_a_secret_vote_needs_its_receipt(world):
    """Without the receipt: 'already voted'; a wrong receipt is refused; the right one changes the choice."""
    assembly = opened(world, at_vote(world, secret_ballot=True))
    cast = assemblies.cast_ballot(assembly, actor=world.resident, choice=Choice.for_)
    with pytest.raises(ServiceError) as err:
        assemblies.cast_ballot(assembly, actor=world.resident, choice=Choice.against)
    assert "already voted" in english(err.value)
    for wrong in ("ZZZZ-ZZZZ", "nonsense", cast.receipt[:-1]):
        with pytest.raises(ServiceError) as err:
            assemblies.cast_ballot(assembly, actor=world.resident, choice=Choice.against, receipt=wrong)
        assert "does not match" in english(err.value)
    # someone who has not voted cannot use a receipt to change a ballot (the request is rolled back)
    assert "does not match" in attempt(lambda: assemblies.cast_ballot(assembly, actor=world.representative,
                                                                      choice=Choice.against, receipt=cast.receipt))
    typed = cast.receipt.replace("-", " ").lower()
    changed = assemblies.cast_ballot(assembly, actor=world.resident, choice=Choice.against, receipt=typed)
    assert (changed.changed, changed.receipt, changed.choice) == (True, cast.receipt, Choice.against)
    assert rows(SecretBallot) == 1 and rows(SecretParticipation) == 1
    assert db.session.scalar(select(SecretBallot.choice)) == Choice.against
    assemblies.close_voting(assembly, actor=world.committee)
    assert (assembly.votes_for, assembly.votes_against, assembly.attending) == (0, 1, 1)


def test_receipts_are_public_only_after_close(world):
    """receipts() is empty while voting and then lists (receipt, choice) sorted by receipt."""
    assembly = opened(world, at_vote(world, secret_ballot=True))
    casts = [assemblies.cast_ballot(assembly, actor=world.resident, choice=Choice.abstain),
             assemblies.cast_ballot(assembly, actor=world.representative, choice=Choice.for_)]
    assert assemblies.receipts(assembly) == []
    assemblies.close_voting(assembly, actor=world.committee)
    assert assemblies.receipts(assembly) == sorted((c.receipt, c.choice) for c in casts)
    assert (assembly.outcome, assembly.votes_for, assembly.votes_abstain) == (Outcome.rejected, 1, 1)


def test_open_assembly_has_no_receipts(world):
    """An open (non-secret) vote publishes no receipts, even when closed."""
    assembly = opened(world, at_vote(world))
    assert assemblies.cast_ballot(assembly, actor=world.resident, choice=Choice.for_).receipt is None
    assemblies.close_voting(assembly, actor=world.committee)
    assert assemblies.receipts(assembly) == [] and rows(SecretBallot) == 0


@pytest.mark.skipif(not os.environ.get("PORTAL_TEST_DATABASE_URL"), reason="PostgreSQL system columns")
def test_secret_ballot_cannot_be_joined_to_its_voter_on_postgresql(world):
    """Votes cast in separate transactions leave no system-column link from voter to choice."""
    assembly = opened(world, at_vote(world, secret_ballot=True))
    db.session.commit()
    for user, choice in ((world.resident, Choice.for_), (world.representative, Choice.against)):
        assemblies.cast_ballot(assembly, actor=user, choice=choice)
        db.session.commit()
    assemblies.close_voting(assembly, actor=world.committee)
    db.session.commit()
    links = db.session.execute(text(
        "SELECT a.actor_id, s.choice FROM audit_log a JOIN secret_ballot s ON a.xmin::text = s.xmin::text "
        "WHERE a.action = 'assembly.vote' AND s.assembly_id = :id"), {"id": assembly.id}).all()
    assert links == []


# ---------------------------------------------------------------------------- closing and freezing

def test_close_freezes_the_result(world):
    """Closing counts by rule, stores the figures and refuses further ballots or a second close."""
    matter = at_vote(world)
    assembly = opened(world, matter)
    assemblies.cast_ballot(assembly, actor=world.resident, choice=Choice.for_)
    assemblies.cast_ballot(assembly, actor=world.representative, choice=Choice.abstain)
    for who in ("party_org", "resident"):
        assert attempt(lambda: assemblies.close_voting(assembly, actor=getattr(world, who))) == "denied"
    assemblies.close_voting(assembly, actor=world.committee)
    db.session.commit()
    figures = (assembly.status, assembly.outcome, assembly.electorate_count, assembly.attending, assembly.votes_for,
               assembly.votes_against, assembly.votes_abstain, assembly.closed_by_id)
    assert figures == (AssemblyStatus.closed, Outcome.rejected, 2, 2, 1, 0, 1, world.committee.id)
    assert assembly.closed_at is not None
    closing = matter.dossier[-1]
    assert (closing.kind, closing.stage, closing.reason, closing.artefact_id) == ("voting_closed", "resolve",
                                                                                  "rejected", assembly.id)
    assert db.session.scalar(select(AuditEntry.detail).where(AuditEntry.action == "assembly.close")).startswith(
        "rejected electorate=2 attending=2 for=1 against=0 abstain=1")
    with pytest.raises(ServiceError) as err:
        assemblies.close_voting(assembly, actor=world.committee)
    assert "cannot be closed" in english(err.value)
    with pytest.raises(ServiceError):
        assemblies.cast_ballot(assembly, actor=world.representative, choice=Choice.for_)
    db.session.rollback()
    # residents verified afterwards change nothing that was frozen
    make_resident(make_user("新居民"), world.households[3], world.committee, real_name="新居民")
    approve(world.pending, actor=world.committee)
    db.session.commit()
    db.session.refresh(assembly)
    assert (assembly.electorate_count, assembly.attending, assembly.votes_for, assembly.outcome) == (
        2, 2, 1, Outcome.rejected)
    assert assemblies.count(assembly).electorate == 2 and len(electors(assembly)) == 2


def test_close_if_due_only_at_closing_time(world):
    """close_if_due leaves the vote open before closes_at and closes it at closes_at, by nobody."""
    assembly = opened(world, at_vote(world))
    assemblies.cast_ballot(assembly, actor=world.resident, choice=Choice.for_)
    assemblies.cast_ballot(assembly, actor=world.representative, choice=Choice.for_)
    assert not assemblies.close_if_due(assembly, now=assembly.closes_at - timedelta(microseconds=1))
    assert assembly.status == AssemblyStatus.voting and assembly.outcome is None
    assert assemblies.close_if_due(assembly, now=assembly.closes_at)
    assert (assembly.status, assembly.outcome, assembly.closed_by_id, assembly.closed_at) == (
        AssemblyStatus.closed, Outcome.passed, None, assembly.closes_at)
    assert not assemblies.close_if_due(assembly, now=assembly.closes_at + timedelta(days=1))


def test_close_due_closes_every_due_vote(world):
    """close_due closes the votes whose time has come and leaves the others open."""
    due = [opened(world, at_vote(world), closes_in=timedelta(hours=h)) for h in (1, 2)]
    later = opened(world, at_vote(world), closes_in=timedelta(days=3))
    no_time = opened(world, at_vote(world), closes_in=None)
    assert assemblies.close_due(now=due[0].closes_at - timedelta(microseconds=1)) == 0
    assert assemblies.close_due(now=due[0].closes_at) == 1  # only the first
    assert assemblies.close_due(now=due[1].closes_at) == 1
    assert assemblies.close_due(now=due[1].closes_at) == 0
    db.session.expire_all()
    assert [a.status for a in due] == [AssemblyStatus.closed] * 2
    assert (later.status, no_time.status) == (AssemblyStatus.voting, AssemblyStatus.voting)
    assert all(a.outcome == Outcome.void for a in due)  # nobody attended


MEETINGS = [  # what each of the 4 households does → outcome, attending, for, against, abstain
    (("for", "for", None, None), Outcome.void, 2, 2, 0, 0),           # exactly half attend
    (("for", "for", "against", None), Outcome.passed, 3, 2, 1, 0),     # 2 of 3 attending
    (("for", "for", "against", "against"), Outcome.rejected, 4, 2, 2, 0),  # exactly half for
    (("for", "for", "abstain", "present"), Outcome.rejected, 4, 2, 0, 1),  # abstaining and silent count
    (("for", "for", "for", "present"), Outcome.passed, 4, 3, 0, 0),
]


@pytest.mark.parametrize("acts, outcome, attending, votes_for, against, abstain", MEETINGS)
def test_residents_meeting_boundaries(world, acts, outcome, attending, votes_for, against, abstain):
    """A households' meeting of 4: more than half must attend, more than half of those vote for."""
    approve(world.pending, actor=world.committee)
    fourth = make_resident(make_user("赵四"), world.households[3], world.committee, real_name="赵四")
    voters = [world.resident, world.representative, world.newcomer, fourth]
    matter = at_vote(world)
    assembly = opened(world, matter, electorate=Electorate.households)
    for voter, act in zip(voters, acts):
        if act == "present":
            assemblies.check_in(assembly, actor=voter)
        elif act is not None:
            assemblies.cast_ballot(assembly, actor=voter, choice=Choice(act))
    assemblies.close_voting(assembly, actor=world.committee)
    assert (assembly.outcome, assembly.electorate_count, assembly.attending, assembly.votes_for,
            assembly.votes_against, assembly.votes_abstain) == (outcome, 4, attending, votes_for, against, abstain)
    # whatever the outcome, a frozen result lets the resolve stage advance
    assert matters.advance(matter, actor=world.committee, today=D0).stage == "disclose_resolution"


OWNERS = [  # floor areas, each owner's ballot, major → outcome
    (("100.00", "100.00", "100.00"), ("for", "for", None), False, Outcome.passed),       # exactly 2/3 take part
    (("100.00", "100.00", "100.01"), ("for", "for", None), False, Outcome.void),         # area just below 2/3
    (("100.00", "100.00", "100.00", "100.00"), ("for", "for", "for", "against"), True, Outcome.passed),  # 3/4
    (("100.00", "100.00", "99.99", "100.00"), ("for", "for", "for", "against"), True, Outcome.rejected),
    (("100.00", "100.00", "100.00", "100.00"), ("for", "for", "against", "against"), False, Outcome.rejected),
]


@pytest.mark.parametrize("areas, acts, major, outcome", OWNERS)
def test_owners_vote_boundaries(world, areas, acts, major, outcome):
    """Owners' votes weigh heads and floor area: ≥ 2/3 take part, > 1/2 (or ≥ 3/4 when major) agree."""
    compound = make_unit("新建小区", UnitLevel.compound, world.grid)
    building = make_unit("1幢", UnitLevel.building, compound)
    owners = [make_resident(make_user(f"业主{i}"), make_household(building, f"{i + 1}01室", area), world.committee,
                            real_name=f"业主{i}") for i, area in enumerate(areas)]
    matter = at_vote(world, "owners", unit=compound, suggester=owners[0], major=major)
    assembly = opened(world, matter, AssemblyKind.owners_vote, Electorate.owners)
    assert assembly.major is major
    for owner, act in zip(owners, acts):
        if act is not None:
            assemblies.cast_ballot(assembly, actor=owner, choice=Choice(act))
    assemblies.close_voting(assembly, actor=world.committee)
    total = sum(int(a.replace(".", "")) for a in areas)
    taking_part = sum(int(a.replace(".", "")) for a, act in zip(areas, acts) if act)
    agreeing = sum(int(a.replace(".", "")) for a, act in zip(areas, acts) if act == "for")
    assert (assembly.outcome, assembly.electorate_count, assembly.electorate_area, assembly.participating_area,
            assembly.for_area) == (outcome, len(areas), total, taking_part, agreeing)
    assert assembly.votes_for == acts.count("for") and assembly.votes_against == acts.count("against")


def test_void_result_is_disclosed_but_a_void_review_is_not_enough(world):
    """A void residents' meeting still freezes a result (Fact.result); the 四议 review needs a pass."""
    matter = at_vote(world)
    assembly = opened(world, matter)
    assemblies.close_voting(assembly, actor=world.committee)
    assert assembly.outcome == Outcome.void
    assert matters.advance(matter, actor=world.committee, today=D0).stage == "disclose_resolution"
    review = at_vote(world, "siyi_liangkai")
    grant_role(actor=None, user=world.resident, role=Role.party_member, unit=world.community)
    vote = opened(world, review, AssemblyKind.party_members_meeting, Electorate.party_members)
    assemblies.close_voting(vote, actor=world.committee)
    assert vote.outcome == Outcome.void
    with pytest.raises(ServiceError) as err:
        matters.advance(review, actor=world.committee, today=D0)
    assert "review vote that passed" in english(err.value)


def test_sending_back_ends_the_stages_vote(world):
    """Once the matter went back from resolve, the assembly convened there takes no more ballots."""
    matter = at_vote(world)
    assembly = opened(world, matter)
    assemblies.cast_ballot(assembly, actor=world.resident, choice=Choice.for_)
    try:
        matters.send_back(matter, actor=world.committee, reason="方案需修改", today=D0)
    except ServiceError:
        return  # refusing to leave a stage whose vote is open would be a fix as well
    assert matter.stage == "consult"
    with pytest.raises(ServiceError):
        assemblies.cast_ballot(assembly, actor=world.representative, choice=Choice.for_)
