"""Admin forms: units, households, role grants."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, ValidationError
from wtforms.validators import DataRequired, Length

from portal.domain.units import parse_floor_area
from portal.forms import choices
from portal.labels import ROLE_LABELS

_AREA_MESSAGE = _l("Enter the floor area in square metres, e.g. 86.5.")


def _valid_area(form, field):
    if parse_floor_area(field.data) is None:
        raise ValidationError(_AREA_MESSAGE)


def _offered(message):
    """A select's value must be one of the choices offered, else ``message``."""
    def check(form, field):
        if field.data not in {choice.value for choice in field.choices}:
            raise ValidationError(message)
    return check


_NAME_REQUIRED = DataRequired(message=_l("Enter a name."))


class UnitForm(FlaskForm):
    name = StringField(_l("Name"), validators=[_NAME_REQUIRED, Length(max=80)])
    # The view offers only the levels allowed under the parent; say so when another is posted.
    level = SelectField(_l("Level"), validate_choice=False,
                        validators=[DataRequired(message=_l("Choose a level.")), _offered(_l("A unit of this level cannot be placed here."))])


class RenameForm(FlaskForm):
    name = StringField(_l("New name"), validators=[_NAME_REQUIRED, Length(max=80)])


class HouseholdForm(FlaskForm):
    label = StringField(_l("Door number"), validators=[DataRequired(), Length(max=40)],
                        description=_l("For example 2单元301室"))
    floor_area = StringField(_l("Private floor area (m²)"),
                             validators=[DataRequired(message=_AREA_MESSAGE), _valid_area],
                             render_kw={"inputmode": "decimal"})


class GrantForm(FlaskForm):
    login = StringField(_l("Mobile number or e-mail of the person"),
                        validators=[DataRequired(message=_l("Enter the person's mobile number or e-mail.")),
                                    Length(max=254)])
    role = SelectField(_l("Role"), choices=choices((r.value, label) for r, label in ROLE_LABELS.items()),
                       validate_choice=False,
                       validators=[DataRequired(message=_l("Choose a role.")), _offered(_l("Choose a role."))])
