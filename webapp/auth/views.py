"""Sign-in, sign-out and language switch."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from webapp import clock
from webapp.access import EVERYONE, allow, home_endpoint, public
from webapp.auth import services
from webapp.auth.forms import LanguageForm, OwnPasswordForm, SignInForm
from webapp.extensions import limiter

bp = Blueprint("auth", __name__)


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _login_key() -> str:
    return "login:" + (request.form.get("login") or "").strip().lower()


def render_login(form: SignInForm | None = None, error: str | None = None):
    """The sign-in page, with an optional error above the form."""
    form = form or SignInForm()
    return render_template("auth/login.html", form=form, error=error)


@bp.route("/login", methods=["GET", "POST"])
@public
@limiter.limit(_login_limit, methods=["POST"])
@limiter.limit(_login_limit, methods=["POST"], key_func=_login_key)
def login():
    """Sign in with a phone number or username and a password."""
    if current_user.is_authenticated and request.method == "GET":
        return redirect(url_for(home_endpoint(current_user)))
    form = SignInForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")  # e.g. the label whose scan waits for this sign-in
    if not form.validate_on_submit():
        return render_login(form), 400 if request.method == "POST" else 200
    try:
        person = services.authenticate(form.login.data, form.password.data)
    except services.Locked as locked:
        wait = max(1, int((locked.until - clock.now()).total_seconds()))
        return render_login(form, locked.message), 429, {"Retry-After": str(wait)}
    if person is None:
        return render_login(form, _("Wrong phone number/username or password, or the account is disabled.")), 401
    session.permanent = True  # lasts a working shift (SESSION_HOURS)
    services.start_session(person)
    login_user(person)
    if session.pop("lang_picked", False):  # chosen on this sign-in page, not left over from someone else
        services.set_language(person, session.get("lang", person.language))
    return redirect(services.safe_next(form.next.data) or url_for(home_endpoint(person)))


@bp.route("/logout", methods=["POST"])
@allow(EVERYONE)
def logout():
    """Sign out and return to the sign-in page."""
    services.sign_out(current_user)
    logout_user()
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@allow(EVERYONE)
@limiter.limit(_login_limit, methods=["POST"])
def password():
    """A signed-in person changes their own password; their other sessions (other phones, computers) end."""
    form = OwnPasswordForm(person=current_user)
    if request.method == "GET" or not form.validate_on_submit():
        return render_template("auth/password.html", form=form), 200 if request.method == "GET" else 422
    if not services.change_own_password(current_user, form.current.data, form.password.data):
        form.current.errors = [_("This is not your current password.")]
        return render_template("auth/password.html", form=form), 422
    flash(_("Your password is changed. You are signed out on every other phone and computer."), "ok")
    return redirect(url_for(home_endpoint(current_user)))


@bp.route("/language", methods=["POST"])
@public
def language():
    """Switch the language of the interface; a signed-in person keeps the choice."""
    form = LanguageForm()
    if not form.validate_on_submit() or form.lang.data not in current_app.config["LANGUAGES"]:
        return render_template("error.html", status=400, message=_("Unknown language.")), 400
    session["lang"] = form.lang.data
    if not current_user.is_authenticated:
        session["lang_picked"] = True
    services.set_language(current_user if current_user.is_authenticated else None, form.lang.data)
    return redirect(services.safe_next(form.next.data) or url_for("auth.login"))
