"""Forms for joining a household and deciding on requests."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from portal.forms import choices
from portal.labels import RELATION_LABELS

class JoinForm(FlaskForm):
    community = SelectField(_l("Community"), coerce=int, validators=[InputRequired()])
    building = SelectField(_l("Building"), coerce=int, validators=[InputRequired()])
    household = SelectField(_l("Door number"), coerce=int, validators=[InputRequired()])
    real_name = StringField(_l("Real name (as on your ID card)"), validators=[DataRequired(), Length(max=40)],
                            render_kw={"autocomplete": "name"})
    relation = SelectField(_l("You live there as"), choices=choices((r.value, label) for r, label in RELATION_LABELS.items()),
                           validators=[DataRequired()])
    birth_date = DateField(_l("Date of birth"), validators=[DataRequired(message=_l("Enter a date, e.g. 1968-05-20."))],
                           render_kw={"autocomplete": "bday"})
    note = TextAreaField(_l("Anything the committee should know (optional)"), validators=[Optional(), Length(max=300)])


class DeclineForm(FlaskForm):
    reason = TextAreaField(_l("Reason (the applicant will see it)"), validators=[DataRequired(), Length(max=300)])
