"""The demo's clock and cast, shared by the deliberation, disclosure and wishes demos: dates
laid out in days before and after today, the demo residents by where they live, and the small
helpers that drive the deliberation services (windows, suggestions, votes, meetings)."""
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select

from portal.clock import local_date, local_zone
from portal.demo.places import DemoWorld
from portal.domain.deliberation import Choice, MeetingOutcome
from portal.domain.residents import Relation
from portal.extensions import db
from portal.models import Assembly, Elector, Household, Matter, Resident, Solicitation, Suggestion, Unit, User
from portal.models.base import utcnow
from portal.services import assemblies, matters, suggestions

HALL = "社区党群服务中心二楼会议室"
HALL_GROUND = "社区党群服务中心一楼多功能厅"
DIANJI_ROOM = "电机厂宿舍活动室"
JOINT = "社区两委成员（张丽华、刘卫东等7人）、居民代表周建国、网格员陈海燕"
QUARTERS = "一二三四"


def _md(day: date) -> str:
    return f"{day.month}月{day.day}日"


def _quarter_title(day: date) -> str:
    return f"{day.year}年第{QUARTERS[(day.month - 1) // 3]}季度“金点子”征集"


@dataclass
class Person:
    user: User
    household_id: int
    relation: Relation
    path: str  # the building's unit path


class _Demo:
    """The demo's clock, cast and small helpers."""

    def __init__(self, world: DemoWorld):
        self.world = world
        self.rng = world.rng
        self.now = utcnow()
        self.today = local_date(self.now)
        self.zone = local_zone()
        p = world.people
        self.admin, self.committee, self.party = p["admin"], p["committee_fl"], p["party_fl"]
        self.committee_gh, self.resident = p["committee_gh"], p["resident"]
        special = {u.id for u in p.values()}
        rows = db.session.execute(
            select(User, Resident.household_id, Resident.relation, Unit.path)
            .join(Resident, Resident.user_id == User.id).join(Household, Household.id == Resident.household_id)
            .join(Unit, Unit.id == Household.building_id).order_by(Resident.id))
        self.people = [Person(u, hh, rel, path) for u, hh, rel, path in rows if u.id not in special]
        self.party_members: list[User] = []    # filled by _grant_roles
        self.representatives: list[User] = []

    # -- time -------------------------------------------------------------------------------
    def day(self, offset: int) -> date:
        """The local date ``offset`` days from today."""
        return self.today + timedelta(days=offset)

    def at(self, offset: int, hour: int, minute: int = 0) -> datetime:
        """A local time of day ``offset`` days from today, in UTC (never later than now)."""
        moment = datetime.combine(self.day(offset), time(hour, minute), tzinfo=self.zone).astimezone(UTC)
        return moment if offset > 0 else min(moment, self.now - timedelta(minutes=5))

    def times(self, n: int, start: datetime, end: datetime) -> list[datetime]:
        """``n`` ordered moments between ``start`` and ``end``."""
        span = (end - start).total_seconds()
        return sorted(start + timedelta(seconds=int(self.rng.random() * span)) for _ in range(n))

    # -- people -----------------------------------------------------------------------------
    def living_in(self, name: str, *, owners: bool = False) -> list[Person]:
        path = self.world.units[name].path
        return [p for p in self.people if p.path.startswith(path) and (not owners or p.relation == Relation.owner)]

    def one_per_household(self, people: list[Person]) -> dict[int, Person]:
        chosen: dict[int, Person] = {}
        for person in people:
            chosen.setdefault(person.household_id, person)
        return chosen

    def sample(self, people: list, k: int) -> list:
        return self.rng.sample(people, min(k, len(people)))

    def choices(self, n_for: int, n_against: int = 0, n_abstain: int = 0) -> list[Choice]:
        picks = [Choice.for_] * n_for + [Choice.against] * n_against + [Choice.abstain] * n_abstain
        self.rng.shuffle(picks)
        return picks

    # -- deliberation -----------------------------------------------------------------------
    def window(self, community: str, actor: User, opens: int, closes: int, description: str) -> Solicitation:
        opens_at, closes_at = self.at(opens, 9), self.at(closes, 18)
        return suggestions.open_solicitation(self.world.units[community], actor=actor,
                                             title=_quarter_title(self.day(opens)), description=description,
                                             opens_at=opens_at, closes_at=closes_at, now=opens_at)

    def suggest(self, window: Solicitation, author: Person, title: str, body: str, offset: int,
                seconds: int = 0, seconders: list[Person] | None = None) -> Suggestion:
        """A suggestion sent ``offset`` days from today, seconded by ``seconds`` neighbours
        (from ``seconders`` if given, else from anyone living in the window's unit)."""
        when = self.at(offset, self.rng.randint(7, 21), self.rng.randint(0, 59))
        s = suggestions.submit_suggestion(window, actor=author.user, title=title, body=body, now=when)
        pool = [p for p in (seconders or self.living_in(window.unit.name)) if p.user.id != author.user.id]
        closes = min(window.closes_at, self.now - timedelta(minutes=5))
        for person, moment in zip(self.sample(pool, seconds), self.times(seconds, when, closes), strict=False):
            suggestions.second(s, actor=person.user, now=moment)
        return s

    def electors(self, assembly: Assembly) -> list[Elector]:
        return list(db.session.scalars(select(Elector).where(Elector.assembly_id == assembly.id)
                                       .order_by(Elector.id)))

    def vote(self, assembly: Assembly, *, online: list[User], paper: list[Elector], choices: list[Choice],
             start: datetime, end: datetime, present: list[Elector] = (), clerk: User | None = None) -> None:
        """Residents vote online, the committee enters paper ballots cast in the hall and
        records those present who did not vote; all between ``start`` and ``end``."""
        clerk = clerk or self.committee
        voters = [("online", u) for u in online] + [("paper", e) for e in paper]
        assert len(voters) == len(choices), "one choice per voter"
        self.rng.shuffle(voters)
        for (how, who), choice, when in zip(voters, choices, self.times(len(voters), start, end), strict=True):
            if how == "online":
                assemblies.cast_ballot(assembly, actor=who, choice=choice, now=when)
            else:
                assemblies.enter_paper_ballot(assembly, who, actor=clerk, choice=choice, now=when)
        for elector in present:
            assemblies.record_presence(assembly, elector, actor=clerk, now=end)

    def meeting(self, matter: Matter, offset: int, minutes: str, *, outcome=MeetingOutcome.forward,
                opinions: str = "", place: str = HALL, attendees: str = JOINT, actor: User | None = None,
                today: int | None = None):
        return matters.record_meeting(matter, actor=actor or self.committee, held_on=self.day(offset), place=place,
                                      attendees=attendees, minutes_html=minutes, opinions=opinions,
                                      outcome=outcome, today=self.day(offset if today is None else today),
                                      now=self.at(offset if today is None else today, 16))
