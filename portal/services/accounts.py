"""Accounts: register, authenticate, change password, remember the locale."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from portal.domain.accounts import normalize_login, password_problem
from portal.extensions import db
from portal.models import User
from portal.models.base import utcnow
from portal.services import ServiceError
from portal.services.audit import record

PASSWORD_MESSAGES = {
    "too_short": _l("The password must be at least 8 characters long."),
    "too_long": _l("The password must be at most 128 characters long."),
    "too_simple": _l("The password is too simple: use at least 4 different characters."),
}

# Checked against when the login is unknown, so a wrong login costs as much time as a
# wrong password and does not reveal which accounts exist.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


def hash_password(password: str) -> str:
    """Hash with Werkzeug's current default (scrypt)."""
    return generate_password_hash(password)


def _check_password_rules(password: str) -> None:
    problem = password_problem(password)
    if problem:
        raise ServiceError(PASSWORD_MESSAGES[problem])


def find_user(login: str) -> User | None:
    """The account for a login in any accepted spelling, or None."""
    normalized = normalize_login(login)
    if normalized is None:
        return None
    return db.session.scalar(select(User).where(User.login == normalized))


def register_user(*, login: str, display_name: str, password: str, locale: str | None = None,
                  password_hash: str | None = None) -> User:
    """Create an account. ``password_hash`` lets bulk loaders (demo data) reuse one hash."""
    normalized = normalize_login(login)
    if normalized is None:
        raise ServiceError(_l("Enter a mainland mobile number (11 digits) or an e-mail address."))
    if password_hash is None:
        _check_password_rules(password)
        password_hash = hash_password(password)
    display_name = display_name.strip()
    if not display_name:
        raise ServiceError(_l("Enter the name others will see."))
    user = User(login=normalized, display_name=display_name, password_hash=password_hash, locale=locale)
    try:
        with db.session.begin_nested():
            db.session.add(user)
    except IntegrityError:
        raise ServiceError(_l("This phone number or e-mail address is already registered.")) from None
    record(user, "user.register", user)
    return user


def authenticate(login: str, password: str) -> User | None:
    """The active account matching login and password, or None (same cost either way)."""
    user = find_user(login)
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.active:
        return None
    user.last_login_at = utcnow()
    return user


def change_password(user: User, *, current: str, new: str) -> None:
    """Replace the password after checking the current one."""
    if not check_password_hash(user.password_hash, current):
        raise ServiceError(_l("The current password is not correct."))
    _check_password_rules(new)
    user.password_hash = hash_password(new)
    record(user, "user.change_password", user)


def set_locale(user: User, locale: str) -> None:
    """Remember the user's interface language."""
    user.locale = locale
