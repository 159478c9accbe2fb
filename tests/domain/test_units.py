"""The unit tree: which levels may nest, and materialised paths."""
from decimal import Decimal

import pytest

from portal.domain.units import (
    LEVELS,
    UnitLevel,
    ancestor_ids,
    child_levels,
    is_valid_child,
    is_within,
    parse_floor_area,
    path_for,
)

D, S, C, G, P, B = (UnitLevel.district, UnitLevel.street, UnitLevel.community,
                    UnitLevel.grid, UnitLevel.compound, UnitLevel.building)

# Written out by hand rather than derived from depth(), so the test does not restate the code.
ALLOWED_CHILDREN = {
    None: {D, S, C, G, P, B},  # a root may be any level
    D: {S, C, G, P, B},
    S: {C, G, P, B},
    C: {G, P, B},              # a compound may sit straight under a community without grids
    G: {P, B},
    P: {B},
    B: set(),
}


def test_levels_are_ordered_from_district_to_building():
    assert LEVELS == (D, S, C, G, P, B)


def test_allowed_children_table_covers_every_level():
    assert set(ALLOWED_CHILDREN) == {None, *UnitLevel}


@pytest.mark.parametrize(
    ("parent", "child", "allowed"),
    [
        pytest.param(parent, child, child in ALLOWED_CHILDREN[parent],
                     id=f"{parent or 'root'}>{child}-{'ok' if child in ALLOWED_CHILDREN[parent] else 'no'}")
        for parent in ALLOWED_CHILDREN
        for child in UnitLevel
    ],
)
def test_is_valid_child(parent, child, allowed):
    assert is_valid_child(parent, child) is allowed
    assert (child in child_levels(parent)) is allowed


@pytest.mark.parametrize(
    ("parent", "expected"),
    [
        pytest.param(None, (D, S, C, G, P, B), id="root"),
        pytest.param(D, (S, C, G, P, B), id="district"),
        pytest.param(C, (G, P, B), id="community"),
        pytest.param(P, (B,), id="compound"),
        pytest.param(B, (), id="building"),
    ],
)
def test_child_levels_are_listed_in_tree_order(parent, expected):
    assert child_levels(parent) == expected


@pytest.mark.parametrize(
    ("parent_path", "unit_id", "expected"),
    [
        pytest.param(None, 1, "/00000001/", id="root"),
        pytest.param("", 7, "/00000007/", id="root-empty-parent"),
        pytest.param("/00000001/", 4, "/00000001/00000004/", id="child"),
        pytest.param("/00000001/00000004/", 12, "/00000001/00000004/00000012/", id="grandchild"),
        pytest.param(None, 99999999, "/99999999/", id="widest-padded-id"),
    ],
)
def test_path_for(parent_path, unit_id, expected):
    assert path_for(parent_path, unit_id) == expected


def test_padding_makes_path_order_follow_id_order():
    """Sorting by path lists the tree in order, so unit 2 sorts before unit 10."""
    ids = [10, 2, 1, 100, 12]
    paths = [path_for(None, i) for i in ids]
    assert sorted(paths) == [path_for(None, i) for i in sorted(ids)]


def test_children_sort_directly_after_their_parent():
    one = path_for(None, 1)
    assert sorted([path_for(None, 2), path_for(one, 10), one, path_for(one, 3)]) == [
        one, path_for(one, 3), path_for(one, 10), path_for(None, 2),
    ]


@pytest.mark.parametrize(
    "ids",
    [
        pytest.param([1], id="root"),
        pytest.param([1, 4], id="two-levels"),
        pytest.param([3, 1, 12, 10, 99999999, 5], id="six-levels"),
    ],
)
def test_ancestor_ids_round_trip(ids):
    path = None
    for unit_id in ids:
        path = path_for(path, unit_id)
    assert ancestor_ids(path) == ids


def test_ancestor_ids_of_the_bare_root_path_is_empty():
    assert ancestor_ids("/") == []


ONE = path_for(None, 1)
ONE_FOUR = path_for(ONE, 4)
ONE_FOUR_TWELVE = path_for(ONE_FOUR, 12)
TWO = path_for(None, 2)
TEN = path_for(None, 10)
TWELVE = path_for(None, 12)
ONE_ONE = path_for(ONE, 1)
ONE_TEN = path_for(ONE, 10)
ONE_ELEVEN = path_for(ONE, 11)


@pytest.mark.parametrize(
    ("path", "scope", "expected"),
    [
        pytest.param(ONE, ONE, True, id="unit-in-its-own-subtree"),
        pytest.param(ONE_FOUR, ONE, True, id="child-in-parent"),
        pytest.param(ONE_FOUR_TWELVE, ONE, True, id="grandchild-in-grandparent"),
        pytest.param(ONE_FOUR_TWELVE, ONE_FOUR, True, id="grandchild-in-parent"),
        pytest.param(ONE, ONE_FOUR, False, id="parent-not-in-child"),
        pytest.param(TWO, ONE, False, id="sibling-root"),
        pytest.param(path_for(TWO, 4), ONE_FOUR, False, id="same-id-other-branch"),
        # Prefix confusion: with bare ids, "1" would be a prefix of "10" and "12".
        pytest.param(TEN, ONE, False, id="unit-10-not-in-unit-1"),
        pytest.param(TWELVE, ONE, False, id="unit-12-not-in-unit-1"),
        pytest.param(path_for(TEN, 5), ONE, False, id="child-of-10-not-in-unit-1"),
        pytest.param(ONE_TEN, ONE_ONE, False, id="nested-10-not-in-nested-1"),
        pytest.param(ONE_ELEVEN, ONE_ONE, False, id="nested-11-not-in-nested-1"),
        pytest.param(path_for(None, 100000001), path_for(None, 10000000), False,
                     id="nine-digit-id-not-in-eight-digit-prefix"),
    ],
)
def test_is_within(path, scope, expected):
    assert is_within(path, scope) is expected


@pytest.mark.parametrize("raw,expected", [
    ("86.5", Decimal("86.50")),
    (" 120 ", Decimal("120.00")),
    ("0.01", Decimal("0.01")),
    ("9999.99", Decimal("9999.99")),
    (Decimal("75.25"), Decimal("75.25")),
    ("0", None), ("0.00", None), ("-5", None),      # must be above 0
    ("10000", None), ("10000.00", None),            # and below 10,000
    ("12.345", None),                               # at most two decimals
    ("1e3", None), ("NaN", None), ("sNaN", None), ("Infinity", None),
    ("1,000", None), ("٣٥", None), ("８６", None),   # only plain ASCII digits
    ("", None), (None, None), ("abc", None),
])
def test_parse_floor_area(raw, expected):
    assert parse_floor_area(raw) == expected
