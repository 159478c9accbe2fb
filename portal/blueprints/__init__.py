"""One package per feature; each exposes ``bp``. Blueprints never import each other."""
from flask import Flask


def register_blueprints(app: Flask) -> None:
    from portal.blueprints.admin import cli as _admin_cli  # noqa: F401  (registers create-admin)
    from portal.blueprints.admin.views import bp as admin_bp
    from portal.blueprints.auth.views import bp as auth_bp
    from portal.blueprints.deliberation import assemblies, cli, matters, solicitations  # noqa: F401  (routes)
    from portal.blueprints.deliberation import bp as deliberation_bp
    from portal.blueprints.disclosure import cli as _disclosure_cli  # noqa: F401  (registers its commands)
    from portal.blueprints.disclosure.views import bp as disclosure_bp
    from portal.blueprints.main.views import bp as main_bp
    from portal.blueprints.residents.views import bp as residents_bp
    from portal.blueprints.wishes import cli as _wishes_cli  # noqa: F401  (registers its commands)
    from portal.blueprints.wishes.views import bp as wishes_bp

    for bp in (main_bp, auth_bp, residents_bp, deliberation_bp, disclosure_bp, wishes_bp, admin_bp):
        app.register_blueprint(bp)
