"""Form pieces shared by several blueprints."""
from flask_wtf import FlaskForm
from wtforms import SelectChoice


class ConfirmForm(FlaskForm):
    """Nothing but the CSRF token: for one-click actions (approve, revoke, withdraw)."""


def choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms select choices."""
    return [SelectChoice(value, label) for value, label in pairs]
