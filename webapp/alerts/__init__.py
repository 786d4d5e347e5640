"""Alerts (告警): missed rounds, SOS and lone workers, overdue work, raised by the worker and sent by every channel."""
from webapp.alerts import jobs  # noqa: F401 (registers the periodic task with the worker's queue)
from webapp.alerts.views import bp

__all__ = ["bp"]
