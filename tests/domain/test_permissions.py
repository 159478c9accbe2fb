"""Who may do what: the role x action matrix, and which grants cover a unit."""
import pytest

from portal.domain import permissions
from portal.domain.permissions import (
    ANONYMOUS,
    RULES,
    Facts,
    Role,
    Rule,
    permits,
    roles_covering,
)
from portal.domain.units import path_for

# One actor per kind of user. Role holders are signed in, as they are in the portal.
ACTORS: dict[str, Facts] = {
    "anonymous": ANONYMOUS,
    "signed_in": Facts(signed_in=True),
    "resident": Facts(signed_in=True, resident=True),
    **{role.value: Facts(signed_in=True, roles=frozenset({role})) for role in Role},
}
EVERYONE = frozenset(ACTORS)
SIGNED_IN = EVERYONE - {"anonymous"}

# Who is allowed each action. Every action in RULES must be listed (see the test below).
EXPECTED: dict[str, frozenset[str]] = {
    "view": EVERYONE,
    "request_verification": SIGNED_IN,
    "change_password": SIGNED_IN,
    "verify_residents": frozenset({"committee"}),
    "view_households": frozenset({"committee", "grid_worker"}),
    "act_for_resident": frozenset({"grid_worker"}),
    "manage_units": frozenset({"admin"}),
    "manage_grants": frozenset({"admin"}),
    "view_audit": frozenset({"admin", "committee"}),
    "submit_suggestion": frozenset({"resident"}),
    "second_suggestion": frozenset({"resident"}),
    "run_procedure": frozenset({"committee"}),
    "start_matter": frozenset({"committee", "party_org"}),
    "view_electorate": frozenset({"committee"}),
    "publish_disclosure": frozenset({"committee"}),
    "file_objection": frozenset({"resident"}),
    "rate_results": frozenset({"resident"}),
    "post_wish": frozenset({"resident"}),
    "review_wishes": frozenset({"committee"}),
    "verify_partners": frozenset({"committee"}),
    "register_partner": SIGNED_IN,
    "partner_tools": frozenset({"partner"}),
    "manage_care_tags": frozenset({"committee", "grid_worker"}),
}


def test_expected_table_lists_every_action_in_rules():
    """A new action in RULES must be added to EXPECTED, so its matrix is reviewed."""
    assert set(RULES) == set(EXPECTED)


def test_actors_include_every_role():
    assert {role.value for role in Role} <= set(ACTORS)


@pytest.mark.parametrize(
    ("action", "actor", "allowed"),
    [
        pytest.param(action, actor, actor in allowed_actors,
                     id=f"{actor}-{action}-{'yes' if actor in allowed_actors else 'no'}")
        for action, allowed_actors in EXPECTED.items()
        for actor in ACTORS
    ],
)
def test_permission_matrix(action, actor, allowed):
    assert permits(action, ACTORS[actor]) is allowed


@pytest.mark.parametrize(
    "facts",
    [
        pytest.param(ANONYMOUS, id="anonymous"),
        pytest.param(Facts(signed_in=True, resident=True, roles=frozenset(Role)), id="every-role"),
    ],
)
@pytest.mark.parametrize("action", ["", "vote_everywhere", "VIEW", "view "])
def test_unknown_action_is_refused(action, facts):
    assert permits(action, facts) is False


def test_unverified_account_does_nothing_that_counts():
    """DESIGN §1: a registered but unverified account can read and do nothing that counts."""
    allowed = {action for action in RULES if permits(action, ACTORS["signed_in"])}
    # Asking to be verified (as a resident, or as a partner organisation) counts for nothing
    # until the committee says yes.
    assert allowed == {"view", "request_verification", "change_password", "register_partner"}


@pytest.mark.parametrize(
    ("facts", "allowed"),
    [
        pytest.param(ANONYMOUS, False, id="anonymous"),
        pytest.param(Facts(signed_in=True), False, id="signed-in-not-resident"),
        pytest.param(Facts(signed_in=True, resident=True), True, id="resident"),
        pytest.param(Facts(signed_in=True, roles=frozenset({Role.committee})), False,
                     id="committee-not-resident"),
        pytest.param(Facts(signed_in=True, roles=frozenset({Role.representative})), True,
                     id="representative-by-role"),
    ],
)
def test_resident_rule(monkeypatch, facts, allowed):
    """No action uses ``resident`` yet; a rule that does must admit residents here, and roles only if named."""
    monkeypatch.setitem(
        permissions.RULES, "test_resident_only",
        Rule(resident=True, roles=frozenset({Role.representative})),
    )
    assert permits("test_resident_only", facts) is allowed


def test_rule_allowing_nobody_refuses_everyone(monkeypatch):
    monkeypatch.setitem(permissions.RULES, "test_nobody", Rule())
    everyone = Facts(signed_in=True, resident=True, roles=frozenset(Role))
    assert permits("test_nobody", everyone) is False


ONE = path_for(None, 1)                  # /00000001/
ONE_ONE = path_for(ONE, 1)               # /00000001/00000001/
ONE_ONE_FIVE = path_for(ONE_ONE, 5)      # /00000001/00000001/00000005/
ONE_TEN = path_for(ONE, 10)              # /00000001/00000010/
ONE_ELEVEN = path_for(ONE, 11)           # /00000001/00000011/
TWO = path_for(None, 2)
TEN = path_for(None, 10)


def test_paths_used_below_are_what_we_think():
    assert ONE_ONE == "/00000001/00000001/"
    assert ONE_ELEVEN == "/00000001/00000011/"


@pytest.mark.parametrize(
    ("grants", "unit_path", "expected"),
    [
        pytest.param([], ONE_ONE, set(), id="no-grants"),
        pytest.param([(Role.committee, ONE_ONE)], ONE_ONE, {Role.committee}, id="at-the-unit"),
        pytest.param([(Role.committee, ONE)], ONE_ONE, {Role.committee}, id="above-the-unit"),
        pytest.param([(Role.committee, ONE)], ONE_ONE_FIVE, {Role.committee}, id="two-levels-above"),
        pytest.param([(Role.grid_worker, ONE_ONE_FIVE)], ONE_ONE, set(), id="below-the-unit"),
        pytest.param([(Role.committee, TWO)], ONE_ONE, set(), id="other-branch"),
        pytest.param([(Role.committee, ONE_ONE)], ONE_ELEVEN, set(), id="sibling-1-vs-11"),
        pytest.param([(Role.committee, ONE_ONE)], ONE_TEN, set(), id="sibling-1-vs-10"),
        pytest.param([(Role.committee, ONE)], TEN, set(), id="root-1-vs-10"),
        pytest.param([(Role.committee, ONE)], path_for(TEN, 1), set(), id="root-1-vs-child-of-10"),
        pytest.param([(Role.admin, None)], ONE_ONE_FIVE, {Role.admin}, id="portal-wide"),
        pytest.param(
            [(Role.committee, ONE), (Role.grid_worker, ONE_ONE), (Role.partner, ONE_ELEVEN),
             (Role.admin, None), (Role.party_org, TWO)],
            ONE_ONE_FIVE,
            {Role.committee, Role.grid_worker, Role.admin},
            id="mixed-grants-union",
        ),
        pytest.param([(Role.committee, ONE), (Role.committee, ONE_ONE)], ONE_ONE, {Role.committee},
                     id="same-role-twice"),
        pytest.param([(Role.admin, None), (Role.committee, ONE), (Role.committee, ONE_ONE)], None,
                     {Role.admin}, id="portal-itself-only-portal-wide"),
        pytest.param([(Role.committee, ONE)], None, set(), id="portal-itself-unit-grant-only"),
    ],
)
def test_roles_covering(grants, unit_path, expected):
    held = roles_covering(grants, unit_path)
    assert isinstance(held, frozenset)
    assert held == expected


def test_roles_covering_feeds_permits():
    """A committee grant on the sibling 1 does not let its holder verify residents of 11."""
    grants = [(Role.committee, ONE_ONE)]
    here = Facts(signed_in=True, roles=roles_covering(grants, ONE_ONE_FIVE))
    beside = Facts(signed_in=True, roles=roles_covering(grants, ONE_ELEVEN))
    assert permits("verify_residents", here) is True
    assert permits("verify_residents", beside) is False
