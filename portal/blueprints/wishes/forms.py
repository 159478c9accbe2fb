"""Forms of the wish and partner pages: field validation only; the rules live in the services."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from portal.forms import choices
from portal.labels import CARE_TAG_LABELS, PARTNER_KIND_LABELS, WISH_CATEGORY_LABELS


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class WishForm(FlaskForm):
    beneficiary = SelectField(_l("For whom (代办)"), coerce=int, validators=[Optional()])
    title = StringField(_l("What is the wish, in a few words?"), validators=[DataRequired(), Length(max=80)],
                        description=_l("e.g. a winter coat, a reading lamp, a ride to hospital"))
    description = TextAreaField(_l("Details"), validators=[DataRequired(), Length(max=2000)])
    category = SelectField(_l("Kind of wish"), validators=[DataRequired()],
                           choices=choices((c.value, label) for c, label in WISH_CATEGORY_LABELS.items()))
    value = StringField(_l("Estimated value (yuan)"), validators=[DataRequired()],
                        render_kw={"inputmode": "decimal"})
    wanted_by = DateField(_l("Wanted by"), validators=[DataRequired(message=_l("Enter a date, e.g. 2026-12-20."))])
    photo = FileField(_l("Photo (optional, PNG, JPEG or WebP)"))


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=1000)])


class NoteForm(FlaskForm):
    note = TextAreaField(_l("Note"), validators=[DataRequired(), Length(max=2000)])
    photo = FileField(_l("Photo (optional)"))


class ThanksForm(FlaskForm):
    thanks = TextAreaField(_l("A word of thanks for the thank-you wall (optional)"),
                           validators=[Optional(), Length(max=500)])


class PartnerForm(FlaskForm):
    name = StringField(_l("Organisation"), validators=[DataRequired(), Length(max=80)])
    kind = SelectField(_l("Kind"), validators=[DataRequired()],
                       choices=choices((k.value, label) for k, label in PARTNER_KIND_LABELS.items()))
    contact_name = StringField(_l("Contact person"), validators=[DataRequired(), Length(max=40)])
    contact_phone = StringField(_l("Contact phone"), validators=[DataRequired(), Length(max=20)])
    offers_summary = TextAreaField(_l("What can you offer residents?"), validators=[Optional(), Length(max=2000)])
    units = CheckboxesField(_l("Communities you serve"), coerce=int, validators=[InputRequired()])


class OfferForm(FlaskForm):
    unit = SelectField(_l("Community"), coerce=int, validators=[InputRequired()])
    title = StringField(_l("Offer"), validators=[DataRequired(), Length(max=120)],
                        description=_l("e.g. free haircuts for the elderly every Wednesday morning"))
    description = TextAreaField(_l("Details"), validators=[Optional(), Length(max=2000)])


class CareTagsForm(FlaskForm):
    tags = CheckboxesField(_l("Care tags (七色暖心签)"), validators=[Optional()],
                           choices=choices((t.value, label) for t, label in CARE_TAG_LABELS.items()))
    note = TextAreaField(_l("Note for staff (optional)"), validators=[Optional(), Length(max=500)])
