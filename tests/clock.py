"""The test run's clock: it starts at a fixed instant and ticks from there, whatever the wall clock says.

`pytest_configure` (tests/conftest.py) moves the whole process to `run_start()` with time-machine before anything
else runs, so fixtures, the app and the in-process servers all read the same moved clock. Processes a test
starts get the same clock: Python ones (gunicorn) through `child_python()`, Chromium through libfaketime
(`faketime_env()`).

By default the run starts at FIXED_NOW. CI runs the suite again with ROUNDS_TEST_NOW set to awkward instants
(the last day of a month, 1 January 00:30 in Shanghai, 29 February): a test that still depends on the day it
runs fails there rather than one day in the future.
"""
from __future__ import annotations

import os
import sys
import time
from datetime import datetime, timezone, tzinfo
from pathlib import Path

import time_machine

FIXED_NOW = datetime(2026, 11, 25, 2, 0, tzinfo=timezone.utc)  # Wednesday, 10:00 in Shanghai
LIBFAKETIME = next(iter(sorted(Path("/usr/lib").glob("*/faketime/libfaketimeMT.so.1"))), Path("/usr/lib/faketime/libfaketimeMT.so.1"))

_traveller: time_machine.travel | None = None
_offset_s: float = 0.0  # wall clock minus the run's clock, fixed when the run starts


def now(tz: tzinfo = timezone.utc) -> datetime:
    """The run's clock (this process has been moved by time-machine), in the zone `tz`: what tests use for "now"."""
    return datetime.now(tz)


def run_start() -> datetime:
    """Where the run's clock starts: ROUNDS_TEST_NOW (ISO 8601 with an offset) or FIXED_NOW."""
    value = os.environ.get("ROUNDS_TEST_NOW", "").strip()
    if not value:
        return FIXED_NOW
    start = datetime.fromisoformat(value)
    if start.tzinfo is None:
        raise ValueError(f"ROUNDS_TEST_NOW needs a UTC offset: {value!r}")
    return start.astimezone(timezone.utc)


def start() -> None:
    """Move this process's clock to the run's start; it ticks on from there."""
    global _traveller, _offset_s
    destination = run_start()
    _offset_s = time.time() - destination.timestamp()
    _traveller = time_machine.travel(destination, tick=True)
    _traveller.start()


def stop() -> None:
    """Give the process its wall clock back."""
    global _traveller
    if _traveller is not None:
        _traveller.stop()
        _traveller = None


def child_python(argv: list[str], base: dict[str, str] | None = None) -> tuple[list[str], dict[str, str]]:
    """A Python command (`-m module args...`) and its environment, run on the run's clock (tests/clocked.py).

    time-machine rather than libfaketime: libfaketime 0.9.10 breaks Python's time.sleep (EINVAL).
    """
    env = dict(os.environ if base is None else base)
    env["ROUNDS_TEST_CLOCK_OFFSET_S"] = repr(_offset_s)
    return [sys.executable, "-m", "tests.clocked", *argv], env


def faketime_env(base: dict[str, str] | None = None) -> dict[str, str]:
    """Environment for a (non-Python) child process that shares the run's clock through libfaketime."""
    env = dict(os.environ if base is None else base)
    if not LIBFAKETIME.exists():
        raise RuntimeError(f"{LIBFAKETIME} is missing: apt-get install libfaketime (make system-deps does it)")
    preload = " ".join(p for p in (str(LIBFAKETIME), env.get("LD_PRELOAD", "")) if p)
    # Monotonic time is moved too: with FAKETIME_DONT_FAKE_MONOTONIC, Chromium's timers run about 80 times slower.
    env.update(LD_PRELOAD=preload, FAKETIME=f"{-_offset_s:+.3f}", FAKETIME_DONT_RESET="1")
    return env
