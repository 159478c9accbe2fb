"""Forms of the disclosure boards: field validation only."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import BooleanField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from portal.forms import choices
from portal.labels import CATEGORY_LABELS


def category_choices():
    return choices((key, label) for key, label in CATEGORY_LABELS.items())


class _NoticeFields(FlaskForm):
    """What every revision of a notice carries."""

    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=120)])
    category = SelectField(_l("Category"), validators=[DataRequired()])
    body = TextAreaField(_l("Text"), validators=[DataRequired(), Length(max=50000)],
                         description=_l("Simple formatting is kept: paragraphs, lists, bold, tables, links."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.category.choices = category_choices()


class EntryForm(_NoticeFields):
    notice_days = IntegerField(_l("Notice period (days, empty for none)"), validators=[Optional(), NumberRange(1, 90)])
    attachments = MultipleFileField(_l("Attachments (PDF or images, up to 5 MB each)"))


class RevisionForm(_NoticeFields):
    reason = TextAreaField(_l("What does this correct, and why?"), validators=[DataRequired(), Length(max=2000)])
    keep_attachments = BooleanField(_l("Keep the attachments of the current revision"), default=True)
    attachments = MultipleFileField(_l("Further attachments (PDF or images, up to 5 MB each)"))


class ObjectionForm(FlaskForm):
    body = TextAreaField(_l("Your objection"), validators=[DataRequired(), Length(max=3000)])


class AnswerForm(FlaskForm):
    answer = TextAreaField(_l("Answer (published with the objection)"), validators=[DataRequired(), Length(max=3000)])


class RatingForm(FlaskForm):
    score = RadioField(_l("Your rating"), coerce=int, validators=[DataRequired(message=_l("Choose 1 to 5 stars."))],
                       choices=choices((n, "★" * n) for n in range(5, 0, -1)))
    comment = TextAreaField(_l("Comment (optional)"), validators=[Optional(), Length(max=1000)])
