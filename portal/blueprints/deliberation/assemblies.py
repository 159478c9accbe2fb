"""决议: convening an assembly, the electorate, check-in, ballots, paper ballots, closing."""
from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.blueprints.deliberation import bp, queries
from portal.blueprints.deliberation.forms import BallotForm, ConveneForm, PaperBallotForm, ReasonForm, as_utc
from portal.domain.deliberation import AssemblyStatus, Choice
from portal.domain.procedures import AssemblyKind, Electorate
from portal.extensions import db, htmx
from portal.forms import ConfirmForm
from portal.models import Assembly, Elector, Matter
from portal.services import assemblies as service
from portal.services import matters as matter_service
from portal.web import actor, flash_form_errors, get_or_404, paginate, perform, render, require


def _load(assembly_id: int) -> Assembly:
    """The assembly, closed first if its closing time has passed (and that committed)."""
    assembly = get_or_404(Assembly, assembly_id)
    if service.close_if_due(assembly):
        db.session.commit()
    return assembly


@bp.route("/matters/<int:matter_id>/assemblies", methods=["POST"])
@login_required
def convene(matter_id: int):
    matter = get_or_404(Matter, matter_id)
    require("run_procedure", matter.unit)
    stage = matter_service.stage_of(matter)
    form = ConveneForm(kinds=stage.assemblies if stage else ())
    if form.validate_on_submit():
        ok, assembly = perform(lambda: service.convene(
            matter, actor=actor(), kind=AssemblyKind(form.kind.data), electorate=Electorate(form.electorate.data),
            motion=form.motion.data, place=form.place.data or "", starts_at=as_utc(form.starts_at.data),
            closes_at=as_utc(form.closes_at.data)),
            success=_("The assembly is convened. Check the electorate, then open voting."))
        if ok:
            return redirect(url_for("deliberation.assembly", assembly_id=assembly.id))
    else:
        flash_form_errors(form)
    return redirect(url_for("deliberation.matter", matter_id=matter.id))


def _ballot_context(assembly: Assembly, cast=None) -> dict:
    seat = service.seat_of(assembly, current_user)
    return {"assembly": assembly, "matter": assembly.matter, "seat": seat, "cast": cast,
            "present": service.is_present(assembly, seat), "voted": service.has_voted(assembly, seat),
            "my_choice": service.open_choice(assembly, seat), "form": BallotForm(formdata=None),
            "confirm": ConfirmForm()}


@bp.route("/assemblies/<int:assembly_id>")
def assembly(assembly_id: int):
    assembly = _load(assembly_id)
    figures = service.count(assembly) if assembly.status == AssemblyStatus.voting else None
    return render("deliberation/assembly.html", receipts=service.receipts(assembly), figures=figures,
                  **_ballot_context(assembly))


def _require_seat(assembly: Assembly) -> None:
    """Only electors check in and vote (403 for anyone else; the service asks again)."""
    if assembly.status == AssemblyStatus.voting and service.seat_of(assembly, current_user) is None:
        abort(403)


@bp.route("/assemblies/<int:assembly_id>/check-in", methods=["POST"])
@login_required
def check_in(assembly_id: int):
    assembly = _load(assembly_id)
    _require_seat(assembly)
    if ConfirmForm().validate_on_submit():
        perform(lambda: service.check_in(assembly, actor=actor()), success=_("You are checked in."))
    return _ballot_box(assembly)


@bp.route("/assemblies/<int:assembly_id>/ballot", methods=["POST"])
@login_required
def vote(assembly_id: int):
    assembly = _load(assembly_id)
    _require_seat(assembly)
    form = BallotForm()
    cast = None
    if form.validate_on_submit():
        ok, cast = perform(lambda: service.cast_ballot(assembly, actor=actor(), choice=Choice(form.choice.data),
                                                       receipt=form.receipt.data or ""),
                           success=_("Your vote is recorded. You can change it until voting closes."))
    else:
        flash_form_errors(form)
    return _ballot_box(assembly, cast, status=200 if cast else 422)


def _ballot_box(assembly: Assembly, cast=None, status: int = 200):
    """htmx swaps the ballot box in place; without JavaScript the page is shown again (a
    secret vote's receipt must be shown once, so it is rendered, not redirected)."""
    if htmx or cast is not None:
        template = "deliberation/_ballot_box.html" if htmx else "deliberation/assembly.html"
        return render(template, status=status if htmx else 200, receipts=[], figures=None,
                      **_ballot_context(assembly, cast))
    return redirect(url_for("deliberation.assembly", assembly_id=assembly.id))


@bp.route("/assemblies/<int:assembly_id>/electorate")
@login_required
def electorate(assembly_id: int):
    assembly = _load(assembly_id)
    require("view_electorate", assembly.matter.unit)
    if assembly.status == AssemblyStatus.convened:
        seats = service.derive_electorate(assembly)
        return render("deliberation/electorate.html", assembly=assembly, matter=assembly.matter, seats=seats,
                      page=None, confirm=ConfirmForm())
    page = paginate(queries.electors_of(assembly))
    return render("deliberation/electorate.html", "deliberation/_elector_rows.html", assembly=assembly,
                  matter=assembly.matter, seats=None, page=page, rows=queries.seat_rows(assembly, page.items),
                  confirm=ConfirmForm(),
                  paper_form=PaperBallotForm(formdata=None), figures=service.count(assembly))


@bp.route("/assemblies/<int:assembly_id>/open", methods=["POST"])
@login_required
def open_voting(assembly_id: int):
    assembly = _load(assembly_id)
    require("run_procedure", assembly.matter.unit)
    if ConfirmForm().validate_on_submit():
        perform(lambda: service.open_voting(assembly, actor=actor()),
                success=_("The electorate is frozen and voting is open."))
    return redirect(url_for("deliberation.assembly", assembly_id=assembly.id))


@bp.route("/assemblies/<int:assembly_id>/cancel", methods=["POST"])
@login_required
def cancel(assembly_id: int):
    assembly = _load(assembly_id)
    require("run_procedure", assembly.matter.unit)
    form = ReasonForm()
    if form.validate_on_submit():
        perform(lambda: service.cancel(assembly, actor=actor(), reason=form.reason.data),
                success=_("The assembly is called off; the stage can convene another."), category="info")
    else:
        flash_form_errors(form)
    return redirect(url_for("deliberation.matter", matter_id=assembly.matter_id))


@bp.route("/assemblies/<int:assembly_id>/close", methods=["POST"])
@login_required
def close_voting(assembly_id: int):
    assembly = _load(assembly_id)
    require("run_procedure", assembly.matter.unit)
    if ConfirmForm().validate_on_submit():
        perform(lambda: service.close_voting(assembly, actor=actor()),
                success=_("Voting is closed and the result is frozen."))
    return redirect(url_for("deliberation.assembly", assembly_id=assembly.id))


def _elector(assembly: Assembly, elector_id: int) -> Elector:
    elector = get_or_404(Elector, elector_id)
    if elector.assembly_id != assembly.id:
        abort(404)
    return elector


def _elector_row(assembly: Assembly, elector: Elector):
    if htmx:
        db.session.refresh(elector)
        row = queries.seat_rows(assembly, [elector])[0]
        return render("deliberation/_elector_row.html", assembly=assembly, row=row, confirm=ConfirmForm(),
                      paper_form=PaperBallotForm(formdata=None))
    return redirect(url_for("deliberation.electorate", assembly_id=assembly.id, page=request.form.get("page", 1)))


@bp.route("/assemblies/<int:assembly_id>/electors/<int:elector_id>/presence", methods=["POST"])
@login_required
def presence(assembly_id: int, elector_id: int):
    assembly = _load(assembly_id)
    require("run_procedure", assembly.matter.unit)
    elector = _elector(assembly, elector_id)
    if ConfirmForm().validate_on_submit():
        perform(lambda: service.record_presence(assembly, elector, actor=actor()),
                success=_("%(name)s is recorded as present.", name=elector.label))
    return _elector_row(assembly, elector)


@bp.route("/assemblies/<int:assembly_id>/electors/<int:elector_id>/paper", methods=["POST"])
@login_required
def paper(assembly_id: int, elector_id: int):
    assembly = _load(assembly_id)
    require("run_procedure", assembly.matter.unit)
    elector = _elector(assembly, elector_id)
    form = PaperBallotForm()
    if form.validate_on_submit():
        ok, cast = perform(lambda: service.enter_paper_ballot(assembly, elector, actor=actor(),
                                                              choice=Choice(form.choice.data)))
        if ok:
            if cast.receipt:
                flash(_("Paper ballot of %(name)s entered. Receipt for the voter: %(receipt)s",
                        name=elector.label, receipt=cast.receipt), "success")
            else:
                flash(_("Paper ballot of %(name)s entered.", name=elector.label), "success")
    else:
        flash_form_errors(form)
    return _elector_row(assembly, elector)
