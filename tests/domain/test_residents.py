"""Residents: adulthood on a given day, and the verification life cycle."""
from datetime import date

import pytest

from portal.domain.residents import (
    VERIFICATION_TRANSITIONS,
    VerificationStatus,
    age_on,
    can_move,
    is_adult,
)


@pytest.mark.parametrize(
    ("born", "day", "age"),
    [
        pytest.param(date(2008, 6, 15), date(2008, 6, 15), 0, id="day-of-birth"),
        pytest.param(date(2008, 6, 15), date(2026, 6, 14), 17, id="day-before-18th"),
        pytest.param(date(2008, 6, 15), date(2026, 6, 15), 18, id="18th-birthday"),
        pytest.param(date(2008, 6, 15), date(2026, 6, 16), 18, id="day-after-18th"),
        pytest.param(date(2008, 1, 1), date(2025, 12, 31), 17, id="new-years-eve-before"),
        pytest.param(date(2008, 1, 1), date(2026, 1, 1), 18, id="new-years-day"),
        pytest.param(date(2008, 12, 31), date(2026, 1, 1), 17, id="later-month-earlier-year-end"),
        pytest.param(date(1950, 3, 1), date(2026, 2, 28), 75, id="elderly-day-before"),
        # Born 29 Feb: a year older on 1 Mar in a common year, on 29 Feb in a leap year.
        pytest.param(date(2008, 2, 29), date(2026, 2, 28), 17, id="leapling-common-28feb"),
        pytest.param(date(2008, 2, 29), date(2026, 3, 1), 18, id="leapling-common-1mar"),
        pytest.param(date(2004, 2, 29), date(2024, 2, 28), 19, id="leapling-leap-28feb"),
        pytest.param(date(2004, 2, 29), date(2024, 2, 29), 20, id="leapling-leap-29feb"),
    ],
)
def test_age_on(born, day, age):
    assert age_on(born, day) == age


@pytest.mark.parametrize(
    ("born", "day", "adult"),
    [
        pytest.param(date(2008, 6, 15), date(2026, 6, 14), False, id="day-before-18th"),
        pytest.param(date(2008, 6, 15), date(2026, 6, 15), True, id="18th-birthday"),
        pytest.param(date(2008, 6, 15), date(2030, 1, 1), True, id="well-after"),
        pytest.param(date(2008, 2, 28), date(2026, 2, 28), True, id="born-28feb-on-28feb"),
        pytest.param(date(2008, 3, 1), date(2026, 2, 28), False, id="born-1mar-on-28feb"),
        pytest.param(date(2008, 2, 29), date(2026, 2, 28), False, id="leapling-common-28feb"),
        pytest.param(date(2008, 2, 29), date(2026, 3, 1), True, id="leapling-common-1mar"),
        # An 18th birthday of someone born 29 Feb never falls in a leap year (18 is not a
        # multiple of 4), so the leap-year case asks whether 29 Feb itself is the birthday:
        # born 29 Feb 2008, on 29 Feb 2028 they turn 20 that very day.
        pytest.param(date(2008, 2, 29), date(2028, 2, 29), True, id="leapling-leap-29feb"),
        pytest.param(date(2010, 2, 28), date(2028, 2, 29), True, id="born-28feb-day-after-18th-leap"),
        pytest.param(date(2010, 3, 1), date(2028, 2, 29), False, id="born-1mar-on-29feb-leap"),
    ],
)
def test_is_adult(born, day, adult):
    assert is_adult(born, day) is adult


def test_leapling_18th_birthday_never_falls_on_29_feb():
    """Why the leap-year case above is about age 20: 29 Feb + 18 years is a common year."""
    for year in range(1904, 2100, 4):
        assert age_on(date(year, 2, 29), date(year + 18, 2, 28)) == 17
        assert age_on(date(year, 2, 29), date(year + 18, 3, 1)) == 18


P, A, D, W = (VerificationStatus.pending, VerificationStatus.approved,
              VerificationStatus.declined, VerificationStatus.withdrawn)

# (from, to) pairs that are allowed; every other pair of statuses is refused.
ALLOWED_MOVES = {(P, A), (P, D), (P, W)}


@pytest.mark.parametrize(
    ("current", "target"),
    [
        pytest.param(current, target, id=f"{current}->{target}")
        for current in VerificationStatus
        for target in VerificationStatus
    ],
)
def test_verification_transitions(current, target):
    assert can_move(current, target) is ((current, target) in ALLOWED_MOVES)


def test_every_status_has_a_transition_entry():
    assert set(VERIFICATION_TRANSITIONS) == set(VerificationStatus)


@pytest.mark.parametrize("final", [A, D, W], ids=str)
def test_final_states_have_no_way_out(final):
    assert VERIFICATION_TRANSITIONS[final] == frozenset()
