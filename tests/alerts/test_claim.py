"""Two worker threads on the same due delivery: only one sends it."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from tests.alerts.things import CLOSES, Receiver, patrolled_shift
from webapp.alerts import services
from webapp.extensions import db
from webapp.models import AlertDelivery


def test_a_delivery_claimed_by_another_thread_is_not_sent_again(world):
    with Receiver() as robot:
        patrolled_shift(world, wecom_webhook=robot.url("/send"))
        now = CLOSES + timedelta(minutes=1)
        services.evaluate(now)
        delivery = db.session.scalar(select(AlertDelivery))
        assert delivery.attempts == 0
        with db.engine.begin() as other:  # another worker thread claims it after this one read the row
            other.execute(update(AlertDelivery).values(attempts=1, next_try_at=now + timedelta(minutes=5)))
        services._attempt(delivery, now)  # this thread still holds attempts == 0: it must not send
        db.session.commit()
        assert robot.posts == []
        assert services.deliver_due(now + timedelta(minutes=1)) == 0  # in flight elsewhere: not due
        services.deliver_due(now + timedelta(minutes=6))  # the other thread never finished: tried again, once
        assert len(robot.posts) == 1
        db.session.expire_all()
        assert (db.session.get(AlertDelivery, delivery.id).state, db.session.get(AlertDelivery, delivery.id).attempts) == ("sent", 2)
