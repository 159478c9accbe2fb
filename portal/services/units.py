"""Units, households and role grants: the admin's verbs."""
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from portal.domain.permissions import Role
from portal.domain.units import UnitLevel, is_valid_child, parse_floor_area, path_for
from portal.extensions import db
from portal.models import Household, RoleGrant, Unit, User
from portal.permissions import can, forget_cached_grants
from portal.services import PermissionDenied, ServiceError
from portal.services.audit import record

def _require(actor: User, action: str, unit: Unit | None) -> None:
    if not can(actor, action, unit):
        raise PermissionDenied(_l("You may not do this here."))


def create_unit(*, actor: User | None, parent: Unit | None, level: UnitLevel, name: str) -> Unit:
    """Add a unit under ``parent`` (or a root when ``parent`` is None). ``actor=None`` is the
    system itself (CLI loaders)."""
    if actor is not None:
        _require(actor, "manage_units", parent)
    name = name.strip()
    if not name:
        raise ServiceError(_l("Enter a name."))
    if not is_valid_child(parent.level if parent else None, level):
        raise ServiceError(_l("A unit of this level cannot be placed here."))
    unit = Unit(parent_id=parent.id if parent else None, level=level, name=name)
    try:
        with db.session.begin_nested():
            db.session.add(unit)
    except IntegrityError:
        raise ServiceError(_l("There is already a unit of this name here.")) from None
    unit.path = path_for(parent.path if parent else None, unit.id)
    record(actor, "unit.create", unit, unit=unit, detail=f"{level.value} {name}")
    return unit


def rename_unit(unit: Unit, *, actor: User, name: str) -> None:
    """Give a unit a new name."""
    _require(actor, "manage_units", unit)
    name = name.strip()
    if not name:
        raise ServiceError(_l("Enter a name."))
    old = unit.name
    try:
        with db.session.begin_nested():
            unit.name = name
    except IntegrityError:
        db.session.refresh(unit)
        raise ServiceError(_l("There is already a unit of this name here.")) from None
    record(actor, "unit.rename", unit, unit=unit, detail=f"{old} → {name}")


def add_household(*, actor: User | None, building: Unit, label: str, floor_area) -> Household:
    """Record a household (dwelling) in a building."""
    if actor is not None:
        _require(actor, "manage_units", building)
    if building.level != UnitLevel.building:
        raise ServiceError(_l("Households belong to buildings."))
    label = label.strip()
    if not label:
        raise ServiceError(_l("Enter the door number."))
    area = parse_floor_area(floor_area)
    if area is None:
        raise ServiceError(_l("Enter the floor area in square metres, e.g. 86.5."))
    household = Household(building_id=building.id, label=label, floor_area=area)
    try:
        with db.session.begin_nested():
            db.session.add(household)
    except IntegrityError:
        raise ServiceError(_l("This building already has a household with that door number.")) from None
    record(actor, "household.create", household, unit=building, detail=label)
    return household


def grant_role(*, actor: User | None, user: User, role: Role, unit: Unit | None) -> RoleGrant:
    """Give ``user`` the ``role`` within ``unit`` (None: the whole portal)."""
    if actor is not None:
        _require(actor, "manage_grants", unit)
    if unit is None and role != Role.admin:
        raise ServiceError(_l("Only the admin role can be granted for the whole portal."))
    if any(g.role == role and g.unit_id == (unit.id if unit else None) for g in user.grants):
        raise ServiceError(_l("This person already holds this role here."))
    grant = RoleGrant(user_id=user.id, role=role, unit_id=unit.id if unit else None,
                      granted_by_id=actor.id if actor else None)
    try:
        with db.session.begin_nested():
            db.session.add(grant)
    except IntegrityError:
        raise ServiceError(_l("This person already holds this role here.")) from None
    db.session.refresh(user)
    forget_cached_grants(user)
    record(actor, "grant.create", grant, unit=unit, detail=f"user={user.id} role={role.value}")
    return grant


def revoke_role(grant: RoleGrant, *, actor: User) -> None:
    """Take a role grant back."""
    _require(actor, "manage_grants", grant.unit)
    if grant.user_id == actor.id and grant.role == Role.admin:
        raise ServiceError(_l("You cannot take away your own admin role."))
    user = grant.user
    record(actor, "grant.revoke", grant, unit=grant.unit, detail=f"user={grant.user_id} role={grant.role.value}")
    db.session.delete(grant)
    db.session.flush()
    db.session.refresh(user)
    forget_cached_grants(user)
