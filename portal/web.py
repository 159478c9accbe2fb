"""Glue between requests and the rest: the logged-in user, template helpers, page rendering."""
from datetime import date
from urllib.parse import urlsplit

from flask import Flask, abort, current_app, flash, make_response, render_template, request
from flask_babel import format_date, format_datetime, get_locale, gettext
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from portal.clock import local_date
from portal.domain.accounts import mask_login
from portal.domain.wishes import anonymise
from portal.extensions import db, htmx, login_manager
from portal.i18n import N_, html_lang
from portal.labels import TEMPLATE_GLOBALS
from portal.models import Household, Resident, RoleGrant, User
from portal.permissions import can, can_anywhere, forget_cached_grants
from portal.sanitize import sanitize_html
from portal.services import ServiceError


def init_app(app: Flask) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = N_("Please sign in to continue.")
    login_manager.login_message_category = "info"
    login_manager.localize_callback = gettext
    login_manager.session_protection = "basic"

    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.globals.update(can=can, can_anywhere=can_anywhere, html_lang=html_lang, get_locale=get_locale,
                               format_date=format_date, format_datetime=format_datetime, htmx=htmx, anonymise=anonymise,
                               **TEMPLATE_GLOBALS)
    app.jinja_env.filters["rich"] = sanitize_html
    app.jinja_env.filters["masked"] = mask_login

    @app.after_request
    def vary_on_htmx(response):
        # One URL serves a full page or an htmx partial: caches must keep them apart.
        response.vary.add("HX-Request")
        return response


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """The signed-in account with its grants and household loaded in two queries."""
    try:
        uid = int(user_id)
    except (TypeError, ValueError):
        return None
    user = db.session.scalar(
        select(User)
        .where(User.id == uid)
        .options(
            selectinload(User.grants).joinedload(RoleGrant.unit),
            joinedload(User.resident).joinedload(Resident.household).joinedload(Household.building),
        )
    )
    if user is not None:
        forget_cached_grants(user)  # grants are read afresh once per request
    return user


def actor() -> User:
    """The signed-in user as a plain model object, to hand to services (not the proxy)."""
    return current_user._get_current_object()


def require(action: str, unit=None) -> None:
    """Stop the request unless the current user may do ``action`` in ``unit``: anonymous
    visitors are sent to sign in, signed-in users get 403."""
    if can(current_user, action, unit):
        return
    if not current_user.is_authenticated:
        abort(login_manager.unauthorized())
    abort(403)


def require_anywhere(action: str) -> None:
    """Like ``require`` for pages that list whatever units the user may act in."""
    if can_anywhere(current_user, action):
        return
    if not current_user.is_authenticated:
        abort(login_manager.unauthorized())
    abort(403)


def perform(service_call, *, success=None, category: str = "success", form=None):
    """Run one service call as the request's single transaction: on success commit, flash
    ``success`` and return ``(True, result)``; if the service refuses, roll back, show its
    message (on ``form`` when given, else as a flash) and return ``(False, None)``."""
    try:
        result = service_call()
    except ServiceError as err:
        db.session.rollback()
        if form is not None:
            form.form_errors.append(err.message)
        else:
            flash(str(err.message), "error")
        return False, None
    db.session.commit()
    if success:
        flash(success, category)
    return True, result


def flash_form_errors(form) -> None:
    """Show a form's validation errors as flashes, for forms posted from a page that redirects
    back instead of re-rendering the form."""
    for errors in form.errors.values():
        for message in errors:
            flash(str(message), "error")


def render(template: str, partial: str | None = None, /, *, status: int = 200, **context):
    """The full page, or for an htmx request just ``partial`` (same URL, same context)."""
    chosen = partial if (partial and htmx) else template
    return make_response(render_template(chosen, **context), status)


def local_today() -> date:
    """Today's date where the portal is (Beijing time by default): birthdays and notice
    periods begin at local midnight, not at UTC midnight."""
    return local_date()


def get_or_404(model, ident):
    """A row by primary key or 404."""
    obj = db.session.get(model, ident)
    if obj is None:
        abort(404)
    return obj


def safe_next(target: str | None, default: str) -> str:
    """Only follow ``next`` to a path on this site, never to another host."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target


def page_number() -> int:
    """The ?page= argument, at least 1; nonsense becomes 1 rather than an error."""
    return max(request.args.get("page", 1, type=int) or 1, 1)


def paginate(stmt):
    """One page of ``stmt`` at the configured page size (two queries: rows and count)."""
    return db.paginate(stmt, page=page_number(), per_page=current_app.config["PAGE_SIZE"], error_out=False)


def send_stored_file(path, *, mimetype: str, download_name: str | None = None, as_attachment: bool = False):
    """An uploaded file as an inert response: the type we recognised on upload, no sniffing,
    and a sandbox, so even a file that fooled the check cannot run anything here."""
    from io import BytesIO

    from flask import send_file

    if path is None or not path.is_file():
        abort(404)
    response = send_file(BytesIO(path.read_bytes()), mimetype=mimetype, as_attachment=as_attachment,
                         download_name=download_name, max_age=86400)
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
