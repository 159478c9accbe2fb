"""Decision rules for assemblies, as DESIGN §2 states them, in integer arithmetic only.

Two rules:

* **Majority of those attending** (城市居民委员会组织法 art. 10; also used for a party members'
  meeting): the meeting is valid only if *more than half* of the electorate attends, and a
  motion passes if *more than half of those attending* vote for it. Exactly half is not more
  than half. Abstentions and attendees who cast no ballot count in the denominator.
* **Owners' decision** (民法典 art. 278): owners holding at least two thirds of the private
  floor area *and* at least two thirds of the owners must take part; an ordinary matter passes
  with more than half of the participating area *and* more than half of the participating
  owners; a major matter (maintenance fund, rebuilding, change of use of common parts) needs
  at least three quarters of both.

Areas are integers (hundredths of a square metre, see ``area_units``) so that no boundary is
decided by a rounding error. Fractions are compared by cross-multiplying: ``x > n/2`` is
``2*x > n``, ``x ≥ 2n/3`` is ``3*x ≥ 2*n``.
"""
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum


class Outcome(StrEnum):
    passed = "passed"        # 通过
    rejected = "rejected"    # 未通过
    void = "void"            # 不足法定人数 / 参与不足: no valid decision


def area_units(area: Decimal | int | str) -> int:
    """Square metres (as Decimal or string, at most 2 decimals, not negative) in integer
    hundredths."""
    try:
        value = Decimal(area) * 100
    except ArithmeticError:
        raise ValueError(f"area {area!r} is not a number") from None
    if not value.is_finite() or value < 0:
        raise ValueError(f"area {area} is not a finite, non-negative number")
    if value != value.to_integral_value():
        raise ValueError(f"area {area} has more than two decimals")
    return int(value)


def more_than_half(part: int, whole: int) -> bool:
    """part > whole / 2 (exactly half is not more than half)."""
    return 2 * part > whole


def at_least_two_thirds(part: int, whole: int) -> bool:
    """part ≥ 2/3 of whole."""
    return 3 * part >= 2 * whole


def at_least_three_quarters(part: int, whole: int) -> bool:
    """part ≥ 3/4 of whole."""
    return 4 * part >= 3 * whole


@dataclass(frozen=True)
class MeetingTally:
    """What a residents', representatives' or party members' meeting produced."""

    electorate: int
    attending: int
    votes_for: int
    votes_against: int = 0
    abstain: int = 0

    def __post_init__(self):
        if min(self.electorate, self.attending, self.votes_for, self.votes_against, self.abstain) < 0:
            raise ValueError("counts cannot be negative")
        if self.attending > self.electorate:
            raise ValueError("more attending than the electorate")
        if self.votes_for + self.votes_against + self.abstain > self.attending:
            raise ValueError("more ballots than people attending")


def majority_of_attending(tally: MeetingTally) -> Outcome:
    """Residents' / representatives' meeting: quorum of more than half the electorate, then
    more than half of those attending must vote for."""
    if tally.electorate == 0 or not more_than_half(tally.attending, tally.electorate):
        return Outcome.void
    return Outcome.passed if more_than_half(tally.votes_for, tally.attending) else Outcome.rejected


@dataclass(frozen=True)
class OwnersTally:
    """An owners' vote: heads (owners, one per private unit) and areas (hundredths of m²).

    ``total_*`` cover every private unit of the compound; ``participating_*`` those whose owner
    cast a ballot (for, against or abstain); ``for_*`` those who voted for."""

    total_owners: int
    total_area: int
    participating_owners: int
    participating_area: int
    for_owners: int
    for_area: int

    def __post_init__(self):
        values = (self.total_owners, self.total_area, self.participating_owners, self.participating_area,
                  self.for_owners, self.for_area)
        if min(values) < 0:
            raise ValueError("counts cannot be negative")
        if not (self.for_owners <= self.participating_owners <= self.total_owners):
            raise ValueError("owner counts out of order")
        if not (self.for_area <= self.participating_area <= self.total_area):
            raise ValueError("areas out of order")


def owners_decision(tally: OwnersTally, *, major: bool) -> Outcome:
    """Civil Code art. 278: participation of ≥ 2/3 of area and owners, then > 1/2 (ordinary)
    or ≥ 3/4 (major) of the participating area and owners voting for."""
    if tally.total_owners == 0 or tally.total_area == 0:
        return Outcome.void
    if not (at_least_two_thirds(tally.participating_area, tally.total_area)
            and at_least_two_thirds(tally.participating_owners, tally.total_owners)):
        return Outcome.void
    agree = at_least_three_quarters if major else more_than_half
    if agree(tally.for_area, tally.participating_area) and agree(tally.for_owners, tally.participating_owners):
        return Outcome.passed
    return Outcome.rejected
