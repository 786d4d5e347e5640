"""The test run's clock (tests/clock.py) reaches this process, the app and the processes tests start."""
import subprocess
from datetime import datetime, timedelta

from tests import clock
from webapp import clock as app_clock

RUN_LENGTH = timedelta(hours=2)  # far longer than a whole run takes, far shorter than any wall-clock distance


def test_the_run_starts_at_its_fixed_instant_not_today(app):
    start = clock.run_start()
    with app.app_context():
        for now in (clock.now(), app_clock.now()):
            assert start <= now < start + RUN_LENGTH


def test_a_python_process_started_by_a_test_shares_the_run_clock():
    command, env = clock.child_python(["tests.print_now"])
    child_now = datetime.fromisoformat(subprocess.run(command, env=env, capture_output=True, text=True, check=True,
                                                      timeout=60).stdout.strip())
    assert abs(child_now - clock.now()) < timedelta(minutes=1)
