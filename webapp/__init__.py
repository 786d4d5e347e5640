"""The Rounds application factory."""
from __future__ import annotations

from pathlib import Path

from flask import Flask

from webapp import config as settings

ROOT = Path(__file__).resolve().parent.parent


def create_app(overrides: dict | None = None) -> Flask:
    """Build the app: configuration, extensions, blueprints, error pages, commands."""
    app = Flask(
        __name__,
        instance_path=str(ROOT / "instance"),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.update(settings.load(app.instance_path))
    app.config.update(overrides or {})
    settings.check(app.config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    from webapp import (
        admin,
        alerts,
        api,
        auth,
        board,
        cli,
        db_setup,
        equipment,
        errors,
        field,
        handover,
        home,
        i18n,
        imports,
        inspections,
        labels,
        notices,
        ops,
        orders,
        params,
        portal,
        pwa,
        reports,
        scorecards,
        security,
        setup,
        sites,
        static_files,
        violations,
    )

    params.init_app(app)  # before any route: the bounded <int:...> converter
    db_setup.init_app(app)
    ops.init_app(app)  # first of the request hooks: every later log line carries the request id
    i18n.init_app(app)
    auth.init_app(app)
    for module in (home, sites, admin, api, field, labels, imports, setup, pwa, board, handover,
                   inspections, notices, violations, orders, scorecards, reports, portal, alerts, equipment):
        app.register_blueprint(module.bp)
    errors.init_app(app)
    security.init_app(app)
    static_files.init_app(app)
    cli.init_app(app)
    if app.config["PROXY_HOPS"]:  # behind nginx: the client's address (rate limits, logs) and scheme come from it
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
    return app
