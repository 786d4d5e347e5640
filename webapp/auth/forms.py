"""Validation of what the sign-in page sends."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, Length


class SignInForm(FlaskForm):
    """Login (phone number or username) and password."""

    login = StringField(_l("Phone number or username"), validators=[DataRequired(_l("Enter your phone number or username.")), Length(max=64)])
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter your password.")), Length(max=200)])
    next = HiddenField()


class LanguageForm(FlaskForm):
    """The language switch on every page."""

    lang = HiddenField(validators=[DataRequired()])
    next = HiddenField()
