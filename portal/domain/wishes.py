"""Micro-wishes (微心愿) and community partners (DESIGN §4): the wish life cycle as one table of
moves, claim lapsing, the bounds of a micro-wish, care tags, and anonymised names.

Life of a wish::

    draft → submitted → open | declined → claimed → delivered → confirmed
                         ↑__________________|  (a claim lapses, or the partner gives it up)
                                              delivered → claimed (a problem is reported)
    draft / submitted / open → withdrawn (by the holder, before a claim)
"""
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from enum import StrEnum


class WishStatus(StrEnum):
    draft = "draft"
    submitted = "submitted"  # waiting for the committee's review
    open = "open"            # on the wish wall, claimable
    declined = "declined"    # the committee said no, with a reason
    claimed = "claimed"      # one partner holds it until the claim period ends
    delivered = "delivered"  # the partner says it is done
    confirmed = "confirmed"  # the beneficiary (or grid worker) confirms: on the thank-you wall
    withdrawn = "withdrawn"  # the holder took it back before a claim


class Move(StrEnum):
    submit = "submit"
    approve = "approve"
    decline = "decline"
    withdraw = "withdraw"
    claim = "claim"
    release = "release"      # the holding partner gives the claim up
    lapse = "lapse"          # the claim period ran out (no one clicks: the clock does)
    deliver = "deliver"
    confirm = "confirm"
    report_problem = "report_problem"


class Actor(StrEnum):
    holder = "holder"          # the beneficiary, or the grid worker who posted on their behalf
    committee = "committee"    # the committee of the wish's community
    partner = "partner"        # a verified partner serving the community
    claimant = "claimant"      # the partner holding the claim
    carer = "carer"            # the beneficiary or a grid worker of the unit (confirms, reports)
    clock = "clock"            # nobody: time passing


S, M, A = WishStatus, Move, Actor

# (status, move) → (new status, who may make the move)
MOVES: dict[tuple[WishStatus, Move], tuple[WishStatus, frozenset[Actor]]] = {
    (S.draft, M.submit): (S.submitted, frozenset({A.holder})),
    (S.draft, M.withdraw): (S.withdrawn, frozenset({A.holder})),
    (S.submitted, M.approve): (S.open, frozenset({A.committee})),
    (S.submitted, M.decline): (S.declined, frozenset({A.committee})),
    (S.submitted, M.withdraw): (S.withdrawn, frozenset({A.holder})),
    (S.open, M.withdraw): (S.withdrawn, frozenset({A.holder})),
    (S.open, M.claim): (S.claimed, frozenset({A.partner})),
    (S.claimed, M.release): (S.open, frozenset({A.claimant})),
    (S.claimed, M.lapse): (S.open, frozenset({A.clock})),
    (S.claimed, M.deliver): (S.delivered, frozenset({A.claimant})),
    (S.delivered, M.confirm): (S.confirmed, frozenset({A.carer})),
    (S.delivered, M.report_problem): (S.claimed, frozenset({A.carer})),
}


class Refusal(StrEnum):
    not_now = "not_now"        # the move does not exist from this status
    not_actor = "not_actor"    # the move exists, but not for this actor


class WishError(Exception):
    def __init__(self, refusal: Refusal):
        super().__init__(refusal.value)
        self.refusal = refusal


def next_status(status: WishStatus, move: Move, actors: frozenset[Actor]) -> WishStatus:
    """The status after ``move`` by someone acting as any of ``actors``, or ``WishError``."""
    found = MOVES.get((status, move))
    if found is None:
        raise WishError(Refusal.not_now)
    target, allowed = found
    if not (allowed & actors):
        raise WishError(Refusal.not_actor)
    return target


def allowed_moves(status: WishStatus, actors: frozenset[Actor]) -> list[Move]:
    """What ``actors`` may do to a wish in ``status`` (for the buttons a page shows)."""
    return [move for (st, move), (_to, who) in MOVES.items() if st == status and who & actors]


def may_ever(move: Move, actors: frozenset[Actor]) -> bool:
    """Whether ``actors`` may make ``move`` from some status: a move that is never theirs is
    refused outright, one that is merely impossible now is explained."""
    return any(m == move and who & actors for (_st, m), (_to, who) in MOVES.items())


DEFAULT_CLAIM_DAYS = 14


def claim_deadline(claimed_at: datetime, days: int = DEFAULT_CLAIM_DAYS) -> datetime:
    return claimed_at + timedelta(days=days)


def claim_has_lapsed(deadline: datetime | None, now: datetime) -> bool:
    """A claim lapses at its deadline exactly: at the deadline it is no longer held."""
    return deadline is not None and now >= deadline


class Category(StrEnum):
    daily = "daily"              # 生活用品
    clothing = "clothing"        # 衣物被褥
    study = "study"              # 学习用品
    health = "health"            # 医疗康复
    repair = "repair"            # 家居维修
    companionship = "companionship"  # 陪伴探访
    transport = "transport"      # 出行接送
    other = "other"              # 其他


class CareTag(StrEnum):
    """七色暖心签: the seven groups a committee looks after (DESIGN §4)."""

    living_alone = "living_alone"    # 独居老人
    bereaved = "bereaved"            # 失独家庭
    low_income = "low_income"        # 低保低收入
    disability = "disability"        # 残疾人
    reemployment = "reemployment"    # 就业困难
    veteran = "veteran"              # 退役军人
    correction = "correction"        # 社区矫正


class PartnerKind(StrEnum):
    business = "business"          # 企业商户
    social_org = "social_org"      # 社会组织
    public_unit = "public_unit"    # 驻区单位


class PartnerStatus(StrEnum):
    pending = "pending"
    verified = "verified"
    declined = "declined"


@dataclass(frozen=True)
class ValueProblem:
    message_key: str  # "not_number", "not_positive", "too_many_decimals", "too_large"


def parse_value(text: str | Decimal | int, maximum: Decimal) -> Decimal:
    """An estimated value in yuan: positive, at most two decimals, at most ``maximum``.
    Raises ValueError with a ``ValueProblem`` as its argument."""
    try:
        value = Decimal(str(text).strip().replace(",", "").replace("，", "").lstrip("¥￥"))
    except (InvalidOperation, ValueError):
        raise ValueError(ValueProblem("not_number")) from None
    if not value.is_finite():
        raise ValueError(ValueProblem("not_number"))
    if value <= 0:
        raise ValueError(ValueProblem("not_positive"))
    if value > maximum:  # before quantize(), which fails on numbers longer than its precision
        raise ValueError(ValueProblem("too_large"))
    if value != value.quantize(Decimal("0.01")):
        raise ValueError(ValueProblem("too_many_decimals"))
    return value.quantize(Decimal("0.01"))


def wanted_by_ok(wanted_by: date, today: date) -> bool:
    """The wanted-by date may be today or later, never in the past."""
    return wanted_by >= today


def anonymise(name: str) -> str:
    """The public form of a beneficiary's name: the surname and two stars (王**). Two-character
    compound surnames (欧阳, 司马, ...) keep both characters."""
    name = (name or "").strip()
    if not name:
        return "**"
    surname = name[:2] if name[:2] in COMPOUND_SURNAMES and len(name) > 2 else name[:1]
    return surname + "**"


COMPOUND_SURNAMES = frozenset({"欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙",
                               "宇文", "司徒", "夏侯", "令狐", "端木", "澹台", "轩辕", "呼延", "南宫", "独孤"})
