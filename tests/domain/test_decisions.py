"""Decision rules: majority of those attending (居委会组织法 art. 10) and owners' decisions
(民法典 art. 278), at every boundary, against an independent Fraction formulation, and as
properties."""
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.domain.decisions import (
    MeetingTally,
    Outcome,
    OwnersTally,
    area_units,
    at_least_three_quarters,
    at_least_two_thirds,
    majority_of_attending,
    more_than_half,
    owners_decision,
)

PASSED, REJECTED, VOID = Outcome.passed, Outcome.rejected, Outcome.void
HALF, TWO_THIRDS, THREE_QUARTERS = Fraction(1, 2), Fraction(2, 3), Fraction(3, 4)


# --- Helpers ---------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [
        pytest.param(0, 0, False, id="0-of-0"),
        pytest.param(0, 1, False, id="0-of-1"),
        pytest.param(1, 1, True, id="1-of-1"),
        pytest.param(1, 2, False, id="exactly-half"),
        pytest.param(2, 3, True, id="2-of-3"),
        pytest.param(5, 10, False, id="5-of-10"),
        pytest.param(6, 10, True, id="6-of-10"),
        pytest.param(500_000, 1_000_000, False, id="large-exactly-half"),
        pytest.param(500_001, 1_000_000, True, id="large-one-over"),
        # So large that p / w rounds to exactly 0.5 in floating point.
        pytest.param(10**17 + 1, 2 * 10**17 + 1, True, id="huge-one-over-floats-round-down"),
    ],
)
def test_more_than_half(part, whole, expected):
    assert more_than_half(part, whole) is expected


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [
        pytest.param(0, 0, True, id="0-of-0"),
        pytest.param(1, 3, False, id="1-of-3"),
        pytest.param(2, 3, True, id="exactly-2-of-3"),
        pytest.param(19, 30, False, id="one-below"),
        pytest.param(20, 30, True, id="exactly-20-of-30"),
        pytest.param(199_999, 300_000, False, id="one-hundredth-below"),
        pytest.param(200_000, 300_000, True, id="large-exactly"),
        # So large that p / w rounds to the float 2/3 although it is less.
        pytest.param(2 * 10**17, 3 * 10**17 + 1, False, id="huge-just-below-floats-round-up"),
        pytest.param(7, 10, True, id="7-of-10"),
        pytest.param(6, 10, False, id="6-of-10"),
    ],
)
def test_at_least_two_thirds(part, whole, expected):
    assert at_least_two_thirds(part, whole) is expected


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [
        pytest.param(0, 0, True, id="0-of-0"),
        pytest.param(3, 4, True, id="exactly-3-of-4"),
        pytest.param(2, 4, False, id="2-of-4"),
        pytest.param(14, 20, False, id="14-of-20"),
        pytest.param(15, 20, True, id="15-of-20"),
        pytest.param(149_999, 200_000, False, id="one-hundredth-below"),
        pytest.param(150_000, 200_000, True, id="large-exactly"),
    ],
)
def test_at_least_three_quarters(part, whole, expected):
    assert at_least_three_quarters(part, whole) is expected


@pytest.mark.parametrize(
    ("area", "units"),
    [
        pytest.param(Decimal("88.50"), 8850, id="decimal-88.50"),
        pytest.param(Decimal("88.5"), 8850, id="decimal-88.5"),
        pytest.param("120.35", 12035, id="str-two-decimals"),
        pytest.param("0.01", 1, id="one-hundredth"),
        pytest.param(Decimal("65.00"), 6500, id="decimal-whole-metres"),
        pytest.param(142, 14200, id="int"),
        pytest.param(0, 0, id="zero"),
        pytest.param(Decimal("99.990"), 9999, id="trailing-zero-third-place"),
        pytest.param("1234567.89", 123456789, id="large"),
    ],
)
def test_area_units(area, units):
    result = area_units(area)
    assert result == units
    assert type(result) is int


@pytest.mark.parametrize(
    "area",
    [
        pytest.param(Decimal("88.505"), id="decimal-three-decimals"),
        pytest.param("88.501", id="str-three-decimals"),
        pytest.param("0.001", id="one-thousandth"),
        pytest.param(Decimal("12.3456"), id="four-decimals"),
    ],
)
def test_area_units_rejects_more_than_two_decimals(area):
    with pytest.raises(ValueError, match="more than two decimals"):
        area_units(area)


# --- Majority of those attending -------------------------------------------------------------

def meeting(electorate, attending, votes_for, against=0, abstain=0):
    return majority_of_attending(MeetingTally(electorate, attending, votes_for, against, abstain))


@pytest.mark.parametrize(
    ("electorate", "attending", "votes_for", "against", "abstain", "outcome"),
    [
        # Quorum: more than half of the electorate must attend.
        pytest.param(10, 5, 5, 0, 0, VOID, id="e10-half-attend-all-for-void"),
        pytest.param(10, 6, 6, 0, 0, PASSED, id="e10-six-attend-all-for"),
        pytest.param(10, 4, 4, 0, 0, VOID, id="e10-four-attend-void"),
        pytest.param(10, 0, 0, 0, 0, VOID, id="e10-nobody-attends"),
        pytest.param(7, 3, 3, 0, 0, VOID, id="e7-three-attend-void"),
        pytest.param(7, 4, 4, 0, 0, PASSED, id="e7-four-attend-valid"),
        pytest.param(7, 4, 2, 2, 0, REJECTED, id="e7-four-attend-half-for"),
        pytest.param(7, 4, 3, 1, 0, PASSED, id="e7-four-attend-three-for"),
        pytest.param(0, 0, 0, 0, 0, VOID, id="empty-electorate"),
        pytest.param(1, 0, 0, 0, 0, VOID, id="e1-nobody"),
        pytest.param(1, 1, 1, 0, 0, PASSED, id="e1-one-for"),
        pytest.param(1, 1, 0, 1, 0, REJECTED, id="e1-one-against"),
        pytest.param(2, 1, 1, 0, 0, VOID, id="e2-one-attends-void"),
        pytest.param(2, 2, 1, 1, 0, REJECTED, id="e2-split"),
        pytest.param(2, 2, 2, 0, 0, PASSED, id="e2-both-for"),
        pytest.param(3, 2, 1, 1, 0, REJECTED, id="e3-two-attend-split"),
        pytest.param(3, 2, 2, 0, 0, PASSED, id="e3-two-attend-both-for"),
        # Motion: more than half of those attending must vote for.
        pytest.param(10, 6, 3, 3, 0, REJECTED, id="e10-a6-exactly-half-for"),
        pytest.param(10, 6, 4, 2, 0, PASSED, id="e10-a6-four-for"),
        pytest.param(10, 6, 0, 6, 0, REJECTED, id="e10-a6-all-against"),
        # Abstentions and attendees who cast no ballot are in the denominator.
        pytest.param(10, 6, 3, 0, 3, REJECTED, id="abstentions-count"),
        pytest.param(10, 6, 3, 0, 0, REJECTED, id="non-voting-attendees-count"),
        pytest.param(10, 6, 3, 1, 1, REJECTED, id="one-silent-attendee-counts"),
        pytest.param(10, 6, 4, 0, 0, PASSED, id="four-of-six-rest-silent"),
        pytest.param(10, 6, 4, 0, 2, PASSED, id="four-of-six-rest-abstain"),
        pytest.param(10, 10, 5, 0, 5, REJECTED, id="all-attend-half-abstain"),
        # Everyone attends.
        pytest.param(10, 10, 10, 0, 0, PASSED, id="everyone-attends-all-for"),
        pytest.param(10, 10, 5, 5, 0, REJECTED, id="everyone-attends-split"),
        pytest.param(10, 10, 6, 4, 0, PASSED, id="everyone-attends-six-for"),
        # Large numbers: one person decides.
        pytest.param(1000, 500, 500, 0, 0, VOID, id="e1000-a500-void"),
        pytest.param(1000, 501, 251, 250, 0, PASSED, id="e1000-a501-251-for"),
        pytest.param(1000, 501, 250, 251, 0, REJECTED, id="e1000-a501-250-for"),
        pytest.param(1001, 501, 501, 0, 0, PASSED, id="e1001-a501-valid"),
        pytest.param(1001, 500, 500, 0, 0, VOID, id="e1001-a500-void"),
    ],
)
def test_majority_of_attending(electorate, attending, votes_for, against, abstain, outcome):
    assert meeting(electorate, attending, votes_for, against, abstain) == outcome


@pytest.mark.parametrize(
    "counts",
    [
        pytest.param((-1, 0, 0, 0, 0), id="negative-electorate"),
        pytest.param((10, -1, 0, 0, 0), id="negative-attending"),
        pytest.param((10, 6, -1, 0, 0), id="negative-for"),
        pytest.param((10, 6, 0, -1, 0), id="negative-against"),
        pytest.param((10, 6, 0, 0, -1), id="negative-abstain"),
        pytest.param((10, 6, 4, -1, 3), id="negative-hidden-by-sum"),
        pytest.param((10, 11, 0, 0, 0), id="attending-over-electorate"),
        pytest.param((0, 1, 0, 0, 0), id="attending-empty-electorate"),
        pytest.param((10, 6, 7, 0, 0), id="more-for-than-attending"),
        pytest.param((10, 6, 4, 3, 0), id="for-and-against-over-attending"),
        pytest.param((10, 6, 2, 2, 3), id="all-ballots-over-attending"),
        pytest.param((10, 0, 0, 0, 1), id="abstain-with-nobody-there"),
    ],
)
def test_meeting_tally_rejects_impossible_counts(counts):
    with pytest.raises(ValueError):
        MeetingTally(*counts)


def meeting_by_fractions(electorate, attending, votes_for):
    """The art. 10 rule written independently, with exact fractions."""
    if electorate == 0 or Fraction(attending, electorate) <= HALF:
        return VOID
    return PASSED if Fraction(votes_for, attending) > HALF else REJECTED


def test_majority_of_attending_brute_force_against_fractions():
    """Every tally of an electorate up to 12, every split of against and abstain."""
    checked = 0
    for electorate in range(13):
        for attending in range(electorate + 1):
            for votes_for in range(attending + 1):
                expected = meeting_by_fractions(electorate, attending, votes_for)
                for against in range(attending - votes_for + 1):
                    for abstain in range(attending - votes_for - against + 1):
                        got = meeting(electorate, attending, votes_for, against, abstain)
                        assert got == expected, (electorate, attending, votes_for, against, abstain)
                        checked += 1
    assert checked > 5000


# --- Owners' decisions -----------------------------------------------------------------------

def owners(total_owners, total_area, participating_owners, participating_area, for_owners, for_area,
           *, major=False):
    return owners_decision(
        OwnersTally(total_owners, total_area, participating_owners, participating_area,
                    for_owners, for_area),
        major=major,
    )


# A compound of 30 units and 3,000.00 m²: two thirds is 20 owners and 2,000.00 m².
T_OWNERS, T_AREA = 30, area_units("3000.00")
P_OWNERS, P_AREA = 20, area_units("2000.00")  # exactly two thirds: participation met
HUNDREDTH = 1


@pytest.mark.parametrize(
    ("participating_owners", "participating_area", "outcome"),
    [
        pytest.param(20, P_AREA, PASSED, id="exactly-two-thirds-both"),
        pytest.param(30, T_AREA, PASSED, id="everyone-takes-part"),
        pytest.param(19, P_AREA, VOID, id="one-owner-below"),
        pytest.param(20, P_AREA - HUNDREDTH, VOID, id="one-hundredth-m2-below"),
        pytest.param(19, P_AREA - HUNDREDTH, VOID, id="both-below"),
        pytest.param(20, area_units("1000.00"), VOID, id="heads-met-area-not"),
        pytest.param(30, P_AREA - HUNDREDTH, VOID, id="all-heads-area-just-short"),
        pytest.param(10, T_AREA, VOID, id="area-met-heads-not"),
        pytest.param(19, T_AREA, VOID, id="all-area-heads-just-short"),
        pytest.param(0, 0, VOID, id="nobody-takes-part"),
    ],
)
def test_owners_participation(participating_owners, participating_area, outcome):
    """Everyone taking part votes for, so only participation decides."""
    for major in (False, True):
        assert owners(T_OWNERS, T_AREA, participating_owners, participating_area,
                      participating_owners, participating_area, major=major) == outcome


@pytest.mark.parametrize(
    ("for_owners", "for_area", "outcome"),
    [
        pytest.param(10, P_AREA // 2, REJECTED, id="exactly-half-both"),
        pytest.param(11, P_AREA // 2 + HUNDREDTH, PASSED, id="just-over-half-both"),
        pytest.param(10, P_AREA // 2 + HUNDREDTH, REJECTED, id="area-over-heads-exactly-half"),
        pytest.param(11, P_AREA // 2, REJECTED, id="heads-over-area-exactly-half"),
        pytest.param(5, area_units("1500.00"), REJECTED, id="area-passes-heads-fail"),
        pytest.param(15, area_units("500.00"), REJECTED, id="heads-pass-area-fails"),
        pytest.param(20, P_AREA, PASSED, id="unanimous"),
        pytest.param(0, 0, REJECTED, id="nobody-for"),
        pytest.param(15, area_units("1500.00"), PASSED, id="three-quarters"),
    ],
)
def test_owners_ordinary_matter(for_owners, for_area, outcome):
    assert owners(T_OWNERS, T_AREA, P_OWNERS, P_AREA, for_owners, for_area) == outcome


@pytest.mark.parametrize(
    ("for_owners", "for_area", "outcome"),
    [
        pytest.param(15, area_units("1500.00"), PASSED, id="exactly-three-quarters-both"),
        pytest.param(14, area_units("1500.00"), REJECTED, id="heads-one-under"),
        pytest.param(15, area_units("1500.00") - HUNDREDTH, REJECTED, id="area-one-hundredth-under"),
        pytest.param(14, area_units("1500.00") - HUNDREDTH, REJECTED, id="both-under"),
        pytest.param(16, area_units("1600.00"), PASSED, id="over-three-quarters"),
        pytest.param(20, P_AREA, PASSED, id="unanimous"),
        pytest.param(20, area_units("1499.99"), REJECTED, id="all-heads-area-short"),
        pytest.param(14, P_AREA, REJECTED, id="all-area-heads-short"),
        pytest.param(11, P_AREA // 2 + HUNDREDTH, REJECTED, id="ordinary-majority-not-enough"),
    ],
)
def test_owners_major_matter(for_owners, for_area, outcome):
    assert owners(T_OWNERS, T_AREA, P_OWNERS, P_AREA, for_owners, for_area, major=True) == outcome


@pytest.mark.parametrize(
    "totals",
    [
        pytest.param((0, 0), id="no-owners-no-area"),
        pytest.param((0, 100), id="no-owners"),
        pytest.param((3, 0), id="no-area"),
    ],
)
def test_owners_zero_totals_are_void(totals):
    total_owners, total_area = totals
    for major in (False, True):
        assert owners(total_owners, total_area, total_owners, total_area,
                      total_owners, total_area, major=major) == VOID


def test_owners_realistic_areas():
    """Eight flats with areas to the hundredth: six take part, four of them vote for."""
    flats = {"101": "88.50", "102": "120.35", "201": "65.00", "202": "142.75",
             "301": "99.99", "302": "76.41", "401": "88.50", "402": "130.10"}
    units = {flat: area_units(area) for flat, area in flats.items()}
    assert sum(units.values()) == area_units("811.60")
    taking_part = ["101", "102", "201", "202", "301", "302"]  # 6 of 8 ≥ 2/3; 593.00 m² ≥ 541.07
    voting_for = ["102", "202", "301", "302"]                 # 4 of 6 > 1/2; 439.50 m² > 296.50
    tally = OwnersTally(
        total_owners=len(flats), total_area=sum(units.values()),
        participating_owners=len(taking_part), participating_area=sum(units[f] for f in taking_part),
        for_owners=len(voting_for), for_area=sum(units[f] for f in voting_for),
    )
    assert tally.participating_area == area_units("593.00")
    assert tally.for_area == area_units("439.50")
    assert owners_decision(tally, major=False) == PASSED
    # 4 of 6 is less than 3/4 of the owners taking part, so a major matter fails.
    assert owners_decision(tally, major=True) == REJECTED


def test_owners_exact_two_thirds_that_floats_would_misjudge():
    """3 owners, 2 take part; 153.58 of 230.37 m² is exactly 2/3, yet floats say it is less."""
    taking_part, staying_away = ["88.50", "65.08"], ["76.79"]
    float_part = sum(float(a) for a in taking_part)
    float_total = float_part + sum(float(a) for a in staying_away)
    assert not 3 * float_part >= 2 * float_total  # why integer hundredths are needed
    part = sum(area_units(a) for a in taking_part)
    total = part + sum(area_units(a) for a in staying_away)
    assert 3 * part == 2 * total
    assert owners(3, total, 2, part, 2, part) == PASSED
    assert owners(3, total, 2, part, 2, part, major=True) == PASSED
    assert owners(3, total, 2, part - 1, 2, part - 1) == VOID
    # Beyond float precision too: 2·10¹⁷ of 3·10¹⁷ + 1 divides to the float 2/3, yet is less.
    assert owners(3, 3 * 10**17 + 1, 2, 2 * 10**17, 2, 2 * 10**17) == VOID


def owners_by_fractions(t_owners, t_area, p_owners, p_area, f_owners, f_area, *, major):
    """The art. 278 rule written independently, with exact fractions."""
    if t_owners == 0 or t_area == 0:
        return VOID
    if Fraction(p_owners, t_owners) < TWO_THIRDS or Fraction(p_area, t_area) < TWO_THIRDS:
        return VOID
    shares = (Fraction(f_owners, p_owners), Fraction(f_area, p_area))
    if major:
        agreed = all(share >= THREE_QUARTERS for share in shares)
    else:
        agreed = all(share > HALF for share in shares)
    return PASSED if agreed else REJECTED


def _triples(limit):
    return [(t, p, f) for t in range(limit + 1) for p in range(t + 1) for f in range(p + 1)]


def test_owners_decision_brute_force_against_fractions():
    """Every tally of up to 6 owners and up to 8 area units, ordinary and major."""
    checked = 0
    area_triples = _triples(8)
    for t_owners, p_owners, f_owners in _triples(6):
        for t_area, p_area, f_area in area_triples:
            tally = OwnersTally(t_owners, t_area, p_owners, p_area, f_owners, f_area)
            for major in (False, True):
                expected = owners_by_fractions(t_owners, t_area, p_owners, p_area, f_owners, f_area,
                                               major=major)
                assert owners_decision(tally, major=major) == expected, (tally, major)
                checked += 1
    assert checked == 2 * 84 * 165


@pytest.mark.parametrize(
    "values",
    [
        pytest.param((-1, 0, 0, 0, 0, 0), id="negative-total-owners"),
        pytest.param((3, -1, 0, 0, 0, 0), id="negative-total-area"),
        pytest.param((3, 300, -1, 0, 0, 0), id="negative-participating-owners"),
        pytest.param((3, 300, 2, -1, 0, 0), id="negative-participating-area"),
        pytest.param((3, 300, 2, 200, -1, 0), id="negative-for-owners"),
        pytest.param((3, 300, 2, 200, 1, -1), id="negative-for-area"),
        pytest.param((3, 300, 4, 200, 0, 0), id="more-participating-than-owners"),
        pytest.param((3, 300, 2, 301, 0, 0), id="more-participating-area-than-total"),
        pytest.param((3, 300, 2, 200, 3, 100), id="more-for-than-participating"),
        pytest.param((3, 300, 2, 200, 1, 201), id="more-for-area-than-participating"),
    ],
)
def test_owners_tally_rejects_impossible_counts(values):
    with pytest.raises(ValueError):
        OwnersTally(*values)


# --- Properties ------------------------------------------------------------------------------
#
# One generated tally is checked against every property that applies to it (a ballot for
# never undoes a pass, a ballot against never turns a rejection into a pass, void iff no
# quorum): generating the tally is what costs, so each rule has a single @given test that
# calls one check per property.

PROPERTIES = settings(max_examples=300, deadline=None)

_PICK = {n: st.integers(0, n) for n in range(3)}


def _share(draw, whole, *floors):
    """0..whole, drawn anywhere or at/above one of ``floors`` (where a threshold lies), so
    that boundaries are met often."""
    low = (0, *floors)[draw(_PICK[len(floors)])]
    return draw(st.integers(min(low, whole), whole))


@st.composite
def meeting_tallies(draw):
    electorate = draw(st.integers(0, 200))
    attending = _share(draw, electorate, electorate // 2)
    votes_for = _share(draw, attending, attending // 2)
    against = draw(st.integers(0, attending - votes_for))
    abstain = draw(st.integers(0, attending - votes_for - against))
    return MeetingTally(electorate, attending, votes_for, against, abstain)


def _meeting_with(t: MeetingTally, attending=0, votes_for=0, against=0) -> MeetingTally:
    return MeetingTally(t.electorate, t.attending + attending, t.votes_for + votes_for,
                        t.votes_against + against, t.abstain)


def check_meeting_ballot_for_never_undoes_passing(t: MeetingTally):
    """From someone who was not there (attending + 1) or from an attendee who had not voted."""
    before = majority_of_attending(t)
    silent = t.attending - t.votes_for - t.votes_against - t.abstain
    for applies, after in [
        (t.attending < t.electorate, lambda: _meeting_with(t, attending=1, votes_for=1)),
        (silent > 0, lambda: _meeting_with(t, votes_for=1)),
    ]:
        if applies:
            outcome = majority_of_attending(after())
            if before == PASSED:
                assert outcome == PASSED
            if before != VOID:  # one more ballot never loses the quorum
                assert outcome != VOID


def check_meeting_ballot_against_never_passes_a_rejection(t: MeetingTally):
    before = majority_of_attending(t)
    silent = t.attending - t.votes_for - t.votes_against - t.abstain
    for applies, after in [
        (t.attending < t.electorate, lambda: _meeting_with(t, attending=1, against=1)),
        (silent > 0, lambda: _meeting_with(t, against=1)),
    ]:
        if applies and before == REJECTED:
            assert majority_of_attending(after()) == REJECTED


def check_meeting_void_iff_no_quorum(t: MeetingTally):
    quorum = t.electorate > 0 and Fraction(t.attending, t.electorate) > HALF
    outcome = majority_of_attending(t)
    assert (outcome == VOID) is (not quorum)
    assert outcome == meeting_by_fractions(t.electorate, t.attending, t.votes_for)


@PROPERTIES
@given(meeting_tallies())
def test_meeting_properties(t):
    """For any tally: a ballot for never undoes a pass, a ballot against never turns a
    rejection into a pass, and the outcome is void exactly when there is no quorum."""
    check_meeting_ballot_for_never_undoes_passing(t)
    check_meeting_ballot_against_never_passes_a_rejection(t)
    check_meeting_void_iff_no_quorum(t)


@st.composite
def owners_tallies(draw):
    """A tally, the area of a unit whose owner has not voted (0 if none is left), and the
    area of a participant who did not vote for (0 if none)."""
    total_owners = draw(st.integers(0, 120))
    total_area = draw(st.integers(0, 2_000_000))  # up to 20,000.00 m²
    if draw(st.booleans()):  # half the time, participation is met by construction
        participating_owners = draw(st.integers(-(-2 * total_owners // 3), total_owners))
        participating_area = draw(st.integers(-(-2 * total_area // 3), total_area))
    else:
        participating_owners = _share(draw, total_owners, 2 * total_owners // 3)
        participating_area = _share(draw, total_area, 2 * total_area // 3)
    for_owners = _share(draw, participating_owners, participating_owners // 2, 3 * participating_owners // 4)
    for_area = _share(draw, participating_area, participating_area // 2, 3 * participating_area // 4)
    tally = OwnersTally(total_owners, total_area, participating_owners, participating_area,
                        for_owners, for_area)
    outside = total_area - participating_area if participating_owners < total_owners else 0
    inside = participating_area - for_area if for_owners < participating_owners else 0
    unit_outside = draw(st.integers(1, outside)) if outside else 0
    unit_inside = draw(st.integers(1, inside)) if inside else 0
    return tally, unit_outside, unit_inside


def _owners_with(t: OwnersTally, **more) -> OwnersTally:
    values = {name: getattr(t, name) for name in (
        "total_owners", "total_area", "participating_owners", "participating_area",
        "for_owners", "for_area")}
    for name, extra in more.items():
        values[name] += extra
    return OwnersTally(**values)


def check_owners_ballot_for_never_undoes_passing(t, unit_outside, unit_inside, major):
    """From an owner who had not voted (bringing their unit's area), or from a participant
    who had voted against or abstained."""
    before = owners_decision(t, major=major)
    afters = []
    if unit_outside:
        afters.append(_owners_with(t, participating_owners=1, participating_area=unit_outside,
                                   for_owners=1, for_area=unit_outside))
    if unit_inside:
        afters.append(_owners_with(t, for_owners=1, for_area=unit_inside))
    for after in afters:
        outcome = owners_decision(after, major=major)
        if before == PASSED:
            assert outcome == PASSED
        if before != VOID:
            assert outcome != VOID


def check_owners_ballot_against_never_passes_a_rejection(t, unit_outside, major):
    """From an owner who had not voted, bringing their unit's area (abstaining is the same)."""
    if unit_outside and owners_decision(t, major=major) == REJECTED:
        after = _owners_with(t, participating_owners=1, participating_area=unit_outside)
        assert owners_decision(after, major=major) == REJECTED


def check_owners_void_iff_participation_not_met(t, major):
    participation = (
        t.total_owners > 0 and t.total_area > 0
        and Fraction(t.participating_owners, t.total_owners) >= TWO_THIRDS
        and Fraction(t.participating_area, t.total_area) >= TWO_THIRDS
    )
    outcome = owners_decision(t, major=major)
    assert (outcome == VOID) is (not participation)
    assert outcome == owners_by_fractions(
        t.total_owners, t.total_area, t.participating_owners, t.participating_area,
        t.for_owners, t.for_area, major=major)


@PROPERTIES
@given(owners_tallies(), st.booleans())
def test_owners_properties(drawn, major):
    """For any tally, ordinary or major: a ballot for never undoes a pass, a ballot against
    never turns a rejection into a pass, the outcome is void exactly when participation falls
    short, and whatever passes as a major matter passes as an ordinary one."""
    t, unit_outside, unit_inside = drawn
    check_owners_ballot_for_never_undoes_passing(t, unit_outside, unit_inside, major)
    check_owners_ballot_against_never_passes_a_rejection(t, unit_outside, major)
    check_owners_void_iff_participation_not_met(t, major)
    if owners_decision(t, major=True) == PASSED:
        assert owners_decision(t, major=False) == PASSED
