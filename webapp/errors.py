"""One place that turns errors into a page or JSON, with a message in the person's language."""
from __future__ import annotations

from flask import current_app, jsonify, make_response, render_template, request
from flask_babel import gettext as _
from flask_babel import refresh
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError, SQLAlchemyError
from werkzeug.exceptions import HTTPException

from webapp.domain.errors import DomainError
from webapp.extensions import db, login_manager
from webapp.i18n import domain_message
from webapp.storage import StorageUnavailable

DATABASE_RETRY_AFTER_S = 10  # a restart or fail-over of the database takes seconds; phones back off further on their own


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def refuse(status: int, code: str, message: str):
    """The answer to a refused request: JSON with the code and message under /api/, else the error page."""
    if _wants_json():
        return jsonify(error=code, message=message), status
    return render_template("error.html", status=status, message=message), status


def _messages() -> dict[int, str]:
    return {
        400: _("The request could not be understood. Check what you entered and try again."),
        401: _("Please sign in first."),
        403: _("Your role does not allow you to open this page."),
        404: _("This page does not exist, or it belongs to a site you do not work at."),
        405: _("This action is not allowed here."),
        413: _("What you sent is too large."),
        429: _("Too many attempts. Wait a minute and try again."),
        500: _("Something went wrong on our side. What you saved before is safe; please try again."),
    }


def init_app(app) -> None:
    """Register the handlers for HTTP errors, CSRF failures, domain errors and a database out of reach."""

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        status = error.code or 500
        messages = _messages()
        message = messages.get(status) or error.description or messages[500]
        if status == 429 and request.endpoint == "auth.login":
            from webapp.auth.views import render_login

            return render_login(error=_("Too many sign-in attempts. Wait a minute and try again.")), 429
        answer = make_response(refuse(status, error.name.lower().replace(" ", "_"), message))
        for name, value in error.get_headers():  # e.g. Allow on a 405: what the method may be instead
            if name.lower() != "content-type":
                answer.headers[name] = value
        return answer

    @app.errorhandler(CSRFError)
    def csrf_error(_error):
        message = _("This form has expired or did not come from Rounds. Reload the page and try again.")
        return refuse(400, "csrf", message)

    @app.errorhandler(DomainError)
    def domain_error(error: DomainError):
        return refuse(400, error.code, domain_message(error))

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    @app.errorhandler(DisconnectionError)
    def database_unavailable(error: SQLAlchemyError):
        """The database is out of reach: nothing of this request was committed; ask the client to come back."""
        orig = getattr(error, "orig", None) or error
        # the class and first line only: the full text carries the SQL statement and its parameters
        current_app.logger.warning("database unavailable: %s: %s", type(orig).__name__, (str(orig).splitlines() or [""])[0])
        try:
            db.session.rollback()
        except SQLAlchemyError:
            pass  # the connection is gone already; the pool replaces it when the database is back
        # the answer must not ask the database who is signed in (that is what failed): it is rendered as nobody's,
        # without touching the session cookie, so the person stays signed in; its language is the one chosen on
        # the sign-in page, else the browser's (the person's saved language is in the database)
        login_manager._update_request_context_with_user()
        refresh()
        message = _("The database cannot be reached for a moment. Nothing of this request was saved; "
                    "it will be accepted when you send it again shortly.")
        response, status = refuse(503, "database_unavailable", message)
        return response, status, {"Retry-After": str(DATABASE_RETRY_AFTER_S)}

    @app.errorhandler(StorageUnavailable)
    def storage_unavailable(error: StorageUnavailable):
        """The object store is out of reach: nothing of this request was committed; the phone keeps it and retries."""
        current_app.logger.warning("storage unavailable: %s", error)
        db.session.rollback()
        message = _("Photos and files cannot be stored or read for a moment. Nothing of this request was saved; "
                    "it will be accepted when you send it again shortly.")
        response, status = refuse(503, "storage_unavailable", message)
        return response, status, {"Retry-After": str(DATABASE_RETRY_AFTER_S)}

    @app.errorhandler(500)
    def server_error(_error):
        db.session.rollback()  # a failed write leaves the session unusable for rendering the page
        return refuse(500, "server_error", _messages()[500])
