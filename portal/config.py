"""Configuration defaults.

Order of precedence, weakest first: these defaults, ``instance/config.py`` (secrets and
site settings, never committed), ``PORTAL_*`` environment variables (``PORTAL_FOO=bar`` sets
``FOO``; values are parsed as JSON where they can be), ``DATABASE_URL``, then the mapping a
test passes to ``create_app``.
"""
from datetime import timedelta


class DefaultConfig:
    # None means: an SQLite file in the instance folder (see portal.create_app).
    SQLALCHEMY_DATABASE_URI: str | None = None
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}

    # Sessions: HttpOnly and SameSite=Lax always; Secure behind HTTPS in production
    # (PORTAL_SESSION_COOKIE_SECURE=true). The local `make run` serves plain HTTP.
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_DURATION = timedelta(days=30)
    PERMANENT_SESSION_LIFETIME = timedelta(days=7)

    # CSRF on every form; htmx sends the token in the X-CSRFToken header.
    WTF_CSRF_TIME_LIMIT = None  # tied to the session, not a clock: elderly users fill forms slowly

    # Locales: Simplified Chinese first.
    LANGUAGES = {"zh_Hans": "简体中文", "en": "English"}
    BABEL_DEFAULT_LOCALE = "zh_Hans"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    BABEL_TRANSLATION_DIRECTORIES = "translations"

    # Rate limits (Flask-Limiter). memory:// is per process; production sets
    # PORTAL_RATELIMIT_STORAGE_URI=redis://127.0.0.1:6379/0 so all workers share counts.
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_RATE_LIMIT = "10 per minute"
    REGISTER_RATE_LIMIT = "20 per hour"

    # Number of trusted proxies in front of the app (X-Forwarded-For/Proto/Host).
    PROXY_FIX = 0

    # Disclosure attachments (PDF, PNG, JPEG, WebP), kept in instance/attachments by default.
    ATTACHMENT_DIR: str | None = None
    ATTACHMENT_MAX_BYTES = 5 * 1024 * 1024

    # Micro-wishes: the largest estimated value (yuan) and how long a partner's claim lasts.
    WISH_MAX_VALUE = 500
    WISH_CLAIM_DAYS = 14

    PAGE_SIZE = 20
    MAX_CONTENT_LENGTH = 8 * 1024 * 1024
