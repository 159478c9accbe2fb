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
