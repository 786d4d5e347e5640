"""Validation of what the sign-in page sends."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, Length, ValidationError

from webapp.domain.passwords import weakness
from webapp.i18n import message_for


class SignInForm(FlaskForm):
    """Login (phone number or username) and password."""

    login = StringField(_l("Phone number or username"), validators=[DataRequired(_l("Enter your phone number or username.")), Length(max=64)])
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter your password.")), Length(max=200)])
    next = HiddenField()


class LanguageForm(FlaskForm):
    """The language switch on every page."""

    lang = HiddenField(validators=[DataRequired()])
    next = HiddenField()


class OwnPasswordForm(FlaskForm):
    """A signed-in person changes their own password: the current one, then the new one (the same rules as set-up)."""

    current = PasswordField(_l("Current password"), validators=[DataRequired(_l("Enter your password.")), Length(max=200)])
    password = PasswordField(_l("New password"), validators=[DataRequired(_l("This field is required.")), Length(max=200)],
                             description=_l("At least 10 characters, not only digits, not the login or the name, not a common password."))

    def __init__(self, *args, person=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.person = person

    def validate_password(self, field):
        found = weakness(field.data or "", getattr(self.person, "login", ""), getattr(self.person, "name", ""))
        if found is not None:
            raise ValidationError(message_for(*found))
