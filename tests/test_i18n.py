"""Locales: 简体中文 by default, English on request; the choice lives in a cookie and on the
account; the catalogues are complete and the .pot matches the code."""
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from portal.extensions import db
from portal.i18n import LOCALE_COOKIE
from portal.models import User

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "portal" / "translations"
WRONG_PASSWORD = {"zh_Hans": "手机号、邮箱或密码不正确。", "en": "The mobile number, e-mail or password is not correct."}


def html_of(resp) -> str:
    return resp.get_data(as_text=True)


def lang_of(resp) -> str:
    return re.search(r'<html lang="([^"]+)">', html_of(resp)).group(1)


def locale_cookie_headers(resp) -> list[str]:
    return [h for h in resp.headers.getlist("Set-Cookie") if h.startswith(f"{LOCALE_COOKIE}=")]


def switch(client, locale, next_="/"):
    return client.post("/locale", data={"locale": locale, "next": next_})


def test_default_is_simplified_chinese(client):
    resp = client.get("/auth/login")
    assert lang_of(resp) == "zh-Hans"
    html = html_of(resp)
    assert '<a href="/auth/login">登录</a>' in html and "手机号或邮箱" in html
    assert "Sign in" not in html


def test_switching_sets_a_cookie_and_goes_to_next(client):
    resp = switch(client, "en", "/auth/login")
    assert resp.status_code == 302 and resp.headers["Location"] == "/auth/login"
    [cookie] = locale_cookie_headers(resp)
    attributes = {part.strip().split("=")[0].lower(): part.strip() for part in cookie.split(";")}
    assert cookie.startswith(f"{LOCALE_COOKIE}=en;")
    assert "httponly" in attributes and attributes["samesite"] == "SameSite=Lax"
    page = client.get("/auth/login")
    assert lang_of(page) == "en"
    assert '<a href="/auth/login">Sign in</a>' in html_of(page) and "登录" not in html_of(page)
    switch(client, "zh_Hans")
    assert lang_of(client.get("/auth/login")) == "zh-Hans"


def test_signed_in_choice_is_stored_and_follows_the_account(app, client, auth, world):
    auth.login(world.resident)
    assert switch(client, "en", "/auth/account").status_code == 302
    assert db.session.get(User, world.resident.id).locale == "en"

    fresh = app.test_client()
    fresh.set_cookie(LOCALE_COOKIE, "zh_Hans")  # the account's choice wins over this browser's cookie
    assert lang_of(fresh.get("/")) == "zh-Hans"
    fresh.post("/auth/login", data={"login": world.resident.login, "password": "password123"})
    page = fresh.get("/auth/account")
    assert lang_of(page) == "en" and "My account" in html_of(page)


@pytest.mark.parametrize("locale", ["fr", "", "EN", "zh-Hans", "zh_Hant", "en "])
def test_unsupported_locale_is_refused_and_changes_nothing(client, auth, world, locale):
    auth.login(world.resident)
    resp = switch(client, locale)
    assert resp.status_code == 400
    assert lang_of(resp) == "zh-Hans" and "请求有误" in html_of(resp)
    assert locale_cookie_headers(resp) == []
    assert db.session.get(User, world.resident.id).locale is None


def test_refusal_speaks_the_current_language(client):
    switch(client, "en")
    resp = client.post("/locale", data={"next": "/"})  # no locale at all
    assert resp.status_code == 400
    assert lang_of(resp) == "en" and "Bad request" in html_of(resp)
    assert locale_cookie_headers(resp) == []
    assert lang_of(client.get("/")) == "en"


@pytest.mark.parametrize(("next_", "expected"), [
    ("https://evil.example/", "/"),
    ("//evil.example", "/"),
    ("/\\evil", "/"),
    ("/\\/evil.example", "/"),
    ("http:evil.example", "/"),
    ("/\t/evil.example", "/"),   # browsers drop the tab and read //evil.example
    ("javascript:alert(1)", "/"),
    ("", "/"),
    ("/auth/register?x=1", "/auth/register?x=1"),
])
def test_next_never_leaves_the_site(client, next_, expected):
    resp = switch(client, "en", next_)
    assert resp.status_code == 302 and resp.headers["Location"] == expected
    assert locale_cookie_headers(resp), "the locale is still switched"


def test_form_errors_follow_the_active_language(client, world):
    for locale in ("zh_Hans", "en"):
        switch(client, locale)
        resp = client.post("/auth/login", data={"login": world.resident.login, "password": "wrong-password"})
        assert resp.status_code == 422
        assert WRONG_PASSWORD[locale] in html_of(resp)
    resp = client.post("/auth/register", data={"login": "13912345678", "display_name": "新人",
                                               "password": "abcd1234", "confirm": "abcd12345"})
    assert resp.status_code == 422 and "The two passwords differ." in html_of(resp)


@pytest.mark.parametrize(("cookie", "stored"), [("en", "en"), ("x" * 40, None), ("fr", None)],
                         ids=["supported", "junk", "unsupported"])
def test_registration_keeps_only_a_supported_locale(client, cookie, stored):
    """The cookie is the visitor's; only a supported value may reach user.locale (a String(16))."""
    client.set_cookie(LOCALE_COOKIE, cookie)
    resp = client.post("/auth/register", data={"login": "13912345678", "display_name": "新人",
                                               "password": "abcd1234", "confirm": "abcd1234"})
    assert resp.status_code == 302
    assert db.session.query(User).filter_by(login="13912345678").one().locale == stored


# --- catalogues --------------------------------------------------------------------------------

def _catalogue(path: Path):
    with path.open("rb") as fh:
        return read_po(fh)


def _ids(catalogue) -> set:
    return {m.id for m in catalogue if m.id}


def _placeholders(text) -> set[str]:
    texts = text if isinstance(text, (tuple, list)) else (text,)
    return {p for t in texts for p in re.findall(r"%\(\w+\)s", t or "")}


def test_zh_hans_catalogue_is_complete():
    po = _catalogue(TRANSLATIONS / "zh_Hans" / "LC_MESSAGES" / "messages.po")
    problems = []
    for message in po:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, (tuple, list)) else (message.string,)
        if message.fuzzy or not all(s.strip() for s in strings):
            problems.append(f"untranslated or fuzzy: {message.id!r}")
        elif _placeholders(message.id) != _placeholders(message.string):
            problems.append(f"placeholders differ: {message.id!r}")
    assert problems == []
    missing = _ids(_catalogue(TRANSLATIONS / "messages.pot")) - _ids(po)
    assert missing == set(), "run make update-messages and translate"


def _extract_command(output: Path) -> list[str]:
    """The Makefile's extract-messages recipe, writing to ``output`` with this interpreter."""
    makefile = (ROOT / "Makefile").read_text()
    recipe = re.search(r"^extract-messages:.*\n\t(.+)$", makefile, re.M)
    assert recipe, "Makefile has no extract-messages recipe"
    args = shlex.split(recipe.group(1))
    assert args[0] == "$(BIN)/pybabel", args
    out = args.index("-o")
    args[out + 1] = str(output)
    return [sys.executable, "-m", "babel.messages.frontend", *args[1:]]


def test_pot_is_current(tmp_path):
    """Strings added to the code without re-extracting would show in English to everyone."""
    fresh = tmp_path / "messages.pot"
    subprocess.run(_extract_command(fresh), cwd=ROOT, check=True, capture_output=True)
    extracted, committed = _ids(_catalogue(fresh)), _ids(_catalogue(TRANSLATIONS / "messages.pot"))
    assert "Sign in" in extracted
    assert (sorted(extracted - committed), sorted(committed - extracted)) == ([], []), \
        "messages.pot is out of date: run make update-messages and translate"
