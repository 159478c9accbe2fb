"""Factories that build real rows through the services, and a small world with one person in
every role. Names and texts carry a <script> so every page is also an escaping test."""
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from werkzeug.security import generate_password_hash

from portal.domain.permissions import Role
from portal.domain.residents import Relation
from portal.domain.units import UnitLevel
from portal.extensions import db
from portal.models import Household, Unit, User, VerificationRequest
from portal.services.accounts import register_user
from portal.services.residents import approve, request_verification
from portal.services.units import add_household, create_unit, grant_role

PASSWORD = "password123"
# One hash for every test account, and a cheap one: signing in is in most tests, and the real
# scheme (scrypt) is checked where accounts are registered through the form.
_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
TODAY = date(2026, 11, 22)
XSS = "<script>alert(1)</script>"

_serial = iter(range(10_000_000, 99_999_999))


def make_user(name: str = "测试用户", *, login: str | None = None, role: Role | None = None,
              unit: Unit | None = None) -> User:
    """A registered account (password ``password123``), optionally holding a role in ``unit``."""
    user = register_user(login=login or f"158{next(_serial):08d}", display_name=name, password="",
                         password_hash=_HASH)
    if role is not None:
        grant_role(actor=None, user=user, role=role, unit=unit)
    return user


def make_unit(name: str, level: UnitLevel, parent: Unit | None = None) -> Unit:
    return create_unit(actor=None, parent=parent, level=level, name=name)


def make_household(building: Unit, label: str = "1单元101室", area: str = "88.50") -> Household:
    return add_household(actor=None, building=building, label=label, floor_area=Decimal(area))


def make_request(user: User, household: Household, *, real_name: str = "王秀英",
                 relation: Relation = Relation.owner, birth_date: date = date(1960, 5, 1),
                 note: str = "") -> VerificationRequest:
    return request_verification(user, household=household, real_name=real_name, relation=relation,
                                birth_date=birth_date, note=note, today=TODAY)


def make_resident(user: User, household: Household, committee: User, **kwargs) -> User:
    """Verify ``user`` as a resident of ``household`` through the committee's approval."""
    approve(make_request(user, household, **kwargs), actor=committee)
    return user


@dataclass
class World:
    street: Unit
    community: Unit          # 枫林 (A): most people act here
    other_community: Unit    # 桂花 (B)
    grid: Unit
    compound: Unit
    building: Unit
    other_building: Unit
    households: list[Household]
    other_household: Household
    admin: User
    committee: User
    other_committee: User
    party_org: User
    grid_worker: User
    representative: User
    partner: User
    resident: User
    other_resident: User
    newcomer: User             # registered, not verified, with a pending request
    pending: VerificationRequest


def build_world() -> World:
    """Street › two communities, each down to a building with households; one user per role."""
    district = make_unit("测试区", UnitLevel.district)
    street = make_unit("测试街道", UnitLevel.street, district)
    community = make_unit("枫林社区", UnitLevel.community, street)
    grid = make_unit("第一网格", UnitLevel.grid, community)
    compound = make_unit("枫林一村", UnitLevel.compound, grid)
    building = make_unit("1幢", UnitLevel.building, compound)
    households = [make_household(building, f"1单元{n}01室", "75.00") for n in range(1, 5)]
    other_community = make_unit("桂花苑社区", UnitLevel.community, street)
    other_compound = make_unit("桂花苑", UnitLevel.compound, other_community)
    other_building = make_unit("2幢", UnitLevel.building, other_compound)
    other_household = make_household(other_building, "2单元202室", "96.30")

    admin = make_user("管理员", login="13800000001", role=Role.admin)
    committee = make_user("张主任" + XSS, login="13800000002", role=Role.committee, unit=community)
    other_committee = make_user("孙主任", login="13800000007", role=Role.committee, unit=other_community)
    party_org = make_user("社区党委", login="13800000003", role=Role.party_org, unit=community)
    grid_worker = make_user("陈网格员", login="13800000004", role=Role.grid_worker, unit=grid)
    representative = make_user("周代表", login="13800000005", role=Role.representative, unit=community)
    partner = make_user("华联超市", login="13800000006", role=Role.partner, unit=street)
    resident = make_resident(make_user("王秀英", login="13800000008"), households[0], committee,
                             real_name="王秀英" + XSS, note=XSS)
    make_resident(representative, households[1], committee, real_name="周建国")
    other_resident = make_resident(make_user("孙桂兰", login="13800000010"), other_household, other_committee,
                                   real_name="孙桂兰")
    newcomer = make_user("李思远", login="13800000009")
    pending = make_request(newcomer, households[2], real_name="李思远" + XSS, relation=Relation.tenant,
                           birth_date=date(1996, 4, 8), note="刚搬来" + XSS)
    db.session.commit()
    return World(street=street, community=community, other_community=other_community, grid=grid,
                 compound=compound, building=building, other_building=other_building, households=households,
                 other_household=other_household, admin=admin, committee=committee,
                 other_committee=other_committee, party_org=party_org, grid_worker=grid_worker,
                 representative=representative, partner=partner, resident=resident,
                 other_resident=other_resident, newcomer=newcomer, pending=pending)


# Deliberation: matters driven through the real services to any stage.

def open_window(world: World, *, unit: Unit | None = None, days: int = 10):
    """A solicitation window of ``unit`` (the community) open from an hour ago for ``days``."""
    from datetime import timedelta

    from portal.models.base import utcnow
    from portal.services.suggestions import open_solicitation

    now = utcnow()
    return open_solicitation(unit or world.community, actor=world.committee, title="四季度金点子征集" + XSS,
                             description="欢迎提出建议" + XSS, opens_at=now - timedelta(hours=1),
                             closes_at=now + timedelta(days=days))


def make_suggestion(world: World, window=None, *, author: User | None = None, title: str = "楼道加装扶手"):
    from portal.services.suggestions import submit_suggestion

    return submit_suggestion(window or open_window(world), actor=author or world.resident, title=title + XSS,
                             body="老人上下楼不便" + XSS)


def make_matter(world: World, stage: str = "solicit", *, procedure: str = "yizheng_sanyi", secret: bool = False,
                major: bool = False, unit: Unit | None = None, voting: str | None = None):
    """A matter of ``unit`` (the community) driven through the services to ``stage``. For
    the resolve stage, ``voting`` may be "convened" or "voting" (a residents' meeting of all
    adult residents, or an owners' vote for the owners' procedure)."""
    from datetime import timedelta

    from portal.domain.deliberation import MeetingOutcome, PublicationKind
    from portal.domain.procedures import TEMPLATES, StageKey
    from portal.services import matters, suggestions

    unit = unit or world.community
    template = TEMPLATES[procedure]
    if template.stages[0].key == StageKey.solicit:
        window = open_window(world, unit=unit)
        idea = make_suggestion(world, window)
        matter = suggestions.accept_suggestion(idea, actor=world.committee, title="充电桩建设" + XSS,
                                               procedure=procedure, secret_ballot=secret, major=major)
    else:
        matter = matters.start_matter(unit, actor=world.party_org, title="老年食堂" + XSS, procedure=procedure,
                                      secret_ballot=secret, major=major)
    today = TODAY

    def at(key):
        return matter.stage == key

    while not at(stage):
        key = matter.stage
        if key == "solicit":
            matters.advance(matter, actor=world.committee, today=today)
        elif key == "propose":
            matters.write_proposal(matter, actor=world.party_org, body_html="<p>建议方案" + XSS + "</p>",
                                   answers=list(matter.suggestions))
            matters.advance(matter, actor=world.party_org, today=today)
        elif key == "consult":
            matters.record_meeting(matter, actor=world.committee, held_on=today, place="会议室", attendees="两委成员",
                                   minutes_html="<p>同意提交</p>", opinions="", outcome=MeetingOutcome.forward,
                                   today=today)
        elif key in ("review", "resolve"):
            _vote(world, matter, key, procedure, until="closed")
            matters.advance(matter, actor=world.committee, today=today)
        elif key == "disclose_resolution":
            matters.publish(matter, actor=world.committee, kind=PublicationKind.resolution, title="决议公示",
                            body_html="<p>决议通过</p>", today=today - timedelta(days=10))
            matters.advance(matter, actor=world.committee, today=today)
        elif key == "disclose_results":
            matters.publish(matter, actor=world.committee, kind=PublicationKind.final, title="实施结果",
                            body_html="<p>已完成</p>", today=today)
            matters.advance(matter, actor=world.committee, today=today)
        else:
            raise ValueError(f"cannot drive a matter to {stage}")
    if voting is not None:
        _vote(world, matter, stage, procedure, until=voting)
    db.session.commit()
    return matter


def _vote(world: World, matter, key: str, procedure: str, *, until: str):
    """Convene the stage's assembly; then open it, and (``until="closed"``) let the world's
    electors vote for and close it."""
    from datetime import timedelta

    from portal.domain.deliberation import Choice
    from portal.domain.procedures import AssemblyKind, Electorate
    from portal.models.base import utcnow
    from portal.services import assemblies

    now = utcnow()
    kind = {"review": AssemblyKind.party_members_meeting}.get(key) or (
        AssemblyKind.owners_vote if procedure == "owners" else AssemblyKind.residents_meeting
        if procedure == "yizheng_sanyi" else AssemblyKind.representatives_meeting)
    electorate = {AssemblyKind.party_members_meeting: Electorate.party_members,
                  AssemblyKind.owners_vote: Electorate.owners,
                  AssemblyKind.residents_meeting: Electorate.adult_residents,
                  AssemblyKind.representatives_meeting: Electorate.representatives}[kind]
    if electorate == Electorate.party_members and not any(g.role == Role.party_member for g in world.resident.grants):
        grant_role(actor=None, user=world.resident, role=Role.party_member, unit=world.community)
    assembly = assemblies.convene(matter, actor=world.committee, kind=kind, electorate=electorate,
                                  motion="是否同意" + XSS, place="活动室", starts_at=now,
                                  closes_at=now + timedelta(days=3))
    if until == "convened":
        return assembly
    assemblies.open_voting(assembly, actor=world.committee)
    if until == "voting":
        return assembly
    for voter in (world.resident, world.representative):
        if assemblies.seat_of(assembly, voter) is not None:
            assemblies.cast_ballot(assembly, actor=voter, choice=Choice.for_)
    assemblies.close_voting(assembly, actor=world.committee)
    return assembly
