"""Admin forms: units, households, role grants."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DecimalField, SelectField, StringField
from wtforms.validators import DataRequired, Length, NumberRange

from portal.forms import choices
from portal.labels import ROLE_LABELS

class UnitForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=80)])
    level = SelectField(_l("Level"), validators=[DataRequired()])


class RenameForm(FlaskForm):
    name = StringField(_l("New name"), validators=[DataRequired(), Length(max=80)])


class HouseholdForm(FlaskForm):
    label = StringField(_l("Door number"), validators=[DataRequired(), Length(max=40)],
                        description=_l("For example 2单元301室"))
    floor_area = DecimalField(_l("Private floor area (m²)"), places=2,
                              validators=[DataRequired(message=_l("Enter the floor area in square metres, e.g. 86.5.")),
                                          NumberRange(min=1, max=9999)])


class GrantForm(FlaskForm):
    login = StringField(_l("Mobile number or e-mail of the person"), validators=[DataRequired(), Length(max=254)])
    role = SelectField(_l("Role"), choices=choices((r.value, label) for r, label in ROLE_LABELS.items()),
                       validators=[DataRequired()])
