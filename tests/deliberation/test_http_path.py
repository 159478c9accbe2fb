"""The whole procedure through HTTP, as the committee, the party organisation and residents do
it in the browser: a suggestion becomes a matter, is proposed, consulted, voted on and
disclosed, and every step shows on the matter's timeline."""
import re
from datetime import timedelta

from sqlalchemy import select

from portal.clock import local_date
from portal.domain.decisions import Outcome
from portal.extensions import db
from portal.models import Assembly, Ballot, Matter, Suggestion
from portal.services import matters as matter_service
from tests.factories import PASSWORD, make_household, make_resident, make_user

HX = {"HX-Request": "true"}


def _local(dt):
    from portal.blueprints.deliberation.forms import as_local
    return as_local(dt).strftime("%Y-%m-%dT%H:%M")


def _browser(app, user):
    """A client of its own for each person, signed in once (as each has their own phone)."""
    client = app.test_client()
    assert client.post("/auth/login", data={"login": user.login, "password": PASSWORD}).status_code == 302
    return client


def test_from_suggestion_to_disclosed_resolution(app, world):
    from portal.models.base import utcnow

    now = utcnow()
    # A third voter, so that the quorum is a real question: 3 electors, 2 must attend.
    neighbour = make_resident(make_user("赵大妈"), make_household(world.building, "1单元501室"), world.committee,
                              real_name="赵桂英")
    db.session.commit()
    committee, resident, party, rep, zhao = (_browser(app, user) for user in (
        world.committee, world.resident, world.party_org, world.representative, neighbour))

    # 征: the committee opens a window.
    resp = committee.post(f"/units/{world.community.id}/solicitations", data={
        "title": "冬季金点子征集", "description": "请大家提建议",
        "opens_at": _local(now - timedelta(hours=1)), "closes_at": _local(now + timedelta(days=14))})
    assert resp.status_code == 302
    window_url = resp.headers["Location"]

    # A resident suggests; a neighbour seconds it in place (htmx) and sees the count.
    resp = resident.post(window_url + "/suggestions", data={"title": "小区加装充电桩", "body": "电动车在楼道充电危险"})
    assert resp.status_code == 302
    suggestion = db.session.scalar(select(Suggestion))
    resp = zhao.post(f"/suggestions/{suggestion.id}/second", headers=HX)
    body = resp.get_data(as_text=True)
    assert resp.status_code == 200 and f'id="suggestion-{suggestion.id}"' in body and "1 个附议" in body
    assert "<html" not in body, "htmx gets the row, not the page"

    # The committee takes it up into a new matter.
    resp = committee.post(f"/suggestions/{suggestion.id}/accept",
                       data={"matter": "0", "title": "加装电动车充电桩", "procedure": "yizheng_sanyi"})
    matter = db.session.scalar(select(Matter))
    assert resp.headers["Location"].endswith(f"/matters/{matter.id}")
    page = committee.get(f"/matters/{matter.id}").get_data(as_text=True)
    assert "加装电动车充电桩" in page and 'aria-current="step"' in page
    committee.post(f"/matters/{matter.id}/advance")
    db.session.refresh(matter)
    assert matter.stage == "propose"
    # The committee may not write the party organisation's proposal.
    assert committee.post(f"/matters/{matter.id}/proposal", data={"body": "<p>x</p>"}).status_code == 403

    # 提议: the party organisation proposes, answering the suggestion, and moves on.
    resp = party.post(f"/matters/{matter.id}/proposal", data={
        "body": "<p>在3号楼东侧建设充电棚<script>alert(1)</script></p>", "answers": [str(suggestion.id)]})
    assert resp.status_code == 302
    party.post(f"/matters/{matter.id}/advance")
    db.session.refresh(matter)
    assert matter.stage == "consult"

    # 商议: the joint meeting forwards it.
    resp = committee.post(f"/matters/{matter.id}/meeting", data={
        "held_on": local_date().isoformat(), "place": "党群服务中心", "attendees": "两委成员、居民代表",
        "minutes": "<p>一致同意提交居民会议表决</p>", "opinions": "", "outcome": "forward"})
    assert resp.status_code == 302
    db.session.refresh(matter)
    assert matter.stage == "resolve"

    # 决议: convene a residents' meeting, look at the electorate, open voting.
    resp = committee.post(f"/matters/{matter.id}/assemblies", data={
        "kind": "residents_meeting", "electorate": "adult_residents", "motion": "是否同意建设充电棚",
        "place": "活动室", "starts_at": _local(now), "closes_at": _local(now + timedelta(days=2))})
    assembly = db.session.scalar(select(Assembly))
    assert resp.headers["Location"].endswith(f"/assemblies/{assembly.id}")
    preview = committee.get(f"/assemblies/{assembly.id}/electorate").get_data(as_text=True)
    assert "赵桂英" in preview and "未冻结" in preview
    committee.post(f"/assemblies/{assembly.id}/open")
    db.session.refresh(assembly)
    assert assembly.status.value == "voting"

    # Residents vote in place; one changes her mind; the third stays home.
    resp = resident.post(f"/assemblies/{assembly.id}/ballot", data={"choice": "against"}, headers=HX)
    assert resp.status_code == 200 and 'id="ballot-box-inner"' in resp.get_data(as_text=True)
    resp = resident.post(f"/assemblies/{assembly.id}/ballot", data={"choice": "for"}, headers=HX)
    assert "您投了：赞成" in resp.get_data(as_text=True)
    rep.post(f"/assemblies/{assembly.id}/ballot", data={"choice": "abstain"})
    assert db.session.query(Ballot).count() == 2

    # The committee closes the vote: 2 of 3 attend (valid), 1 of 2 for is exactly half: not passed.
    committee.post(f"/assemblies/{assembly.id}/close")
    db.session.refresh(assembly)
    assert (assembly.electorate_count, assembly.attending, assembly.votes_for, assembly.votes_abstain) == (3, 2, 1, 1)
    assert assembly.outcome == Outcome.rejected
    page = committee.get(f"/assemblies/{assembly.id}").get_data(as_text=True)
    assert "未通过" in page and "过半数" in page
    # A closed vote refuses ballots with a clear message and changes nothing.
    resp = zhao.post(f"/assemblies/{assembly.id}/ballot", data={"choice": "for"}, follow_redirects=True)
    assert "投票已结束" in resp.get_data(as_text=True)
    assert db.session.query(Ballot).count() == 2

    # 决议公开 and 实施结果公开: the rejected resolution is still disclosed, then the matter ends.
    resp = committee.post(f"/matters/{matter.id}/advance", follow_redirects=True)
    db.session.refresh(matter)
    assert matter.stage == "disclose_resolution", resp.get_data(as_text=True)
    resp = committee.post(f"/matters/{matter.id}/publications", data={
        "kind": "resolution", "title": "关于充电棚建设的决议公示", "body": "<p>未获通过</p>", "notice_days": "7"})
    assert resp.status_code == 302
    resp = committee.post(f"/matters/{matter.id}/advance", follow_redirects=True)
    assert "公示期" in resp.get_data(as_text=True), "the notice period must run out first"
    db.session.refresh(matter)
    assert matter.stage == "disclose_resolution"
    # Eight days later the notice period is over (the service takes the day as an argument).
    matter_service.advance(matter, actor=world.committee, today=local_date() + timedelta(days=8))
    db.session.commit()
    resp = committee.post(f"/matters/{matter.id}/publications", data={
        "kind": "final", "title": "实施结果", "body": "<p>决议未通过，项目不实施</p>"})
    committee.post(f"/matters/{matter.id}/advance")
    db.session.refresh(matter)
    assert matter.stage == "concluded"

    # The dossier stays readable by anyone, with every step.
    page = committee.get(f"/matters/{matter.id}").get_data(as_text=True)
    for text in ("小区加装充电桩", "在3号楼东侧建设充电棚", "一致同意提交居民会议表决", "未通过", "关于充电棚建设的决议公示",
                 "实施结果", "已结束"):
        assert text in page, text
    assert "<script>alert(1)</script>" not in page
    assert len(re.findall(r'class="timeline-step timeline-done"', page)) == 7  # six stages and the end
    # Nobody may act on a concluded matter.
    assert committee.post(f"/matters/{matter.id}/advance").status_code == 403


def test_matters_list_filters_by_stage_and_year_with_htmx(client, world):
    from tests.factories import make_matter

    make_matter(world, "propose")
    make_matter(world, "consult")
    resp = client.get(f"/units/{world.community.id}/matters?stage=consult", headers=HX)
    body = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "<html" not in body
    assert body.count('class="row"') == 1 and "两委联席会议商议" in body
    resp = client.get(f"/units/{world.community.id}/matters?year=1999")
    assert "还没有议题" in resp.get_data(as_text=True)
    resp = client.get(f"/units/{world.community.id}/matters?stage=nonsense&page=abc")
    assert resp.status_code == 200 and resp.get_data(as_text=True).count('class="row"') >= 2
