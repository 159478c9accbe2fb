"""Matters: lists per unit, the timeline page, and the stage acts (advance, send back,
proposal, consult meeting, publications)."""
from flask import abort, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from portal.blueprints.deliberation import bp, queries
from portal.blueprints.deliberation.forms import (ConveneForm, MatterForm, MeetingForm, ProposalForm, PublicationForm,
                                                  ReasonForm, as_local)
from portal.domain.deliberation import AssemblyStatus, MeetingOutcome, PublicationKind
from portal.domain.procedures import StageKey, missing_facts
from portal.domain.units import UnitLevel
from portal.extensions import db, login_manager
from portal.forms import ConfirmForm, choices
from portal.home import Section, home_section
from portal.labels import STAGE_LABELS
from portal.models import Matter, Unit
from portal.models.base import utcnow
from portal.permissions import can, can_anywhere
from portal.services import assemblies as assembly_service
from portal.services import disclosure as disclosure_service
from portal.services import matters as service
from portal.web import actor, flash_form_errors, get_or_404, local_today, paginate, perform, render, require


@bp.route("/matters")
def index():
    """Where deliberation happens: every community, the visitor's own first."""
    communities = list(db.session.scalars(select(Unit).where(Unit.level == UnitLevel.community).order_by(Unit.path)))
    if current_user.is_authenticated and current_user.resident is not None:
        building = current_user.resident.household.building
        communities.sort(key=lambda c: not c.contains(building))
    return render("deliberation/index.html", communities=communities)


@bp.route("/units/<int:unit_id>/matters")
def matters(unit_id: int):
    unit = get_or_404(Unit, unit_id)
    shown_stage = request.args.get("stage", "")
    if shown_stage not in STAGE_LABELS:
        shown_stage = ""
    year = request.args.get("year", type=int)
    page = paginate(queries.matters_in(unit, stage=shown_stage or None, year=year))
    return render("deliberation/matters.html", "deliberation/_matter_list.html", unit=unit, page=page,
                  shown_stage=shown_stage, year=year, years=queries.years_in(unit), stages=STAGE_LABELS,
                  windows=queries.solicitations_in(unit)[:3], now=utcnow())


@bp.route("/units/<int:unit_id>/matters/new", methods=["GET", "POST"])
@login_required
def new_matter(unit_id: int):
    unit = get_or_404(Unit, unit_id)
    require("start_matter", unit)
    form = MatterForm()
    if form.validate_on_submit():
        ok, matter = perform(lambda: service.start_matter(
            unit, actor=actor(), title=form.title.data, summary=form.summary.data or "",
            procedure=form.procedure.data, secret_ballot=form.secret_ballot.data, major=form.major.data),
            success=_("The matter is open."), form=form)
        if ok:
            return redirect(url_for("deliberation.matter", matter_id=matter.id))
    return render("deliberation/new_matter.html", unit=unit, form=form,
                  status=422 if request.method == "POST" else 200)


def _timeline(matter: Matter) -> list[dict]:
    template = service.template_of(matter)
    last = len(template.stages) - 1
    return [{"key": stage.key, "state": "done" if i < matter.position else
             "current" if i == matter.position else "todo", "first": i == 0, "last": i == last}
            for i, stage in enumerate(template.stages)]


def _page(matter: Matter, *, status: int = 200, **forms):
    """The timeline page with the forms of whatever the current user may do now."""
    record = queries.dossier(matter)
    stage = service.stage_of(matter)
    roles = service.roles_in(current_user, matter) if current_user.is_authenticated else frozenset()
    acts = bool(stage is not None and stage.actors & roles)
    missing = missing_facts(stage, service.stage_facts(matter, local_today())) if stage is not None else ()
    live = [a for a in record["assemblies"] if a.status != AssemblyStatus.cancelled]
    assembly = live[-1] if live else None
    if assembly is not None and assembly.status == AssemblyStatus.voting and assembly_service.close_if_due(assembly):
        db.session.commit()
    seat = assembly_service.seat_of(assembly, current_user) if assembly is not None else None
    ctx = {"matter": matter, "unit": matter.unit, "timeline": _timeline(matter), "stage": stage, "acts": acts,
           "rating": _rating(matter),
           "missing": missing, "assembly": assembly, "seat": seat, "confirm": ConfirmForm(), **record,
           "send_back_form": forms.get("send_back_form") or ReasonForm(formdata=None)}
    if acts and stage.key == StageKey.propose:
        form = forms.get("proposal_form") or ProposalForm(formdata=None)
        form.answers.choices = choices((s.id, s.title) for s in record["suggestions"])
        ctx["proposal_form"] = form
    if acts and stage.key == StageKey.consult:
        ctx["meeting_form"] = forms.get("meeting_form") or MeetingForm(formdata=None, held_on=local_today())
    if acts and stage.assemblies and (assembly is None or assembly.status == AssemblyStatus.closed
                                      or assembly.round != matter.round):
        form = forms.get("convene_form") or ConveneForm(formdata=None, kinds=stage.assemblies,
                                                         motion=matter.title, starts_at=as_local(utcnow()))
        ctx["convene_form"] = form
    if acts and stage.key in (StageKey.disclose_resolution, StageKey.disclose_results):
        form = forms.get("publication_form") or PublicationForm(formdata=None)
        kinds = [PublicationKind.resolution] if stage.key == StageKey.disclose_resolution else \
            [PublicationKind.progress, PublicationKind.final]
        form.kind.choices = [c for c in form.kind.choices if c.value in {k.value for k in kinds}]
        ctx["publication_form"] = form
    return render("deliberation/matter.html", status=status, **ctx)


def _rating(matter: Matter) -> dict | None:
    """群众评议 once the results are disclosed: the summary, and whether this visitor may rate."""
    if not disclosure_service.may_rate(matter):
        return None
    count, average = disclosure_service.rating_summary(matter)
    may = (can(current_user, "rate_results", matter.unit)
           and not disclosure_service.has_rated(matter, current_user))
    return {"count": count, "average": average, "may_rate": may}


@bp.route("/matters/<int:matter_id>")
def matter(matter_id: int):
    return _page(get_or_404(Matter, matter_id))


def _require_actor(matter: Matter) -> None:
    """Stage acts are for the current stage's actors (the template says who): others get 403
    before any form is read; the service asks the engine again when it acts."""
    if not current_user.is_authenticated:
        abort(login_manager.unauthorized())
    stage = service.stage_of(matter)
    if stage is None or not (stage.actors & service.roles_in(current_user, matter)):
        abort(403)


def _back(matter: Matter):
    return redirect(url_for("deliberation.matter", matter_id=matter.id))


@bp.route("/matters/<int:matter_id>/advance", methods=["POST"])
@login_required
def advance(matter_id: int):
    matter = get_or_404(Matter, matter_id)
    _require_actor(matter)
    if ConfirmForm().validate_on_submit():
        perform(lambda: service.advance(matter, actor=actor(), today=local_today()),
                success=_("The matter has moved on."))
    return _back(matter)


@bp.route("/matters/<int:matter_id>/send-back", methods=["POST"])
@login_required
def send_back(matter_id: int):
    matter = get_or_404(Matter, matter_id)
    _require_actor(matter)
    form = ReasonForm()
    if form.validate_on_submit():
        perform(lambda: service.send_back(matter, actor=actor(), reason=form.reason.data, today=local_today()),
                success=_("The matter has been sent back one stage for revision."), category="info")
    else:
        flash_form_errors(form)
    return _back(matter)


@bp.route("/matters/<int:matter_id>/proposal", methods=["POST"])
@login_required
def proposal(matter_id: int):
    matter = get_or_404(Matter, matter_id)
    _require_actor(matter)
    form = ProposalForm()
    form.answers.choices = choices((s.id, s.title) for s in matter.suggestions)
    if form.validate_on_submit():
        answers = [s for s in matter.suggestions if s.id in set(form.answers.data or [])]
        ok, _p = perform(lambda: service.write_proposal(matter, actor=actor(), body_html=form.body.data,
                                                        answers=answers),
                         success=_("The proposal is on record."), form=form)
        if ok:
            return _back(matter)
    return _page(matter, status=422, proposal_form=form)


@bp.route("/matters/<int:matter_id>/meeting", methods=["POST"])
@login_required
def meeting(matter_id: int):
    matter = get_or_404(Matter, matter_id)
    _require_actor(matter)
    form = MeetingForm()
    if form.validate_on_submit():
        ok, _m = perform(lambda: service.record_meeting(
            matter, actor=actor(), held_on=form.held_on.data, place=form.place.data, attendees=form.attendees.data,
            minutes_html=form.minutes.data, opinions=form.opinions.data or "",
            outcome=MeetingOutcome(form.outcome.data), today=local_today()),
            success=_("The joint meeting is on record."), form=form)
        if ok:
            return _back(matter)
    return _page(matter, status=422, meeting_form=form)


@bp.route("/matters/<int:matter_id>/publications", methods=["POST"])
@login_required
def publish(matter_id: int):
    matter = get_or_404(Matter, matter_id)
    _require_actor(matter)
    form = PublicationForm()
    if form.validate_on_submit():
        ok, _p = perform(lambda: service.publish(
            matter, actor=actor(), kind=PublicationKind(form.kind.data), title=form.title.data,
            body_html=form.body.data, today=local_today(), progress=form.progress.data,
            notice_days=form.notice_days.data or 7),
            success=_("Published."), form=form)
        if ok:
            return _back(matter)
    return _page(matter, status=422, publication_form=form)


@home_section
def matters_section(unit: Unit, user) -> Section | None:
    """The community home page: matters under way, open solicitations and open votes."""
    stmt = queries.matters_in(unit).where(Matter.stage != "concluded").limit(5)
    active = list(db.session.scalars(stmt))
    windows = [w for w in queries.solicitations_in(unit) if w.closes_at > utcnow()][:3]
    if not active and not windows:
        return None
    return Section(title=_("Matters under deliberation"), template="deliberation/_home_section.html",
                   context={"active": active, "windows": windows, "unit": unit,
                            "may_start": can(user, "start_matter", unit), "any_suggestions": can_anywhere(
                                user, "submit_suggestion")})

