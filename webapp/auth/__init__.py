"""Sign-in, sign-out and the choice of language."""
from flask import abort, request
from flask_login import current_user

from webapp.auth.views import bp
from webapp.extensions import csrf, htmx, limiter, login_manager


def init_app(app) -> None:
    """Bind the extensions that guard every request, and register the sign-in pages."""
    from webapp.auth import services

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "basic"
    login_manager.user_loader(services.load_person)
    login_manager.unauthorized_handler(services.unauthorized)

    @app.before_request
    def refuse_unnamed_fields():
        """A form field whose name the parser dropped (pallets/werkzeug#3032) is bad input, not a crash in the CSRF check."""
        if request.method in ("POST", "PUT", "PATCH", "DELETE") and (None in request.form or None in request.files):
            abort(400)

    @app.before_request
    def api_sign_in_first():
        """An API write from someone not signed in is a 401 (sign in), not a CSRF failure: it has no session to match."""
        if request.path.startswith("/api/") and request.method == "POST" and not current_user.is_authenticated:
            return services.unauthorized()
        return None

    csrf.init_app(app)  # after the hook above: Flask runs before_request hooks in the order they were added
    limiter.init_app(app)
    htmx.init_app(app)
    app.register_blueprint(bp)
