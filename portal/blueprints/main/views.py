"""The landing page, each community's home page, and the language switch."""
from flask import Blueprint, abort, current_app, make_response, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from portal.domain.units import UnitLevel
from portal.extensions import db
from portal.home import sections_for
from portal.i18n import LOCALE_COOKIE
from portal.models import Household, Resident, Unit
from portal.services.accounts import set_locale
from portal.web import actor, get_or_404, render, safe_next

bp = Blueprint("main", __name__)


@bp.route("/")
def index():
    communities = db.session.scalars(
        select(Unit).options(joinedload(Unit.parent)).where(Unit.level == UnitLevel.community).order_by(Unit.path)
    ).all()
    my_community = None
    if current_user.is_authenticated and current_user.resident is not None:
        building = current_user.resident.household.building
        my_community = next((c for c in communities if c.contains(building)), None)
    return render("main/index.html", communities=communities, my_community=my_community)


def _overview(unit: Unit) -> dict:
    """Counts for a unit's subtree, in three queries whatever its size."""
    below = Unit.path.startswith(unit.path)
    counts = dict(
        db.session.execute(select(Unit.level, func.count()).where(below).group_by(Unit.level)).all()
    )
    households = db.session.scalar(
        select(func.count(Household.id)).join(Unit, Household.building_id == Unit.id).where(below)
    )
    residents = db.session.scalar(
        select(func.count(Resident.id)).join(Household).join(Unit, Household.building_id == Unit.id).where(below)
    )
    return {"levels": counts, "households": households, "residents": residents}


@bp.route("/c/<int:unit_id>")
def community(unit_id: int):
    unit = get_or_404(Unit, unit_id)
    if unit.level != UnitLevel.community:
        abort(404)
    ancestors = db.session.scalars(
        select(Unit).where(Unit.id.in_(unit.ancestor_ids[:-1])).order_by(Unit.path)
    ).all()
    return render("main/community.html", unit=unit, ancestors=ancestors, overview=_overview(unit),
                  sections=sections_for(unit, current_user), levels=UnitLevel)


@bp.route("/locale", methods=["POST"])
def switch_locale():
    locale = request.form.get("locale", "")
    target = safe_next(request.form.get("next"), url_for("main.index"))
    if locale not in current_app.config["LANGUAGES"]:
        abort(400)
    if current_user.is_authenticated:
        set_locale(actor(), locale)
        db.session.commit()
    response = make_response(redirect(target))
    response.set_cookie(LOCALE_COOKIE, locale, max_age=365 * 24 * 3600, httponly=True, samesite="Lax",
                        secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response


@bp.route("/healthz")
def healthz():
    db.session.execute(select(1))
    return {"status": "ok"}
