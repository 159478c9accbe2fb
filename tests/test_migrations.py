"""The schema comes from Alembic revisions: upgrading an empty database gives exactly the
models' schema, and downgrading removes it again."""
import uuid
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from portal import create_app
from portal.extensions import db
from tests.conftest import BASE_CONFIG, PG_URL


@pytest.fixture
def empty_database_url(tmp_path):
    """An empty database of the kind the suite runs on."""
    if not PG_URL:
        yield f"sqlite:///{tmp_path / 'migrated.sqlite3'}"
        return
    url = make_url(PG_URL.replace("postgresql://", "postgresql+psycopg://", 1))
    name = f"portal_migrations_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_upgrade_matches_models_and_downgrade_empties(empty_database_url, tmp_path):
    app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": empty_database_url,
                      "INSTANCE_PATH": str(tmp_path / "instance")})
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), db.metadata)
        assert diff == [], f"models and migrations differ; add a revision: {diff}"
        downgrade(revision="base")
        with db.engine.connect() as conn:
            assert set(inspect(conn).get_table_names()) <= {"alembic_version"}
        db.engine.dispose()


def test_every_revision_has_a_downgrade():
    versions = Path(__file__).parent.parent / "migrations" / "versions"
    for path in versions.glob("*.py"):
        body = path.read_text(encoding="utf-8").split("def downgrade():", 1)[1]
        statements = [line.strip() for line in body.splitlines() if line.strip() and not line.strip().startswith("#")]
        assert statements and statements[0] != "pass", f"{path.name} has an empty downgrade"
