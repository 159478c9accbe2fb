"""``flask --app portal create-admin``: the first account that can manage everything."""
import click
from flask.cli import with_appcontext

from portal.blueprints.admin.views import bp
from portal.domain.permissions import Role
from portal.extensions import db
from portal.services import ServiceError
from portal.services.accounts import find_user, register_user
from portal.services.units import grant_role


@bp.cli.command("create-admin")
@click.option("--login", prompt="Mobile number or e-mail", help="The admin's login.")
@click.option("--name", default="管理员", show_default=True, help="Display name.")
@click.password_option(help="Password (asked twice if not given).")
@with_appcontext
def create_admin(login: str, name: str, password: str) -> None:
    """Create an account (or reuse one) and make it a portal-wide admin."""
    try:
        user = find_user(login)
        if user is None:
            user = register_user(login=login, display_name=name, password=password)
        if any(g.role == Role.admin and g.unit_id is None for g in user.grants):
            click.echo(f"{user.login} is already a portal-wide admin.")
            return
        grant_role(actor=None, user=user, role=Role.admin, unit=None)
    except ServiceError as err:
        db.session.rollback()
        raise click.ClickException(str(err.message)) from None
    db.session.commit()
    click.echo(f"{user.login} is now a portal-wide admin.")
