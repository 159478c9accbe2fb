"""Forms of the deliberation pages: field validation only; the rules live in the services."""
from datetime import datetime, timezone

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateField, DateTimeLocalField, IntegerField, RadioField, SelectField,
                     SelectMultipleField, StringField, TextAreaField)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from portal.clock import local_zone
from portal.forms import choices
from portal.labels import (ASSEMBLY_LABELS, CHOICE_LABELS, ELECTORATE_LABELS, MEETING_OUTCOME_LABELS,
                           PROCEDURE_LABELS, PUBLICATION_LABELS)

WHEN = _l("Enter a date and time, e.g. 2026-12-01 19:30.")


def as_utc(local: datetime | None) -> datetime | None:
    """A date and time typed in local time (datetime-local inputs carry no zone), in UTC."""
    if local is None:
        return None
    return local.replace(tzinfo=local_zone()).astimezone(timezone.utc)


def as_local(moment: datetime | None) -> datetime | None:
    """The reverse, to prefill a datetime-local input."""
    return moment.astimezone(local_zone()).replace(tzinfo=None) if moment else None


def procedure_choices():
    return choices((key, label) for key, label in PROCEDURE_LABELS.items())


class SolicitationForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=120)],
                        description=_l("e.g. Suggestions for the fourth quarter"))
    description = TextAreaField(_l("What are you asking residents about?"), validators=[Optional(), Length(max=5000)])
    opens_at = DateTimeLocalField(_l("Opens"), validators=[DataRequired(message=WHEN)])
    closes_at = DateTimeLocalField(_l("Closes"), validators=[DataRequired(message=WHEN)])


class SuggestionForm(FlaskForm):
    title = StringField(_l("Your suggestion in one line"), validators=[DataRequired(), Length(max=120)])
    body = TextAreaField(_l("Details: what is the problem, what would help?"),
                         validators=[DataRequired(), Length(max=5000)])


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("Reason (residents will see it)"), validators=[DataRequired(), Length(max=1000)])


class _ProcedureFields(FlaskForm):
    """How a new matter is decided: its procedure template and ballot."""

    procedure = SelectField(_l("Procedure"), validators=[DataRequired()])
    secret_ballot = BooleanField(_l("Secret ballot"))
    major = BooleanField(_l("Major owners' matter (maintenance fund, rebuilding, change of use): ¾ needed"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.procedure.choices = procedure_choices()


class AcceptForm(_ProcedureFields):
    matter = SelectField(_l("Take it into"), coerce=int, validators=[InputRequired()])
    title = StringField(_l("Title of the new matter"), validators=[Optional(), Length(max=120)])


class MatterForm(_ProcedureFields):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=120)])
    summary = TextAreaField(_l("Summary"), validators=[Optional(), Length(max=5000)])


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ProposalForm(FlaskForm):
    body = TextAreaField(_l("Proposal"), validators=[DataRequired(), Length(max=20000)],
                         description=_l("Simple formatting is kept: paragraphs, lists, bold, links."))
    answers = MultiCheckboxField(_l("Suggestions it answers"), coerce=int, validators=[Optional()])


class MeetingForm(FlaskForm):
    held_on = DateField(_l("Held on"), validators=[DataRequired(message=_l("Enter a date, e.g. 2026-11-20."))])
    place = StringField(_l("Place"), validators=[DataRequired(), Length(max=120)])
    attendees = TextAreaField(_l("Attendees"), validators=[DataRequired(), Length(max=2000)])
    minutes = TextAreaField(_l("Minutes"), validators=[DataRequired(), Length(max=20000)])
    opinions = TextAreaField(_l("Opinions raised"), validators=[Optional(), Length(max=5000)])
    outcome = RadioField(_l("Outcome"), validators=[DataRequired()],
                         choices=choices((k.value, v) for k, v in MEETING_OUTCOME_LABELS.items()))


class ConveneForm(FlaskForm):
    kind = SelectField(_l("Assembly"), validators=[DataRequired()])
    electorate = SelectField(_l("Who votes"), validators=[DataRequired()])
    motion = TextAreaField(_l("Motion put to the vote"), validators=[DataRequired(), Length(max=2000)])
    place = StringField(_l("Place"), validators=[Optional(), Length(max=120)])
    starts_at = DateTimeLocalField(_l("Starts"), validators=[DataRequired(message=WHEN)])
    closes_at = DateTimeLocalField(_l("Voting closes by itself at (optional)"), validators=[Optional()])

    def __init__(self, *args, kinds=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = choices((k.value, ASSEMBLY_LABELS[k]) for k in kinds)
        self.electorate.choices = choices((e.value, label) for e, label in ELECTORATE_LABELS.items())


class BallotForm(FlaskForm):
    choice = RadioField(_l("Your vote"), validators=[DataRequired(message=_l("Choose for, against or abstain."))],
                        choices=choices((c.value, label) for c, label in CHOICE_LABELS.items()))
    receipt = StringField(_l("Receipt (only to change a secret vote)"), validators=[Optional(), Length(max=12)])


class PaperBallotForm(FlaskForm):
    choice = RadioField(_l("Paper ballot"), validators=[DataRequired(message=_l("Choose for, against or abstain."))],
                        choices=choices((c.value, label) for c, label in CHOICE_LABELS.items()))


class PublicationForm(FlaskForm):
    kind = SelectField(_l("What is published"), validators=[DataRequired()],
                       choices=choices((k.value, v) for k, v in PUBLICATION_LABELS.items()))
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=120)])
    body = TextAreaField(_l("Text"), validators=[DataRequired(), Length(max=20000)])
    progress = IntegerField(_l("Progress (%)"), validators=[Optional(), NumberRange(min=0, max=100)])
    notice_days = IntegerField(_l("Notice period (days)"), default=7,
                               validators=[Optional(), NumberRange(min=1, max=90)])
