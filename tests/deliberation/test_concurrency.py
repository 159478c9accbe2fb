"""Concurrent requests against the unique constraints of deliberation: one ballot per voter per
motion (open and secret), no ballot slipping in after the committee closed the vote, and one
second per resident per suggestion — on SQLite (WAL, one writer at a time) and PostgreSQL
(READ COMMITTED, row locks).

Every job runs as a request would: in a thread of its own, in an app context of its own (so a
session of its own), on objects it loads itself, committing on success and rolling back on a
ServiceError. Anything else a job raises (``database is locked``, a deadlock, a serialization
failure, a warning turned error) is recorded and fails the test: a lost ballot is a failure.
"""
import os
import queue
import random
import threading
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from portal.domain.deliberation import AssemblyStatus, Choice, MeetingOutcome
from portal.domain.procedures import AssemblyKind, Electorate
from portal.extensions import db
from portal.models import (
    Assembly,
    Attendance,
    Ballot,
    Elector,
    Second,
    SecretBallot,
    SecretParticipation,
    Suggestion,
    User,
)
from portal.models.base import utcnow
from portal.services import ServiceError, assemblies, matters, suggestions
from tests.factories import build_world, make_household, make_resident, make_user

ON_SQLITE = not os.environ.get("PORTAL_TEST_DATABASE_URL")
WORKERS = 16
VOTERS = 24


# --- fixtures and helpers ------------------------------------------------------------------------

@pytest.fixture
def capp(threaded_app):
    """The concurrency tests' app (tests/conftest.py: a pool for every thread)."""
    return threaded_app


@pytest.fixture
def cworld(capp):
    return build_world()


@pytest.fixture
def voters(cworld):
    """Ids of ``VOTERS`` verified adult residents of the community, committed."""
    ids = []
    for n in range(VOTERS):
        household = make_household(cworld.building, f"3单元{n + 1:02d}室", "80.00")
        user = make_resident(make_user(f"投票人{n}"), household, cworld.committee, real_name=f"居民{n}",
                             birth_date=date(1970, 1, 1))
        ids.append(user.id)
    db.session.commit()
    return ids


@dataclass
class JobResult:
    job: tuple
    value: object = None        # what the service returned, once committed
    refused: str | None = None  # the ServiceError's message (rolled back)
    error: str | None = None    # anything else: always a failure


def run_together(app, jobs, work, workers=WORKERS) -> list[JobResult]:
    """Run ``work(job)`` for every job on ``workers`` threads that start together (a barrier),
    each job in an app context of its own. ``work`` loads what it needs and calls a service;
    the commit or rollback is done here, as a request would."""
    pending = queue.SimpleQueue()
    for job in jobs:
        pending.put(job)
    workers = min(workers, len(jobs))
    barrier = threading.Barrier(workers)

    def one(job) -> JobResult:
        with app.app_context():
            try:
                value = work(job)
                db.session.commit()
                return JobResult(job, value=value)
            except ServiceError as exc:
                db.session.rollback()
                return JobResult(job, refused=str(exc))
            except Exception as exc:  # noqa: BLE001 - recorded, and the test fails on it
                db.session.rollback()
                return JobResult(job, error=f"{type(exc).__name__}: {exc}")
            finally:
                db.session.remove()

    def worker() -> list[JobResult]:
        barrier.wait(timeout=30)
        done = []
        while True:
            try:
                job = pending.get_nowait()
            except queue.Empty:
                return done
            done.append(one(job))

    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(worker) for _ in range(workers)]
        outcomes = [o for f in futures for o in f.result(timeout=120)]
    assert len(outcomes) == len(jobs)
    return outcomes


def no_errors(outcomes: list[JobResult]) -> None:
    errors = [(o.job, o.error) for o in outcomes if o.error is not None]
    assert not errors, f"{len(errors)} job(s) failed unexpectedly: {errors[:5]}"


def matter_at_resolve(world, *, secret: bool = False, title: str = "加装充电桩"):
    """A matter taken from a suggestion through proposal and joint meeting to the resolve stage."""
    now = utcnow()
    today = date.today()
    window = suggestions.open_solicitation(world.community, actor=world.committee, title="四季度金点子",
                                           description="", opens_at=now - timedelta(hours=1),
                                           closes_at=now + timedelta(days=10))
    idea = suggestions.submit_suggestion(window, actor=world.resident, title=title, body="电动车充电难")
    matter = suggestions.accept_suggestion(idea, actor=world.committee, title=title, procedure="yizheng_sanyi",
                                           secret_ballot=secret)
    matters.advance(matter, actor=world.committee, today=today)
    matters.write_proposal(matter, actor=world.party_org, body_html="<p>建议</p>", answers=[idea])
    matters.advance(matter, actor=world.party_org, today=today)
    matters.record_meeting(matter, actor=world.committee, held_on=today, place="会议室", attendees="两委",
                           minutes_html="<p>同意</p>", opinions="", outcome=MeetingOutcome.forward, today=today)
    assert matter.stage == "resolve"
    return matter


def voting_assembly(world, *, secret: bool = False, title: str = "加装充电桩") -> int:
    """A residents' meeting of the community's adult residents with voting open, committed."""
    matter = matter_at_resolve(world, secret=secret, title=title)
    now = utcnow()
    assembly = assemblies.convene(matter, actor=world.committee, kind=AssemblyKind.residents_meeting,
                                  electorate=Electorate.adult_residents, motion="是否同意", place="活动室",
                                  starts_at=now, closes_at=now + timedelta(days=1))
    assemblies.open_voting(assembly, actor=world.committee)
    assert assembly.secret is secret
    db.session.commit()
    return assembly.id


def cast(job):
    """One voter's request: load the voter and the assembly afresh, and vote."""
    assembly_id, user_id, choice = job
    user = db.session.get(User, user_id)
    assert user.resident is not None
    assembly = db.session.get(Assembly, assembly_id)
    return assemblies.cast_ballot(assembly, actor=user, choice=choice)


def electors_by_user(assembly_id: int) -> dict[int, int]:
    return dict(db.session.execute(select(Elector.id, Elector.user_id)
                                   .where(Elector.assembly_id == assembly_id)).all())


def count_rows(model, **where) -> int:
    query = select(func.count()).select_from(model)
    for column, value in where.items():
        query = query.where(getattr(model, column) == value)
    return db.session.scalar(query)


# --- open ballot ---------------------------------------------------------------------------------

def test_simultaneous_ballots_and_duplicates_count_each_voter_once(capp, cworld, voters):
    assembly_id = voting_assembly(cworld)
    rng = random.Random(20261122)
    choices = list(Choice)
    sent: dict[int, list[Choice]] = {}
    for n, uid in enumerate(voters):
        if n % 3 == 0:  # the same choice three times: a double (triple) click
            sent[uid] = [choices[n % len(choices)]] * 3
        else:           # three different choices: a voter changing their mind quickly
            sent[uid] = rng.sample(choices, 3)
    jobs = [(assembly_id, uid, choice) for uid, sent_choices in sent.items() for choice in sent_choices]
    rng.shuffle(jobs)

    outcomes = run_together(capp, jobs, cast)

    no_errors(outcomes)
    assert [o.refused for o in outcomes if o.refused is not None] == []
    first_casts = Counter(o.job[1] for o in outcomes if not o.value.changed)
    assert first_casts == Counter(voters), "each voter's ballot is new exactly once, then changed"

    assembly = db.session.get(Assembly, assembly_id)
    assemblies.close_voting(assembly, actor=cworld.committee)
    db.session.commit()
    assert assembly.status == AssemblyStatus.closed
    assert assembly.votes_for + assembly.votes_against + assembly.votes_abstain == VOTERS
    assert assembly.attending == VOTERS
    assert assembly.electorate_count == VOTERS + 2  # and the world's two residents, who did not vote

    seats = electors_by_user(assembly_id)
    rows = db.session.execute(select(Ballot.elector_id, Ballot.choice).where(Ballot.assembly_id == assembly_id)).all()
    assert len(rows) == VOTERS
    assert Counter(seats[elector] for elector, _ in rows) == Counter(voters), "one ballot row per voter"
    assert count_rows(Attendance, assembly_id=assembly_id) == VOTERS
    final = {seats[elector]: Choice(choice) for elector, choice in rows}
    for uid, sent_choices in sent.items():
        assert final[uid] in sent_choices
        if len(set(sent_choices)) == 1:
            assert final[uid] == sent_choices[0]
    tally = Counter(final.values())
    assert (assembly.votes_for, assembly.votes_against, assembly.votes_abstain) == (
        tally[Choice.for_], tally[Choice.against], tally[Choice.abstain])


# --- secret ballot -------------------------------------------------------------------------------

def test_simultaneous_secret_ballots_and_duplicates_count_each_voter_once(capp, cworld, voters):
    assembly_id = voting_assembly(cworld, secret=True)
    rng = random.Random(8)
    choices = list(Choice)
    jobs = [(assembly_id, uid, choices[(n + k) % 3] if n % 2 else choices[n % 3])
            for n, uid in enumerate(voters) for k in range(3)]
    rng.shuffle(jobs)

    outcomes = run_together(capp, jobs, cast)

    no_errors(outcomes)
    already = str(_l("You have already voted. To change your vote, enter the receipt you were given."))
    accepted = [o for o in outcomes if o.refused is None]
    refused = [o for o in outcomes if o.refused is not None]
    assert Counter(o.job[1] for o in accepted) == Counter(voters), "one accepted ballot per voter"
    assert Counter(o.job[1] for o in refused) == Counter({uid: 2 for uid in voters})
    assert {o.refused for o in refused} == {already}
    receipts = {o.value.receipt: o.value.choice for o in accepted}
    assert len(receipts) == VOTERS and all(receipts)

    assert count_rows(SecretParticipation, assembly_id=assembly_id) == VOTERS
    assert count_rows(SecretBallot, assembly_id=assembly_id) == VOTERS
    assert count_rows(Attendance, assembly_id=assembly_id) == VOTERS
    seats = electors_by_user(assembly_id)
    voted = db.session.scalars(select(SecretParticipation.elector_id)
                               .where(SecretParticipation.assembly_id == assembly_id)).all()
    assert Counter(seats[e] for e in voted) == Counter(voters)
    stored = dict(db.session.execute(select(SecretBallot.receipt, SecretBallot.choice)
                                     .where(SecretBallot.assembly_id == assembly_id)).all())
    assert {r: Choice(c) for r, c in stored.items()} == receipts, "each receipt holds the choice it was given for"

    assembly = db.session.get(Assembly, assembly_id)
    assemblies.close_voting(assembly, actor=cworld.committee)
    db.session.commit()
    assert assembly.votes_for + assembly.votes_against + assembly.votes_abstain == VOTERS
    assert assembly.attending == VOTERS
    tally = Counter(receipts.values())
    assert (assembly.votes_for, assembly.votes_against, assembly.votes_abstain) == (
        tally[Choice.for_], tally[Choice.against], tally[Choice.abstain])


# --- a ballot racing the close -------------------------------------------------------------------

@pytest.mark.parametrize("secret", [False, True], ids=["open", "secret"])
def test_no_ballot_slips_in_after_the_close(capp, cworld, voters, secret):
    closed = str(_l("Voting has closed."))
    committee_id = cworld.committee.id
    rng = random.Random(42 + secret)
    for round_, close_at in enumerate((0.25, 0.5, 0.75)):
        assembly_id = voting_assembly(cworld, secret=secret, title=f"议题{round_}")
        jobs = [("cast", assembly_id, uid, rng.choice(list(Choice))) for uid in voters]
        rng.shuffle(jobs)
        jobs.insert(int(len(jobs) * close_at), ("close", assembly_id, committee_id, None))

        def work(job):
            kind, aid, uid, choice = job
            assembly = db.session.get(Assembly, aid)
            user = db.session.get(User, uid)
            if kind == "close":
                return assemblies.close_voting(assembly, actor=user).id
            return assemblies.cast_ballot(assembly, actor=user, choice=choice)

        outcomes = run_together(capp, jobs, work)

        no_errors(outcomes)
        closing = [o for o in outcomes if o.job[0] == "close"]
        assert closing[0].refused is None, closing[0].refused
        casts = [o for o in outcomes if o.job[0] == "cast"]
        accepted = {o.job[2] for o in casts if o.refused is None}
        assert {o.refused for o in casts if o.refused is not None} <= {closed}

        db.session.expire_all()
        assembly = db.session.get(Assembly, assembly_id)
        assert assembly.status == AssemblyStatus.closed
        frozen = assembly.votes_for + assembly.votes_against + assembly.votes_abstain
        model = SecretParticipation if secret else Ballot
        assert count_rows(model, assembly_id=assembly_id) == frozen == len(accepted), \
            "every ballot in the database is counted in the frozen result, and only those"
        if secret:
            assert count_rows(SecretBallot, assembly_id=assembly_id) == frozen
        assert count_rows(Attendance, assembly_id=assembly_id) == assembly.attending == len(accepted)
        seats = electors_by_user(assembly_id)
        voted = db.session.scalars(select(model.elector_id).where(model.assembly_id == assembly_id)).all()
        assert {seats[e] for e in voted} == accepted


# --- seconds -------------------------------------------------------------------------------------

def test_simultaneous_seconds_and_duplicates_count_each_resident_once(capp, cworld, voters):
    now = utcnow()
    window = suggestions.open_solicitation(cworld.community, actor=cworld.committee, title="金点子",
                                           description="", opens_at=now - timedelta(hours=1),
                                           closes_at=now + timedelta(days=10))
    idea = suggestions.submit_suggestion(window, actor=cworld.resident, title="加装充电桩", body="电动车充电难")
    db.session.commit()
    suggestion_id = idea.id
    jobs = [(suggestion_id, uid) for uid in voters for _ in range(3)]
    random.Random(3).shuffle(jobs)

    def work(job):
        sid, uid = job
        return suggestions.second(db.session.get(Suggestion, sid), actor=db.session.get(User, uid)).id

    outcomes = run_together(capp, jobs, work)

    no_errors(outcomes)
    already = str(_l("You have already seconded this suggestion."))
    accepted = [o for o in outcomes if o.refused is None]
    refused = [o for o in outcomes if o.refused is not None]
    assert Counter(o.job[1] for o in accepted) == Counter(voters)
    assert Counter(o.job[1] for o in refused) == Counter({uid: 2 for uid in voters})
    assert {o.refused for o in refused} == {already}
    rows = db.session.scalars(select(Second.user_id).where(Second.suggestion_id == suggestion_id)).all()
    assert Counter(rows) == Counter(voters)
    assert suggestions.seconds_of(db.session.get(Suggestion, suggestion_id)) == VOTERS


def test_simultaneous_seconds_and_withdrawals_leave_a_consistent_count(capp, cworld, voters):
    """Residents second, withdraw and second again, all at once: whatever the interleaving,
    each resident holds at most one second, and the rows match what the services reported."""
    now = utcnow()
    window = suggestions.open_solicitation(cworld.community, actor=cworld.committee, title="金点子",
                                           description="", opens_at=now - timedelta(hours=1),
                                           closes_at=now + timedelta(days=10))
    idea = suggestions.submit_suggestion(window, actor=cworld.resident, title="加装充电桩", body="电动车充电难")
    db.session.commit()
    suggestion_id = idea.id
    jobs = [(suggestion_id, uid, verb) for uid in voters for verb in ("second", "withdraw", "second", "second")]
    random.Random(5).shuffle(jobs)

    def work(job):
        sid, uid, verb = job
        suggestion, user = db.session.get(Suggestion, sid), db.session.get(User, uid)
        if verb == "second":
            return suggestions.second(suggestion, actor=user).id
        return suggestions.withdraw_second(suggestion, actor=user)

    outcomes = run_together(capp, jobs, work)

    no_errors(outcomes)
    net = defaultdict(int)
    for o in outcomes:
        if o.refused is None:
            net[o.job[1]] += 1 if o.job[2] == "second" else -1
    assert set(net.values()) <= {0, 1}, "seconds and withdrawals that succeeded alternate per resident"
    rows = Counter(db.session.scalars(select(Second.user_id).where(Second.suggestion_id == suggestion_id)).all())
    assert rows == Counter({uid: 1 for uid, n in net.items() if n == 1})


def test_a_second_rolled_back_by_its_request_leaves_no_row(capp, cworld):
    """The second and the request's other writes commit or roll back together, so a resident
    whose request failed after seconding has not seconded (and may second again). On SQLite a
    SAVEPOINT outside a transaction once committed on RELEASE: see portal/database.py."""
    now = utcnow()
    window = suggestions.open_solicitation(cworld.community, actor=cworld.committee, title="金点子",
                                           description="", opens_at=now - timedelta(hours=1),
                                           closes_at=now + timedelta(days=10))
    idea = suggestions.submit_suggestion(window, actor=cworld.resident, title="加装充电桩", body="电动车充电难")
    db.session.commit()
    suggestions.second(idea, actor=cworld.representative)
    db.session.rollback()
    assert count_rows(Second, suggestion_id=idea.id) == 0
