"""Demo people: residents with Chinese names in most households, and one account for every
role, all with the password ``demo1234`` (listed in the README)."""
from datetime import date, timedelta

from portal.demo.places import DemoWorld
from portal.domain.permissions import Role
from portal.domain.residents import Relation
from portal.models import User
from portal.services.accounts import hash_password, register_user
from portal.services.residents import approve, request_verification
from portal.services.units import grant_role

DEMO_PASSWORD = "demo1234"

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = [
    "建国", "秀英", "桂英", "玉兰", "志强", "海燕", "丽华", "国强", "淑珍", "建华", "秀兰", "卫东",
    "红梅", "晓明", "文静", "俊杰", "思远", "子涵", "雨欣", "浩然", "欣怡", "宇轩", "梓萱", "一鸣",
    "凤英", "德福", "春生", "美玲", "振华", "慧敏", "立新", "金凤", "永胜", "丽娟", "佳怡", "明辉",
]

# Accounts that the README lists, one per role. key: (login, display name, real name, role, scope)
ROLE_ACCOUNTS = [
    ("admin", "13800000001", "平台管理员", None, Role.admin, None),
    ("committee_fl", "13800000002", "张丽华（枫林社区居委会）", "张丽华", Role.committee, "枫林社区"),
    ("party_fl", "13800000003", "枫林社区党委", "刘卫东", Role.party_org, "枫林社区"),
    ("grid_fl1", "13800000004", "陈海燕（第一网格员）", "陈海燕", Role.grid_worker, "枫林社区/第一网格"),
    ("rep_fl", "13800000005", "周建国（居民代表）", "周建国", Role.representative, "枫林社区"),
    ("partner_hl", "13800000006", "华联超市望江店", None, Role.partner, "望江街道"),
    ("committee_gh", "13800000007", "孙美玲（桂花苑社区居委会）", "孙美玲", Role.committee, "桂花苑社区"),
]
RESIDENT_ACCOUNT = ("resident", "13800000008", "王秀英", "王秀英")
NEWCOMER_ACCOUNT = ("newcomer", "13800000009", "李思远", "李思远")


def _birth(world: DemoWorld, young: int = 20, old: int = 88) -> date:
    age_days = world.rng.randint(young * 366, old * 365)
    return date(2026, 11, 1) - timedelta(days=age_days)


def load(world: DemoWorld) -> None:
    rng = world.rng
    pw_hash = hash_password(DEMO_PASSWORD)  # one scrypt run for everyone: seeding stays fast

    def account(login: str, display_name: str) -> User:
        return register_user(login=login, display_name=display_name, password="", password_hash=pw_hash)

    committees = {}
    for key, login, display, real_name, role, scope in ROLE_ACCOUNTS:
        user = account(login, display)
        grant_role(actor=None, user=user, role=role, unit=world.units[scope] if scope else None)
        world.people[key] = user
        if role == Role.committee:
            committees[scope] = user

    serial = 100
    for community_name, households in world.households.items():
        committee = committees[community_name]
        for i, household in enumerate(households):
            if rng.random() < 0.22:
                continue  # empty, let, or simply not yet on the portal
            surname = SURNAMES[rng.randrange(len(SURNAMES))]
            members = [(Relation.owner, surname + rng.choice(GIVEN))]
            if rng.random() < 0.45:
                members.append((Relation.family, SURNAMES[rng.randrange(len(SURNAMES))] + rng.choice(GIVEN)))
            if rng.random() < 0.08:
                members = [(Relation.tenant, SURNAMES[rng.randrange(len(SURNAMES))] + rng.choice(GIVEN))]
            for relation, name in members:
                serial += 1
                user = account(f"1390000{serial:04d}", name)
                _verify(user, household, name, relation, _birth(world), committee)

    # Named residents the README mentions.
    fl_households = world.households["枫林社区"]
    for key, login, display, real_name in (RESIDENT_ACCOUNT,):
        user = account(login, display)
        _verify(user, fl_households[3], real_name, Relation.owner, date(1958, 3, 14), committees["枫林社区"])
        world.people[key] = user
    rep = world.people["rep_fl"]
    _verify(rep, fl_households[10], "周建国", Relation.owner, date(1963, 9, 2), committees["枫林社区"])
    committee = world.people["committee_fl"]
    _verify(committee, fl_households[40], "张丽华", Relation.owner, date(1975, 6, 18), committees["枫林社区"])
    grid = world.people["grid_fl1"]
    _verify(grid, fl_households[5], "陈海燕", Relation.tenant, date(1988, 12, 1), committees["枫林社区"])

    # A newcomer waiting for the committee, and a few more requests in the queue.
    newcomer = account(NEWCOMER_ACCOUNT[1], NEWCOMER_ACCOUNT[2])
    world.people["newcomer"] = newcomer
    request_verification(newcomer, household=fl_households[20], real_name=NEWCOMER_ACCOUNT[3],
                         relation=Relation.tenant, birth_date=date(1996, 4, 8),
                         note="刚搬来，租住在此，合同在身边可以出示。", today=date(2026, 11, 20))
    for n, (name, idx, relation) in enumerate([("赵子涵", 33, Relation.family), ("吴德福", 52, Relation.owner),
                                                ("郑雨欣", 77, Relation.tenant)]):
        user = account(f"1370000{n + 1:04d}", name)
        request_verification(user, household=fl_households[idx], real_name=name, relation=relation,
                             birth_date=_birth(world, 25, 80), today=date(2026, 11, 21))


def _verify(user: User, household, real_name: str, relation: Relation, birth_date: date, committee: User) -> None:
    req = request_verification(user, household=household, real_name=real_name, relation=relation,
                               birth_date=birth_date, today=date(2026, 11, 1))
    approve(req, actor=committee)
