"""Account forms: field validation only; the services decide the rest."""
from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField, ValidationError
from wtforms.validators import DataRequired, EqualTo, Length

from portal.domain.accounts import PASSWORD_MAX, PASSWORD_MIN, is_phone, normalize_login


def _valid_login(form, field):
    normalized = normalize_login(field.data or "")
    if normalized is None:
        raise ValidationError(_l("Enter a mainland mobile number (11 digits) or an e-mail address."))
    if not is_phone(normalized):
        try:
            validate_email(normalized, check_deliverability=False)
        except EmailNotValidError:
            raise ValidationError(_l("This e-mail address is not valid.")) from None


class RegisterForm(FlaskForm):
    login = StringField(_l("Mobile number or e-mail"), validators=[DataRequired(), Length(max=254), _valid_login],
                        render_kw={"autocomplete": "username", "inputmode": "email"})
    display_name = StringField(_l("Name shown to others"), validators=[DataRequired(), Length(max=40)],
                               render_kw={"autocomplete": "nickname"})
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(min=PASSWORD_MIN, max=PASSWORD_MAX)],
                             render_kw={"autocomplete": "new-password"},
                             description=_l("At least 8 characters."))
    confirm = PasswordField(_l("Password again"),
                            validators=[DataRequired(), EqualTo("password", message=_l("The two passwords differ."))],
                            render_kw={"autocomplete": "new-password"})


class LoginForm(FlaskForm):
    login = StringField(_l("Mobile number or e-mail"), validators=[DataRequired(), Length(max=254)],
                        render_kw={"autocomplete": "username"})
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=PASSWORD_MAX)],
                             render_kw={"autocomplete": "current-password"})
    remember = BooleanField(_l("Keep me signed in on this device"))


class PasswordForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=PASSWORD_MAX)],
                            render_kw={"autocomplete": "current-password"})
    new = PasswordField(_l("New password"), validators=[DataRequired(), Length(min=PASSWORD_MIN, max=PASSWORD_MAX)],
                        render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(_l("New password again"),
                            validators=[DataRequired(), EqualTo("new", message=_l("The two passwords differ."))],
                            render_kw={"autocomplete": "new-password"})
