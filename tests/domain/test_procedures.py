"""Procedure templates and the engine: walking every template, who may act at each stage,
what each stage needs on record, sending back, acts at a stage, and the templates' data."""
from itertools import combinations

import pytest

from portal.domain.permissions import Role
from portal.domain.procedures import (
    DEFAULT_TEMPLATE,
    ELECTORATES,
    TEMPLATES,
    AssemblyKind,
    Electorate,
    Fact,
    Move,
    ProcedureError,
    Refusal,
    StageKey,
    Template,
    check_act,
    current_stage,
    is_concluded,
    missing_facts,
    plan,
)

NOBODY = frozenset()
EVERY_ROLE = frozenset(Role)
ALL_FACTS = frozenset(Fact)


def roles(*names: Role) -> frozenset[Role]:
    return frozenset(names)


def facts(*names: Fact) -> frozenset[Fact]:
    return frozenset(names)


def actor_of(stage) -> frozenset[Role]:
    """One role that may act at ``stage`` (the first by name, for a stable choice)."""
    return roles(min(stage.actors))


def refusal_of(call, *args, **kwargs) -> ProcedureError:
    with pytest.raises(ProcedureError) as info:
        call(*args, **kwargs)
    return info.value


# Every (template, position) with a stage at it, and the same with every role added.
STAGES = [
    pytest.param(key, i, id=f"{key}-{i}-{stage.key}")
    for key, template in TEMPLATES.items()
    for i, stage in enumerate(template.stages)
]
STAGE_ROLES = [
    pytest.param(key, i, role, id=f"{key}-{i}-{stage.key}-{role or 'nobody'}")
    for key, template in TEMPLATES.items()
    for i, stage in enumerate(template.stages)
    for role in [*Role, None]
]
STAGE_NEEDS = [
    pytest.param(key, i, need, id=f"{key}-{i}-{stage.key}-without-{need}")
    for key, template in TEMPLATES.items()
    for i, stage in enumerate(template.stages)
    for need in stage.needs
]
TEMPLATE_KEYS = pytest.mark.parametrize("key", list(TEMPLATES), ids=str)


# --- Walking a template ----------------------------------------------------------------------

@TEMPLATE_KEYS
def test_walk_every_template_to_its_end(key):
    template = TEMPLATES[key]
    position = 0
    for i, stage in enumerate(template.stages):
        assert not is_concluded(template, position)
        assert current_stage(template, position) == stage
        for role in stage.actors:  # any of the stage's actors may advance it
            assert plan(template, position, Move.advance, roles(role), frozenset(stage.needs)) == i + 1
        position = plan(template, position, Move.advance, actor_of(stage), frozenset(stage.needs))
        assert position == i + 1
    assert position == len(template.stages)
    assert is_concluded(template, position)
    assert current_stage(template, position) is None


@TEMPLATE_KEYS
@pytest.mark.parametrize("move", list(Move), ids=str)
def test_concluded_matter_refuses_every_move(key, move):
    template = TEMPLATES[key]
    end = len(template.stages)
    for who in [EVERY_ROLE, NOBODY, *(roles(r) for r in Role)]:
        for position in (end, end + 1):
            error = refusal_of(plan, template, position, move, who, ALL_FACTS, "a reason")
            assert error.refusal == Refusal.concluded
            assert error.missing == ()


# --- Who may act -----------------------------------------------------------------------------

@pytest.mark.parametrize(("key", "position", "role"), STAGE_ROLES)
def test_only_the_stage_actors_may_advance_or_send_back(key, position, role):
    template = TEMPLATES[key]
    stage = template.stages[position]
    who = NOBODY if role is None else roles(role)
    allowed = role is not None and role in stage.actors
    needs = frozenset(stage.needs)
    if allowed:
        assert plan(template, position, Move.advance, who, needs) == position + 1
    else:
        assert refusal_of(plan, template, position, Move.advance, who, needs).refusal == Refusal.not_actor
        # Acting out of role is refused before anything else is looked at.
        assert refusal_of(plan, template, position, Move.advance, who).refusal == Refusal.not_actor
        assert refusal_of(plan, template, position, Move.send_back, who).refusal == Refusal.not_actor
    if position > 0:
        if allowed:
            assert plan(template, position, Move.send_back, who, reason="redo") == position - 1
        else:
            error = refusal_of(plan, template, position, Move.send_back, who, reason="redo")
            assert error.refusal == Refusal.not_actor


YZ, SY, OW = "yizheng_sanyi", "siyi_liangkai", "owners"
COMMITTEE, PARTY_ORG = roles(Role.committee), roles(Role.party_org)


@pytest.mark.parametrize(
    ("key", "stage_key", "who", "allowed"),
    [
        # 一征三议两公开: the party organisation proposes, the committee runs the rest.
        pytest.param(YZ, StageKey.solicit, COMMITTEE, True, id="yz-solicit-committee"),
        pytest.param(YZ, StageKey.solicit, PARTY_ORG, False, id="yz-solicit-party"),
        pytest.param(YZ, StageKey.propose, PARTY_ORG, True, id="yz-propose-party"),
        pytest.param(YZ, StageKey.propose, COMMITTEE, False, id="yz-propose-committee"),
        pytest.param(YZ, StageKey.propose, COMMITTEE | PARTY_ORG, True, id="yz-propose-both"),
        pytest.param(YZ, StageKey.consult, COMMITTEE, True, id="yz-consult-committee"),
        pytest.param(YZ, StageKey.consult, PARTY_ORG, False, id="yz-consult-party"),
        pytest.param(YZ, StageKey.resolve, roles(Role.representative), False, id="yz-resolve-representative"),
        pytest.param(YZ, StageKey.disclose_results, roles(Role.grid_worker), False, id="yz-disclose-grid"),
        # 四议两公开: party members vote in the review, they do not run it.
        pytest.param(SY, StageKey.propose, PARTY_ORG, True, id="sy-propose-party"),
        pytest.param(SY, StageKey.propose, COMMITTEE, False, id="sy-propose-committee"),
        pytest.param(SY, StageKey.review, COMMITTEE, True, id="sy-review-committee"),
        pytest.param(SY, StageKey.review, roles(Role.party_member), False, id="sy-review-party-member"),
        # 业主共同决定: the committee or the party organisation drafts the plan.
        pytest.param(OW, StageKey.propose, COMMITTEE, True, id="ow-propose-committee"),
        pytest.param(OW, StageKey.propose, PARTY_ORG, True, id="ow-propose-party"),
        pytest.param(OW, StageKey.propose, roles(Role.representative), False, id="ow-propose-rep"),
        pytest.param(OW, StageKey.propose, roles(Role.partner), False, id="ow-propose-partner"),
        pytest.param(OW, StageKey.consult, PARTY_ORG, False, id="ow-consult-party"),
        pytest.param(OW, StageKey.resolve, roles(Role.admin), False, id="ow-resolve-admin"),
    ],
)
def test_who_may_advance_concrete(key, stage_key, who, allowed):
    template = TEMPLATES[key]
    position = template.index_of(stage_key)
    needs = frozenset(template.stages[position].needs)
    if allowed:
        assert plan(template, position, Move.advance, who, needs) == position + 1
    else:
        assert refusal_of(plan, template, position, Move.advance, who, needs).refusal == Refusal.not_actor


@pytest.mark.parametrize(("key", "position"), STAGES)
@pytest.mark.parametrize(
    "who",
    [
        pytest.param(NOBODY, id="resident-no-roles"),
        pytest.param(roles(Role.representative, Role.party_member), id="representative-party-member"),
        pytest.param(roles(Role.grid_worker, Role.partner, Role.admin), id="grid-partner-admin"),
    ],
)
def test_people_without_a_governing_role_never_move_a_matter(key, position, who):
    """Residents, representatives, party members, grid workers, partners and admins act on
    no stage of any template."""
    template = TEMPLATES[key]
    for move in Move:
        error = refusal_of(plan, template, position, move, who, ALL_FACTS, "a reason")
        assert error.refusal == Refusal.not_actor


# --- What a stage needs on record ------------------------------------------------------------

@pytest.mark.parametrize(("key", "position", "need"), STAGE_NEEDS)
def test_advancing_without_one_need_names_it(key, position, need):
    template = TEMPLATES[key]
    stage = template.stages[position]
    for recorded in (frozenset(stage.needs) - {need}, ALL_FACTS - {need}):
        error = refusal_of(plan, template, position, Move.advance, actor_of(stage), recorded)
        assert error.refusal == Refusal.incomplete
        assert error.missing == (need,)
        assert str(need) in str(error)


@pytest.mark.parametrize(("key", "position"), STAGES)
def test_advancing_with_nothing_on_record_names_every_need(key, position):
    template = TEMPLATES[key]
    stage = template.stages[position]
    assert stage.needs, "every stage needs something on record"
    error = refusal_of(plan, template, position, Move.advance, actor_of(stage))
    assert error.refusal == Refusal.incomplete
    assert error.missing == stage.needs
    assert missing_facts(stage, frozenset()) == stage.needs
    assert missing_facts(stage, frozenset(stage.needs)) == ()


def test_disclosing_a_resolution_needs_publication_and_the_notice_period_over():
    template = TEMPLATES["yizheng_sanyi"]
    position = template.index_of(StageKey.disclose_resolution)
    committee = roles(Role.committee)
    for recorded, missing in [
        (frozenset(), (Fact.publication, Fact.notice_over)),
        (facts(Fact.publication), (Fact.notice_over,)),
        (facts(Fact.notice_over), (Fact.publication,)),
    ]:
        error = refusal_of(plan, template, position, Move.advance, committee, recorded)
        assert (error.refusal, error.missing) == (Refusal.incomplete, missing)
    assert plan(template, position, Move.advance, committee,
                facts(Fact.publication, Fact.notice_over)) == position + 1


def test_siyi_review_needs_the_motion_passed_not_just_a_result():
    """A party members' meeting that rejected the proposal does not let the matter on."""
    template = TEMPLATES["siyi_liangkai"]
    position = template.index_of(StageKey.review)
    committee = roles(Role.committee)
    error = refusal_of(plan, template, position, Move.advance, committee, facts(Fact.result))
    assert (error.refusal, error.missing) == (Refusal.incomplete, (Fact.result_passed,))
    assert plan(template, position, Move.advance, committee,
                facts(Fact.result, Fact.result_passed)) == position + 1


def test_facts_of_another_stage_do_not_count():
    """A proposal on record does not complete a consult stage."""
    template = TEMPLATES["yizheng_sanyi"]
    position = template.index_of(StageKey.consult)
    error = refusal_of(plan, template, position, Move.advance, roles(Role.committee),
                       facts(Fact.suggestion, Fact.proposal))
    assert (error.refusal, error.missing) == (Refusal.incomplete, (Fact.meeting_forward,))


# --- Sending back ----------------------------------------------------------------------------

@pytest.mark.parametrize(("key", "position"), STAGES)
def test_send_back_goes_back_exactly_one_stage(key, position):
    template = TEMPLATES[key]
    stage = template.stages[position]
    who = actor_of(stage)
    if position == 0:
        error = refusal_of(plan, template, position, Move.send_back, who, reason="redo")
        assert error.refusal == Refusal.first_stage
        return
    # The record of the current stage does not matter for sending back.
    for recorded in (frozenset(), frozenset(stage.needs), ALL_FACTS):
        assert plan(template, position, Move.send_back, who, recorded, "needs rework") == position - 1


@pytest.mark.parametrize(("key", "position"), STAGES)
def test_send_back_needs_a_reason(key, position):
    """Empty or whitespace-only (including the ideographic space) is no reason."""
    template = TEMPLATES[key]
    who = actor_of(template.stages[position])
    for reason in ["", " ", "   ", "\t\n", "\u3000"]:
        error = refusal_of(plan, template, position, Move.send_back, who, reason=reason)
        assert error.refusal == (Refusal.first_stage if position == 0 else Refusal.no_reason)


def test_send_back_needs_a_reason_by_default():
    template = TEMPLATES["yizheng_sanyi"]
    assert refusal_of(plan, template, 1, Move.send_back, roles(Role.party_org)).refusal == Refusal.no_reason


def _subsets(items):
    items = sorted(items)
    return [frozenset(c) for n in range(len(items) + 1) for c in combinations(items, n)]


@TEMPLATE_KEYS
def test_no_move_ever_skips_a_stage(key):
    """Whatever the roles, record and reason, a move lands one stage forward (advance) or one
    back (send back), or is refused."""
    template = TEMPLATES[key]
    role_sets = _subsets(Role)
    records = [frozenset(), ALL_FACTS] + [frozenset(s.needs) for s in template.stages]
    results = set()
    for position in range(len(template.stages) + 2):
        for move in Move:
            for who in role_sets:
                for recorded in records:
                    for reason in ("", "a reason"):
                        try:
                            new = plan(template, position, move, who, recorded, reason)
                        except ProcedureError:
                            continue
                        assert new == position + (1 if move == Move.advance else -1)
                        assert 0 <= new <= len(template.stages)
                        results.add((position, new))
    n = len(template.stages)
    assert results == {(p, p + 1) for p in range(n)} | {(p, p - 1) for p in range(1, n)}


# --- Acts at a stage -------------------------------------------------------------------------

@pytest.mark.parametrize(("key", "position"), STAGES)
def test_check_act_only_at_its_own_stage_and_by_its_actors(key, position):
    template = TEMPLATES[key]
    for i, stage in enumerate(template.stages):
        for role in [*Role, None]:
            who = NOBODY if role is None else roles(role)
            if i != position:
                error = refusal_of(check_act, template, position, stage.key, who)
                assert error.refusal == Refusal.not_this_stage
            elif role in stage.actors:
                assert check_act(template, position, stage.key, who) is stage
            else:
                assert refusal_of(check_act, template, position, stage.key, who).refusal == Refusal.not_actor


@TEMPLATE_KEYS
def test_check_act_on_a_stage_the_template_lacks(key):
    template = TEMPLATES[key]
    absent = [k for k in StageKey if not template.has(k)]
    for stage_key in absent:
        for position in range(len(template.stages)):
            error = refusal_of(check_act, template, position, stage_key, EVERY_ROLE)
            assert error.refusal == Refusal.not_this_stage


@TEMPLATE_KEYS
def test_check_act_on_a_concluded_matter(key):
    template = TEMPLATES[key]
    for stage_key in StageKey:
        error = refusal_of(check_act, template, len(template.stages), stage_key, EVERY_ROLE)
        assert error.refusal == Refusal.concluded


def test_check_act_with_its_own_actors():
    """An act may name its own actors; they replace the stage's, they do not add to them."""
    template = TEMPLATES["yizheng_sanyi"]
    position = template.index_of(StageKey.resolve)
    representatives = roles(Role.representative)
    stage = check_act(template, position, StageKey.resolve, representatives, actors=representatives)
    assert stage.key == StageKey.resolve
    assert refusal_of(check_act, template, position, StageKey.resolve, representatives).refusal \
        == Refusal.not_actor
    assert refusal_of(check_act, template, position, StageKey.resolve, roles(Role.committee),
                      actors=representatives).refusal == Refusal.not_actor
    assert refusal_of(check_act, template, position, StageKey.resolve, EVERY_ROLE,
                      actors=NOBODY).refusal == Refusal.not_actor
    # The stage is checked before the actors.
    assert refusal_of(check_act, template, position + 1, StageKey.resolve, representatives,
                      actors=representatives).refusal == Refusal.not_this_stage


def test_check_act_concrete():
    yz, sy, ow = TEMPLATES["yizheng_sanyi"], TEMPLATES["siyi_liangkai"], TEMPLATES["owners"]
    party, committee = roles(Role.party_org), roles(Role.committee)
    assert check_act(yz, 1, StageKey.propose, party).key == StageKey.propose
    assert refusal_of(check_act, yz, 1, StageKey.propose, committee).refusal == Refusal.not_actor
    assert refusal_of(check_act, yz, 0, StageKey.propose, party).refusal == Refusal.not_this_stage
    assert refusal_of(check_act, yz, 2, StageKey.propose, party).refusal == Refusal.not_this_stage
    assert check_act(sy, 0, StageKey.propose, party).key == StageKey.propose
    assert check_act(sy, 2, StageKey.review, committee).assemblies == (AssemblyKind.party_members_meeting,)
    assert check_act(ow, 1, StageKey.propose, committee).key == StageKey.propose
    assert check_act(ow, 1, StageKey.propose, party).key == StageKey.propose


# --- The templates' data ---------------------------------------------------------------------

@TEMPLATE_KEYS
def test_template_shape(key):
    template = TEMPLATES[key]
    assert isinstance(template, Template)
    assert template.key == key
    keys = [stage.key for stage in template.stages]
    assert len(keys) == len(set(keys)), "a stage appears once"
    assert keys[-2:] == [StageKey.disclose_resolution, StageKey.disclose_results]
    for i, stage in enumerate(template.stages):
        assert stage.actors, f"nobody acts at {stage.key}"
        assert template.index_of(stage.key) == i
        assert template.has(stage.key)


@TEMPLATE_KEYS
def test_voting_stages_need_a_result_and_only_they_do(key):
    result_facts = {Fact.result, Fact.result_passed}
    template = TEMPLATES[key]
    voting = [stage for stage in template.stages if stage.assemblies]
    assert voting, "every template has a vote"
    for stage in template.stages:
        if stage.assemblies:
            assert result_facts & set(stage.needs), f"{stage.key} decides without a result"
        else:
            assert not result_facts & set(stage.needs), f"{stage.key} needs a result but holds no vote"


def test_siyi_liangkai_order():
    template = TEMPLATES["siyi_liangkai"]
    assert [stage.key for stage in template.stages] == [
        StageKey.propose, StageKey.consult, StageKey.review, StageKey.resolve,
        StageKey.disclose_resolution, StageKey.disclose_results,
    ]
    review = template.stages[template.index_of(StageKey.review)]
    assert Fact.result_passed in review.needs
    assert review.assemblies == (AssemblyKind.party_members_meeting,)
    resolve = template.stages[template.index_of(StageKey.resolve)]
    assert resolve.assemblies == (AssemblyKind.representatives_meeting,)


def test_yizheng_sanyi_and_owners_order():
    expected = [StageKey.solicit, StageKey.propose, StageKey.consult, StageKey.resolve,
                StageKey.disclose_resolution, StageKey.disclose_results]
    for key in ("yizheng_sanyi", "owners"):
        assert [stage.key for stage in TEMPLATES[key].stages] == expected
    owners_resolve = TEMPLATES["owners"].stages[TEMPLATES["owners"].index_of(StageKey.resolve)]
    assert owners_resolve.assemblies == (AssemblyKind.owners_vote,)
    yz_resolve = TEMPLATES["yizheng_sanyi"].stages[TEMPLATES["yizheng_sanyi"].index_of(StageKey.resolve)]
    assert set(yz_resolve.assemblies) == {AssemblyKind.residents_meeting,
                                          AssemblyKind.representatives_meeting}


def test_default_template_exists():
    assert DEFAULT_TEMPLATE == "yizheng_sanyi"
    assert DEFAULT_TEMPLATE in TEMPLATES


def test_every_assembly_kind_is_used_by_some_template():
    used = {kind for t in TEMPLATES.values() for stage in t.stages for kind in stage.assemblies}
    assert used == set(AssemblyKind)


def test_electorates_cover_every_assembly_kind():
    assert set(ELECTORATES) == set(AssemblyKind)
    for kind, electorates in ELECTORATES.items():
        assert electorates, f"{kind} has no electorate"
        assert len(set(electorates)) == len(electorates)
    assert ELECTORATES[AssemblyKind.residents_meeting] == (Electorate.adult_residents, Electorate.households)
    assert ELECTORATES[AssemblyKind.owners_vote] == (Electorate.owners,)


@pytest.mark.parametrize(
    ("electorate", "per_household"),
    [pytest.param(e, e in (Electorate.households, Electorate.owners), id=str(e)) for e in Electorate],
)
def test_electorate_per_household(electorate, per_household):
    assert electorate.per_household is per_household


def test_per_household_expectations_are_concrete():
    assert {e for e in Electorate if e.per_household} == {Electorate.households, Electorate.owners}
