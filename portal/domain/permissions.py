"""Who may do what: roles held within a unit, and one table of actions.

A role is granted within a unit and covers that unit's subtree (DESIGN §1). Whether someone is
a verified resident *here* (their household lies inside the unit) is worked out by the caller;
this module only answers the question once the facts are known. Features add their actions to
``RULES``; a rule exists here once and views and templates ask ``portal.permissions.can``.
"""
from dataclasses import dataclass, field
from enum import StrEnum


class Role(StrEnum):
    representative = "representative"  # 居民代表
    party_member = "party_member"      # 党员 registered in the community (votes in 党员大会)
    party_org = "party_org"            # 社区党组织
    committee = "committee"            # 居委会/两委
    grid_worker = "grid_worker"        # 网格员
    partner = "partner"                # 社区合伙人 (organisation account)
    admin = "admin"                    # manages units and role grants


@dataclass(frozen=True)
class Rule:
    """Who is allowed: anyone (``public``), any signed-in account, verified residents living
    in the unit, and/or holders of any of ``roles`` covering the unit."""

    public: bool = False
    signed_in: bool = False
    resident: bool = False
    roles: frozenset[Role] = field(default_factory=frozenset)


@dataclass(frozen=True)
class Facts:
    """What is known about one user at one unit."""

    signed_in: bool = False
    resident: bool = False
    roles: frozenset[Role] = field(default_factory=frozenset)


ANONYMOUS = Facts()

RULES: dict[str, Rule] = {
    # Reading anything public: disclosures, conventions, open wishes, projects, archive.
    "view": Rule(public=True),
    # A signed-in account asks to be verified as a resident of a household.
    "request_verification": Rule(signed_in=True),
    "change_password": Rule(signed_in=True),
    # The committee of a community verifies its residents.
    "verify_residents": Rule(roles=frozenset({Role.committee})),
    # Household records (names, rooms, areas) are for the committee and grid workers.
    "view_households": Rule(roles=frozenset({Role.committee, Role.grid_worker})),
    # 代办: a grid worker acts for a resident who cannot.
    "act_for_resident": Rule(roles=frozenset({Role.grid_worker})),
    # Units and role grants belong to the admin.
    "manage_units": Rule(roles=frozenset({Role.admin})),
    "manage_grants": Rule(roles=frozenset({Role.admin})),
    "view_audit": Rule(roles=frozenset({Role.admin, Role.committee})),
    # Deliberation (DESIGN §2). Stage moves are further limited by the procedure template's
    # actors (portal.domain.procedures); these rules say who may do anything of the kind here.
    "submit_suggestion": Rule(resident=True),
    "second_suggestion": Rule(resident=True),
    "run_procedure": Rule(roles=frozenset({Role.committee})),
    "start_matter": Rule(roles=frozenset({Role.committee, Role.party_org})),
    "view_electorate": Rule(roles=frozenset({Role.committee})),
    # Disclosure boards (DESIGN §6). The party organisation also publishes on 党务公开
    # (portal.services.disclosure.may_publish).
    "publish_disclosure": Rule(roles=frozenset({Role.committee})),
    "file_objection": Rule(resident=True),
    "rate_results": Rule(resident=True),
    # Micro-wishes and partners (DESIGN §4). Claiming needs a partner profile verified by the
    # committee (portal.services.wishes), not a rule here.
    "post_wish": Rule(resident=True),
    "review_wishes": Rule(roles=frozenset({Role.committee})),
    "verify_partners": Rule(roles=frozenset({Role.committee})),
    "register_partner": Rule(signed_in=True),
    # The partner's own tools (my claims): accounts the admin made partner organisations.
    "partner_tools": Rule(roles=frozenset({Role.partner})),
    # 七色暖心签: the most sensitive data; only the committee and grid workers of the unit.
    "manage_care_tags": Rule(roles=frozenset({Role.committee, Role.grid_worker})),
}


def permits(action: str, facts: Facts) -> bool:
    """Whether ``facts`` satisfy the rule for ``action``. Unknown actions are refused."""
    rule = RULES.get(action)
    if rule is None:
        return False
    if rule.public:
        return True
    if rule.signed_in and facts.signed_in:
        return True
    if rule.resident and facts.resident:
        return True
    return bool(rule.roles & facts.roles)


def roles_covering(grants: list[tuple[Role, str | None]], unit_path: str | None) -> frozenset[Role]:
    """Roles whose grant covers the unit at ``unit_path``. A grant with no unit (``None``)
    covers the whole portal; ``unit_path=None`` asks about the portal itself, which only such
    grants cover."""
    held = set()
    for role, scope in grants:
        if scope is None or (unit_path is not None and unit_path.startswith(scope)):
            held.add(role)
    return frozenset(held)
