"""Choosing the interface language: the account's choice, then the cookie, then 简体中文."""
from flask import current_app, has_request_context, request
from flask_login import current_user

LOCALE_COOKIE = "portal_locale"


def N_(message: str) -> str:
    """Mark a string for extraction without translating it now (it is translated when shown)."""
    return message


def supported() -> dict[str, str]:
    return current_app.config["LANGUAGES"]


def select_locale() -> str:
    """Flask-Babel's locale selector."""
    if not has_request_context():  # CLI commands and services called from scripts
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    langs = supported()
    user_locale = getattr(current_user, "locale", None) if current_user else None
    if user_locale in langs:
        return user_locale
    return chosen_locale() or current_app.config["BABEL_DEFAULT_LOCALE"]


def chosen_locale() -> str | None:
    """The supported locale the visitor picked with the language switch, if any."""
    cookie = request.cookies.get(LOCALE_COOKIE)
    return cookie if cookie in supported() else None


def html_lang(locale: str) -> str:
    """BCP 47 tag for <html lang>: zh_Hans → zh-Hans."""
    return str(locale).replace("_", "-")
