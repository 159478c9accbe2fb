"""Local dates: the portal's day begins at local midnight (Beijing time by default), not at
UTC midnight. Birthdays, notice periods and the day an electorate froze are local dates."""
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app

from portal.models.base import utcnow


def local_date(moment: datetime | None = None) -> date:
    """The local calendar date at ``moment`` (now by default)."""
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    return (moment or utcnow()).astimezone(zone).date()


def local_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
