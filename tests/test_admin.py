"""The admin blueprint over HTTP: units, households, role grants, revocation and the audit log."""
import re
from decimal import Decimal
from html import unescape

import pytest
from sqlalchemy import func, select

from portal.domain.permissions import Role
from portal.domain.units import UnitLevel
from portal.extensions import db
from portal.models import AuditEntry, Household, RoleGrant, Unit
from portal.services.units import grant_role

FLASH = re.compile(r'<p class="flash flash-(\w+)">(.*?)</p>', re.S)
REFUSED = "无权操作"
AREA_HINT = "请填写建筑面积（平方米），例如 86.5。"


def flashes(resp) -> list[tuple[str, str]]:
    return [(category, unescape(text)) for category, text in FLASH.findall(resp.get_data(as_text=True))]


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def audit_rows(action: str) -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))


@pytest.fixture
def admin(client, auth, world):
    """The test client, signed in as the portal-wide admin."""
    assert auth.login(world.admin).status_code == 302
    return client


def sign_in(app, user):
    """A second browser, signed in as ``user``."""
    other = app.test_client()
    assert other.post("/auth/login", data={"login": user.login, "password": "password123"}).status_code == 302
    return other


# --- units -------------------------------------------------------------------------------------

def test_create_child_unit_lies_under_parent_and_is_audited(admin, world):
    resp = admin.post(f"/admin/units/{world.grid.id}/children",
                      data={"child-name": " 枫林二村 ", "child-level": "compound"}, follow_redirects=True)
    assert resp.request.path == f"/admin/units/{world.grid.id}"
    assert flashes(resp) == [("success", "已添加“枫林二村”。")]
    unit = db.session.scalar(select(Unit).where(Unit.name == "枫林二村"))
    assert unit.parent_id == world.grid.id and unit.level == UnitLevel.compound
    assert unit.path == f"{world.grid.path}{unit.id:08d}/"
    assert world.community.contains(unit) and not world.other_community.contains(unit)
    entry = audit_rows("unit.create")[-1]
    assert (entry.actor_id, entry.object_id, entry.unit_id) == (world.admin.id, unit.id, unit.id)
    assert entry.detail == "compound 枫林二村"
    assert f'href="/admin/units/{unit.id}"' in resp.get_data(as_text=True)


MISPLACED = "此处不能添加该层级的单元。"
BAD_CHILDREN = [  # (parent in the world, child-name, child-level, message)
    ("building", "新单元", "community", MISPLACED),  # a building has no units below it
    ("grid", "新单元", "grid", MISPLACED),           # the same level is not deeper
    ("grid", "新单元", "street", MISPLACED),         # shallower
    ("compound", "新单元", "village", MISPLACED),    # not a level at all
    ("grid", "新单元", "", "请选择层级。"),
    ("grid", "   ", "compound", "请填写名称。"),    # no name
]


def test_invalid_child_is_refused_and_nothing_is_created(admin, world):
    """Each case is refused with a message and leaves the tree as it was."""
    before = count(Unit)
    for parent, name, level, message in BAD_CHILDREN:
        resp = admin.post(f"/admin/units/{getattr(world, parent).id}/children",
                          data={"child-name": name, "child-level": level}, follow_redirects=True)
        assert flashes(resp) == [("error", message)], (parent, level)
        assert count(Unit) == before, (parent, level)


def test_duplicate_name_under_same_parent_is_refused_but_allowed_elsewhere(admin, world):
    resp = admin.post(f"/admin/units/{world.grid.id}/children",
                      data={"child-name": "枫林一村", "child-level": "compound"}, follow_redirects=True)
    assert flashes(resp) == [("error", "此处已有同名单元。")]
    assert count(Unit, Unit.name == "枫林一村") == 1
    resp = admin.post(f"/admin/units/{world.other_community.id}/children",
                      data={"child-name": "枫林一村", "child-level": "compound"}, follow_redirects=True)
    assert flashes(resp) == [("success", "已添加“枫林一村”。")]
    assert count(Unit, Unit.name == "枫林一村") == 2


def test_duplicate_top_level_name_is_refused(admin, world):
    """Roots have no parent, and NULLs are distinct in a unique (parent_id, name) constraint."""
    resp = admin.post("/admin/units", data={"child-name": "测试区", "child-level": "district"}, follow_redirects=True)
    assert count(Unit, Unit.name == "测试区") == 1
    assert flashes(resp) == [("error", "此处已有同名单元。")]


def test_rename_changes_name_and_is_audited(admin, world):
    resp = admin.post(f"/admin/units/{world.community.id}/rename", data={"rename-name": " 枫林新社区 "},
                      follow_redirects=True)
    assert flashes(resp) == [("success", "名称已修改。")]
    assert "<h1>枫林新社区" in resp.get_data(as_text=True)
    assert db.session.get(Unit, world.community.id).name == "枫林新社区"
    assert audit_rows("unit.rename")[-1].detail == "枫林社区 → 枫林新社区"


def test_rename_refused(admin, world):
    for name, message in [("", "请填写名称。"), ("   ", "请填写名称。"),
                          ("桂花苑社区", "此处已有同名单元。")]:  # a sibling under the same street
        resp = admin.post(f"/admin/units/{world.community.id}/rename", data={"rename-name": name},
                          follow_redirects=True)
        assert flashes(resp) == [("error", message)], name
        assert db.session.get(Unit, world.community.id).name == "枫林社区", name
    assert audit_rows("unit.rename") == []


# --- households --------------------------------------------------------------------------------

def test_add_household(admin, world):
    resp = admin.post(f"/admin/units/{world.building.id}/households",
                      data={"hh-label": "3单元303室", "hh-floor_area": "66.6"}, follow_redirects=True)
    assert flashes(resp) == [("success", "住户已添加。")]
    household = db.session.scalar(select(Household).where(Household.label == "3单元303室"))
    assert household.building_id == world.building.id and household.floor_area == Decimal("66.60")
    assert "<td>3单元303室</td><td>66.60</td>" in resp.get_data(as_text=True)
    assert audit_rows("household.create")[-1].detail == "3单元303室"


BAD_AREAS = ["-5", "0", "abc", "", "10000", "12.345", "NaN", "sNaN", "Infinity", "1,000", "0.001"]


def test_bad_floor_area_is_refused_and_nothing_is_created(admin, world):
    before = count(Household)
    for area in BAD_AREAS:
        resp = admin.post(f"/admin/units/{world.building.id}/households",
                          data={"hh-label": "9单元909室", "hh-floor_area": area}, follow_redirects=True)
        assert resp.status_code == 200, area
        assert flashes(resp) == [("error", AREA_HINT)], area
        assert count(Household) == before, area


def test_exponent_notation_is_refused(admin, world):
    before = count(Household)
    resp = admin.post(f"/admin/units/{world.building.id}/households",
                      data={"hh-label": "9单元909室", "hh-floor_area": "1e3"}, follow_redirects=True)
    assert flashes(resp) == [("error", AREA_HINT)]
    assert count(Household) == before


def test_household_refused_by_the_service(admin, world):
    before = count(Household)
    for unit, label, message in [(world.building, "1单元101室", "该楼栋已有相同门牌号的住户。"),
                                 (world.grid, "1单元909室", "住户只能添加在楼栋下。")]:
        resp = admin.post(f"/admin/units/{unit.id}/households", data={"hh-label": label, "hh-floor_area": "50"},
                          follow_redirects=True)
        assert flashes(resp) == [("error", message)], label
        assert count(Household) == before, label


# --- grants ------------------------------------------------------------------------------------

def _grant(client, unit, login, role):
    return client.post(f"/admin/units/{unit.id}/grants", data={"grant-login": login, "grant-role": role},
                       follow_redirects=True)


def test_grant_gives_access_and_revoke_takes_it_away(app, admin, world):
    queue = f"/residents/units/{world.community.id}/requests"
    grantee = sign_in(app, world.newcomer)
    assert grantee.get(queue).status_code == 403

    resp = _grant(admin, world.community, world.newcomer.login, "committee")
    assert flashes(resp) == [("success", "李思远 已获得该角色。")]
    grant = db.session.scalar(select(RoleGrant).where(RoleGrant.user_id == world.newcomer.id))
    assert (grant.role, grant.unit_id, grant.granted_by_id) == (Role.committee, world.community.id, world.admin.id)
    assert audit_rows("grant.create")[-1].detail == f"user={world.newcomer.id} role=committee"
    page = grantee.get(queue)
    assert page.status_code == 200
    assert "李思远&lt;script&gt;" in page.get_data(as_text=True)  # their own pending request, in the queue

    grant_id = grant.id
    resp = admin.post(f"/admin/grants/{grant_id}/revoke", follow_redirects=True)
    assert resp.request.path == f"/admin/units/{world.community.id}"
    assert flashes(resp) == [("info", "角色已收回。")]
    assert count(RoleGrant, RoleGrant.user_id == world.newcomer.id) == 0
    assert audit_rows("grant.revoke")[-1].object_id == grant_id
    refused = grantee.get(queue)
    assert refused.status_code == 403 and REFUSED in refused.get_data(as_text=True)


BAD_GRANTS = [
    ("13800000002", "committee", "此人在本单元已拥有该角色。"),  # world.committee already holds it
    ("138 0000 0002", "committee", "此人在本单元已拥有该角色。"),  # the same login, spelt differently
    ("13899999999", "committee", "该手机号或邮箱尚未注册。"),
    ("nobody@example.com", "committee", "该手机号或邮箱尚未注册。"),
    ("", "committee", "请填写对方的手机号或邮箱。"),
    ("13800000009", "mayor", "请选择角色。"),
]


def test_grant_refused(admin, world):
    before = count(RoleGrant)
    for login, role, message in BAD_GRANTS:
        resp = _grant(admin, world.community, login, role)
        assert flashes(resp) == [("error", message)], (login, role)
        assert count(RoleGrant) == before, (login, role)


def test_admin_cannot_revoke_own_portal_wide_grant(admin, world):
    [own] = world.admin.grants
    resp = admin.post(f"/admin/grants/{own.id}/revoke", follow_redirects=True)
    assert resp.request.path == "/admin/"
    assert flashes(resp) == [("error", "不能收回自己的管理员角色。")]
    assert db.session.get(RoleGrant, own.id) is not None
    assert admin.get("/admin/").status_code == 200


# --- audit log ---------------------------------------------------------------------------------

def test_audit_lists_newest_first(admin, world):
    for name in ("甲小区", "乙小区"):
        admin.post(f"/admin/units/{world.grid.id}/children", data={"child-name": name, "child-level": "compound"})
    html = admin.get("/admin/audit").get_data(as_text=True)
    actions = re.findall(r"<td><code>([\w.]+)</code></td>", html)
    details = re.findall(r"<td>(compound [^<]+)</td>", html)
    assert actions[:2] == ["unit.create", "unit.create"] and details == ["compound 乙小区", "compound 甲小区"]
    assert html.index("compound 乙小区") < html.index("<code>user.register</code>")  # the world's oldest rows


def test_committee_sees_only_its_own_community_in_the_audit(app, admin, world):
    admin.post(f"/admin/units/{world.grid.id}/rename", data={"rename-name": "第一网格A"})
    admin.post(f"/admin/units/{world.other_building.id}/rename", data={"rename-name": "2幢B"})
    for user, mine, theirs in [(world.committee, "第一网格 → 第一网格A", "2幢 → 2幢B"),
                               (world.other_committee, "2幢 → 2幢B", "第一网格 → 第一网格A")]:
        resp = sign_in(app, user).get("/admin/audit")
        html = resp.get_data(as_text=True)
        assert resp.status_code == 200
        assert mine in html and theirs not in html
        assert "<code>user.register</code>" not in html  # portal-level entries are the admin's


# --- an admin for one community ----------------------------------------------------------------

@pytest.fixture
def scoped_admin(app, world):
    """world.newcomer as admin of 桂花苑社区 only, signed in in a browser of their own."""
    grant_role(actor=None, user=world.newcomer, role=Role.admin, unit=world.other_community)
    db.session.commit()
    return sign_in(app, world.newcomer)


def test_unit_scoped_admin_manages_inside_their_community(scoped_admin, world):
    index = scoped_admin.get("/admin/").get_data(as_text=True)
    assert f'href="/admin/units/{world.other_community.id}"' in index
    assert f'href="/admin/units/{world.community.id}"' not in index
    assert "添加顶级单元" not in index
    assert scoped_admin.get(f"/admin/units/{world.other_building.id}").status_code == 200
    resp = scoped_admin.post(f"/admin/units/{world.other_community.id}/children",
                             data={"child-name": "桂花二村", "child-level": "compound"}, follow_redirects=True)
    assert flashes(resp) == [("success", "已添加“桂花二村”。")]
    assert db.session.scalar(select(Unit).where(Unit.name == "桂花二村")).parent_id == world.other_community.id
    resp = _grant(scoped_admin, world.other_community, world.other_resident.login, "representative")
    assert flashes(resp) == [("success", "孙桂兰 已获得该角色。")]


ELSEWHERE = [  # (method, url, form) that an admin of 桂花苑社区 may not do
    ("GET", "/admin/units/{community}", None),
    ("GET", "/admin/units/{street}", None),  # the unit above their own
    ("POST", "/admin/units/{community}/children", {"child-name": "越权网格", "child-level": "grid"}),
    ("POST", "/admin/units/{community}/rename", {"rename-name": "越权社区"}),
    ("POST", "/admin/units/{building}/households", {"hh-label": "越权101室", "hh-floor_area": "50"}),
    ("POST", "/admin/units/{community}/grants", {"grant-login": "13800000010", "grant-role": "committee"}),
    ("POST", "/admin/grants/{committee_grant}/revoke", {}),
    ("POST", "/admin/units", {"child-name": "越权区", "child-level": "district"}),
]


def test_unit_scoped_admin_gets_403_in_the_other_community(scoped_admin, world):
    before = count(Unit), count(RoleGrant), count(Household)
    ids = dict(community=world.community.id, street=world.street.id, building=world.building.id,
               committee_grant=world.committee.grants[0].id)
    for method, url, data in ELSEWHERE:
        resp = scoped_admin.open(url.format(**ids), method=method, data=data)
        assert resp.status_code == 403 and REFUSED in resp.get_data(as_text=True), url
        assert (count(Unit), count(RoleGrant), count(Household)) == before, url
    assert db.session.get(Unit, world.community.id).name == "枫林社区"
