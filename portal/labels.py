"""Display names for the domain's enums, in the user's language (template globals)."""
from flask_babel import lazy_gettext as _l

from portal.domain.decisions import Outcome
from portal.domain.deliberation import AssemblyStatus, Choice, MeetingOutcome, PublicationKind, SuggestionStatus
from portal.domain.disclosure import BoardKind
from portal.domain.permissions import Role
from portal.domain.procedures import AssemblyKind, Electorate, Fact, StageKey
from portal.domain.wishes import CareTag, Category, PartnerKind, PartnerStatus, WishStatus
from portal.domain.residents import Relation, VerificationStatus
from portal.domain.units import UnitLevel

LEVEL_LABELS = {
    UnitLevel.district: _l("District"),
    UnitLevel.street: _l("Street"),
    UnitLevel.community: _l("Community"),
    UnitLevel.grid: _l("Grid"),
    UnitLevel.compound: _l("Compound"),
    UnitLevel.building: _l("Building"),
}

ROLE_LABELS = {
    Role.representative: _l("Residents' representative"),
    Role.party_member: _l("Party member"),
    Role.party_org: _l("Party organisation"),
    Role.committee: _l("Residents' committee"),
    Role.grid_worker: _l("Grid worker"),
    Role.partner: _l("Community partner"),
    Role.admin: _l("Administrator"),
}

RELATION_LABELS = {
    Relation.owner: _l("Owner (on the property certificate)"),
    Relation.family: _l("Family member of an owner"),
    Relation.tenant: _l("Tenant"),
}

STATUS_LABELS = {
    VerificationStatus.pending: _l("Waiting"),
    VerificationStatus.approved: _l("Approved"),
    VerificationStatus.declined: _l("Declined"),
    VerificationStatus.withdrawn: _l("Withdrawn"),
}

PROCEDURE_LABELS = {
    "yizheng_sanyi": _l("One solicitation, three deliberations, two disclosures (一征三议两公开)"),
    "siyi_liangkai": _l("Four deliberations, two disclosures (四议两公开)"),
    "owners": _l("Owners' joint decision (业主共同决定)"),
}

STAGE_LABELS = {
    StageKey.solicit: _l("Solicit suggestions"),
    StageKey.propose: _l("Party organisation proposes"),
    StageKey.consult: _l("Joint meeting consults"),
    StageKey.review: _l("Party members review"),
    StageKey.resolve: _l("Assembly resolves"),
    StageKey.disclose_resolution: _l("Resolution disclosed"),
    StageKey.disclose_results: _l("Results disclosed"),
    "concluded": _l("Concluded"),
}

ASSEMBLY_LABELS = {
    AssemblyKind.residents_meeting: _l("Residents' meeting"),
    AssemblyKind.representatives_meeting: _l("Residents' representatives' meeting"),
    AssemblyKind.party_members_meeting: _l("Party members' meeting"),
    AssemblyKind.owners_vote: _l("Owners' vote"),
}

ELECTORATE_LABELS = {
    Electorate.adult_residents: _l("All verified residents aged 18 or over"),
    Electorate.households: _l("One voter per household"),
    Electorate.representatives: _l("The residents' representatives"),
    Electorate.party_members: _l("The party members"),
    Electorate.owners: _l("The owners, one vote per flat, weighted by floor area"),
}

CHOICE_LABELS = {Choice.for_: _l("For"), Choice.against: _l("Against"), Choice.abstain: _l("Abstain")}

OUTCOME_LABELS = {
    Outcome.passed: _l("Passed"),
    Outcome.rejected: _l("Not passed"),
    Outcome.void: _l("No valid decision (quorum not reached)"),
}

ASSEMBLY_STATUS_LABELS = {
    AssemblyStatus.convened: _l("Convened"),
    AssemblyStatus.voting: _l("Voting open"),
    AssemblyStatus.closed: _l("Closed"),
    AssemblyStatus.cancelled: _l("Called off"),
}

SUGGESTION_LABELS = {
    SuggestionStatus.submitted: _l("Waiting for the committee"),
    SuggestionStatus.accepted: _l("Taken up"),
    SuggestionStatus.declined: _l("Declined"),
    SuggestionStatus.withdrawn: _l("Withdrawn"),
}

MEETING_OUTCOME_LABELS = {
    MeetingOutcome.forward: _l("Forward to the vote"),
    MeetingOutcome.send_back: _l("Send back for revision"),
}

PUBLICATION_LABELS = {
    PublicationKind.resolution: _l("Resolution notice"),
    PublicationKind.progress: _l("Progress update"),
    PublicationKind.final: _l("Final report on the results"),
}

DOSSIER_LABELS = {
    "started": _l("Matter opened"),
    "suggestion_accepted": _l("Suggestion taken up"),
    "advance": _l("Moved on to the next stage"),
    "send_back": _l("Sent back for revision"),
    "proposal": _l("Proposal written"),
    "meeting": _l("Joint meeting recorded"),
    "assembly_convened": _l("Assembly convened"),
    "assembly_cancelled": _l("Assembly called off"),
    "voting_opened": _l("Electorate frozen, voting opened"),
    "voting_closed": _l("Voting closed, result frozen"),
    "publication_resolution": _l("Resolution published"),
    "publication_progress": _l("Progress published"),
    "publication_final": _l("Final report published"),
}

FACT_LABELS = {
    Fact.suggestion: _l("accept at least one suggestion into the matter"),
    Fact.proposal: _l("write the proposal"),
    Fact.meeting_forward: _l("record the joint meeting that forwards it"),
    Fact.result: _l("close the vote so that its result is frozen"),
    Fact.result_passed: _l("a review vote that passed"),
    Fact.publication: _l("publish the resolution"),
    Fact.notice_over: _l("wait until the notice period has ended"),
    Fact.final_report: _l("publish the final report on the results"),
}

BOARD_LABELS = {
    BoardKind.affairs: _l("Residents' affairs (居务公开)"),
    BoardKind.party: _l("Party affairs (党务公开)"),
    BoardKind.finance: _l("Finances (财务公开)"),
    BoardKind.service: _l("Services (服务公开)"),
}

CATEGORY_LABELS = {
    "notice": _l("Notice"),
    "resolution": _l("Resolution"),
    "progress": _l("Implementation progress"),
    "result": _l("Implementation result"),
    "finance": _l("Income and spending"),
    "party": _l("Party affairs"),
    "service": _l("Service"),
}

WISH_STATUS_LABELS = {
    WishStatus.draft: _l("Draft"),
    WishStatus.submitted: _l("Waiting for review"),
    WishStatus.open: _l("Open for claiming"),
    WishStatus.declined: _l("Declined"),
    WishStatus.claimed: _l("Claimed"),
    WishStatus.delivered: _l("Delivered, waiting for confirmation"),
    WishStatus.confirmed: _l("Fulfilled"),
    WishStatus.withdrawn: _l("Withdrawn"),
}

WISH_CATEGORY_LABELS = {
    Category.daily: _l("Daily necessities"),
    Category.clothing: _l("Clothes and bedding"),
    Category.study: _l("School things"),
    Category.health: _l("Health and rehabilitation"),
    Category.repair: _l("Repairs at home"),
    Category.companionship: _l("Company and visits"),
    Category.transport: _l("Rides and escorts"),
    Category.other: _l("Other"),
}

CARE_TAG_LABELS = {
    CareTag.living_alone: _l("Elderly living alone"),
    CareTag.bereaved: _l("Bereaved parents"),
    CareTag.low_income: _l("Low income"),
    CareTag.disability: _l("Disability"),
    CareTag.reemployment: _l("Looking for work"),
    CareTag.veteran: _l("Veteran"),
    CareTag.correction: _l("Community correction"),
}

PARTNER_KIND_LABELS = {
    PartnerKind.business: _l("Business"),
    PartnerKind.social_org: _l("Social organisation"),
    PartnerKind.public_unit: _l("Public unit in the area"),
}

PARTNER_STATUS_LABELS = {
    PartnerStatus.pending: _l("Waiting for verification"),
    PartnerStatus.verified: _l("Verified partner"),
    PartnerStatus.declined: _l("Declined"),
}

TEMPLATE_GLOBALS = {
    "level_label": LEVEL_LABELS.__getitem__,
    "role_label": ROLE_LABELS.__getitem__,
    "relation_label": RELATION_LABELS.__getitem__,
    "status_label": STATUS_LABELS.__getitem__,
    "procedure_label": PROCEDURE_LABELS.__getitem__,
    "stage_label": STAGE_LABELS.__getitem__,
    "assembly_label": ASSEMBLY_LABELS.__getitem__,
    "electorate_label": ELECTORATE_LABELS.__getitem__,
    "choice_label": CHOICE_LABELS.__getitem__,
    "outcome_label": OUTCOME_LABELS.__getitem__,
    "assembly_status_label": ASSEMBLY_STATUS_LABELS.__getitem__,
    "suggestion_label": SUGGESTION_LABELS.__getitem__,
    "meeting_outcome_label": MEETING_OUTCOME_LABELS.__getitem__,
    "publication_label": PUBLICATION_LABELS.__getitem__,
    "missing_label": FACT_LABELS.__getitem__,
    "board_label": BOARD_LABELS.__getitem__,
    "wish_status_label": WISH_STATUS_LABELS.__getitem__,
    "wish_category_label": WISH_CATEGORY_LABELS.__getitem__,
    "care_tag_label": CARE_TAG_LABELS.__getitem__,
    "partner_kind_label": PARTNER_KIND_LABELS.__getitem__,
    "partner_status_label": PARTNER_STATUS_LABELS.__getitem__,
    "category_label": lambda key: CATEGORY_LABELS.get(key, key),
    "dossier_label": lambda kind: DOSSIER_LABELS.get(kind, kind),
}
