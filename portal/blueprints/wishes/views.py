"""微心愿 and 社区合伙人: the wish wall, a wish's page and its moves, posting (also 代办), the
committee's review queue, partners' claims, the thank-you wall, partner profiles and offers,
and care tags."""

from flask import Blueprint, abort, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from portal.blueprints.wishes import queries
from portal.blueprints.wishes.forms import (CareTagsForm, NoteForm, OfferForm, PartnerForm, ReasonForm, ThanksForm,
                                            WishForm)
from portal.domain.units import UnitLevel
from portal.domain.wishes import (CareTag, Category, Move, PartnerKind, PartnerStatus, WishStatus, allowed_moves,
                                  may_ever)
from portal.extensions import db, htmx
from portal.forms import ConfirmForm, choices
from portal.home import Section, home_section
from portal.models import Household, Partner, Resident, Unit, Wish
from portal.models.base import utcnow
from portal.permissions import can, units_where
from portal.services import wishes as service
from portal.services.files import Upload, attachment_dir
from portal.web import (actor, flash_form_errors, get_or_404, local_today, paginate, perform, render, require,
                        safe_next, send_stored_file)

bp = Blueprint("wishes", __name__)


def _upload(field) -> Upload | None:
    data = field.data
    if data and getattr(data, "filename", ""):
        return Upload(data.filename, data.read())
    return None


def _communities() -> list[Unit]:
    from sqlalchemy import select

    return list(db.session.scalars(select(Unit).where(Unit.level == UnitLevel.community).order_by(Unit.path)))


@bp.route("/units/<int:unit_id>/wishes")
def wall(unit_id: int):
    unit = get_or_404(Unit, unit_id)
    category = request.args.get("category", "")
    category = category if category in Category.__members__ else ""
    shown_status = request.args.get("status", "")
    shown_status = shown_status if shown_status in {s.value for s in queries.PUBLIC} else ""
    page = paginate(queries.wall(unit, category=category or None, status=shown_status or None))
    partner = service.partner_of(current_user)
    return render("wishes/wall.html", "wishes/_wall_list.html", unit=unit, page=page, category=category,
                  shown_status=shown_status, categories=Category, statuses=queries.PUBLIC, partner=partner,
                  confirm=ConfirmForm())


def _visible(wish: Wish) -> bool:
    """Public wishes for everyone; the rest only to the holder and the unit's staff."""
    if wish.status in queries.PUBLIC:
        return True
    return bool(service.actors_for(current_user, wish)) and (
        wish.beneficiary.user_id == getattr(current_user, "id", None) or wish.posted_by_id ==
        getattr(current_user, "id", None) or can(current_user, "view_households", wish.household.building))


def _load(wish_id: int) -> Wish:
    wish = get_or_404(Wish, wish_id)
    if service.lapse_if_due(wish):
        db.session.commit()
    if not _visible(wish):
        abort(404)
    return wish


def _wish_context(wish: Wish) -> dict:
    partner = service.partner_of(current_user)
    actors = service.actors_for(current_user, wish, partner=partner)
    tags = {}
    if current_user.is_authenticated:
        tags = service.care_tags_for(current_user, [wish.household], context="wish_page")
    return {"wish": wish, "moves": allowed_moves(wish.status, actors), "contact": service.may_see_contact(
        current_user, wish), "tags": tags.get(wish.household_id, []), "partner": partner, "confirm": ConfirmForm(),
            "reason_form": ReasonForm(formdata=None), "note_form": NoteForm(formdata=None),
            "thanks_form": ThanksForm(formdata=None)}


@bp.route("/wishes/<int:wish_id>")
def wish(wish_id: int):
    response = render("wishes/wish.html", **_wish_context(_load(wish_id)))
    db.session.commit()  # a staff view of a tagged household is logged, even for a page view
    return response


MOVES = {
    Move.submit: lambda w, a, f: service.submit_wish(w, actor=a),
    Move.withdraw: lambda w, a, f: service.withdraw_wish(w, actor=a),
    Move.approve: lambda w, a, f: service.approve_wish(w, actor=a),
    Move.decline: lambda w, a, f: service.decline_wish(w, actor=a, reason=f.get("reason", "")),
    Move.claim: lambda w, a, f: service.claim_wish(w, actor=a),
    Move.release: lambda w, a, f: service.release_wish(w, actor=a, reason=f.get("reason", "")),
    Move.deliver: lambda w, a, f: service.deliver_wish(w, actor=a, note=f.get("note", ""),
                                                       photo=_upload_from_request()),
    Move.confirm: lambda w, a, f: service.confirm_wish(w, actor=a, thanks=f.get("thanks", "")),
    Move.report_problem: lambda w, a, f: service.report_problem(w, actor=a, note=f.get("note", "")),
}

DONE = {
    Move.submit: _l("The wish is sent to the committee for review."),
    Move.withdraw: _l("The wish has been withdrawn."),
    Move.approve: _l("The wish is on the wish wall."),
    Move.decline: _l("The wish has been declined; the resident sees the reason."),
    Move.claim: _l("You have claimed this wish. Please deliver it before the deadline."),
    Move.release: _l("You have given up the claim; the wish is open again."),
    Move.deliver: _l("Marked as delivered. The resident will confirm."),
    Move.confirm: _l("Thank you! The wish is fulfilled and goes on the thank-you wall."),
    Move.report_problem: _l("The problem is reported to the partner."),
}


def _upload_from_request() -> Upload | None:
    file = request.files.get("photo")
    if file and file.filename:
        return Upload(file.filename, file.read())
    return None


@bp.route("/wishes/<int:wish_id>/moves/<move>", methods=["POST"])
@login_required
def move(wish_id: int, move: str):
    wish = _load(wish_id)
    try:
        chosen = Move(move)
    except ValueError:
        abort(404)
    if chosen not in MOVES or chosen == Move.lapse:
        abort(404)
    if not may_ever(chosen, service.actors_for(current_user, wish)):
        abort(403)  # not this person's move at all; a move that is merely not possible now gets a message
    if ConfirmForm().validate_on_submit():
        perform(lambda: MOVES[chosen](wish, actor(), request.form), success=str(DONE[chosen]))
    if htmx and chosen == Move.claim:
        return render("wishes/_wish_card.html", w=wish, partner=service.partner_of(current_user),
                      confirm=ConfirmForm())
    return redirect(safe_next(request.form.get("back"), url_for("wishes.wish", wish_id=wish.id)))


@bp.route("/wishes/new", methods=["GET", "POST"])
@login_required
def new():
    resident = current_user.resident
    own = resident if resident is not None and can(current_user, "post_wish", resident.household.building) else None
    grid_units = units_where(current_user, "act_for_resident")
    if own is None and not grid_units:
        abort(403)
    form = WishForm()
    people = queries.residents_for_grid_worker(grid_units)
    options = ([(0, _("Myself"))] if own is not None else []) + [
        (r.id, f"{r.real_name}（{r.household.building.name} {r.household.label}）") for r in people]
    form.beneficiary.choices = choices(options)
    if form.validate_on_submit():
        chosen = own if (form.beneficiary.data or 0) == 0 else db.session.get(Resident, form.beneficiary.data)
        if chosen is None or (chosen is not own and chosen not in people):
            form.beneficiary.errors.append(_("Choose whom the wish is for."))
        else:
            ok, wish = perform(lambda: service.post_wish(
                actor(), beneficiary=chosen, title=form.title.data, description=form.description.data,
                category=Category(form.category.data), value=form.value.data, wanted_by=form.wanted_by.data,
                today=local_today(), photo=_upload(form.photo)),
                success=_("The wish is sent to the committee for review."), form=form)
            if ok:
                return redirect(url_for("wishes.wish", wish_id=wish.id))
    return render("wishes/new.html", form=form, for_others=bool(people),
                  status=422 if request.method == "POST" else 200)


@bp.route("/units/<int:unit_id>/wishes/review")
@login_required
def review(unit_id: int):
    unit = get_or_404(Unit, unit_id)
    require("review_wishes", unit)
    page = paginate(queries.review_queue(unit))
    tags = service.care_tags_for(current_user, [w.household for w in page.items], context="wish_review")
    items = sorted(page.items, key=lambda w: (not tags.get(w.household_id), w.id))  # cared-for households first
    response = render("wishes/review.html", unit=unit, page=page, items=items, tags=tags, confirm=ConfirmForm())
    db.session.commit()  # the care-tag access log, after rendering so nothing is loaded twice
    return response


@bp.route("/my/wishes")
@login_required
def my_wishes():
    return render("wishes/my_wishes.html", page=paginate(queries.mine(current_user)))


@bp.route("/my/claims")
@login_required
def my_claims():
    partner = service.partner_of(current_user)
    if partner is None:
        return redirect(url_for("wishes.register_partner"))
    return render("wishes/my_claims.html", partner=partner, page=paginate(queries.claims_of(partner)),
                  now=utcnow())


@bp.route("/units/<int:unit_id>/thanks")
def thanks(unit_id: int):
    unit = get_or_404(Unit, unit_id)
    return render("wishes/thanks.html", unit=unit, page=paginate(queries.thanks(unit)))


@bp.route("/wishes/<int:wish_id>/photo/<which>")
def photo(wish_id: int, which: str):
    """The wish's photo or its delivery photo, as an inert image."""
    wish = _load(wish_id)
    digest, kind = ((wish.photo_sha256, wish.photo_type) if which == "wish" else
                    (wish.delivery_photo_sha256, wish.delivery_photo_type) if which == "delivery" else (None, None))
    return send_stored_file(attachment_dir() / digest if digest else None, mimetype=kind)


# -- partners ---------------------------------------------------------------------------------

@bp.route("/partners/register", methods=["GET", "POST"])
@login_required
def register_partner():
    require("register_partner")
    existing = service.partner_of(current_user)
    form = PartnerForm(obj=existing if request.method == "GET" and existing else None)
    communities = _communities()
    form.units.choices = choices((c.id, c.name) for c in communities)
    if request.method == "GET" and existing:
        form.units.data = [u.id for u in existing.units]
    if form.validate_on_submit():
        units = [c for c in communities if c.id in set(form.units.data or [])]
        ok, partner = perform(lambda: service.register_partner(
            actor(), name=form.name.data, kind=PartnerKind(form.kind.data), contact_name=form.contact_name.data,
            contact_phone=form.contact_phone.data, offers_summary=form.offers_summary.data or "", units=units),
            success=_("Thank you. The committee will verify your organisation."), form=form)
        if ok:
            return redirect(url_for("wishes.partner", partner_id=partner.id))
    return render("wishes/register_partner.html", form=form, existing=existing,
                  status=422 if request.method == "POST" else 200)


@bp.route("/partners/<int:partner_id>")
def partner(partner_id: int):
    item = get_or_404(Partner, partner_id)
    mine = current_user.is_authenticated and item.user_id == current_user.id
    staff = any(can(current_user, "verify_partners", u) for u in item.units)
    if item.status != PartnerStatus.verified and not (mine or staff):
        abort(404)
    from sqlalchemy import select
    from sqlalchemy.orm import joinedload

    from portal.models import Offer
    offers = list(db.session.scalars(select(Offer).where(Offer.partner_id == item.id).order_by(Offer.id.desc())))
    thanked = list(db.session.scalars(select(Wish).options(joinedload(Wish.beneficiary)).where(
        Wish.partner_id == item.id,
                                                         Wish.status == WishStatus.confirmed)
                                      .order_by(Wish.confirmed_at.desc()).limit(20)))
    offer_form = None
    if mine and item.status == PartnerStatus.verified:
        offer_form = OfferForm(formdata=None)
        offer_form.unit.choices = choices((u.id, u.name) for u in item.units)
    return render("wishes/partner.html", partner=item, record=service.partner_record(item), offers=offers,
                  thanked=thanked, mine=mine, staff=staff, offer_form=offer_form, confirm=ConfirmForm(),
                  reason_form=ReasonForm(formdata=None))


@bp.route("/partners/<int:partner_id>/decision", methods=["POST"])
@login_required
def decide_partner(partner_id: int):
    item = get_or_404(Partner, partner_id)
    if not any(can(current_user, "verify_partners", u) for u in item.units):
        abort(403)
    verify = request.form.get("decision") == "verify"
    if ConfirmForm().validate_on_submit():
        perform(lambda: service.decide_partner(item, actor=actor(), verify=verify,
                                               reason=request.form.get("reason", "")),
                success=_("The partner is verified.") if verify else _("The partner has been declined."))
    return redirect(safe_next(request.form.get("back"), url_for("wishes.partner", partner_id=item.id)))


@bp.route("/partners/<int:partner_id>/offers", methods=["POST"])
@login_required
def add_offer(partner_id: int):
    item = get_or_404(Partner, partner_id)
    if item.user_id != current_user.id:
        abort(403)
    form = OfferForm()
    form.unit.choices = choices((u.id, u.name) for u in item.units)
    if form.validate_on_submit():
        unit = db.session.get(Unit, form.unit.data)
        perform(lambda: service.add_offer(item, actor=actor(), unit=unit, title=form.title.data,
                                          description=form.description.data or ""),
                success=_("The offer is published."))
    else:
        flash_form_errors(form)
    return redirect(url_for("wishes.partner", partner_id=item.id))


@bp.route("/units/<int:unit_id>/partners")
def partners(unit_id: int):
    unit = get_or_404(Unit, unit_id)
    staff = can(current_user, "verify_partners", unit)
    listed = [p for p in db.session.scalars(queries.partners_in(unit))
              if p.status == PartnerStatus.verified or staff]
    offers = list(db.session.scalars(queries.offers_in(unit).limit(50)))
    return render("wishes/partners.html", unit=unit, partners=listed, offers=offers, staff=staff,
                  confirm=ConfirmForm())


# -- care tags --------------------------------------------------------------------------------

@bp.route("/households/<int:household_id>/care-tags", methods=["GET", "POST"])
@login_required
def care_tags(household_id: int):
    household = get_or_404(Household, household_id)
    require("manage_care_tags", household.building)
    form = CareTagsForm()
    if form.validate_on_submit():
        ok, _r = perform(lambda: service.set_care_tags(household, actor=actor(),
                                                       tags={CareTag(t) for t in form.tags.data or []},
                                                       note=form.note.data or ""),
                         success=_("The care tags are saved."), form=form)
        if ok:
            return redirect(url_for("wishes.care_tags", household_id=household.id))
    tags = service.care_tags_for(current_user, [household], context="care_tags").get(household.id, [])
    if request.method == "GET":
        form.tags.data = [t.value for t in tags]
    response = render("wishes/care_tags.html", household=household, form=form, tags=tags,
                      status=422 if request.method == "POST" else 200)
    db.session.commit()  # the care-tag access log
    return response


@home_section
def wishes_section(unit: Unit, user) -> Section | None:
    """The community home page: open wishes and the latest thanks."""
    open_wishes = list(db.session.scalars(queries.wall(unit, status=WishStatus.open.value).limit(4)))
    thanked = list(db.session.scalars(queries.thanks(unit).limit(2)))
    if not open_wishes and not thanked:
        return None
    return Section(title=_("Micro-wishes"), template="wishes/_home_section.html",
                   context={"open": open_wishes, "thanked": thanked, "unit": unit})
