"""Registration, sign-in, sign-out and password change through the real forms."""
import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import AuditEntry, User
from tests.factories import PASSWORD


def _register(client, login="138 0013 8000", name="王秀英", password="长城秋月八号楼123", confirm=None):
    return client.post("/auth/register", data={
        "login": login, "display_name": name, "password": password, "confirm": confirm or password})


def test_register_creates_account_signs_in_and_asks_for_verification(client, app):
    resp = _register(client)
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/residents/join")
    user = db.session.scalar(select(User).where(User.login == "13800138000"))
    assert user is not None, "the phone number is stored in its canonical form"
    assert user.password_hash.startswith("scrypt:"), "passwords use Werkzeug's current scheme"
    assert "长城秋月" not in user.password_hash
    assert db.session.scalar(select(AuditEntry.action).where(AuditEntry.object_id == user.id)) == "user.register"
    page = client.get("/auth/account").get_data(as_text=True)
    assert "138****8000" in page and "13800138000" not in page


@pytest.mark.parametrize("login,password,confirm,message", [
    ("12345", "长城秋月八号楼123", None, "请填写11位手机号码或电子邮箱"),
    ("wang@", "长城秋月八号楼123", None, "请填写11位手机号码或电子邮箱"),
    ("13800138000", "short", None, "字段长度必须介于 8 到 128 个字符之间"),
    ("13800138000", "aaaaaaaaaa", None, "密码过于简单"),
    ("13800138000", "长城秋月八号楼123", "另一个密码123", "两次输入的密码不一致"),
])
def test_register_refuses_bad_input_with_a_message(client, login, password, confirm, message):
    resp = _register(client, login=login, password=password, confirm=confirm)
    assert resp.status_code == 422
    assert message in resp.get_data(as_text=True)
    assert db.session.scalar(select(db.func.count(User.id))) == 0, "nothing is created"


def test_register_refuses_a_taken_login_in_any_spelling(client, world):
    resp = _register(client, login="+86 138-0000-0008")  # world.resident's 13800000008
    assert resp.status_code == 422
    assert "该手机号或邮箱已注册" in resp.get_data(as_text=True)


def test_email_login_is_case_insensitive(client):
    assert _register(client, login="Wang.XiuYing@Example.com").status_code == 302
    client.post("/auth/logout")
    resp = client.post("/auth/login", data={"login": "wang.xiuying@example.COM", "password": "长城秋月八号楼123"})
    assert resp.status_code == 302


def test_login_and_logout(client, auth, world):
    resp = auth.login(world.resident)
    assert resp.status_code == 302
    assert "王秀英" in client.get("/auth/account").get_data(as_text=True)
    assert client.get("/auth/logout").status_code == 405, "signing out is a POST (CSRF-protected)"
    assert auth.logout().status_code == 302
    assert client.get("/auth/account").status_code == 302


@pytest.mark.parametrize("login,password", [
    ("13800000008", "wrong-password"),
    ("13900009999", PASSWORD),  # no such account: same message, no hint which part is wrong
])
def test_login_failure_says_so_without_revealing_which_part(client, world, login, password):
    resp = client.post("/auth/login", data={"login": login, "password": password})
    assert resp.status_code == 422
    assert "手机号、邮箱或密码不正确" in resp.get_data(as_text=True)
    assert client.get("/auth/account").status_code == 302, "still signed out"


def test_login_follows_a_local_next_only(client, world):
    resp = client.post("/auth/login?next=/admin/", data={"login": "13800000001", "password": PASSWORD})
    assert resp.headers["Location"].endswith("/admin/")


def test_inactive_account_cannot_sign_in(client, world):
    world.resident.active = False
    db.session.commit()
    assert client.post("/auth/login", data={"login": "13800000008", "password": PASSWORD}).status_code == 422


def test_change_password(client, auth, world):
    auth.login(world.resident)
    bad = client.post("/auth/password", data={"current": "nope-nope", "new": "新的密码很安全1", "confirm": "新的密码很安全1"})
    assert bad.status_code == 422 and "当前密码不正确" in bad.get_data(as_text=True)
    ok = client.post("/auth/password", data={"current": PASSWORD, "new": "新的密码很安全1", "confirm": "新的密码很安全1"})
    assert ok.status_code == 302
    auth.logout()
    assert auth.login(world.resident).status_code == 422, "the old password no longer works"
    assert auth.login(world.resident, "新的密码很安全1").status_code == 302
