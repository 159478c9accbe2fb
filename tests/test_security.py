"""Security over HTTP: headers, pages the CSP can serve as they are, cookies, escaping, error
pages and the login rate limit."""
import re
from html.parser import HTMLParser
from urllib.parse import quote

import pytest

from tests.factories import XSS

ESCAPED_XSS = "&lt;script&gt;alert(1)&lt;/script&gt;"


class _Hygiene(HTMLParser):
    """Collects what a CSP without 'unsafe-inline' would block: inline scripts, event-handler
    attributes, style attributes and <style> elements, javascript: links."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.scripts = 0
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name.startswith("on") or name.startswith("hx-on"):
                self.problems.append(f"<{tag} {name}=...>")
            if name == "style":
                self.problems.append(f"<{tag} style=...>")
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith("javascript:"):
                self.problems.append(f"<{tag} {name}={value!r}>")
        if tag == "style":
            self.problems.append("<style> element")
        if tag == "script":
            self.scripts += 1
            self._in_script = True
            if not dict(attrs).get("src"):
                self.problems.append("<script> without src")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.problems.append(f"inline script body: {data.strip()[:40]!r}")


def csp_directives(resp) -> dict[str, list[str]]:
    policy = resp.headers["Content-Security-Policy"]
    return {d.split()[0]: d.split()[1:] for d in policy.split(";") if d.strip()}


def assert_safe_response(resp, where=""):
    """The headers every HTML response carries, and a body the CSP can serve as it is."""
    assert resp.mimetype == "text/html", where
    csp = csp_directives(resp)
    assert csp["script-src"] == ["'self'"], where
    assert not re.search(r"unsafe-(inline|eval)", resp.headers["Content-Security-Policy"]), where
    assert csp["frame-ancestors"] == ["'none'"] and csp["object-src"] == ["'none'"], where
    assert resp.headers["X-Content-Type-Options"] == "nosniff", where
    assert resp.headers["X-Frame-Options"] == "DENY", where
    assert resp.headers["Referrer-Policy"] in ("same-origin", "strict-origin-when-cross-origin", "no-referrer"), where
    assert "hx-request" in {v.lower() for v in resp.vary}, where
    checker = _Hygiene()
    checker.feed(resp.get_data(as_text=True))
    assert checker.problems == [], where
    return checker


PAGES = {  # role → pages that role opens (ids filled in from the world)
    "anonymous": ["/", "/c/{community}", "/auth/login", "/auth/register"],
    "resident": ["/", "/c/{community}", "/auth/account", "/auth/password", "/residents/join"],
    "newcomer": ["/auth/account", "/residents/join", "/residents/join?community={community}"],
    "committee": ["/residents/units/{community}/requests", "/residents/units/{community}/requests?status=approved",
                  "/residents/units/{community}/residents", "/admin/audit", "/auth/account"],
    "admin": ["/admin/", "/admin/units/{community}", "/admin/units/{building}", "/admin/audit"],
}


def _ids(world) -> dict:
    return {"community": world.community.id, "building": world.building.id, "grid": world.grid.id}


@pytest.mark.parametrize("role", PAGES)
def test_pages_carry_security_headers_and_no_inline_code(client, auth, world, role):
    if role != "anonymous":
        assert auth.login(getattr(world, role)).status_code == 302
    for url in PAGES[role]:
        resp = client.get(url.format(**_ids(world)))
        assert resp.status_code == 200, url
        checker = assert_safe_response(resp, url)
        assert checker.scripts == 1, "the page loads htmx from /static"


@pytest.mark.parametrize(("role", "url"), [
    ("committee", "/residents/units/{community}/requests"),
    ("newcomer", "/residents/join?community={community}"),
])
def test_htmx_partials_are_safe_and_vary(client, auth, world, role, url):
    auth.login(getattr(world, role))
    resp = client.get(url.format(**_ids(world)), headers={"HX-Request": "true"})
    assert resp.status_code == 200
    assert "<html" not in resp.get_data(as_text=True), "htmx gets the partial, not the page"
    assert_safe_response(resp, url)


def _set_cookie(resp, name: str) -> str:
    [header] = [h for h in resp.headers.getlist("Set-Cookie") if h.startswith(f"{name}=")]
    return header


def test_session_and_remember_cookies_are_httponly_and_lax(client, world):
    resp = client.post("/auth/login", data={"login": world.resident.login, "password": "password123",
                                            "remember": "y"})
    assert resp.status_code == 302
    for name in ("session", "remember_token"):
        attributes = {a.strip().lower() for a in _set_cookie(resp, name).split(";")[1:]}
        assert "httponly" in attributes and "samesite=lax" in attributes, name


@pytest.mark.parametrize(("role", "url", "shown"), [
    ("committee", "/residents/units/{community}/requests", ["李思远" + ESCAPED_XSS, "刚搬来" + ESCAPED_XSS]),
    ("committee", "/residents/units/{community}/residents", ["王秀英" + ESCAPED_XSS]),
    ("admin", "/admin/units/{community}", ["张主任" + ESCAPED_XSS]),
])
def test_user_written_text_is_escaped(client, auth, world, role, url, shown):
    auth.login(getattr(world, role))
    html = client.get(url.format(**_ids(world))).get_data(as_text=True)
    for text in shown:
        assert text in html
    assert XSS not in html and "<script>alert" not in html


def test_unit_names_are_escaped_on_public_pages(client, auth, world):
    auth.login(world.admin)
    client.post(f"/admin/units/{world.community.id}/rename", data={"rename-name": "枫林" + XSS})
    auth.logout()
    for url in ("/", f"/c/{world.community.id}"):
        html = client.get(url).get_data(as_text=True)
        assert "枫林" + ESCAPED_XSS in html and XSS not in html, url


# --- error pages -------------------------------------------------------------------------------

ERRORS = [  # (method, url, form, status, title, message)
    ("GET", "/no/such/page", None, 404, "页面不存在", "您要找的页面不存在或已移动。"),
    ("GET", "/c/{grid}", None, 404, "页面不存在", "您要找的页面不存在或已移动。"),
    ("GET", "/c/999999", None, 404, "页面不存在", "您要找的页面不存在或已移动。"),
    ("GET", "/auth/logout", None, 405, "无权操作", "该地址不接受这种请求。"),
    ("POST", "/locale", {"locale": "fr", "next": "/"}, 400, "请求有误", "无法处理该请求，请返回后重试。"),
]


@pytest.mark.parametrize(("method", "url", "form", "status", "title", "message"), ERRORS,
                         ids=[f"{e[3]}-{e[1]}" for e in ERRORS])
def test_error_pages_are_chinese_with_the_right_status(client, world, method, url, form, status, title, message):
    resp = client.open(url.format(**_ids(world)), method=method, data=form)
    assert resp.status_code == status
    html = resp.get_data(as_text=True)
    assert '<html lang="zh-Hans">' in html
    assert f"<h1>{title}</h1>" in html and f"<p>{message}</p>" in html and "返回首页" in html
    assert_safe_response(resp, url)


def test_405_says_which_methods_are_allowed(client):
    resp = client.get("/auth/logout")
    assert resp.status_code == 405
    assert "POST" in resp.headers.get("Allow", "")


def test_unexpected_exception_gives_the_chinese_500_page_without_a_traceback(make_app):
    app = make_app()

    @app.route("/boom")
    def boom():
        raise RuntimeError("secret internals: db password hunter2")

    resp = app.test_client().get("/boom")
    assert resp.status_code == 500
    html = resp.get_data(as_text=True)
    assert '<html lang="zh-Hans">' in html and "<h1>出错了</h1>" in html and "系统出现错误" in html
    for leak in ("Traceback", "RuntimeError", "hunter2", "secret internals"):
        assert leak not in html
    assert_safe_response(resp, "/boom")


# --- signing in --------------------------------------------------------------------------------

def _login(client, world, password, addr="203.0.113.7", next_=None):
    url = "/auth/login" + (f"?next={next_}" if next_ else "")
    return client.post(url, data={"login": world.resident.login, "password": password},
                       environ_base={"REMOTE_ADDR": addr})


def test_login_is_rate_limited_per_address(client, world):
    for attempt in range(10):
        resp = _login(client, world, "wrong-password")
        assert resp.status_code == 422, attempt
        assert "手机号、邮箱或密码不正确。" in resp.get_data(as_text=True), attempt
    limited = _login(client, world, "wrong-password")
    assert limited.status_code == 429
    html = limited.get_data(as_text=True)
    assert "<h1>尝试次数过多</h1>" in html and "请一分钟后再试" in html
    assert int(limited.headers["Retry-After"]) > 0
    assert_safe_response(limited)

    correct = _login(client, world, "password123")
    assert correct.status_code == 429 and "尝试次数过多" in correct.get_data(as_text=True)
    account = client.get("/auth/account")
    assert account.status_code == 302 and "/auth/login" in account.headers["Location"], "not signed in"
    assert client.get("/auth/login").status_code == 200, "only POSTs are limited"
    assert _login(client, world, "password123", addr="203.0.113.8").status_code == 302, "other addresses are not"


@pytest.mark.parametrize(("next_", "expected"), [
    ("https://evil.example/", "/"),
    ("//evil.example/", "/"),
    ("/\\evil.example", "/"),  # browsers read a backslash as a slash
    ("/auth/account", "/auth/account"),
])
def test_login_follows_next_only_on_this_site(client, world, next_, expected):
    resp = _login(client, world, "password123", next_=quote(next_, safe=""))
    assert resp.status_code == 302 and resp.headers["Location"] == expected
