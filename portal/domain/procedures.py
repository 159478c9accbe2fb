"""Procedure templates as data, and the one engine that moves a matter through them.

A template is an ordered tuple of stages. Each stage says who acts there (the roles that may
advance it or send it back), what must be on record before it may be left, and, for a voting
stage, which assemblies may decide it. A new lawful sequence is a new entry in ``TEMPLATES``,
not new view code.

The engine (``plan``) is plain Python: given a matter's position, the move asked for, the
actor's roles in the matter's unit and what the current stage has on record, it returns the
new position or raises ``ProcedureError``. It refuses skipping (a move goes forward or back
exactly one stage), acting out of role, leaving a stage before its record is complete, and
any move on a concluded matter.
"""
from dataclasses import dataclass
from enum import StrEnum

from portal.domain.permissions import Role


class StageKey(StrEnum):
    solicit = "solicit"                      # 征: 征集金点子
    propose = "propose"                      # 提议: 党组织提议
    consult = "consult"                      # 商议: 两委联席会议
    review = "review"                        # 审议: 党员大会 (四议两公开)
    resolve = "resolve"                      # 决议: 居民会议 / 居民代表会议 / 业主表决
    disclose_resolution = "disclose_resolution"  # 决议公开
    disclose_results = "disclose_results"    # 实施结果公开


class Move(StrEnum):
    advance = "advance"      # the stage's record is complete: on to the next stage
    send_back = "send_back"  # 退回修改: back exactly one stage, with a reason


class Fact(StrEnum):
    """What a stage may have on record; a stage lists the facts it needs before it is left."""

    suggestion = "suggestion"            # at least one suggestion accepted into the matter
    proposal = "proposal"                # a proposal written at this stage
    meeting_forward = "meeting_forward"  # a consult meeting recorded with the outcome "forward"
    result = "result"                    # an assembly of this stage closed, its result frozen
    result_passed = "result_passed"      # ... and the motion passed
    publication = "publication"          # the resolution published with its notice period
    notice_over = "notice_over"          # the notice period (公示期) has ended
    final_report = "final_report"        # the final report on the results


class AssemblyKind(StrEnum):
    residents_meeting = "residents_meeting"              # 居民会议
    representatives_meeting = "representatives_meeting"  # 居民代表会议
    party_members_meeting = "party_members_meeting"      # 党员大会
    owners_vote = "owners_vote"                          # 业主共同决定 (民法典 278)


class Electorate(StrEnum):
    """Who may vote, derived from the unit when voting opens, then frozen."""

    adult_residents = "adult_residents"  # every verified resident aged 18+ living in the unit
    households = "households"            # one voter per household of the unit
    representatives = "representatives"  # residents' representatives of the unit
    party_members = "party_members"      # party members registered in the unit
    owners = "owners"                    # one seat per private unit (household) of the compound

    @property
    def per_household(self) -> bool:
        return self in (Electorate.households, Electorate.owners)


# Which electorates each assembly kind may have (DESIGN §2: chosen when it is convened).
ELECTORATES: dict[AssemblyKind, tuple[Electorate, ...]] = {
    AssemblyKind.residents_meeting: (Electorate.adult_residents, Electorate.households),
    AssemblyKind.representatives_meeting: (Electorate.representatives,),
    AssemblyKind.party_members_meeting: (Electorate.party_members,),
    AssemblyKind.owners_vote: (Electorate.owners,),
}


@dataclass(frozen=True)
class Stage:
    key: StageKey
    actors: frozenset[Role]                     # who may advance it or send it back
    needs: tuple[Fact, ...] = ()                # on record before the stage may be left
    assemblies: tuple[AssemblyKind, ...] = ()   # a voting stage: which assemblies may decide


@dataclass(frozen=True)
class Template:
    key: str
    stages: tuple[Stage, ...]

    def index_of(self, key: StageKey) -> int:
        return next(i for i, s in enumerate(self.stages) if s.key == key)

    def has(self, key: StageKey) -> bool:
        return any(s.key == key for s in self.stages)


COMMITTEE = frozenset({Role.committee})
PARTY = frozenset({Role.party_org})

_DISCLOSE = (
    Stage(StageKey.disclose_resolution, COMMITTEE, needs=(Fact.publication, Fact.notice_over)),
    Stage(StageKey.disclose_results, COMMITTEE, needs=(Fact.final_report,)),
)

TEMPLATES: dict[str, Template] = {
    # 一征三议两公开: the default for urban communities.
    "yizheng_sanyi": Template("yizheng_sanyi", (
        Stage(StageKey.solicit, COMMITTEE, needs=(Fact.suggestion,)),
        Stage(StageKey.propose, PARTY, needs=(Fact.proposal,)),
        Stage(StageKey.consult, COMMITTEE, needs=(Fact.meeting_forward,)),
        Stage(StageKey.resolve, COMMITTEE, needs=(Fact.result,),
              assemblies=(AssemblyKind.residents_meeting, AssemblyKind.representatives_meeting)),
        *_DISCLOSE,
    )),
    # 四议两公开 (communities converted from villages): 党组织提议 → 两委商议 → 党员大会审议 →
    # 居民代表会议决议 → 决议公开 → 实施结果公开. The review must pass before the vote.
    "siyi_liangkai": Template("siyi_liangkai", (
        Stage(StageKey.propose, PARTY, needs=(Fact.proposal,)),
        Stage(StageKey.consult, COMMITTEE, needs=(Fact.meeting_forward,)),
        Stage(StageKey.review, COMMITTEE, needs=(Fact.result_passed,),
              assemblies=(AssemblyKind.party_members_meeting,)),
        Stage(StageKey.resolve, COMMITTEE, needs=(Fact.result,),
              assemblies=(AssemblyKind.representatives_meeting,)),
        *_DISCLOSE,
    )),
    # 业主共同决定事项 (民法典 art. 278): EV chargers, lifts, the maintenance fund. Decided by
    # the owners of the compound; the committee or the party organisation drafts the plan.
    "owners": Template("owners", (
        Stage(StageKey.solicit, COMMITTEE, needs=(Fact.suggestion,)),
        Stage(StageKey.propose, COMMITTEE | PARTY, needs=(Fact.proposal,)),
        Stage(StageKey.consult, COMMITTEE, needs=(Fact.meeting_forward,)),
        Stage(StageKey.resolve, COMMITTEE, needs=(Fact.result,), assemblies=(AssemblyKind.owners_vote,)),
        *_DISCLOSE,
    )),
}

DEFAULT_TEMPLATE = "yizheng_sanyi"


class Refusal(StrEnum):
    concluded = "concluded"          # the matter has finished its procedure
    not_actor = "not_actor"          # the actor's roles may not act at this stage
    incomplete = "incomplete"        # the stage's record is missing something
    first_stage = "first_stage"      # nothing to send back to
    no_reason = "no_reason"          # sending back needs a reason
    not_this_stage = "not_this_stage"  # the act belongs to another stage


class ProcedureError(Exception):
    """A move the template does not allow. ``refusal`` says why; ``missing`` lists the facts
    a stage still needs."""

    def __init__(self, refusal: Refusal, missing: tuple[Fact, ...] = ()):
        super().__init__(refusal.value + (f": {', '.join(missing)}" if missing else ""))
        self.refusal = refusal
        self.missing = missing


def is_concluded(template: Template, position: int) -> bool:
    """Past the last stage: the procedure is over and the dossier is closed."""
    return position >= len(template.stages)


def current_stage(template: Template, position: int) -> Stage | None:
    return None if is_concluded(template, position) else template.stages[position]


def missing_facts(stage: Stage, recorded: frozenset[Fact]) -> tuple[Fact, ...]:
    """What ``stage`` still needs before it may be left."""
    return tuple(f for f in stage.needs if f not in recorded)


def plan(template: Template, position: int, move: Move, roles: frozenset[Role],
         recorded: frozenset[Fact] = frozenset(), reason: str = "") -> int:
    """The position after ``move``, or ``ProcedureError``. ``roles`` are the actor's roles in
    the matter's unit; ``recorded`` is what the current stage has on record."""
    stage = current_stage(template, position)
    if stage is None:
        raise ProcedureError(Refusal.concluded)
    if not (stage.actors & roles):
        raise ProcedureError(Refusal.not_actor)
    if move == Move.advance:
        missing = missing_facts(stage, recorded)
        if missing:
            raise ProcedureError(Refusal.incomplete, missing)
        return position + 1
    if position == 0:
        raise ProcedureError(Refusal.first_stage)
    if not reason.strip():
        raise ProcedureError(Refusal.no_reason)
    return position - 1


def check_act(template: Template, position: int, stage_key: StageKey, roles: frozenset[Role],
              actors: frozenset[Role] | None = None) -> Stage:
    """An act that records something at a stage (a proposal, a meeting, an assembly, a
    publication) is allowed only while the matter is at that stage and only to ``actors``
    (the stage's own actors unless given)."""
    stage = current_stage(template, position)
    if stage is None:
        raise ProcedureError(Refusal.concluded)
    if stage.key != stage_key:
        raise ProcedureError(Refusal.not_this_stage)
    if not ((actors if actors is not None else stage.actors) & roles):
        raise ProcedureError(Refusal.not_actor)
    return stage
