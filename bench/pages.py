"""The lead's board and the handover history with 90 days of records for 20 sites: server time per page.

Run: `.venv/bin/python bench/pages.py [sqlite|postgresql ...]`. The history is written by bench/history.py into a
scratch database (a temporary SQLite file; PostgreSQL `rounds_bench`, created and dropped). Each page is asked
for through the app in this process (Flask's test client: the time is the server's own, no network), after a
warm-up, several times; the median is reported with the number of SQL statements and the time spent in them.
Beside it, in the same run, the floor of the same stack: `/healthz` (one `SELECT 1`).
"""
from __future__ import annotations

import sys
import time

from common import csrf_of, make_app, median, pg_available, scratch_database, table, verdict
from history import build, fix_sequences

TARGET_MS = 150
REPEATS = 9


class SqlMeter:
    """Counts the statements an engine runs and the time they take."""

    def __init__(self, engine):
        from sqlalchemy import event
        self.count, self.seconds, self._began = 0, 0.0, 0.0
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    def _before(self, *_args):
        self._began = time.perf_counter()

    def _after(self, *_args):
        self.count += 1
        self.seconds += time.perf_counter() - self._began

    def reset(self):
        self.count, self.seconds = 0, 0.0


def timed(client, meter, path: str) -> tuple[float, int, float]:
    """Median seconds for GET path, and the statements and SQL seconds of the last run."""
    first = client.get(path)
    if first.status_code != 200:
        raise RuntimeError(f"{path} answered {first.status_code}")
    times = []
    for _ in range(REPEATS):
        meter.reset()
        began = time.perf_counter()
        client.get(path)
        times.append(time.perf_counter() - began)
    return median(times), meter.count, meter.seconds


def one_database(kind: str) -> tuple[list, dict, float]:
    from sqlalchemy import select

    from webapp.extensions import db
    from webapp.models import Shift
    with scratch_database(kind) as url:
        began = time.perf_counter()
        built = build(url)
        fix_sequences(url)
        build_s = time.perf_counter() - began
        app = make_app(url)
        client = app.test_client()
        page = client.get("/login")
        client.post("/login", data={"login": built.lead_login, "password": "bench horse 7", "csrf_token": csrf_of(page.text)})
        site = built.sites[0]
        with app.app_context():
            meter = SqlMeter(db.engine)
            past = db.session.scalar(select(Shift.id).where(Shift.site_id == site).order_by(Shift.starts_at.desc())
                                     .offset(4).limit(1))
            floor, _n, _s = timed(client, meter, "/healthz")
            rows = []
            for label, path in (("lead's board, the shift running now", f"/sites/{site}/board"),
                                ("lead's board, a shift two days ago", f"/sites/{site}/board?shift={past}"),
                                ("board refresh (htmx fragment)", None),
                                ("handover history (latest 200)", f"/sites/{site}/handovers"),
                                ("handover history, one month searched", f"/sites/{site}/handovers?from=2000-01-01&lead=lead")):
                if path is None:
                    client.environ_base["HTTP_HX_REQUEST"] = "true"
                    seconds, count, sql = timed(client, meter, f"/sites/{site}/board")
                    client.environ_base.pop("HTTP_HX_REQUEST")
                else:
                    seconds, count, sql = timed(client, meter, path)
                rows.append([kind, label, f"{seconds * 1e3:.0f} ms", f"< {TARGET_MS} ms", count, f"{sql * 1e3:.0f} ms",
                             f"{floor * 1e3:.1f} ms", f"{seconds / floor:.0f}×", verdict(seconds * 1e3 < TARGET_MS)])
            db.session.remove()
            db.engine.dispose()
    return rows, built.counts, build_s


def main() -> None:
    kinds = sys.argv[1:] or ["sqlite"] + (["postgresql"] if pg_available() else [])
    rows, notes = [], []
    for kind in kinds:
        got, counts, build_s = one_database(kind)
        rows += got
        notes.append(f"{kind}: " + ", ".join(f"{v:,} {k}" for k, v in counts.items()) + f" (written in {build_s:.0f} s)")
    print("Pages with 90 days × 20 sites in the database, server time in process (median of "
          f"{REPEATS} after a warm-up), signed in as the site's lead.\n")
    print(table(["database", "page", "server time", "target", "SQL statements", "time in SQL", "floor: /healthz",
                 "ratio to floor", "verdict"], rows))
    print("\nData: " + "; ".join(notes) + ".")


if __name__ == "__main__":
    main()
