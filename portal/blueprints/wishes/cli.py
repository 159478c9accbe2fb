"""``flask --app portal wishes expire``: lapse claims whose claim period has ended.

A claim also lapses when its wish is read after the deadline; run this from cron (e.g. every
hour) so wishes reopen on time and the partners' records show the lapse even if nobody looks."""
import click
from flask.cli import with_appcontext

from portal.blueprints.wishes.views import bp
from portal.extensions import db
from portal.services import wishes


@bp.cli.command("expire")
@with_appcontext
def expire() -> None:
    """Reopen every wish whose claim has lapsed."""
    lapsed = wishes.expire_claims()
    db.session.commit()
    click.echo(f"{lapsed} claim(s) lapsed")
