"""Helpers shared by the service-level deliberation tests."""
from flask_babel import force_locale
from sqlalchemy import func, select

from portal.extensions import db
from portal.services import PermissionDenied, ServiceError


def english(err: ServiceError) -> str:
    """A refusal's message in English (the msgids), whatever the current locale."""
    with force_locale("en"):
        return str(err.message)


def rows(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def attempt(action) -> str:
    """Run ``action`` in a savepoint that is always rolled back: "ok", "denied" for a
    PermissionDenied, or the English message of another refusal."""
    savepoint = db.session.begin_nested()
    try:
        action()
        return "ok"
    except PermissionDenied:
        return "denied"
    except ServiceError as err:
        return english(err)
    finally:
        savepoint.rollback()
        db.session.expire_all()
