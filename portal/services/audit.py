"""Writing the audit log."""
from portal.extensions import db
from portal.models import AuditEntry, Unit, User


def record(actor: User | None, action: str, obj=None, *, unit: Unit | None = None, detail: str = "") -> AuditEntry:
    """Add one audit row for a state change: who, what, on which object, where."""
    entry = AuditEntry(
        actor_id=actor.id if actor is not None else None,
        action=action,
        object_type=type(obj).__tablename__ if obj is not None else "",
        object_id=getattr(obj, "id", None),
        unit_id=unit.id if unit is not None else None,
        detail=detail[:500],
    )
    db.session.add(entry)
    return entry
