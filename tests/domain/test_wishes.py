"""Micro-wishes (DESIGN §4): the wish life cycle, claim lapsing, values, dates and names."""
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from itertools import chain, combinations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.domain.wishes import (
    Actor,
    CareTag,
    Category,
    Move,
    PartnerKind,
    PartnerStatus,
    Refusal,
    ValueProblem,
    WishError,
    WishStatus,
    allowed_moves,
    anonymise,
    claim_deadline,
    claim_has_lapsed,
    next_status,
    parse_value,
    wanted_by_ok,
)

# --- The life cycle, written out by hand from DESIGN §4 (not derived from MOVES) -------------
#
#   draft → submitted → (committee review) → open | declined → claimed → delivered → confirmed
#   a claim lapses (the clock) or is given up (the claimant): back to open;
#   a problem reported on a delivery (the carer): back to claimed;
#   the holder may withdraw from draft, submitted or open (before a claim).
#
# Each line: from, move, to, the one actor who may make the move.
LIFE_CYCLE = """
    draft      submit          submitted  holder
    draft      withdraw        withdrawn  holder
    submitted  approve         open       committee
    submitted  decline         declined   committee
    submitted  withdraw        withdrawn  holder
    open       withdraw        withdrawn  holder
    open       claim           claimed    partner
    claimed    release         open       claimant
    claimed    lapse           open       clock
    claimed    deliver         delivered  claimant
    delivered  confirm         confirmed  carer
    delivered  report_problem  claimed    carer
"""
EXPECTED: dict[tuple[WishStatus, Move], tuple[WishStatus, Actor]] = {
    (WishStatus(src), Move(move)): (WishStatus(dst), Actor(who))
    for src, move, dst, who in (line.split() for line in LIFE_CYCLE.strip().splitlines())
}
TERMINAL = (WishStatus.confirmed, WishStatus.declined, WishStatus.withdrawn)
ALL_ACTOR_SETS = [
    frozenset(c)
    for c in chain.from_iterable(combinations(list(Actor), n) for n in range(len(Actor) + 1))
]


def test_expected_table_is_well_formed():
    """The hand-written table has twelve moves and names only real statuses, moves, actors."""
    assert len(EXPECTED) == 12


@pytest.mark.parametrize(
    ("status", "move", "actor"),
    [
        pytest.param(status, move, actor, id=f"{status}-{move}-{actor}")
        for status in WishStatus
        for move in Move
        for actor in Actor
    ],
)
def test_next_status_single_actor(status, move, actor):
    """Every (status, move, actor): the expected target, or not_now / not_actor."""
    expected = EXPECTED.get((status, move))
    if expected is None:
        with pytest.raises(WishError) as caught:
            next_status(status, move, frozenset({actor}))
        assert caught.value.refusal is Refusal.not_now
    elif expected[1] is actor:
        assert next_status(status, move, frozenset({actor})) is expected[0]
    else:
        with pytest.raises(WishError) as caught:
            next_status(status, move, frozenset({actor}))
        assert caught.value.refusal is Refusal.not_actor


@pytest.mark.parametrize(
    ("status", "move"),
    [pytest.param(status, move, id=f"{status}-{move}") for status in WishStatus for move in Move],
)
def test_next_status_every_actor_set(status, move):
    """Any set of actors (empty too): allowed exactly when it contains the allowed actor."""
    expected = EXPECTED.get((status, move))
    for actors in ALL_ACTOR_SETS:
        if expected is None:
            with pytest.raises(WishError) as caught:
                next_status(status, move, actors)
            assert caught.value.refusal is Refusal.not_now, actors
        elif expected[1] in actors:
            assert next_status(status, move, actors) is expected[0], actors
        else:
            with pytest.raises(WishError) as caught:
                next_status(status, move, actors)
            assert caught.value.refusal is Refusal.not_actor, actors


@pytest.mark.parametrize(
    ("status", "allowed"),
    [
        pytest.param(WishStatus.draft, True, id="draft"),
        pytest.param(WishStatus.submitted, True, id="submitted"),
        pytest.param(WishStatus.open, True, id="open"),
        pytest.param(WishStatus.claimed, False, id="claimed"),
        pytest.param(WishStatus.delivered, False, id="delivered"),
        pytest.param(WishStatus.confirmed, False, id="confirmed"),
        pytest.param(WishStatus.declined, False, id="declined"),
        pytest.param(WishStatus.withdrawn, False, id="withdrawn"),
    ],
)
def test_withdraw_only_before_a_claim(status, allowed):
    """The holder may withdraw before a claim; afterwards it is not_now, whoever asks."""
    if allowed:
        assert next_status(status, Move.withdraw, frozenset({Actor.holder})) is WishStatus.withdrawn
        with pytest.raises(WishError) as caught:
            next_status(status, Move.withdraw, frozenset(Actor) - {Actor.holder})
        assert caught.value.refusal is Refusal.not_actor
    else:
        with pytest.raises(WishError) as caught:
            next_status(status, Move.withdraw, frozenset(Actor))
        assert caught.value.refusal is Refusal.not_now


def test_only_one_claim_at_a_time():
    """A claimed wish cannot be claimed again, by another partner or anyone else."""
    with pytest.raises(WishError) as caught:
        next_status(WishStatus.claimed, Move.claim, frozenset(Actor))
    assert caught.value.refusal is Refusal.not_now


@pytest.mark.parametrize(
    ("move", "target"),
    [
        pytest.param(Move.lapse, WishStatus.open, id="lapse-reopens"),
        pytest.param(Move.release, WishStatus.open, id="release-reopens"),
        pytest.param(Move.deliver, WishStatus.delivered, id="deliver"),
    ],
)
def test_a_claim_ends(move, target):
    """A claim ends by lapsing (clock), release or delivery (claimant)."""
    who = Actor.clock if move is Move.lapse else Actor.claimant
    assert next_status(WishStatus.claimed, move, frozenset({who})) is target


def test_a_plain_partner_cannot_release_or_deliver_someone_elses_claim():
    """Release and deliver belong to the claimant, not to any partner."""
    for move in (Move.release, Move.deliver, Move.lapse):
        with pytest.raises(WishError) as caught:
            next_status(WishStatus.claimed, move, frozenset({Actor.partner}))
        assert caught.value.refusal is Refusal.not_actor


def test_report_problem_returns_to_claimed():
    """A problem reported by the carer on a delivery puts the wish back in the claimant's hands."""
    assert next_status(WishStatus.delivered, Move.report_problem,
                       frozenset({Actor.carer})) is WishStatus.claimed


@pytest.mark.parametrize("final", TERMINAL, ids=str)
def test_terminal_statuses_have_no_way_out(final):
    """Confirmed, declined and withdrawn: every move is not_now, even for everyone at once."""
    assert allowed_moves(final, frozenset(Actor)) == []
    for move in Move:
        with pytest.raises(WishError) as caught:
            next_status(final, move, frozenset(Actor))
        assert caught.value.refusal is Refusal.not_now


def test_wish_error_carries_its_refusal():
    """WishError keeps the refusal as an attribute and as its message."""
    err = WishError(Refusal.not_actor)
    assert err.refusal is Refusal.not_actor
    assert err.args == ("not_actor",)


@pytest.mark.parametrize(
    ("status", "actors"),
    [
        pytest.param(status, actors, id=f"{status}-{'+'.join(sorted(actors)) or 'nobody'}")
        for status in WishStatus
        for actors in [frozenset(), frozenset(Actor), *(frozenset({a}) for a in Actor)]
    ],
)
def test_allowed_moves_agree_with_next_status(status, actors):
    """allowed_moves lists exactly the moves next_status accepts, each once."""
    accepted = []
    for move in Move:
        try:
            next_status(status, move, actors)
        except WishError:
            continue
        accepted.append(move)
    listed = allowed_moves(status, actors)
    assert len(listed) == len(set(listed))
    assert set(listed) == set(accepted)
    assert set(listed) == {m for (s, m), (_, who) in EXPECTED.items() if s == status and who in actors}


def test_allowed_moves_agree_for_every_actor_set():
    """The same agreement over all 64 sets of actors."""
    for status in WishStatus:
        for actors in ALL_ACTOR_SETS:
            expected = {m for (s, m), (_, who) in EXPECTED.items() if s == status and who in actors}
            assert set(allowed_moves(status, actors)) == expected, (status, actors)


# --- Claim lapse -------------------------------------------------------------------------------

CST = timezone(timedelta(hours=8), "CST")
CLAIMED_AT = datetime(2026, 3, 1, 9, 30, tzinfo=CST)
DEADLINE = datetime(2026, 3, 15, 9, 30, tzinfo=CST)
TICK = timedelta(microseconds=1)


def test_claim_deadline_is_fourteen_days_later():
    """claim_deadline(t, 14) is t + 14 days, and 14 days is the default."""
    assert claim_deadline(CLAIMED_AT, 14) == DEADLINE
    assert claim_deadline(CLAIMED_AT) == DEADLINE
    assert claim_deadline(CLAIMED_AT, 14).tzinfo is CST


def test_claim_deadline_across_month_end():
    """Fourteen days from 20 Feb 2026 (a common year) is 6 March."""
    assert claim_deadline(datetime(2026, 2, 20, 23, 59, tzinfo=CST), 14) == datetime(
        2026, 3, 6, 23, 59, tzinfo=CST)


@pytest.mark.parametrize(
    ("now", "lapsed"),
    [
        pytest.param(CLAIMED_AT, False, id="at-claim"),
        pytest.param(DEADLINE - TICK, False, id="deadline-minus-1us"),
        pytest.param(DEADLINE, True, id="at-deadline"),
        pytest.param(DEADLINE + TICK, True, id="deadline-plus-1us"),
        pytest.param(DEADLINE + timedelta(days=30), True, id="long-after"),
        # The same instants, seen from UTC.
        pytest.param((DEADLINE - TICK).astimezone(timezone.utc), False, id="utc-minus-1us"),
        pytest.param(DEADLINE.astimezone(timezone.utc), True, id="utc-at-deadline"),
        pytest.param(datetime(2026, 3, 15, 1, 29, 59, 999999, tzinfo=timezone.utc), False,
                     id="utc-wall-clock-before"),
        pytest.param(datetime(2026, 3, 15, 1, 30, tzinfo=timezone.utc), True, id="utc-wall-clock-at"),
    ],
)
def test_claim_has_lapsed_at_the_boundary(now, lapsed):
    """A claim lapses at its deadline exactly, compared as instants across time zones."""
    assert claim_has_lapsed(claim_deadline(CLAIMED_AT, 14), now) is lapsed


@pytest.mark.parametrize(
    "now",
    [CLAIMED_AT, DEADLINE, datetime(2999, 1, 1, tzinfo=timezone.utc)],
    ids=["at-claim", "at-deadline", "far-future"],
)
def test_no_deadline_never_lapses(now):
    """A wish with no deadline is never lapsed."""
    assert claim_has_lapsed(None, now) is False


# --- Estimated value ---------------------------------------------------------------------------

MAX = Decimal("500")


@pytest.mark.parametrize(
    ("text", "value"),
    [
        pytest.param("500", Decimal("500.00"), id="exactly-the-maximum"),
        pytest.param("500.00", Decimal("500.00"), id="maximum-with-cents"),
        pytest.param("499.99", Decimal("499.99"), id="just-below"),
        pytest.param("0.01", Decimal("0.01"), id="one-fen"),
        pytest.param("88", Decimal("88.00"), id="integer"),
        pytest.param("12.3", Decimal("12.30"), id="one-decimal"),
        pytest.param("12.340", Decimal("12.34"), id="trailing-zero-third-decimal"),
        pytest.param("  88  ", Decimal("88.00"), id="spaces"),
        pytest.param("¥88", Decimal("88.00"), id="yuan-sign"),
        pytest.param("￥88.5", Decimal("88.50"), id="fullwidth-yuan-sign"),
        pytest.param("1,00", Decimal("100.00"), id="comma"),
        pytest.param(Decimal("88.5"), Decimal("88.50"), id="decimal-input"),
        pytest.param(Decimal("500"), Decimal("500.00"), id="decimal-maximum"),
        pytest.param(88, Decimal("88.00"), id="int-input"),
        pytest.param(500, Decimal("500.00"), id="int-maximum"),
    ],
)
def test_parse_value_ok(text, value):
    """Accepted values come back as Decimals quantised to two places."""
    parsed = parse_value(text, MAX)
    assert parsed == value
    assert isinstance(parsed, Decimal)
    assert parsed.as_tuple().exponent == -2


@pytest.mark.parametrize(
    ("text", "key"),
    [
        pytest.param("500.01", "too_large", id="one-fen-over"),
        pytest.param("501", "too_large", id="one-yuan-over"),
        pytest.param("1,200", "too_large", id="thousands-comma"),
        pytest.param("1，200", "too_large", id="fullwidth-comma"),
        pytest.param(501, "too_large", id="int-over"),
        pytest.param(Decimal("500.01"), "too_large", id="decimal-over"),
        pytest.param("0", "not_positive", id="zero"),
        pytest.param("0.00", "not_positive", id="zero-cents"),
        pytest.param("-0", "not_positive", id="minus-zero"),
        pytest.param("-1", "not_positive", id="negative"),
        pytest.param("¥-5", "not_positive", id="negative-with-sign"),
        pytest.param(0, "not_positive", id="int-zero"),
        pytest.param(Decimal("-1"), "not_positive", id="decimal-negative"),
        pytest.param("12.345", "too_many_decimals", id="three-decimals"),
        pytest.param("0.001", "too_many_decimals", id="under-a-fen"),
        pytest.param(Decimal("1.005"), "too_many_decimals", id="decimal-three-decimals"),
        pytest.param("abc", "not_number", id="letters"),
        pytest.param("", "not_number", id="empty"),
        pytest.param("   ", "not_number", id="blank"),
        pytest.param("¥", "not_number", id="sign-only"),
        pytest.param("NaN", "not_number", id="nan"),
        pytest.param("sNaN", "not_number", id="signalling-nan"),
        pytest.param("Infinity", "not_number", id="infinity"),
        pytest.param("-Infinity", "not_number", id="minus-infinity"),
        pytest.param("12元", "not_number", id="unit-suffix"),
        pytest.param("1.2.3", "not_number", id="two-points"),
    ],
)
def test_parse_value_refused(text, key):
    """Refused values raise ValueError whose first argument is a ValueProblem."""
    with pytest.raises(ValueError) as caught:
        parse_value(text, MAX)
    problem = caught.value.args[0]
    assert isinstance(problem, ValueProblem)
    assert problem.message_key == key


@pytest.mark.parametrize(
    "text",
    ["9" * 27, "1e30", "123456789012345678901234567890.5"],
    ids=["27-nines", "1e30", "30-digits"],
)
def test_parse_value_huge_number_is_too_large(text):
    """A huge number typed or pasted into the form is too_large, not a crash."""
    with pytest.raises(ValueError) as caught:
        parse_value(text, MAX)
    assert caught.value.args[0] == ValueProblem("too_large")


def test_parse_value_26_digits_is_too_large():
    """The largest number that still reaches the maximum check cleanly."""
    with pytest.raises(ValueError) as caught:
        parse_value("9" * 26, MAX)
    assert caught.value.args[0] == ValueProblem("too_large")


# --- Wanted-by date ----------------------------------------------------------------------------

TODAY = date(2026, 3, 1)


@pytest.mark.parametrize(
    ("wanted_by", "ok"),
    [
        pytest.param(TODAY - timedelta(days=365), False, id="last-year"),
        pytest.param(TODAY - timedelta(days=1), False, id="yesterday"),
        pytest.param(TODAY, True, id="today"),
        pytest.param(TODAY + timedelta(days=1), True, id="tomorrow"),
        pytest.param(TODAY + timedelta(days=365), True, id="next-year"),
    ],
)
def test_wanted_by_ok(wanted_by, ok):
    """The wanted-by date may be today or later, never in the past."""
    assert wanted_by_ok(wanted_by, TODAY) is ok


# --- Anonymised names --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "public"),
    [
        pytest.param("王秀英", "王**", id="three-chars"),
        pytest.param("李娜", "李**", id="two-chars"),
        pytest.param("王", "王**", id="one-char"),
        pytest.param("欧阳娜娜", "欧阳**", id="compound-four"),
        pytest.param("欧阳娜", "欧阳**", id="compound-three"),
        pytest.param("司马光", "司马**", id="compound-sima"),
        pytest.param("诸葛亮", "诸葛**", id="compound-zhuge"),
        pytest.param("欧阳", "欧**", id="compound-only"),
        pytest.param("  王秀英  ", "王**", id="spaces-around"),
        pytest.param("\u3000欧阳娜娜\u3000", "欧阳**", id="fullwidth-spaces"),
        pytest.param("", "**", id="empty"),
        pytest.param("   ", "**", id="blank"),
        pytest.param(None, "**", id="none"),
    ],
)
def test_anonymise(name, public):
    """The surname and two stars; compound surnames keep both characters."""
    assert anonymise(name) == public


@pytest.mark.parametrize(
    "name",
    ["王秀英", "李娜", "欧阳娜娜", "欧阳娜", "欧阳", "司马光", "张三丰", "  王秀英 ", "Anna"],
)
def test_anonymise_never_shows_the_full_name(name):
    """For any name longer than its surname, the output does not contain the name."""
    public = anonymise(name)
    assert public.endswith("**")
    assert name.strip() not in public


@given(st.text(min_size=2, max_size=8).filter(lambda s: len(s.strip()) >= 2))
def test_anonymise_property(name):
    """Always a prefix of the stripped name plus two stars, never the whole (≥2 chars) name."""
    public = anonymise(name)
    stem = public[:-2]
    assert public.endswith("**")
    assert 1 <= len(stem) <= 2
    assert name.strip().startswith(stem)
    assert len(stem) < len(name.strip())


# --- Enums -------------------------------------------------------------------------------------


def test_care_tags_are_the_seven_groups():
    """七色暖心签: exactly the seven groups of DESIGN §4."""
    assert len(CareTag) == 7
    assert {t.value for t in CareTag} == {
        "living_alone", "bereaved", "low_income", "disability", "reemployment", "veteran",
        "correction",
    }


@pytest.mark.parametrize(
    "enum", [Category, PartnerKind, PartnerStatus, CareTag, WishStatus, Move, Actor, Refusal],
    ids=lambda e: e.__name__,
)
def test_enum_values_are_lower_case_identifiers(enum):
    """Stored values are lower-case identifiers equal to the member names, all distinct."""
    assert len(enum) > 0
    values = [m.value for m in enum]
    assert len(set(values)) == len(values)
    for member in enum:
        assert member.value.isidentifier() and member.value == member.value.lower()
        assert member.value.isascii()
        assert member.name == member.value


def test_partner_statuses():
    """A partner is pending, verified or declined."""
    assert set(PartnerStatus) == {"pending", "verified", "declined"}


# --- The life cycle as a property --------------------------------------------------------------

steps = st.lists(
    st.tuples(st.sampled_from(list(Move)), st.sampled_from(ALL_ACTOR_SETS)), max_size=40)


@given(steps)
def test_any_sequence_of_moves_stays_in_the_life_cycle(sequence):
    """From draft, applying moves and skipping refusals: statuses stay valid, terminals stick,
    and 'claimed' is only ever reached by claim or report_problem."""
    status = WishStatus.draft
    for move, actors in sequence:
        try:
            new = next_status(status, move, actors)
        except WishError as err:
            assert err.refusal in (Refusal.not_now, Refusal.not_actor)
            continue
        assert status not in TERMINAL
        assert isinstance(new, WishStatus)
        assert EXPECTED[(status, move)][0] is new
        assert EXPECTED[(status, move)][1] in actors
        if new is WishStatus.claimed:
            assert move in (Move.claim, Move.report_problem)
        if move in (Move.claim, Move.report_problem):
            assert new is WishStatus.claimed
        status = new
    assert status in set(WishStatus)
