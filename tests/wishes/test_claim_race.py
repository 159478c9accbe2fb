"""Exactly one partner holds a claim, whatever the race (DESIGN §4): many verified partners
claim one open wish at the same moment, on SQLite (WAL, one writer at a time) and PostgreSQL
(READ COMMITTED, row locks).

Every job runs as a request would: in a thread of its own, in an app context of its own (so a
session of its own), on objects it loads itself, committing on success and rolling back on a
ServiceError. Anything else a job raises (``database is locked``, a deadlock, a constraint
violation) is recorded and fails the test.
"""
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import event, select

from portal.domain.wishes import CareTag, PartnerKind, WishStatus
from portal.extensions import db
from portal.models import Household, HouseholdCareTag, Partner, Unit, User, Wish, WishEvent
from portal.models.base import utcnow
from portal.services import ServiceError, wishes
from tests.deliberation.helpers import english
from tests.factories import build_world, make_user
from tests.wishes.conftest import make_partner, wish_at

PARTNERS = 12
ALREADY = "Another partner has already claimed this wish."


@pytest.fixture
def capp(threaded_app):
    """The concurrency tests' app (tests/conftest.py: a pool for every thread)."""
    return threaded_app


@pytest.fixture
def cworld(capp):
    return build_world()


@pytest.fixture
def partner_users(cworld) -> list[int]:
    """Ids of ``PARTNERS`` accounts with verified partner profiles serving the community, committed."""
    ids = [make_partner(cworld, f"合伙人{n:02d}").user_id for n in range(PARTNERS)]
    db.session.commit()
    return ids


@dataclass
class Outcome:
    user_id: int
    won: bool = False
    refused: str | None = None  # the English message of a ServiceError (rolled back)
    error: str | None = None    # anything else: always a failure


def claim_together(app, wish_id: int, user_ids: list[int]) -> list[Outcome]:
    """Each user claims the wish in a thread of its own; the threads start together."""
    barrier = threading.Barrier(len(user_ids))

    def job(user_id: int) -> Outcome:
        with app.app_context():
            try:
                user = db.session.get(User, user_id)
                wish = db.session.get(Wish, wish_id)
                barrier.wait(timeout=30)
                wishes.claim_wish(wish, actor=user)
                db.session.commit()
                return Outcome(user_id, won=True)
            except ServiceError as exc:
                db.session.rollback()
                return Outcome(user_id, refused=english(exc))
            except Exception as exc:  # noqa: BLE001 - recorded, and the test fails on it
                db.session.rollback()
                return Outcome(user_id, error=f"{type(exc).__name__}: {exc}")
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=len(user_ids)) as pool:
        outcomes = list(pool.map(job, user_ids, timeout=120))
    assert len(outcomes) == len(user_ids)
    errors = [(o.user_id, o.error) for o in outcomes if o.error is not None]
    assert not errors, f"{len(errors)} claim(s) failed unexpectedly: {errors[:5]}"
    return outcomes


def claim_events(wish_id: int) -> list[tuple[str, int | None]]:
    return [(e.move, e.partner_id) for e in db.session.scalars(
        select(WishEvent).where(WishEvent.wish_id == wish_id, WishEvent.move.in_(("claim", "lapse", "release")))
        .order_by(WishEvent.id))]


def exactly_one_winner(outcomes: list[Outcome]) -> int:
    winners = [o.user_id for o in outcomes if o.won]
    assert len(winners) == 1, f"{len(winners)} partners won the claim"
    assert [o.refused for o in outcomes if not o.won] == [ALREADY] * (len(outcomes) - 1)
    return winners[0]


def holder(wish_id: int):
    db.session.expire_all()
    wish = db.session.get(Wish, wish_id)
    return wish.status, wish.partner_id


def test_many_partners_claim_one_wish_at_once_and_exactly_one_holds_it(capp, cworld, partner_users):
    wish_id = wish_at(cworld, WishStatus.open).id
    db.session.commit()

    winner = exactly_one_winner(claim_together(capp, wish_id, partner_users))

    profile = wishes.partner_of(db.session.get(User, winner))
    assert holder(wish_id) == (WishStatus.claimed, profile.id)
    assert claim_events(wish_id) == [("claim", profile.id)]

    # The winner gives it up; the rest race again, and again exactly one wins.
    wishes.release_wish(db.session.get(Wish, wish_id), actor=db.session.get(User, winner))
    db.session.commit()
    others = [uid for uid in partner_users if uid != winner]
    second = exactly_one_winner(claim_together(capp, wish_id, others))
    second_profile = wishes.partner_of(db.session.get(User, second))
    assert holder(wish_id) == (WishStatus.claimed, second_profile.id)
    assert claim_events(wish_id) == [("claim", profile.id), ("release", profile.id), ("claim", second_profile.id)]


def test_racing_for_a_lapsed_claim_lapses_it_once_and_one_partner_wins(capp, cworld, partner_users):
    """A claim past its deadline (nobody ran ``flask wishes expire``): every racer first lapses
    it; the lapse is recorded once, and one racer holds the new claim."""
    late, *racers = partner_users
    wish = wish_at(cworld, WishStatus.claimed, db.session.get(User, late), now=utcnow() - timedelta(days=15))
    late_profile = wish.partner
    wish_id = wish.id
    db.session.commit()

    winner = exactly_one_winner(claim_together(capp, wish_id, racers))

    profile = wishes.partner_of(db.session.get(User, winner))
    assert holder(wish_id) == (WishStatus.claimed, profile.id)
    assert claim_events(wish_id) == [("claim", late_profile.id), ("lapse", late_profile.id), ("claim", profile.id)]
    assert wishes.partner_record(late_profile)["lapse"] == 1


def test_a_partner_double_clicking_claim_holds_it_once(capp, cworld, partner_users):
    wish_id = wish_at(cworld, WishStatus.open).id
    db.session.commit()
    user_id = partner_users[0]

    winner = exactly_one_winner(claim_together(capp, wish_id, [user_id] * 4))

    profile = wishes.partner_of(db.session.get(User, winner))
    assert holder(wish_id) == (WishStatus.claimed, profile.id)
    assert claim_events(wish_id) == [("claim", profile.id)]
    assert wishes.partner_record(profile)["claim"] == 1


# --- a move made on a wish read just before another partner's claim ------------------------------

@pytest.mark.parametrize("move", ["release", "deliver"])
def test_a_partner_cannot_move_a_claim_it_no_longer_holds(capp, cworld, partner_users, move):
    """Partner A's request reads the wish while A holds it; before its UPDATE, A's earlier
    request releases it and partner B claims it (both committed). A's move must not touch B's
    claim."""
    a_id, b_id = partner_users[:2]
    wish = wish_at(cworld, WishStatus.claimed, db.session.get(User, a_id))
    wish_id = wish.id
    db.session.commit()

    # A's request: the wish as read at its start (A holds the claim).
    stale = db.session.get(Wish, wish_id)
    a_user = db.session.get(User, a_id)
    assert stale.partner.user_id == a_id

    # Meanwhile, in other requests: A releases (a double click), B claims.
    with capp.app_context():
        wishes.release_wish(db.session.get(Wish, wish_id), actor=db.session.get(User, a_id))
        db.session.commit()
    with capp.app_context():
        wishes.claim_wish(db.session.get(Wish, wish_id), actor=db.session.get(User, b_id))
        b_partner_id = wishes.partner_of(db.session.get(User, b_id)).id
        db.session.commit()

    try:
        if move == "release":
            wishes.release_wish(stale, actor=a_user)
        else:
            wishes.deliver_wish(stale, actor=a_user, note="送到了")
        db.session.commit()
    except ServiceError:
        db.session.rollback()

    assert holder(wish_id) == (WishStatus.claimed, b_partner_id)




# --- two requests writing the same new row -------------------------------------------------------

def meanwhile(app, other_request):
    """Make the interleaving of two requests deterministic: just before this session's next
    flush (after it has read what it needed), ``other_request`` runs to its commit in an app
    context, so a session, of its own."""
    session = db.session()

    def before_flush(*_args):
        with app.app_context():
            other_request()
            db.session.commit()

    event.listen(session, "before_flush", before_flush, once=True)


def test_registering_twice_at_once_makes_one_profile(capp, cworld):
    """A double click on "register": request A commits a profile after request B looked for one."""
    user_id, community_id = make_user("同一商户").id, cworld.community.id
    db.session.commit()

    def register():
        return wishes.register_partner(db.session.get(User, user_id), name="同一商户", kind=PartnerKind.business,
                                       contact_name="李经理", contact_phone="13912345678", offers_summary="",
                                       units=[db.session.get(Unit, community_id)])

    meanwhile(capp, register)
    with pytest.raises(ServiceError) as refused:
        register()
    db.session.rollback()
    assert english(refused.value) == "This account already has a partner profile."
    assert len(db.session.scalars(select(Partner).where(Partner.user_id == user_id)).all()) == 1


def test_two_staff_adding_the_same_care_tag_at_once(capp, cworld):
    household_id, committee_id, grid_worker_id = cworld.households[0].id, cworld.committee.id, cworld.grid_worker.id
    db.session.commit()

    def tag(user_id):
        wishes.set_care_tags(db.session.get(Household, household_id), actor=db.session.get(User, user_id),
                             tags={CareTag.living_alone})

    meanwhile(capp, lambda: tag(committee_id))
    try:
        tag(grid_worker_id)
        db.session.commit()
    except ServiceError:  # a clear refusal would do as well
        db.session.rollback()
    assert db.session.scalars(select(HouseholdCareTag.tag).where(
        HouseholdCareTag.household_id == household_id)).all() == [CareTag.living_alone]
