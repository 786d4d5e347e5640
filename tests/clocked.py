"""`python -m tests.clocked MODULE ARGS...`: run MODULE as __main__ on the test run's clock (tests/clock.py)."""
from __future__ import annotations

import os
import runpy
import sys
import time

import time_machine

if __name__ == "__main__":
    offset_s = float(os.environ["ROUNDS_TEST_CLOCK_OFFSET_S"])  # wall clock minus the run's clock
    time_machine.travel(time.time() - offset_s, tick=True).start()
    module, sys.argv = sys.argv[1], sys.argv[1:]
    runpy.run_module(module, run_name="__main__", alter_sys=True)
