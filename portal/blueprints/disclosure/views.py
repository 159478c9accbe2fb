"""公开栏: a unit's boards, entries with their revisions and objections, publishing with an
htmx preview, corrections, the A4 print notice with its QR code, Atom feeds, chain
verification, attachments, and residents' ratings of a matter's results."""

import qrcode
import qrcode.image.svg
from flask import Blueprint, abort, make_response, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup

from portal.blueprints.disclosure import feeds, queries
from portal.blueprints.disclosure.forms import AnswerForm, EntryForm, ObjectionForm, RatingForm, RevisionForm
from portal.domain.disclosure import BoardKind, objections_open
from portal.extensions import db
from portal.forms import ConfirmForm
from portal.home import Section, home_section
from portal.models import BoardEntry, Matter, Objection, RevisionAttachment, Unit
from portal.sanitize import sanitize_html
from portal.services import disclosure as service
from portal.web import (actor, flash_form_errors, get_or_404, local_today, paginate, perform, render, require,
                        send_stored_file)

bp = Blueprint("disclosure", __name__)


@home_section
def boards_section(unit: Unit, user) -> Section | None:
    """The community home page: the newest notices of its boards."""
    latest = [item for items in queries.latest_per_board(unit, per_board=2).values() for item in items]
    if not latest:
        return None
    latest.sort(key=lambda pair: pair[1].published_at, reverse=True)
    return Section(title=_("Latest notices"), template="disclosure/_home_section.html",
                   context={"latest": latest[:5], "unit": unit})


def _board_kind(kind: str) -> BoardKind:
    try:
        return BoardKind(kind)
    except ValueError:
        abort(404)


@bp.route("/units/<int:unit_id>/boards")
def boards(unit_id: int):
    unit = get_or_404(Unit, unit_id)
    return render("disclosure/boards.html", unit=unit, latest=queries.latest_per_board(unit), kinds=list(BoardKind))


@bp.route("/units/<int:unit_id>/boards/<kind>")
def board(unit_id: int, kind: str):
    unit = get_or_404(Unit, unit_id)
    board_kind = _board_kind(kind)
    page = paginate(queries.entries_on(unit, board_kind))
    return render("disclosure/board.html", "disclosure/_entry_list.html", unit=unit, kind=board_kind, page=page,
                  revisions=queries.current_revisions([e.id for e in page.items]),
                  may_publish=service.may_publish(current_user, unit, board_kind))


def _uploads(field) -> list[service.Upload]:
    return [service.Upload(f.filename or "", f.read()) for f in (field.data or []) if f and f.filename]


@bp.route("/units/<int:unit_id>/boards/<kind>/new", methods=["GET", "POST"])
@login_required
def new_entry(unit_id: int, kind: str):
    unit = get_or_404(Unit, unit_id)
    board_kind = _board_kind(kind)
    if not service.may_publish(current_user, unit, board_kind):
        abort(403)
    form = EntryForm()
    if form.validate_on_submit():
        ok, entry = perform(lambda: service.publish_entry(
            unit, board_kind, actor=actor(), title=form.title.data, body_html=form.body.data,
            category=form.category.data, notice_days=form.notice_days.data, uploads=_uploads(form.attachments)),
            success=_("Published on the board."), form=form)
        if ok:
            return redirect(url_for("disclosure.entry", entry_id=entry.id))
    return render("disclosure/new_entry.html", unit=unit, kind=board_kind, form=form,
                  status=422 if request.method == "POST" else 200)


@bp.route("/disclosures/preview", methods=["POST"])
@login_required
def preview():
    """htmx: the text as it will be published, cleaned by the one sanitiser."""
    if not service.may_publish_somewhere(current_user):
        abort(403)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    return render("disclosure/_preview.html", title=request.form.get("title", "")[:120],
                  body=sanitize_html(request.form.get("body", "")[:50000]))


def _entry_page(entry: BoardEntry, *, status: int = 200, **forms):
    revisions = list(reversed(entry.revisions))
    current = revisions[0]
    unit = entry.board.unit
    ctx = {"entry": entry, "unit": unit, "kind": entry.board.kind, "current": current, "earlier": revisions[1:],
           "objections": queries.objections_of(entry), "is_open": objections_open(current.notice_ends_on,
                                                                                  local_today()),
           "may_publish": service.may_publish(current_user, unit, entry.board.kind),
           "objection_form": forms.get("objection_form") or ObjectionForm(formdata=None),
           "answer_form": AnswerForm(formdata=None), "matter": db.session.get(Matter, entry.matter_id)
           if entry.matter_id else None}
    return render("disclosure/entry.html", status=status, **ctx)


@bp.route("/disclosures/<int:entry_id>")
def entry(entry_id: int):
    return _entry_page(get_or_404(BoardEntry, entry_id))


@bp.route("/disclosures/<int:entry_id>/print")
def print_notice(entry_id: int):
    entry = get_or_404(BoardEntry, entry_id)
    link = url_for("disclosure.entry", entry_id=entry.id, _external=True)
    svg = qrcode.make(link, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    return render("disclosure/print.html", entry=entry, unit=entry.board.unit, current=service.latest(entry),
                  link=link, qr=Markup(svg.to_string(encoding="unicode")))


@bp.route("/disclosures/<int:entry_id>/revise", methods=["GET", "POST"])
@login_required
def revise(entry_id: int):
    entry = get_or_404(BoardEntry, entry_id)
    if not service.may_publish(current_user, entry.board.unit, entry.board.kind):
        abort(403)
    current = service.latest(entry)
    form = RevisionForm() if request.method == "POST" else RevisionForm(
        formdata=None, title=current.title, category=current.category, body=current.body_html)
    if form.validate_on_submit():
        ok, _r = perform(lambda: service.revise_entry(
            entry, actor=actor(), title=form.title.data, body_html=form.body.data, category=form.category.data,
            reason=form.reason.data, keep_attachments=form.keep_attachments.data, uploads=_uploads(form.attachments)),
            success=_("The correction is published; earlier revisions stay visible."), form=form)
        if ok:
            return redirect(url_for("disclosure.entry", entry_id=entry.id))
    return render("disclosure/revise.html", entry=entry, unit=entry.board.unit, current=current, form=form,
                  status=422 if request.method == "POST" else 200)


@bp.route("/disclosures/<int:entry_id>/objections", methods=["POST"])
@login_required
def object_to(entry_id: int):
    entry = get_or_404(BoardEntry, entry_id)
    require("file_objection", entry.board.unit)
    form = ObjectionForm()
    if form.validate_on_submit():
        ok, _o = perform(lambda: service.file_objection(entry, actor=actor(), body=form.body.data,
                                                        today=local_today()),
                         success=_("Your objection is filed. The committee will answer it publicly."), form=form)
        if ok:
            return redirect(url_for("disclosure.entry", entry_id=entry.id) + "#objections")
    return _entry_page(entry, status=422, objection_form=form)


@bp.route("/objections/<int:objection_id>/answer", methods=["POST"])
@login_required
def answer(objection_id: int):
    objection = get_or_404(Objection, objection_id)
    entry = db.session.get(BoardEntry, objection.entry_id)
    if not service.may_publish(current_user, entry.board.unit, entry.board.kind):
        abort(403)
    form = AnswerForm()
    if form.validate_on_submit():
        perform(lambda: service.answer_objection(objection, actor=actor(), answer=form.answer.data),
                success=_("The answer is published."))
    else:
        flash_form_errors(form)
    return redirect(url_for("disclosure.entry", entry_id=entry.id) + f"#objection-{objection.id}")


@bp.route("/units/<int:unit_id>/boards/<kind>/feed.atom")
def feed(unit_id: int, kind: str):
    unit = get_or_404(Unit, unit_id)
    board_kind = _board_kind(kind)
    response = make_response(feeds.atom(unit, board_kind))
    response.mimetype = "application/atom+xml"
    return response


@bp.route("/units/<int:unit_id>/boards/<kind>/verify")
def verify(unit_id: int, kind: str):
    unit = get_or_404(Unit, unit_id)
    board_kind = _board_kind(kind)
    board = queries.board_of(unit, board_kind)
    broken = service.verify_board(board) if board is not None else None
    return render("disclosure/verify.html", unit=unit, kind=board_kind, board=board, broken=broken)


@bp.route("/disclosures/attachments/<int:attachment_id>")
def attachment(attachment_id: int):
    """The file as uploaded, with headers that keep it inert: the type we recognised, no
    sniffing, a sandbox, and a download for anything that is not an image."""
    item = get_or_404(RevisionAttachment, attachment_id)
    return send_stored_file(service.attachment_dir() / item.sha256, mimetype=item.content_type,
                            download_name=item.name, as_attachment=not item.content_type.startswith("image/"))


@bp.route("/matters/<int:matter_id>/rating", methods=["POST"])
@login_required
def rate(matter_id: int):
    matter = get_or_404(Matter, matter_id)
    require("rate_results", matter.unit)
    form = RatingForm()
    if form.validate_on_submit():
        perform(lambda: service.rate_result(matter, actor=actor(), score=form.score.data,
                                            comment=form.comment.data or ""),
                success=_("Thank you for rating the results."))
    else:
        flash_form_errors(form)
    return redirect(url_for("deliberation.matter", matter_id=matter.id) + "#rating")

