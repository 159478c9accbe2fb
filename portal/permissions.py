"""The one permission question: ``can(user, action, unit)``.

Gathers the facts about a user at a unit (roles covering it, whether they are a verified
resident living in it) and asks the rule table in ``portal.domain.permissions``. Views,
templates (as the ``can`` global) and services all ask here; nobody re-derives a rule.
"""
from sqlalchemy import select

from portal.domain.permissions import ANONYMOUS, RULES, Facts, permits, roles_covering
from portal.extensions import db
from portal.models import Unit


def _grants(user) -> list[tuple]:
    """(role, scope path or None) for each of the user's grants; cached on the user object,
    which lives for one request (or one service call)."""
    cached = getattr(user, "_grant_scopes", None)
    if cached is None:
        cached = [(g.role, g.unit.path if g.unit is not None else None) for g in user.grants]
        user._grant_scopes = cached
    return cached


def facts_for(user, unit: Unit | None) -> Facts:
    """What is known about ``user`` at ``unit`` (``None`` = the portal as a whole)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return ANONYMOUS
    roles = roles_covering(_grants(user), unit.path if unit is not None else None)
    resident = False
    if unit is not None and user.resident is not None:
        resident = unit.contains(user.resident.household.building)
    return Facts(signed_in=True, resident=resident, roles=roles)


def can(user, action: str, unit: Unit | None = None) -> bool:
    """May ``user`` do ``action`` in ``unit`` (or at the portal level when ``unit`` is None)?"""
    return permits(action, facts_for(user, unit))


def can_anywhere(user, action: str) -> bool:
    """Whether the user may do ``action`` in at least one unit: for menus and landing pages."""
    if not getattr(user, "is_authenticated", False):
        return permits(action, ANONYMOUS)
    rule = RULES.get(action)
    if rule is None:
        return False
    if rule.public or rule.signed_in or (rule.resident and user.resident is not None):
        return True
    return any(role in rule.roles for role, _ in _grants(user))


def units_where(user, action: str) -> list[Unit]:
    """The units whose subtree the user may do ``action`` in through a role grant (the grant
    units themselves, outermost first); every root unit for a portal-wide grant."""
    if not getattr(user, "is_authenticated", False):
        return []
    rule = RULES.get(action)
    if rule is None:
        return []
    grants = [g for g in user.grants if g.role in rule.roles]
    if any(g.unit is None for g in grants):
        return list(db.session.scalars(select(Unit).where(Unit.parent_id.is_(None)).order_by(Unit.id)))
    units = {g.unit.id: g.unit for g in grants}
    # Drop units already inside another listed unit.
    outer = [u for u in units.values() if not any(o is not u and o.contains(u) for o in units.values())]
    return sorted(outer, key=lambda u: u.path)


def forget_cached_grants(user) -> None:
    """Drop the per-request grant cache after the user's grants changed."""
    if hasattr(user, "_grant_scopes"):
        del user._grant_scopes
