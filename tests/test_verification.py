"""The newcomer's path: register → ask to join a household → the committee approves or declines."""
from datetime import date

import pytest
from sqlalchemy import func, select

from portal.domain.residents import Relation, VerificationStatus
from portal.extensions import db
from portal.models import AuditEntry, Resident, VerificationRequest
from portal.services import PermissionDenied, ServiceError
from portal.services.residents import approve, decline, request_verification, withdraw
from tests.factories import TODAY, make_user


def _join_form(world, **overrides):
    data = {"community": world.community.id, "building": world.building.id, "household": world.households[3].id,
            "real_name": "刘德福", "relation": "owner", "birth_date": "1958-03-14", "note": ""}
    data.update(overrides)
    return data


def test_join_page_cascades_community_building_household(client, auth, world):
    user = make_user("新居民")
    db.session.commit()
    auth.login(user)
    page = client.get("/residents/join").get_data(as_text=True)
    assert "枫林社区" in page and "1单元101室" not in page, "door numbers wait for a building"
    page = client.get(f"/residents/join?community={world.community.id}&building={world.building.id}")
    assert "1单元401室" in page.get_data(as_text=True)
    partial = client.get(f"/residents/join?community={world.community.id}", headers={"HX-Request": "true"})
    body = partial.get_data(as_text=True)
    assert "<html" not in body and "枫林一村 1幢" in body, "htmx gets just the picker"
    assert "HX-Request" in partial.headers["Vary"]


def test_newcomer_request_then_committee_approves(client, auth, world):
    user = make_user("刘德福", login="13912345678")
    db.session.commit()
    auth.login(user)
    resp = client.post("/residents/join", data=_join_form(world))
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/auth/account")
    account = client.get("/auth/account").get_data(as_text=True)
    assert "正在等待居委会审核" in account
    req = db.session.scalar(select(VerificationRequest).where(VerificationRequest.user_id == user.id))
    assert req.status == VerificationStatus.pending and req.relation == Relation.owner
    assert user.resident is None, "waiting is not yet being a resident"
    auth.logout()

    auth.login(world.committee)
    queue = client.get(f"/residents/units/{world.community.id}/requests").get_data(as_text=True)
    assert "刘德福" in queue and "68岁" in queue
    resp = client.post(f"/residents/requests/{req.id}/approve", headers={"HX-Request": "true"})
    row = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "<html" not in row and "已通过" in row, "the row is swapped in place"
    resident = db.session.scalar(select(Resident).where(Resident.user_id == user.id))
    assert resident.household_id == world.households[3].id and resident.verified_by_id == world.committee.id
    assert db.session.scalar(select(AuditEntry.action).where(AuditEntry.object_id == req.id,
                                                             AuditEntry.action == "verification.approve"))
    auth.logout()
    auth.login(user)
    assert "已认证居民" in client.get("/auth/account").get_data(as_text=True)


def test_decline_needs_a_reason_and_the_applicant_sees_it(client, auth, world):
    auth.login(world.committee)
    resp = client.post(f"/residents/requests/{world.pending.id}/decline", data={"reason": "  "})
    assert resp.status_code == 302
    db.session.refresh(world.pending)
    assert world.pending.status == VerificationStatus.pending, "no reason, no decision"
    client.post(f"/residents/requests/{world.pending.id}/decline", data={"reason": "该户登记的租户不是您，请带租房合同到居委会。"})
    db.session.refresh(world.pending)
    assert world.pending.status == VerificationStatus.declined
    auth.logout()
    auth.login(world.newcomer)
    account = client.get("/auth/account").get_data(as_text=True)
    assert "请带租房合同到居委会" in account and "未通过" in account


def test_second_pending_request_is_refused(client, auth, world):
    auth.login(world.newcomer)
    resp = client.post("/residents/join", data=_join_form(world))
    assert resp.status_code == 422
    assert "您已有一份申请在等待居委会审核" in resp.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(VerificationRequest)
                             .where(VerificationRequest.user_id == world.newcomer.id)) == 1


@pytest.mark.parametrize("overrides,message", [
    ({"birth_date": "2015-06-01"}, "只有年满18周岁的居民才能申请认证"),
    ({"birth_date": "2999-01-01"}, "出生日期不能晚于今天"),
    ({"birth_date": "not-a-date"}, "请填写日期"),
    ({"real_name": ""}, "该字段是必填字段"),
    ({"real_name": "名" * 41}, "字段长度不能超过 40 个字符"),
    ({"relation": "landlord"}, "不是有效的选择"),
    ({"household": "999999"}, "不是有效的选择"),
    ({"household": "0"}, "请选择门牌号"),
])
def test_bad_join_input_gets_a_message_and_changes_nothing(client, auth, world, overrides, message):
    user = make_user("新居民")
    db.session.commit()
    auth.login(user)
    resp = client.post("/residents/join", data=_join_form(world, **overrides))
    assert resp.status_code == 422
    assert message in resp.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(VerificationRequest)
                             .where(VerificationRequest.user_id == user.id)) == 0


@pytest.mark.parametrize("birth_date,today,adult", [
    (date(2008, 11, 22), date(2026, 11, 22), True),    # the 18th birthday itself
    (date(2008, 11, 23), date(2026, 11, 22), False),   # one day short
    (date(2008, 2, 29), date(2026, 2, 28), False),     # leap-day baby, common year: not yet
    (date(2008, 2, 29), date(2026, 3, 1), True),       # ... adult on 1 March
])
def test_adulthood_boundary_in_the_service(world, birth_date, today, adult):
    user = make_user("边界")
    kwargs = dict(household=world.households[3], real_name="边界", relation=Relation.family,
                  birth_date=birth_date, today=today)
    if adult:
        assert request_verification(user, **kwargs).status == VerificationStatus.pending
    else:
        with pytest.raises(ServiceError, match="年满18周岁"):
            request_verification(user, **kwargs)


def test_only_the_committee_of_that_community_decides(world):
    with pytest.raises(PermissionDenied):
        approve(world.pending, actor=world.other_committee)
    with pytest.raises(PermissionDenied):
        approve(world.pending, actor=world.grid_worker)  # grid workers act for residents, not verify them
    with pytest.raises(PermissionDenied):
        decline(world.pending, actor=world.admin, reason="x")
    with pytest.raises(PermissionDenied):
        withdraw(world.pending, actor=world.committee)


def test_a_request_is_decided_once(world):
    approve(world.pending, actor=world.committee)
    with pytest.raises(ServiceError, match="已经处理过了"):
        decline(world.pending, actor=world.committee, reason="迟到的决定")
    with pytest.raises(ServiceError):
        approve(world.pending, actor=world.committee)


def test_stale_second_approval_is_refused_by_the_database(app, world):
    """Two committee members click at once: the second sees the row already decided."""
    from sqlalchemy.orm import Session

    with Session(db.engine) as other:
        other.execute(VerificationRequest.__table__.update()
                      .where(VerificationRequest.id == world.pending.id)
                      .values(status="declined", reason="另一位委员已处理"))
        other.commit()
    with pytest.raises(ServiceError):
        approve(world.pending, actor=world.committee)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Resident)
                             .where(Resident.user_id == world.newcomer.id)) == 0


def test_withdraw_by_the_applicant(client, auth, world):
    auth.login(world.newcomer)
    client.post(f"/residents/requests/{world.pending.id}/withdraw")
    db.session.refresh(world.pending)
    assert world.pending.status == VerificationStatus.withdrawn
    assert client.get("/residents/join").status_code == 200, "and may ask again"


def test_approving_a_move_updates_the_household(world):
    """A verified resident who moves asks again; approval moves them, still one Resident row."""
    req = request_verification(world.resident, household=world.households[3], real_name="王秀英",
                               relation=Relation.owner, birth_date=date(1958, 3, 14), today=TODAY)
    approve(req, actor=world.committee)
    rows = db.session.scalars(select(Resident).where(Resident.user_id == world.resident.id)).all()
    assert [r.household_id for r in rows] == [world.households[3].id]


def test_queue_uses_a_fixed_number_of_queries(client, auth, world, count_queries):
    """The committee's list costs the same number of SQL statements for 1 or 15 requests."""
    auth.login(world.committee)
    url = f"/residents/units/{world.community.id}/requests"
    with count_queries() as few:
        assert client.get(url).status_code == 200
    for n in range(14):
        request_verification(make_user(f"申请人{n}"), household=world.households[n % 4], real_name=f"申请人{n}",
                             relation=Relation.tenant, birth_date=date(1990, 1, 1), today=TODAY)
    db.session.commit()
    with count_queries() as many:
        page = client.get(url).get_data(as_text=True)
    assert "申请人13" in page
    assert len(many) == len(few)


def test_plain_form_decision_returns_to_the_queue_it_came_from(client, auth, world):
    """Without JavaScript the approve button posts and comes back to the community's queue."""
    auth.login(world.committee)
    queue = client.get(f"/residents/units/{world.community.id}/requests").get_data(as_text=True)
    assert f'name="unit_id" value="{world.community.id}"' in queue
    resp = client.post(f"/residents/requests/{world.pending.id}/approve", data={"unit_id": world.community.id})
    assert resp.status_code == 302
    assert resp.headers["Location"].endswith(f"/residents/units/{world.community.id}/requests")
