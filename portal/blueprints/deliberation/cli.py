"""``flask --app portal deliberation close-due``: close votes whose closing time has passed.

A vote also closes when anyone opens its page after the closing time; run this from cron
(e.g. every five minutes) so results are frozen on time even when nobody looks."""
import click
from flask.cli import with_appcontext

from portal.blueprints.deliberation import bp
from portal.extensions import db
from portal.services import assemblies


@bp.cli.command("close-due")
@with_appcontext
def close_due() -> None:
    """Close every vote whose closing time has passed and freeze its result."""
    closed = assemblies.close_due()
    db.session.commit()
    click.echo(f"closed {closed} vote(s)")
