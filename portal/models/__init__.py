"""All models, imported here so Alembic and the app see one metadata."""
from portal.models.accounts import Resident, RoleGrant, User, VerificationRequest
from portal.models.assemblies import Assembly, Attendance, Ballot, Elector, SecretBallot, SecretParticipation
from portal.models.audit import AuditEntry
from portal.models.base import Base
from portal.models.deliberation import (ConsultMeeting, DossierEntry, Matter, Proposal, Publication, Second,
                                        Solicitation, Suggestion)
from portal.models.disclosure import Board, BoardEntry, EntryRevision, Objection, Rating, RevisionAttachment
from portal.models.units import Household, Unit
from portal.models.wishes import CareAccess, HouseholdCareTag, Offer, Partner, PartnerUnit, Wish, WishEvent

__all__ = [
    "CareAccess", "HouseholdCareTag", "Offer", "Partner", "PartnerUnit", "Wish", "WishEvent",
    "Assembly", "Attendance", "AuditEntry", "Ballot", "Base", "Board", "BoardEntry", "ConsultMeeting", "DossierEntry", "Elector", "EntryRevision",
    "Household", "Matter", "Objection", "Proposal", "Publication", "Rating", "Resident", "RevisionAttachment",
    "RoleGrant", "Second", "SecretBallot",
    "SecretParticipation", "Solicitation", "Suggestion", "Unit", "User", "VerificationRequest",
]
