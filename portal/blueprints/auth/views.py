"""Registration, sign-in, sign-out, the account page and password change."""
from flask import Blueprint, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from portal.blueprints.auth.forms import LoginForm, PasswordForm, RegisterForm
from portal.extensions import db, limiter
from portal.services.accounts import authenticate, change_password, register_user
from portal.services.residents import latest_decision, pending_request
from portal.i18n import chosen_locale
from portal.web import actor, perform, render, safe_next

bp = Blueprint("auth", __name__, url_prefix="/auth")


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _register_limit() -> str:
    return current_app.config["REGISTER_RATE_LIMIT"]


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(_register_limit, methods=["POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("auth.account"))
    form = RegisterForm()
    if form.validate_on_submit():
        ok, user = perform(
            lambda: register_user(login=form.login.data, display_name=form.display_name.data,
                                  password=form.password.data, locale=chosen_locale()),
            success=_("Welcome! Your account is ready. Next, ask to be verified as a resident."), form=form)
        if ok:
            login_user(user)
            return redirect(url_for("residents.join"))
    return render("auth/register.html", form=form, status=422 if form.errors else 200)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next"), url_for("main.index")))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.login.data, form.password.data)
        if user is None:
            form.password.errors.append(_("The mobile number, e-mail or password is not correct."))
        else:
            db.session.commit()
            login_user(user, remember=form.remember.data)
            return redirect(safe_next(request.args.get("next"), url_for("main.index")))
    return render("auth/login.html", form=form, status=422 if form.errors else 200)


@bp.route("/logout", methods=["POST"])
def logout():
    logout_user()
    flash(_("You have signed out."), "info")
    return redirect(url_for("main.index"))


@bp.route("/account")
@login_required
def account():
    return render("auth/account.html", pending=pending_request(current_user), last=latest_decision(current_user))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def password():
    form = PasswordForm()
    if form.validate_on_submit():
        ok, _result = perform(lambda: change_password(actor(), current=form.current.data, new=form.new.data),
                              success=_("Your password has been changed."), form=form)
        if ok:
            return redirect(url_for("auth.account"))
    return render("auth/password.html", form=form, status=422 if form.errors else 200)
