"""议事厅 community portal: the application factory."""
import os
import secrets
from pathlib import Path

from flask import Flask

from portal.config import DefaultConfig


def create_app(test_config=None) -> Flask:
    """Build the app: configuration, extensions, blueprints, CLI commands."""
    instance_path = (test_config or {}).get("INSTANCE_PATH") or os.environ.get("PORTAL_INSTANCE_PATH") or None
    app = Flask(__name__, instance_path=instance_path, instance_relative_config=True)
    _configure(app, test_config)

    from portal import database, errors, i18n, security, web  # noqa: F401  (database: engine hooks)
    from portal.extensions import babel, csrf, db, htmx, limiter, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(app.root_path).parent / "migrations"))
    limiter.init_app(app)  # before CSRF: a flood without tokens is counted and limited too
    csrf.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale, timezone_selector=None)
    htmx.init_app(app)
    login_manager.init_app(app)
    web.init_app(app)
    security.init_app(app)
    errors.init_app(app)

    from portal.blueprints import register_blueprints
    register_blueprints(app)

    from portal import cli
    cli.init_app(app)
    return app


def _configure(app: Flask, test_config) -> None:
    app.config.from_object(DefaultConfig)
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env("PORTAL")
        if os.environ.get("DATABASE_URL"):
            app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
    else:
        app.config.from_mapping(test_config)

    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + str(Path(app.instance_path) / "portal.sqlite3")
    app.config["SQLALCHEMY_DATABASE_URI"] = _with_driver(app.config["SQLALCHEMY_DATABASE_URI"])
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(Path(app.instance_path) / "secret_key")
    app.config.setdefault("SEARCH_INDEX_DIR", str(Path(app.instance_path) / "search-index"))


def _with_driver(url: str) -> str:
    """PostgreSQL URLs without a driver use psycopg 3 (the one we install)."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _instance_secret(path: Path) -> str:
    """A secret key kept in the instance folder, created on first start (mode 600). Written
    aside and linked into place, so workers starting together agree on one key."""
    if not path.exists():
        tmp = path.with_name(f".{path.name}.{os.getpid()}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return path.read_text().strip()
