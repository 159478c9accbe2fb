"""Deliberation pages beyond the happy path: bad input changes nothing and says why, pages
work without JavaScript, list pages use a bounded number of queries, the clock command closes
votes, and the community home page shows what is under way."""
from datetime import timedelta

from sqlalchemy import func, select

from portal.domain.decisions import Outcome
from portal.extensions import db
from portal.models import (
    Assembly,
    Ballot,
    Matter,
    SecretBallot,
    Solicitation,
    Suggestion,
)
from portal.models.base import utcnow
from tests.factories import make_matter, make_suggestion, open_window

HX = {"HX-Request": "true"}


def _count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_bad_suggestion_is_refused_with_a_message_and_nothing_saved(client, auth, world):
    window = open_window(world)
    db.session.commit()
    auth.login(world.resident)
    resp = client.post(f"/solicitations/{window.id}/suggestions", data={"title": "长" * 121, "body": ""})
    body = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert "字段长度不能超过 120 个字符" in body and "该字段是必填字段" in body
    assert _count(Suggestion) == 0


def test_bad_solicitation_dates_are_refused(client, auth, world):
    auth.login(world.committee)
    resp = client.post(f"/units/{world.community.id}/solicitations",
                       data={"title": "征集", "opens_at": "2026-12-10T08:00", "closes_at": "2026-12-01T08:00"})
    assert resp.status_code == 422 and "截止时间必须晚于开始时间" in resp.get_data(as_text=True)
    resp = client.post(f"/units/{world.community.id}/solicitations",
                       data={"title": "征集", "opens_at": "明天", "closes_at": ""})
    assert resp.status_code == 422 and "请输入日期和时间" in resp.get_data(as_text=True)
    assert _count(Solicitation) == 0


def test_bad_ballot_and_convene_input_change_nothing(client, auth, world):
    matter = make_matter(world, "resolve", voting="voting")
    assembly = db.session.scalar(select(Assembly))
    auth.login(world.resident)
    resp = client.post(f"/assemblies/{assembly.id}/ballot", data={"choice": "maybe"}, headers=HX)
    assert resp.status_code == 422 and "不是有效的选择" in resp.get_data(as_text=True)
    assert _count(Ballot) == 0
    auth.logout()
    auth.login(world.committee)
    resp = client.post(f"/matters/{matter.id}/assemblies", data={
        "kind": "owners_vote", "electorate": "owners", "motion": "x", "starts_at": "2026-12-01T19:00"},
        follow_redirects=True)
    assert "不是有效的选择" in resp.get_data(as_text=True)
    assert _count(Assembly) == 1, "the open assembly only"


def test_meeting_form_errors_rerender_the_page_with_the_form(client, auth, world):
    matter = make_matter(world, "consult")
    auth.login(world.committee)
    resp = client.post(f"/matters/{matter.id}/meeting", data={
        "held_on": "2099-01-01", "place": "会议室", "attendees": "两委", "minutes": "<p><br></p>", "outcome": "forward"})
    assert resp.status_code == 422
    body = resp.get_data(as_text=True)
    assert "请填写会议纪要" in body or "日期不能晚于今天" in body
    db.session.refresh(matter)
    assert matter.stage == "consult"


def test_second_without_javascript_comes_back_to_the_suggestion(client, auth, world):
    idea = make_suggestion(world, open_window(world))
    db.session.commit()
    auth.login(world.representative)
    resp = client.post(f"/suggestions/{idea.id}/second")
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"#suggestion-{idea.id}")
    page = client.get(f"/solicitations/{idea.solicitation_id}").get_data(as_text=True)
    assert "已附议" in page and "1 个附议" in page


def test_secret_vote_without_javascript_shows_the_receipt_once(client, auth, world):
    make_matter(world, "resolve", secret=True, voting="voting")
    assembly = db.session.scalar(select(Assembly))
    auth.login(world.resident)
    resp = client.post(f"/assemblies/{assembly.id}/ballot", data={"choice": "for"})
    body = resp.get_data(as_text=True)
    receipt = db.session.scalar(select(SecretBallot.receipt))
    assert resp.status_code == 200 and receipt in body and "<html" in body
    again = client.get(f"/assemblies/{assembly.id}").get_data(as_text=True)
    assert receipt not in again, "the receipt is not shown again before the vote closes"
    # A second fresh ballot is refused; the receipt changes the vote.
    resp = client.post(f"/assemblies/{assembly.id}/ballot", data={"choice": "against"}, follow_redirects=True)
    assert "请输入您拿到的回执" in resp.get_data(as_text=True)
    client.post(f"/assemblies/{assembly.id}/ballot", data={"choice": "against", "receipt": receipt.lower()})
    assert db.session.scalar(select(SecretBallot.choice)).value == "against"
    assert _count(SecretBallot) == 1


def test_matters_list_and_electorate_use_bounded_queries(client, auth, world, count_queries):
    make_matter(world, "propose")
    url = f"/units/{world.community.id}/matters"
    client.get(url)
    with count_queries() as one:
        client.get(url)
    for _ in range(6):
        make_matter(world, "solicit")
    with count_queries() as seven:
        client.get(url)
    assert len(seven) == len(one)

    make_matter(world, "resolve", voting="voting")
    assembly = db.session.scalar(select(Assembly))
    auth.login(world.committee)
    client.get(f"/assemblies/{assembly.id}/electorate")
    with count_queries() as queries:
        resp = client.get(f"/assemblies/{assembly.id}/electorate")
    assert resp.status_code == 200 and len(queries) <= 14


def test_close_due_command_freezes_votes_past_their_time(runner, world):
    make_matter(world, "resolve", voting="voting")
    assembly = db.session.scalar(select(Assembly))
    result = runner.invoke(args=["deliberation", "close-due"])
    assert result.exit_code == 0 and "closed 0 vote(s)" in result.output
    assembly.closes_at = utcnow() - timedelta(seconds=1)  # the clock has moved on
    db.session.commit()
    result = runner.invoke(args=["deliberation", "close-due"])
    assert "closed 1 vote(s)" in result.output
    db.session.expire_all()
    assembly = db.session.scalar(select(Assembly))
    assert assembly.status.value == "closed" and assembly.closed_by_id is None
    assert assembly.outcome == Outcome.void  # nobody attended


def test_reading_a_vote_past_its_time_closes_it(client, world):
    make_matter(world, "resolve", voting="voting")
    assembly = db.session.scalar(select(Assembly))
    assembly.closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    page = client.get(f"/assemblies/{assembly.id}").get_data(as_text=True)
    assert "未形成有效决议" in page
    db.session.refresh(assembly)
    assert assembly.status.value == "closed"


def test_community_home_shows_matters_under_way(client, world):
    matter = make_matter(world, "propose")
    page = client.get(f"/c/{world.community.id}").get_data(as_text=True)
    assert "正在协商的议题" in page and f"/matters/{matter.id}" in page
    assert db.session.get(Matter, matter.id) is not None


def test_committee_calls_off_a_convened_assembly_and_convenes_again(client, auth, world):
    matter = make_matter(world, "resolve", voting="convened")
    assembly = db.session.scalar(select(Assembly))
    auth.login(world.committee)
    resp = client.post(f"/assemblies/{assembly.id}/cancel", data={"reason": ""}, follow_redirects=True)
    assert "该字段是必填字段" in resp.get_data(as_text=True)
    client.post(f"/assemblies/{assembly.id}/cancel", data={"reason": "会议室被占用"})
    db.session.refresh(assembly)
    assert assembly.status.value == "cancelled"
    page = client.get(f"/matters/{matter.id}").get_data(as_text=True)
    assert "会议室被占用" in page and "召集会议" in page, "the reason is on the record and a new one can be convened"
    # A vote that has opened cannot be called off: it must be closed.
    voting = make_matter(world, "resolve", voting="voting")
    opened = db.session.scalar(select(Assembly).where(Assembly.matter_id == voting.id))
    resp = client.post(f"/assemblies/{opened.id}/cancel", data={"reason": "x"}, follow_redirects=True)
    assert "投票已经开始" in resp.get_data(as_text=True)
    db.session.refresh(opened)
    assert opened.status.value == "voting"
    # Nor can its matter be sent back while the vote is open.
    resp = client.post(f"/matters/{voting.id}/send-back", data={"reason": "重议"}, follow_redirects=True)
    assert "请先结束投票" in resp.get_data(as_text=True)
