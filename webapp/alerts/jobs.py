"""Alerts in the report queue's worker (huey): every minute, raise and escalate what is due, then deliver.

Never inside a request: the periodic task raises alerts and queues their deliveries; `send_alerts` tries the due
ones (at once after raising, and every minute for retries and quiet hours that have ended)."""
from __future__ import annotations

from huey import crontab

from webapp import clock
from webapp.alerts import services
from webapp.reports.jobs import _context, huey


def tick() -> tuple[list[int], int]:
    """One minute's work: evaluate every site, then deliver what is due; (alerts raised, deliveries tried)."""
    now = clock.now()
    raised = services.evaluate(now)
    return raised, services.deliver_due(clock.now())


@huey.periodic_task(crontab(minute="*"))
def evaluate_alerts() -> None:
    """Every minute: raise, escalate, deliver."""
    with _context():
        tick()


@huey.task()
def send_alerts() -> None:
    """Deliver what is due now (queued right after an SOS)."""
    with _context():
        services.deliver_due(clock.now())
