"""Demo data: a realistic street in a Chinese city, loaded through the same services the
portal uses, so the audit log and every invariant hold for it too.

``seed_demo`` is idempotent: it does nothing once the demo street exists. Features add their
own step to ``STEPS`` (places and people come first; later steps can look them up by name).
"""
from collections.abc import Callable

from sqlalchemy import select

from portal.demo import deliberation, disclosure, people, places, wishes
from portal.extensions import db
from portal.models import Unit

STEPS: list[Callable[[places.DemoWorld], None]] = [people.load, deliberation.load, disclosure.load, wishes.load]


def seed_demo() -> bool:
    """Load the demo street unless it is there already. Flushes; the caller commits."""
    exists = db.session.scalar(select(Unit.id).where(Unit.parent_id.is_(None), Unit.name == places.DISTRICT))
    if exists is not None:
        return False
    world = places.load()
    for step in STEPS:
        step(world)
    db.session.flush()
    return True
