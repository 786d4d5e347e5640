"""`python -m tests.print_now`: print the current instant in UTC (tests/test_clock.py runs it on the run's clock)."""
from tests import clock

if __name__ == "__main__":
    print(clock.now().isoformat())
