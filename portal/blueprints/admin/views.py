"""Admin pages: the unit tree, households, role grants and the audit log."""
from flask import Blueprint, abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from portal.blueprints.admin.forms import GrantForm, HouseholdForm, RenameForm, UnitForm
from portal.domain.permissions import Role
from portal.domain.units import UnitLevel, child_levels
from portal.extensions import db
from portal.labels import LEVEL_LABELS
from portal.forms import ConfirmForm, choices
from portal.models import AuditEntry, RoleGrant, Unit
from portal.permissions import units_where
from portal.services.accounts import find_user
from portal.services.units import add_household, create_unit, grant_role, rename_unit, revoke_role
from portal.web import actor, flash_form_errors, get_or_404, paginate, perform, render, require, require_anywhere

bp = Blueprint("admin", __name__, url_prefix="/admin", cli_group=None)


def _unit_form(unit: Unit | None) -> UnitForm:
    form = UnitForm(prefix="child")
    form.level.choices = choices((lvl.value, LEVEL_LABELS[lvl]) for lvl in child_levels(unit.level if unit else None))
    return form


@bp.route("/")
@login_required
def index():
    require_anywhere("manage_units")
    roots = units_where(current_user, "manage_units")
    portal_wide = any(g.role == Role.admin and g.unit_id is None for g in current_user.grants)
    return render("admin/index.html", roots=roots, form=_unit_form(None) if portal_wide else None)


@bp.route("/units", methods=["POST"])
@login_required
def create_root():
    require("manage_units", None)
    form = _unit_form(None)
    return _create_child(None, form)


def _create_child(parent: Unit | None, form: UnitForm):
    if form.validate_on_submit():
        perform(lambda: create_unit(actor=actor(), parent=parent, level=UnitLevel(form.level.data), name=form.name.data),
                success=_("%(name)s has been added.", name=form.name.data.strip()))
    else:
        flash_form_errors(form)
    return redirect(url_for("admin.unit", unit_id=parent.id) if parent else url_for("admin.index"))


@bp.route("/units/<int:unit_id>")
@login_required
def unit(unit_id: int):
    unit = get_or_404(Unit, unit_id)
    require("manage_units", unit)
    ancestors = db.session.scalars(select(Unit).where(Unit.id.in_(unit.ancestor_ids[:-1])).order_by(Unit.path)).all()
    child_counts = dict(db.session.execute(
        select(Unit.parent_id, func.count()).where(Unit.parent_id.in_([c.id for c in unit.children])).group_by(Unit.parent_id)
    ).all()) if unit.children else {}
    grants = db.session.scalars(
        select(RoleGrant).where(RoleGrant.unit_id == unit.id).options(joinedload(RoleGrant.user)).order_by(RoleGrant.role, RoleGrant.id)
    ).all()
    households = unit.households if unit.level == UnitLevel.building else []
    return render("admin/unit.html", unit=unit, ancestors=ancestors, child_counts=child_counts, grants=grants,
                  households=households, child_form=_unit_form(unit) if child_levels(unit.level) else None,
                  rename_form=RenameForm(prefix="rename", name=unit.name), household_form=HouseholdForm(prefix="hh"),
                  grant_form=GrantForm(prefix="grant"), confirm_form=ConfirmForm(), levels=UnitLevel)


@bp.route("/units/<int:unit_id>/children", methods=["POST"])
@login_required
def create_child(unit_id: int):
    parent = get_or_404(Unit, unit_id)
    require("manage_units", parent)
    return _create_child(parent, _unit_form(parent))


@bp.route("/units/<int:unit_id>/rename", methods=["POST"])
@login_required
def rename(unit_id: int):
    unit = get_or_404(Unit, unit_id)
    require("manage_units", unit)
    form = RenameForm(prefix="rename")
    if form.validate_on_submit():
        perform(lambda: rename_unit(unit, actor=actor(), name=form.name.data), success=_("The name has been changed."))
    else:
        flash_form_errors(form)
    return redirect(url_for("admin.unit", unit_id=unit.id))


@bp.route("/units/<int:unit_id>/households", methods=["POST"])
@login_required
def create_household(unit_id: int):
    building = get_or_404(Unit, unit_id)
    require("manage_units", building)
    form = HouseholdForm(prefix="hh")
    if form.validate_on_submit():
        perform(lambda: add_household(actor=actor(), building=building, label=form.label.data,
                                      floor_area=form.floor_area.data),
                success=_("The household has been added."))
    else:
        flash_form_errors(form)
    return redirect(url_for("admin.unit", unit_id=building.id))


@bp.route("/units/<int:unit_id>/grants", methods=["POST"])
@login_required
def create_grant(unit_id: int):
    unit = get_or_404(Unit, unit_id)
    require("manage_grants", unit)
    form = GrantForm(prefix="grant")
    if form.validate_on_submit():
        user = find_user(form.login.data)
        if user is None:
            flash(_("No account is registered with that mobile number or e-mail."), "error")
        else:
            perform(lambda: grant_role(actor=actor(), user=user, role=Role(form.role.data), unit=unit),
                    success=_("%(name)s now holds the role here.", name=user.display_name))
    else:
        flash_form_errors(form)
    return redirect(url_for("admin.unit", unit_id=unit.id))


@bp.route("/grants/<int:grant_id>/revoke", methods=["POST"])
@login_required
def revoke(grant_id: int):
    grant = get_or_404(RoleGrant, grant_id)
    require("manage_grants", grant.unit)
    back = url_for("admin.unit", unit_id=grant.unit_id) if grant.unit_id else url_for("admin.index")
    if ConfirmForm().validate_on_submit():
        perform(lambda: revoke_role(grant, actor=actor()), success=_("The role has been taken back."), category="info")
    return redirect(back)


@bp.route("/audit")
@login_required
def audit():
    require_anywhere("view_audit")
    units = units_where(current_user, "view_audit")
    portal_wide = any(g.unit_id is None and g.role == Role.admin for g in current_user.grants)
    stmt = select(AuditEntry).options(joinedload(AuditEntry.actor)).order_by(AuditEntry.id.desc())
    if not portal_wide:
        if not units:
            abort(403)
        stmt = stmt.join(Unit, AuditEntry.unit_id == Unit.id).where(or_(*[Unit.path.startswith(u.path) for u in units]))
    return render("admin/audit.html", page=paginate(stmt))
