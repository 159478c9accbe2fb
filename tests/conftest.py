"""Fixtures: an app on a fresh database per test (an SQLite file, or PostgreSQL when
PORTAL_TEST_DATABASE_URL is set), a client, a CLI runner, and a small world of people."""
import os
import shutil

import pytest
from flask import has_app_context
from flask.testing import FlaskClient
from jinja2 import MemcachedBytecodeCache
from sqlalchemy import event, text

from portal import create_app
from portal.extensions import db, limiter

PG_URL = os.environ.get("PORTAL_TEST_DATABASE_URL")

BASE_CONFIG = {
    "TESTING": True,
    "SECRET_KEY": "test-secret",
    "WTF_CSRF_ENABLED": False,  # CSRF has its own tests (test_csrf.py), with it switched on
    "RATELIMIT_STORAGE_URI": "memory://",
}


def pytest_sessionstart(session):
    """Compile any message catalogue newer than its .mo, so a bare `pytest` sees the current
    translations just as `make test` does."""
    from pathlib import Path

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po in Path(__file__).parent.parent.glob("portal/translations/*/LC_MESSAGES/messages.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            with po.open("rb") as src, mo.open("wb") as dst:
                write_mo(dst, read_po(src))


class _SharedBytecode(MemcachedBytecodeCache):
    """Compiled templates shared by every app of the test session: each test builds a new app,
    and recompiling the same templates for each would be most of a test's time."""

    class _Store(dict):
        def set(self, key, value, timeout=None):
            self[key] = value

    def __init__(self):
        super().__init__(self._Store())


_BYTECODE = _SharedBytecode()


@pytest.fixture(scope="session")
def schema_template(tmp_path_factory):
    """Build the schema once: an SQLite file that each test copies, or the PostgreSQL
    database that each test empties afterwards."""
    if PG_URL:
        app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": PG_URL,
                          "INSTANCE_PATH": str(tmp_path_factory.mktemp("instance"))})
        with app.app_context():
            db.drop_all()
            db.create_all()
            db.engine.dispose()
        yield None
        with app.app_context():
            db.drop_all()
            db.engine.dispose()
        return
    path = tmp_path_factory.mktemp("template") / "portal.sqlite3"
    app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
                      "INSTANCE_PATH": str(path.parent)})
    with app.app_context():
        db.create_all()
        db.session.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
        db.engine.dispose()
    yield path


def _truncate_all() -> None:
    tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
    db.session.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    db.session.commit()


@pytest.fixture
def make_app(schema_template, tmp_path):
    """Factory for apps on this test's database, with extra config."""
    made = []
    if PG_URL:
        uri = PG_URL
    else:
        target = tmp_path / "portal.sqlite3"
        if not target.exists():
            shutil.copy(schema_template, target)
        uri = f"sqlite:///{target}"

    def factory(**config):
        app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": uri,
                          "INSTANCE_PATH": str(tmp_path / "instance"), **config})
        app.test_client_class = PortalClient
        app.jinja_env.bytecode_cache = _BYTECODE
        with app.app_context():
            limiter.reset()
        made.append(app)
        return app

    yield factory
    for app in made:
        with app.app_context():
            db.session.remove()
            if PG_URL and app is made[0]:
                _truncate_all()
            db.engine.dispose()


class PortalClient(FlaskClient):
    """Runs every request in an app context of its own, as a real server does, so requests
    never share the test's database session or ``g``; afterwards the test's own session is
    expired, so what the test reads next comes from the database."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        if has_app_context():
            db.session.expire_all()
        return response


@pytest.fixture
def app(make_app):
    app = make_app()
    with app.app_context():
        yield app


@pytest.fixture
def threaded_app(make_app):
    """An app whose connection pool has room for many threads at once, for the concurrency
    tests (the first app made, so on PostgreSQL it is also the one that empties the database)."""
    app = make_app(SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 24, "max_overflow": 0, "pool_pre_ping": True,
                                              "pool_timeout": 30})
    with app.app_context():
        yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def world(app):
    from tests.factories import build_world

    return build_world()


class AuthActions:
    """Sign in and out through the real forms."""

    def __init__(self, client):
        self.client = client

    def login(self, user_or_login, password="password123"):
        login = getattr(user_or_login, "login", user_or_login)
        return self.client.post("/auth/login", data={"login": login, "password": password})

    def logout(self):
        return self.client.post("/auth/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)


@pytest.fixture
def count_queries(app):
    """Context manager counting SQL statements sent to the database."""
    from contextlib import contextmanager

    @contextmanager
    def counter():
        statements = []

        def before(conn, cursor, statement, parameters, context, executemany):
            statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", before)
        try:
            yield statements
        finally:
            event.remove(db.engine, "before_cursor_execute", before)

    return counter
