"""Operations: health check, structured request logs, backup and restore."""
from webapp.ops import health, logs


def init_app(app) -> None:
    """Log every request with its id, and serve /healthz."""
    logs.init_app(app)
    app.register_blueprint(health.bp)
