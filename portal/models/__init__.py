"""All models, imported here so Alembic and the app see one metadata."""
from portal.models.accounts import Resident, RoleGrant, User, VerificationRequest
from portal.models.audit import AuditEntry
from portal.models.base import Base
from portal.models.units import Household, Unit

__all__ = [
    "AuditEntry", "Base", "Household", "Resident", "RoleGrant", "Unit", "User", "VerificationRequest",
]
