"""The demo street: realistic, complete enough to show every role, and loaded only once."""
import re

from sqlalchemy import func, select

from portal.domain.decisions import Outcome
from portal.domain.deliberation import AssemblyStatus, SuggestionStatus
from portal.domain.disclosure import BoardKind
from portal.domain.permissions import Role
from portal.domain.procedures import StageKey
from portal.domain.residents import VerificationStatus
from portal.domain.units import UnitLevel
from portal.domain.wishes import PartnerStatus, WishStatus
from portal.extensions import db
from portal.models import (
    Assembly,
    AuditEntry,
    Ballot,
    Board,
    BoardEntry,
    CareAccess,
    EntryRevision,
    Household,
    HouseholdCareTag,
    Matter,
    Objection,
    Offer,
    Partner,
    Rating,
    Resident,
    RevisionAttachment,
    RoleGrant,
    SecretBallot,
    Suggestion,
    Unit,
    User,
    VerificationRequest,
    Wish,
    WishEvent,
)
from portal.services import assemblies, disclosure, wishes


def _counts():
    return {model.__name__: db.session.scalar(select(func.count()).select_from(model))
            for model in (Unit, Household, User, Resident, RoleGrant, VerificationRequest, AuditEntry, Matter,
                          Assembly, Ballot, SecretBallot, Suggestion, Board, BoardEntry, EntryRevision,
                          RevisionAttachment, Objection, Rating, Partner, Offer, Wish, WishEvent,
                          HouseholdCareTag, CareAccess)}


def test_seed_demo_loads_a_street_once(runner):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0 and "Demo data loaded." in result.output
    first = _counts()

    levels = dict(db.session.execute(select(Unit.level, func.count()).group_by(Unit.level)).all())
    assert levels[UnitLevel.community] == 2
    assert levels[UnitLevel.grid] >= 4 and levels[UnitLevel.compound] >= 4
    assert 190 <= first["Household"] <= 230, "about 200 households"
    assert first["Resident"] > 150
    roles = set(db.session.scalars(select(RoleGrant.role)))
    assert roles == set(Role), "someone in every role"
    assert db.session.scalar(select(func.count()).select_from(VerificationRequest)
                             .where(VerificationRequest.status == VerificationStatus.pending)) >= 3
    names = db.session.scalars(select(Resident.real_name)).all()
    assert all(re.fullmatch(r"[\u4e00-\u9fff]{2,4}", n) for n in names), "Chinese names"
    assert db.session.scalar(select(Unit).where(Unit.name == "电机厂宿舍")) is not None
    _deliberation_at_every_stage()
    _disclosure_on_every_board(runner)
    _wishes_in_every_state()

    again = runner.invoke(args=["seed-demo"])
    assert again.exit_code == 0 and "nothing changed" in again.output
    assert _counts() == first

    expired = runner.invoke(args=["wishes", "expire"])
    assert expired.exit_code == 0 and "1 claim(s) lapsed" in expired.output, "one claim left past its deadline"


def _deliberation_at_every_stage():
    stages = set(db.session.scalars(select(Matter.stage)))
    assert stages >= {*(s.value for s in StageKey), "concluded"}, "a matter at every stage"
    statuses = set(db.session.scalars(select(Suggestion.status)))
    assert statuses == set(SuggestionStatus), "suggestions waiting, taken up, declined and withdrawn"

    voting = db.session.scalars(select(Assembly).where(Assembly.status == AssemblyStatus.voting)).all()
    closed = db.session.scalars(select(Assembly).where(Assembly.status == AssemblyStatus.closed)).all()
    assert voting, "an open vote"
    assert {Outcome.passed, Outcome.void} <= {a.outcome for a in closed}
    assert any(a.secret for a in closed), "a secret ballot with its public receipts"
    assert all(a.votes_for + a.votes_against + a.votes_abstain <= a.attending <= a.electorate_count
               for a in closed)

    resident = db.session.scalar(select(User).where(User.login == "13800000008"))
    seats = [(a, assemblies.seat_of(a, resident)) for a in voting]
    assert any(seat is not None and not assemblies.has_voted(a, seat) for a, seat in seats), \
        "the demo resident 王秀英 can cast a vote"


def _disclosure_on_every_board(runner):
    boards = db.session.scalars(select(Board)).all()
    assert boards and all(disclosure.verify_board(b) is None for b in boards), "every chain holds"
    verified = runner.invoke(args=["disclosure", "verify"])
    assert verified.exit_code == 0 and " 0 broken" in verified.output, verified.output

    fenglin = db.session.scalar(select(Unit).where(Unit.name == "枫林社区"))
    kinds = set(db.session.scalars(select(Board.kind).join(BoardEntry, BoardEntry.board_id == Board.id)
                                   .where(Board.unit_id == fenglin.id)))
    assert kinds == set(BoardKind), "枫林社区 has entries on all four boards"

    corrected = db.session.scalars(select(EntryRevision).where(EntryRevision.number == 2,
                                                               EntryRevision.reason != "")).all()
    assert corrected, "a correction with its reason"
    first = db.session.scalar(select(EntryRevision).where(EntryRevision.entry_id == corrected[0].entry_id,
                                                          EntryRevision.number == 1))
    assert [a.name for a in first.attachments] == [a.name for a in corrected[0].attachments] == ["收支凭证汇总.png"]
    assert first.attachments[0].content_type == "image/png"
    assert db.session.scalar(select(func.count()).select_from(BoardEntry).where(BoardEntry.matter_id.is_not(None)))

    answered = db.session.scalar(select(func.count()).select_from(Objection).where(Objection.answered_at.is_not(None)))
    waiting = db.session.scalar(select(func.count()).select_from(Objection).where(Objection.answered_at.is_(None)))
    assert answered >= 1 and waiting >= 1
    scores = db.session.execute(select(Rating.matter_id, Rating.score)).all()
    assert len({m for m, _ in scores}) >= 2 and all(3 <= s <= 5 for _, s in scores)


def _wishes_in_every_state():
    partners = db.session.scalars(select(Partner)).all()
    statuses = sorted(p.status for p in partners)
    assert statuses.count(PartnerStatus.verified) == 3 and statuses.count(PartnerStatus.pending) == 1
    verified = [p for p in partners if p.status == PartnerStatus.verified]
    assert {p.name for p in verified} == {"华联超市望江店", "老街坊理发店", "市第三人民医院志愿服务队"}
    assert all(db.session.scalar(select(func.count()).select_from(Offer).where(Offer.partner_id == p.id)) >= 2
               for p in verified), "a couple of offers each"
    assert any(wishes.partner_record(p)["lapse"] >= 1 for p in verified), "a partner record with a lapse"

    all_wishes = db.session.scalars(select(Wish)).all()
    assert len(all_wishes) >= 30 and {w.status for w in all_wishes} == set(WishStatus), "a wish in every state"
    assert {w.unit.name for w in all_wishes} == {"枫林社区", "桂花苑社区"}
    assert any(w.on_behalf for w in all_wishes), "a grid worker posted for a resident (代办)"
    assert all(0 < w.value <= 500 for w in all_wishes)
    assert any(w.thanks for w in all_wishes if w.status == WishStatus.confirmed), "thanks on the wall"
    assert any(w.reason for w in all_wishes if w.status == WishStatus.declined)
    problems = set(db.session.scalars(select(WishEvent.wish_id).where(WishEvent.move == "report_problem")))
    assert any(w.id in problems for w in all_wishes if w.status == WishStatus.confirmed), "a problem put right"
    resident = db.session.scalar(select(User).where(User.login == "13800000008"))
    assert [w.status for w in all_wishes if w.beneficiary.user_id == resident.id] == [WishStatus.open]

    tagged = set(db.session.scalars(select(HouseholdCareTag.household_id)))
    assert len(tagged) >= 8, "care tags on several households"
    assert any(w.household_id in tagged for w in all_wishes if w.status == WishStatus.submitted), \
        "the review queue shows priorities"
    assert db.session.scalar(select(func.count()).select_from(CareAccess)
                             .where(CareAccess.context != "care_tags_set")) == 0, "seeding is not a view"


def test_demo_accounts_sign_in_with_the_readme_password(runner, client):
    runner.invoke(args=["seed-demo"])
    resp = client.post("/auth/login", data={"login": "13800000002", "password": "demo1234"})
    assert resp.status_code == 302
    page = client.get("/residents/review", follow_redirects=True).get_data(as_text=True)
    assert "李思远" in page, "the committee of 枫林社区 sees the newcomer waiting"


def test_create_admin_command(runner):
    result = runner.invoke(args=["create-admin", "--login", "admin@example.org", "--name", "管理员",
                                 "--password", "一个足够长的密码"])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.login == "admin@example.org"))
    assert [(g.role, g.unit_id) for g in user.grants] == [(Role.admin, None)]
    again = runner.invoke(args=["create-admin", "--login", "admin@example.org", "--password", "一个足够长的密码"])
    assert again.exit_code == 0 and "already" in again.output
    bad = runner.invoke(args=["create-admin", "--login", "not-a-login", "--password", "一个足够长的密码"])
    assert bad.exit_code != 0 and "请填写11位手机号码或电子邮箱" in bad.output
