"""CSRF protection on every form and on htmx requests (X-CSRFToken header)."""
import re

import pytest
from sqlalchemy import select

from portal.domain.residents import VerificationStatus
from portal.extensions import db
from portal.models import User
from tests.factories import PASSWORD, build_world


@pytest.fixture
def csrf_client(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        world = build_world()
        yield app.test_client(), world


def _token(html: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def _hx_token(html: str) -> str:
    return re.search(r'"X-CSRFToken": "([^"]+)"', html).group(1)


def test_login_without_token_is_refused_in_chinese(csrf_client):
    client, world = csrf_client
    resp = client.post("/auth/login", data={"login": "13800000008", "password": PASSWORD})
    assert resp.status_code == 400
    assert "表单已过期或并非从本站提交" in resp.get_data(as_text=True)
    assert client.get("/auth/account").status_code == 302, "not signed in"


def test_login_with_the_page_token_works(csrf_client):
    client, world = csrf_client
    token = _token(client.get("/auth/login").get_data(as_text=True))
    resp = client.post("/auth/login", data={"login": "13800000008", "password": PASSWORD, "csrf_token": token})
    assert resp.status_code == 302


def test_forged_token_is_refused_and_changes_nothing(csrf_client):
    client, world = csrf_client
    resp = client.post("/auth/register", data={"login": "13912340000", "display_name": "伪造", "password": "长城秋月八号楼123",
                                               "confirm": "长城秋月八号楼123", "csrf_token": "forged"})
    assert resp.status_code == 400
    assert db.session.scalar(select(User).where(User.login == "13912340000")) is None


def _sign_in(client, login):
    token = _token(client.get("/auth/login").get_data(as_text=True))
    client.post("/auth/login", data={"login": login, "password": PASSWORD, "csrf_token": token})


def test_htmx_post_carries_the_token_in_a_header(csrf_client):
    client, world = csrf_client
    _sign_in(client, "13800000002")  # the committee
    page = client.get(f"/residents/units/{world.community.id}/requests").get_data(as_text=True)
    url = f"/residents/requests/{world.pending.id}/approve"
    assert client.post(url, headers={"HX-Request": "true"}).status_code == 400, "no header, no decision"
    db.session.refresh(world.pending)
    assert world.pending.status == VerificationStatus.pending
    resp = client.post(url, headers={"HX-Request": "true", "X-CSRFToken": _hx_token(page)})
    assert resp.status_code == 200
    db.session.refresh(world.pending)
    assert world.pending.status == VerificationStatus.approved


def test_logout_and_locale_need_the_token(csrf_client):
    client, world = csrf_client
    _sign_in(client, "13800000008")
    assert client.post("/auth/logout").status_code == 400
    assert client.get("/auth/account").status_code == 200, "still signed in"
    assert client.post("/locale", data={"locale": "en"}).status_code == 400
