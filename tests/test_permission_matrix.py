"""Every route × every role: who gets the page, who is sent to sign in, who is refused.

A new route must be added to ROUTES (test_every_route_is_in_the_matrix fails otherwise), so
nobody can ship a page without deciding who may open it."""
import pytest

from portal.models import RoleGrant
from tests.factories import PASSWORD

ROLES = ["anonymous", "newcomer", "resident", "representative", "party_org", "committee",
         "other_committee", "grid_worker", "partner", "admin"]
SIGNED_IN = set(ROLES) - {"anonymous"}
EVERYONE = set(ROLES)


def _grant_id(w):
    return next(g.id for g in w.partner.grants)


# (endpoint, method, url(world), form data, roles allowed)
ROUTES = [
    ("main.index", "GET", lambda w: "/", None, EVERYONE),
    ("main.community", "GET", lambda w: f"/c/{w.community.id}", None, EVERYONE),
    ("main.switch_locale", "POST", lambda w: "/locale", {"locale": "en", "next": "/"}, EVERYONE),
    ("main.healthz", "GET", lambda w: "/healthz", None, EVERYONE),
    ("auth.register", "GET", lambda w: "/auth/register", None, EVERYONE),
    ("auth.login", "GET", lambda w: "/auth/login", None, EVERYONE),
    ("auth.logout", "POST", lambda w: "/auth/logout", {}, EVERYONE),
    ("auth.account", "GET", lambda w: "/auth/account", None, SIGNED_IN),
    ("auth.password", "GET", lambda w: "/auth/password", None, SIGNED_IN),
    ("residents.join", "GET", lambda w: "/residents/join", None, SIGNED_IN),
    ("residents.withdraw", "POST", lambda w: f"/residents/requests/{w.pending.id}/withdraw", {}, {"newcomer"}),
    ("residents.review", "GET", lambda w: "/residents/review", None, {"committee", "other_committee"}),
    ("residents.queue", "GET", lambda w: f"/residents/units/{w.community.id}/requests", None, {"committee"}),
    ("residents.approve", "POST", lambda w: f"/residents/requests/{w.pending.id}/approve", {}, {"committee"}),
    ("residents.decline", "POST", lambda w: f"/residents/requests/{w.pending.id}/decline", {"reason": "查无此人"},
     {"committee"}),
    ("residents.roster", "GET", lambda w: f"/residents/units/{w.community.id}/residents", None, {"committee"}),
    ("admin.index", "GET", lambda w: "/admin/", None, {"admin"}),
    ("admin.create_root", "POST", lambda w: "/admin/units", {"child-name": "新区", "child-level": "district"},
     {"admin"}),
    ("admin.unit", "GET", lambda w: f"/admin/units/{w.community.id}", None, {"admin"}),
    ("admin.create_child", "POST", lambda w: f"/admin/units/{w.community.id}/children",
     {"child-name": "第九网格", "child-level": "grid"}, {"admin"}),
    ("admin.rename", "POST", lambda w: f"/admin/units/{w.community.id}/rename", {"rename-name": "枫林新社区"},
     {"admin"}),
    ("admin.create_household", "POST", lambda w: f"/admin/units/{w.building.id}/households",
     {"hh-label": "3单元303室", "hh-floor_area": "66.6"}, {"admin"}),
    ("admin.create_grant", "POST", lambda w: f"/admin/units/{w.community.id}/grants",
     {"grant-login": "13800000009", "grant-role": "representative"}, {"admin"}),
    ("admin.revoke", "POST", lambda w: f"/admin/grants/{_grant_id(w)}/revoke", {}, {"admin"}),
    ("admin.audit", "GET", lambda w: "/admin/audit", None, {"admin", "committee", "other_committee"}),
]


def test_every_route_is_in_the_matrix(app):
    covered = {endpoint for endpoint, *_ in ROUTES}
    routed = {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint != "static"}
    assert routed - covered == set(), "add these routes to the permission matrix"
    assert covered - routed == set(), "the matrix names routes that do not exist"


@pytest.mark.parametrize("endpoint,method,url,data,allowed", ROUTES, ids=[r[0] for r in ROUTES])
def test_permission_matrix(app, world, endpoint, method, url, data, allowed):
    """Each role in turn, with a client of its own; refusals first, so that an allowed role's
    successful POST (an approval, a revocation) cannot change what a later role is refused."""
    for role in sorted(ROLES, key=lambda r: r in allowed):
        client = app.test_client()
        if role != "anonymous":
            login = getattr(world, role).login
            assert client.post("/auth/login", data={"login": login, "password": PASSWORD}).status_code == 302, role
        target = url(world)
        resp = client.get(target) if method == "GET" else client.post(target, data=data)
        location = resp.headers.get("Location", "")
        assert resp.status_code < 500, role
        if role in allowed:
            assert resp.status_code not in (401, 403), f"{role} should be let in"
            assert "/auth/login" not in location or endpoint == "auth.logout", role
        elif role == "anonymous":
            assert resp.status_code == 302 and "/auth/login" in location, "anonymous visitors are asked to sign in"
        else:
            assert resp.status_code == 403, f"{role} should be refused"
            assert "无权操作" in resp.get_data(as_text=True), role


def test_refused_requests_change_nothing(client, auth, world):
    """A refused grant or approval leaves the database as it was."""
    auth.login(world.other_committee)
    assert client.post(f"/residents/requests/{world.pending.id}/approve").status_code == 403
    assert client.post(f"/admin/units/{world.community.id}/grants",
                       data={"grant-login": "13800000009", "grant-role": "committee"}).status_code == 403
    from portal.domain.residents import VerificationStatus
    from portal.extensions import db
    db.session.refresh(world.pending)
    assert world.pending.status == VerificationStatus.pending
    assert db.session.query(RoleGrant).filter_by(user_id=world.newcomer.id).count() == 0
