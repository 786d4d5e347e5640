"""A month's service report with 90 days × 20 sites in the database: the page, its drill-down, the PDF and the XLSX.

Run: `.venv/bin/python bench/reports.py [sqlite|postgresql ...]`. The history is written by bench/history.py into a
scratch database (40 checkpoints per site, a round of the whole route every two hours of each day and night shift:
about 20,000 scans and 60 shifts in a month per site). Each answer is asked for through the app in this process
(Flask's test client: the server's own time, no network), signed in as the supervisor of every site, for the last
full calendar month; the median of a few runs after a warm-up is reported with its SQL statements and the time
spent in them, beside the floor of the same stack (`/healthz`).
"""
from __future__ import annotations

import sys
import time
from datetime import datetime, timedelta, timezone

from common import csrf_of, make_app, median, pg_available, scratch_database, table, verdict
from history import build, fix_sequences
from pages import SqlMeter

REPEATS = 3
TARGETS_S = {"page": 5.0, "records": 5.0, "pdf": 10.0, "xlsx": 10.0}  # "seconds, not minutes"


def _timed(client, meter, path: str) -> tuple[float, int, float, int]:
    """Median seconds for GET path, the statements and SQL seconds of the last run, and the answer's size."""
    first = client.get(path)
    if first.status_code != 200:
        raise RuntimeError(f"{path} answered {first.status_code}")
    times = []
    for _ in range(REPEATS):
        meter.reset()
        began = time.perf_counter()
        answer = client.get(path)
        times.append(time.perf_counter() - began)
    return median(times), meter.count, meter.seconds, len(answer.data)


def last_month(now: datetime) -> str:
    """The query of the last full month in Shanghai (the history's zone)."""
    first_of_this = (now + timedelta(hours=8)).date().replace(day=1)
    return f"period=month&date={(first_of_this - timedelta(days=1)).isoformat()}"


def one_database(kind: str) -> tuple[list, dict, float]:
    from webapp.extensions import db
    with scratch_database(kind) as url:
        began = time.perf_counter()
        built = build(url)
        fix_sequences(url)
        build_s = time.perf_counter() - began
        app = make_app(url)
        client = app.test_client()
        page = client.get("/login")
        client.post("/login", data={"login": built.supervisor_login, "password": "bench horse 7",
                                    "csrf_token": csrf_of(page.text)})
        site, month = built.sites[0], last_month(datetime.now(timezone.utc))
        rows = []
        with app.app_context():
            meter = SqlMeter(db.engine)
            floor, _n, _s, _b = _timed(client, meter, "/healthz")
            for name, label, path in (
                    ("page", "report page, a month", f"/sites/{site}/reports?{month}"),
                    ("records", "drill-down: the month's checkpoint visits (first 500)",
                     f"/sites/{site}/reports/records?{month}&figure=patrol.visits_made"),
                    ("pdf", "PDF, a month (3 photos per section)", f"/sites/{site}/reports.pdf?{month}&photos=3"),
                    ("xlsx", "XLSX, a month with every raw row", f"/sites/{site}/reports.xlsx?{month}")):
                seconds, count, sql, size = _timed(client, meter, path)
                rows.append([kind, label, f"{seconds:.2f} s", f"< {TARGETS_S[name]:.0f} s", count, f"{sql:.2f} s",
                             f"{size / 1024:.0f} KiB", f"{floor * 1e3:.1f} ms", verdict(seconds < TARGETS_S[name])])
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
    print("A month's service report of one site (40 checkpoints, about 60 shifts judged by the gap engine) with 90 days "
          f"× 20 sites in the database, server time in process (median of {REPEATS} after a warm-up).\n")
    print(table(["database", "answer", "server time", "target", "SQL statements", "time in SQL", "size",
                 "floor: /healthz", "verdict"], rows))
    print("\nData: " + "; ".join(notes) + ".")


if __name__ == "__main__":
    main()
