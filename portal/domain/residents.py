"""Residents: who counts as an adult, and what a household relation means."""
from datetime import date
from enum import StrEnum

ADULT_AGE = 18


class Relation(StrEnum):
    owner = "owner"      # 业主 (on the property certificate)
    family = "family"    # 家庭成员 of an owner
    tenant = "tenant"    # 租户


def age_on(birth_date: date, day: date) -> int:
    """Completed years of age on ``day``. A person born on 29 February turns a year older on
    1 March in a common year."""
    years = day.year - birth_date.year
    if (day.month, day.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


def is_adult(birth_date: date, day: date) -> bool:
    """Adult (18 or older) on ``day``: the 18th birthday itself counts."""
    return age_on(birth_date, day) >= ADULT_AGE


class VerificationStatus(StrEnum):
    pending = "pending"
    approved = "approved"
    declined = "declined"
    withdrawn = "withdrawn"


# The life of a verification request: only a pending one can move, and only once.
VERIFICATION_TRANSITIONS: dict[VerificationStatus, frozenset[VerificationStatus]] = {
    VerificationStatus.pending: frozenset(
        {VerificationStatus.approved, VerificationStatus.declined, VerificationStatus.withdrawn}
    ),
    VerificationStatus.approved: frozenset(),
    VerificationStatus.declined: frozenset(),
    VerificationStatus.withdrawn: frozenset(),
}


def can_move(current: VerificationStatus, target: VerificationStatus) -> bool:
    """Whether a verification request may go from ``current`` to ``target``."""
    return target in VERIFICATION_TRANSITIONS[current]
