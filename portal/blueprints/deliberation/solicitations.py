"""征: solicitation windows, suggestions, seconds and the committee's triage."""
from flask import abort, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.blueprints.deliberation import bp, queries
from portal.blueprints.deliberation.forms import AcceptForm, ReasonForm, SolicitationForm, SuggestionForm, as_utc
from portal.domain.deliberation import SuggestionStatus, window_is_open
from portal.extensions import db, htmx
from portal.forms import ConfirmForm, choices
from portal.models import Matter, Solicitation, Suggestion, Unit
from portal.models.base import utcnow
from portal.permissions import can
from portal.services import suggestions as service
from portal.web import actor, flash_form_errors, get_or_404, paginate, perform, render, require


@bp.route("/units/<int:unit_id>/solicitations", methods=["GET", "POST"])
def solicitations(unit_id: int):
    unit = get_or_404(Unit, unit_id)
    form = SolicitationForm()
    if request.method == "POST":
        require("run_procedure", unit)
        if form.validate_on_submit():
            ok, window = perform(lambda: service.open_solicitation(
                unit, actor=actor(), title=form.title.data, description=form.description.data or "",
                opens_at=as_utc(form.opens_at.data), closes_at=as_utc(form.closes_at.data)),
                success=_("The solicitation is open; residents can send suggestions."), form=form)
            if ok:
                return redirect(url_for("deliberation.solicitation", window_id=window.id))
    windows = queries.solicitations_in(unit)
    return render("deliberation/solicitations.html", unit=unit, windows=windows, form=form, now=utcnow(),
                  window_is_open=window_is_open, status=422 if form.errors or form.form_errors else 200)


def _window_page(window: Solicitation, form=None, status=200):
    rows = db.session.execute(queries.suggestions_in(window)).all()
    mine = queries.seconded_by(current_user, [s.id for s, _n in rows])
    return render("deliberation/solicitation.html", window=window, unit=window.unit, rows=rows, mine=mine,
                  form=form or SuggestionForm(), is_open=window_is_open(window.opens_at, window.closes_at, utcnow()),
                  accept_form=_accept_form(window), reason_form=ReasonForm(), status=status)


def _accept_form(window: Solicitation) -> AcceptForm:
    form = AcceptForm(formdata=None)
    form.matter.choices = choices([(0, _("A new matter"))] + [(m.id, m.title) for m in
                                                              queries.collecting_matters(window.unit)])
    return form


@bp.route("/solicitations/<int:window_id>")
def solicitation(window_id: int):
    return _window_page(get_or_404(Solicitation, window_id))


@bp.route("/solicitations/<int:window_id>/suggestions", methods=["POST"])
@login_required
def suggest(window_id: int):
    window = get_or_404(Solicitation, window_id)
    require("submit_suggestion", window.unit)
    form = SuggestionForm()
    if form.validate_on_submit():
        ok, _s = perform(lambda: service.submit_suggestion(window, actor=actor(), title=form.title.data,
                                                           body=form.body.data),
                         success=_("Thank you. Your suggestion is in; neighbours can second it."), form=form)
        if ok:
            return redirect(url_for("deliberation.solicitation", window_id=window.id))
    return _window_page(window, form=form, status=422)


def _suggestion_row(suggestion: Suggestion):
    """After seconding: the suggestion's row for htmx, or back to the window's page."""
    if htmx:
        return render("deliberation/_suggestion.html", s=suggestion, n=service.seconds_of(suggestion),
                      seconded=service.has_seconded(suggestion, current_user), accept_form=None, reason_form=None,
                      is_open=window_is_open(suggestion.solicitation.opens_at, suggestion.solicitation.closes_at,
                                             utcnow()))
    return redirect(url_for("deliberation.solicitation", window_id=suggestion.solicitation_id)
                    + f"#suggestion-{suggestion.id}")


@bp.route("/suggestions/<int:suggestion_id>/second", methods=["POST"])
@login_required
def second(suggestion_id: int):
    suggestion = get_or_404(Suggestion, suggestion_id)
    require("second_suggestion", suggestion.solicitation.unit)
    if ConfirmForm().validate_on_submit():
        perform(lambda: service.second(suggestion, actor=actor()), success=_("You seconded this suggestion."))
    return _suggestion_row(suggestion)


@bp.route("/suggestions/<int:suggestion_id>/unsecond", methods=["POST"])
@login_required
def unsecond(suggestion_id: int):
    suggestion = get_or_404(Suggestion, suggestion_id)
    require("second_suggestion", suggestion.solicitation.unit)
    if ConfirmForm().validate_on_submit():
        perform(lambda: service.withdraw_second(suggestion, actor=actor()),
                success=_("Your second has been withdrawn."), category="info")
    return _suggestion_row(suggestion)


@bp.route("/suggestions/<int:suggestion_id>/withdraw", methods=["POST"])
@login_required
def withdraw_suggestion(suggestion_id: int):
    suggestion = get_or_404(Suggestion, suggestion_id)
    if suggestion.author_id != current_user.id:
        abort(403)
    if ConfirmForm().validate_on_submit():
        perform(lambda: service.withdraw_suggestion(suggestion, actor=actor()),
                success=_("Your suggestion has been withdrawn."), category="info")
    return redirect(url_for("deliberation.my_suggestions"))


@bp.route("/suggestions/<int:suggestion_id>/accept", methods=["POST"])
@login_required
def accept(suggestion_id: int):
    suggestion = get_or_404(Suggestion, suggestion_id)
    unit = suggestion.solicitation.unit
    require("run_procedure", unit)
    form = AcceptForm()
    form.matter.choices = choices([(0, "")] + [(m.id, m.title) for m in queries.collecting_matters(unit)])
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(url_for("deliberation.solicitation", window_id=suggestion.solicitation_id))
    into = db.session.get(Matter, form.matter.data) if form.matter.data else None
    ok, matter = perform(lambda: service.accept_suggestion(
        suggestion, actor=actor(), matter=into, title=form.title.data or "", procedure=form.procedure.data,
        secret_ballot=form.secret_ballot.data, major=form.major.data),
        success=_("The suggestion has been taken up; the suggester can see where it went."))
    if ok:
        return redirect(url_for("deliberation.matter", matter_id=matter.id))
    return redirect(url_for("deliberation.solicitation", window_id=suggestion.solicitation_id))


@bp.route("/suggestions/<int:suggestion_id>/decline", methods=["POST"])
@login_required
def decline(suggestion_id: int):
    suggestion = get_or_404(Suggestion, suggestion_id)
    require("run_procedure", suggestion.solicitation.unit)
    form = ReasonForm()
    if form.validate_on_submit():
        perform(lambda: service.decline_suggestion(suggestion, actor=actor(), reason=form.reason.data),
                success=_("The suggestion has been declined; the reason is shown publicly."), category="info")
    else:
        flash_form_errors(form)
    return redirect(url_for("deliberation.solicitation", window_id=suggestion.solicitation_id)
                    + f"#suggestion-{suggestion.id}")


@bp.route("/my/suggestions")
@login_required
def my_suggestions():
    page = paginate(queries.suggestions_of(current_user))
    return render("deliberation/my_suggestions.html", page=page, statuses=SuggestionStatus,
                  can_suggest=can(current_user, "submit_suggestion", current_user.resident.household.building)
                  if current_user.resident else False)
