"""Sign-in, sign-out and the choice of language."""
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
    csrf.init_app(app)
    limiter.init_app(app)
    htmx.init_app(app)
    app.register_blueprint(bp)
