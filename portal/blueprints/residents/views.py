"""Resident verification: joining a household, the committee's queue and decisions."""
from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.blueprints.residents import queries
from portal.blueprints.residents.forms import DeclineForm, JoinForm
from portal.domain.residents import Relation, VerificationStatus, age_on
from portal.domain.units import UnitLevel
from portal.extensions import db, htmx
from portal.forms import ConfirmForm, choices
from portal.models import Household, Unit, VerificationRequest
from portal.permissions import units_where
from portal.services import residents as residents_service
from portal.web import actor, get_or_404, local_today, paginate, perform, render, require, require_anywhere

bp = Blueprint("residents", __name__, url_prefix="/residents")


def _fill_choices(form: JoinForm) -> None:
    """Cascade: community → its buildings → that building's households."""
    placeholder = [(0, _("— choose —"))]
    comms = queries.communities()
    form.community.choices = choices(placeholder + [(c.id, c.name) for c in comms])
    community = next((c for c in comms if c.id == form.community.data), None)
    buildings = queries.buildings_in(community) if community else []
    form.building.choices = choices(placeholder + [(b.id, queries.building_label(b)) for b in buildings])
    building = next((b for b in buildings if b.id == form.building.data), None)
    households = queries.households_in(building) if building else []
    form.household.choices = choices(placeholder + [(h.id, h.label) for h in households])
    if building is None:
        form.household.data = 0
    if community is None:
        form.building.data = 0


@bp.route("/join", methods=["GET", "POST"])
@login_required
def join():
    require("request_verification")
    form = JoinForm() if request.method == "POST" else JoinForm(formdata=request.args or None)
    _fill_choices(form)
    if request.method == "GET":
        return render("residents/join.html", "residents/_household_picker.html", form=form,
                      pending=residents_service.pending_request(current_user))
    if form.validate_on_submit():
        household = db.session.get(Household, form.household.data)
        if household is None:
            form.household.errors.append(_("Choose your door number."))
        else:
            ok, _request = perform(
                lambda: residents_service.request_verification(
                    actor(), household=household, real_name=form.real_name.data,
                    relation=Relation(form.relation.data), birth_date=form.birth_date.data,
                    note=form.note.data or "", today=local_today()),
                success=_("Your request has been sent. The community committee will check it, "
                          "usually within three working days."),
                form=form)
            if ok:
                return redirect(url_for("auth.account"))
    return render("residents/join.html", form=form, status=422,
                  pending=residents_service.pending_request(current_user))


@bp.route("/requests/<int:request_id>/withdraw", methods=["POST"])
@login_required
def withdraw(request_id: int):
    req = get_or_404(VerificationRequest, request_id)
    if req.user_id != current_user.id:
        abort(403)  # only the applicant withdraws
    if ConfirmForm().validate_on_submit():
        perform(lambda: residents_service.withdraw(req, actor=actor()),
                success=_("Your request has been withdrawn."), category="info")
    return redirect(url_for("auth.account"))


@bp.route("/review")
@login_required
def review():
    require_anywhere("verify_residents")
    units = units_where(current_user, "verify_residents")
    if len(units) == 1:
        return redirect(url_for("residents.queue", unit_id=units[0].id))
    return render("residents/review.html", units=units)


@bp.route("/units/<int:unit_id>/requests")
@login_required
def queue(unit_id: int):
    unit = get_or_404(Unit, unit_id)
    require("verify_residents", unit)
    try:
        status = VerificationStatus(request.args.get("status", "pending"))
    except ValueError:
        status = VerificationStatus.pending
    page = paginate(queries.requests_in(unit, status))
    return render("residents/queue.html", "residents/_request_list.html", unit=unit, shown_status=status,
                  page=page, statuses=VerificationStatus, **_row_context(unit.id))


def _row_context(queue_unit_id: int) -> dict:
    """What a request row needs: today for ages, labels, and the queue its forms return to."""
    return {"today": local_today(), "age_on": age_on, "building_label": queries.building_label,
            "queue_unit_id": queue_unit_id}


def _decided(req, unit_id):
    """htmx swaps the decided row in place; a plain form post goes back to the queue."""
    if htmx:
        return render("residents/_request_row.html", req=req, **_row_context(unit_id))
    return redirect(url_for("residents.queue", unit_id=unit_id))


def _request_to_decide(request_id: int) -> VerificationRequest:
    """The request, if it exists and the current user may decide on it (else 404 / 403)."""
    req = queries.request_for_update(request_id)
    if req is None:
        abort(404)
    require("verify_residents", req.household.building)
    return req


def _queue_unit_id(req) -> int:
    return request.form.get("unit_id", type=int) or req.household.building_id


@bp.route("/requests/<int:request_id>/approve", methods=["POST"])
@login_required
def approve(request_id: int):
    req = _request_to_decide(request_id)
    if ConfirmForm().validate_on_submit():
        perform(lambda: residents_service.approve(req, actor=actor()),
                success=_("%(name)s is now a verified resident.", name=req.real_name))
    return _decided(req, _queue_unit_id(req))


@bp.route("/requests/<int:request_id>/decline", methods=["POST"])
@login_required
def decline(request_id: int):
    req = _request_to_decide(request_id)
    form = DeclineForm()
    if form.validate_on_submit():
        perform(lambda: residents_service.decline(req, actor=actor(), reason=form.reason.data),
                success=_("The request has been declined and the applicant can see why."), category="info")
    else:
        flash(_("Give the applicant a reason for declining."), "error")
    return _decided(req, _queue_unit_id(req))


@bp.route("/units/<int:unit_id>/residents")
@login_required
def roster(unit_id: int):
    unit = get_or_404(Unit, unit_id)
    require("view_households", unit)
    page = paginate(queries.residents_in(unit))
    return render("residents/roster.html", unit=unit, page=page, building_label=queries.building_label,
                  levels=UnitLevel)
