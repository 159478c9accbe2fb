"""Portal-wide CLI commands (feature commands live in their blueprint's cli.py)."""
import click
from flask import Flask

from portal.extensions import db


def init_app(app: Flask) -> None:
    @app.cli.command("seed-demo")
    def seed_demo_command() -> None:
        """Load the demo street (two communities, about 200 households). Safe to run again."""
        from portal.demo import seed_demo

        loaded = seed_demo()
        db.session.commit()
        click.echo("Demo data loaded." if loaded else "Demo data already present; nothing changed.")
