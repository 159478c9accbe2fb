"""Display names for the domain's enums, in the user's language (template globals)."""
from flask_babel import lazy_gettext as _l

from portal.domain.permissions import Role
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

TEMPLATE_GLOBALS = {
    "level_label": LEVEL_LABELS.__getitem__,
    "role_label": ROLE_LABELS.__getitem__,
    "relation_label": RELATION_LABELS.__getitem__,
    "status_label": STATUS_LABELS.__getitem__,
}
