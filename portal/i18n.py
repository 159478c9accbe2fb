"""Choosing the interface language: the account's choice, then the cookie, then 简体中文."""
from flask import current_app, request
from flask_login import current_user

LOCALE_COOKIE = "portal_locale"


def N_(message: str) -> str:
    """Mark a string for extraction without translating it now (it is translated when shown)."""
    return message


def supported() -> dict[str, str]:
    return current_app.config["LANGUAGES"]


def select_locale() -> str:
    """Flask-Babel's locale selector."""
    langs = supported()
    user_locale = getattr(current_user, "locale", None) if current_user else None
    if user_locale in langs:
        return user_locale
    cookie = request.cookies.get(LOCALE_COOKIE)
    if cookie in langs:
        return cookie
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def html_lang(locale: str) -> str:
    """BCP 47 tag for <html lang>: zh_Hans → zh-Hans."""
    return str(locale).replace("_", "-")
