"""The report queue on Redis, as production runs it: a task sent through the real Redis on this machine is run."""
from __future__ import annotations

import uuid

import pytest
import redis

from webapp.reports.jobs import make_huey

REDIS_URL = "redis://127.0.0.1:6379/15"


def _redis_up() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.exceptions.RedisError:
        return False


@pytest.mark.skipif(not _redis_up(), reason="no Redis at 127.0.0.1:6379 (the machine starts one before the session)")
def test_a_task_queued_on_redis_is_taken_and_run_by_a_worker():
    queue = make_huey({"HUEY_REDIS_URL": REDIS_URL}, name=f"rounds-test-{uuid.uuid4().hex[:8]}")  # a queue of its own

    @queue.task()
    def add(a, b):
        return a + b

    try:
        result = add(2, 3)
        assert queue.pending_count() == 1  # waiting in Redis, not run in-process
        task = queue.dequeue()
        queue.execute(task)
        assert result.get() == 5
    finally:
        queue.flush()
