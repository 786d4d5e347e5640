"""Sync ingestion over HTTP (gunicorn, 4 workers) on SQLite and PostgreSQL, beside raw batched inserts of the same rows.

Run: `.venv/bin/python bench/sync.py`. For each database: a scratch database (a temporary SQLite file; PostgreSQL
`rounds_bench`, created and dropped), a site of 60 checkpoints, gunicorn on loopback. (1) A phone's offline backlog
of 500 scans sent as one batch, timed from the client on loopback (so the server's time is at most that), median
of 5 batches. (2) Four phones sending 500-scan batches at once, as fast as the server answers: events stored per
second. (3) The limit: the same scan rows inserted straight into the table through SQLAlchemy Core, 500 rows to a
commit, one connection, in the same database during the same run.
"""
from __future__ import annotations

import sys
import threading
import time
import uuid
from datetime import datetime, timedelta, timezone

from common import PG_SERVER, gunicorn, make_app, median, pg_available, scratch_database, seed_site, sign_in, table, verdict

BACKLOG = 500
BACKLOG_TARGET_MS = 300
RATE_TARGET = 3000
SHARE_TARGET = 0.25
CLIENTS = 4
BATCHES_PER_CLIENT = 8
WARM_UP = 2  # batches per client before the clock starts: every worker has loaded its code and opened its connection
SHANGHAI = timezone(timedelta(hours=8))


def scan_events(tokens: list[str], n: int, start: datetime) -> list[dict]:
    """n scan events a few seconds apart, walking the checkpoints in turn."""
    return [{"type": "scan", "client_uuid": str(uuid.uuid4()), "token": tokens[i % len(tokens)], "method": "qr",
             "device_time": (start + timedelta(seconds=5 * i)).astimezone(SHANGHAI).isoformat()} for i in range(n)]


def send(client, base: str, csrf: str, device: str, events: list[dict]) -> float:
    """POST one batch; the seconds it took. Fails unless every event was created."""
    body = {"device_id": device, "sent_at": datetime.now(SHANGHAI).isoformat(), "events": events}
    began = time.perf_counter()
    answer = client.post(base + "/api/v1/sync", json=body, headers={"X-CSRFToken": csrf})
    took = time.perf_counter() - began
    data = answer.json()
    if answer.status_code != 200 or data["created"] != len(events):
        raise RuntimeError(f"sync answered {answer.status_code}: {str(data)[:300]}")
    return took


def warm(base: str, seeded, rounds: int = 3) -> None:
    """Small batches from several phones at once, so that every worker has served a sync before the clock runs."""
    import httpx
    start = datetime.now(timezone.utc) - timedelta(days=5)

    def phone(i: int) -> None:
        with httpx.Client(timeout=60) as client:
            csrf = sign_in(client, base, seeded.guards[i % len(seeded.guards)])
            for k in range(rounds):
                send(client, base, csrf, f"bench-warm-{i}", scan_events(seeded.tokens, 20, start + timedelta(hours=i * 10 + k)))

    threads = [threading.Thread(target=phone, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def backlog(base: str, seeded, repeats: int = 5) -> float:
    """Median seconds for one 500-event batch (after a warm-up batch)."""
    import httpx
    with httpx.Client(timeout=60) as client:
        csrf = sign_in(client, base, seeded.guards[0])
        start = datetime.now(timezone.utc) - timedelta(days=2)
        times = []
        for k in range(repeats + 1):
            events = scan_events(seeded.tokens, BACKLOG, start + timedelta(hours=k))
            took = send(client, base, csrf, "bench-backlog", events)
            if k:
                times.append(took)
    return median(times)


def sustained(base: str, seeded) -> tuple[float, int]:
    """Events stored per second while CLIENTS phones send batches at once."""
    import httpx
    clients, csrfs = [], []
    for i in range(CLIENTS):
        client = httpx.Client(timeout=120)
        csrfs.append(sign_in(client, base, seeded.guards[1 + i]))
        clients.append(client)
    start = datetime.now(timezone.utc) - timedelta(days=1)
    batches = [[scan_events(seeded.tokens, BACKLOG, start + timedelta(minutes=i * 100 + b))
                for b in range(WARM_UP + BATCHES_PER_CLIENT)] for i in range(CLIENTS)]
    for i in range(CLIENTS):
        for events in batches[i][:WARM_UP]:
            send(clients[i], base, csrfs[i], f"bench-phone-{i}", events)
    errors: list[BaseException] = []

    def phone(i: int) -> None:
        try:
            for events in batches[i][WARM_UP:]:
                send(clients[i], base, csrfs[i], f"bench-phone-{i}", events)
        except BaseException as error:  # noqa: BLE001 (reported below)
            errors.append(error)

    threads = [threading.Thread(target=phone, args=(i,)) for i in range(CLIENTS)]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    took = time.perf_counter() - began
    for client in clients:
        client.close()
    if errors:
        raise errors[0]
    total = CLIENTS * BATCHES_PER_CLIENT * BACKLOG
    return total / took, total


def raw_inserts(url: str, seeded, total: int) -> float:
    """Rows per second inserting the same scan rows straight into the table, 500 to a commit."""
    from sqlalchemy import select

    from webapp.extensions import db
    from webapp.models import Checkpoint, Person, Scan
    app = make_app(url)
    with app.app_context():
        person_id = db.session.scalar(select(Person.id).where(Person.login == seeded.guards[0]))
        checkpoint_ids = list(db.session.scalars(select(Checkpoint.id).where(Checkpoint.site_id == seeded.site_id)))
        start = datetime.now(timezone.utc) - timedelta(days=3)
        rows = [{"client_uuid": uuid.uuid4(), "site_id": seeded.site_id, "person_id": person_id, "device_id": None,
                 "shift_id": None, "device_time": start + timedelta(seconds=i), "device_utc_offset_min": 480,
                 "clock_offset_s": 0.0, "captured_at": start + timedelta(seconds=i), "received_at": start,
                 "checkpoint_id": checkpoint_ids[i % len(checkpoint_ids)], "method": "qr", "lat": None, "lng": None,
                 "accuracy_m": None, "note": ""} for i in range(total)]
        table_ = Scan.__table__
        began = time.perf_counter()
        with db.engine.connect() as conn:
            for k in range(0, total, BACKLOG):
                conn.execute(table_.insert(), rows[k:k + BACKLOG])
                conn.commit()
        took = time.perf_counter() - began
        db.engine.dispose()
    return total / took


def one_database(kind: str) -> list:
    with scratch_database(kind) as url:
        seeded = seed_site(url, checkpoints=60, guards=1 + CLIENTS)
        with gunicorn(url, workers=4) as base:
            warm(base, seeded)
            backlog_s = backlog(base, seeded)
            rate, total = sustained(base, seeded)
        raw = raw_inserts(url, seeded, total)
    share = rate / raw
    return [
        [kind, "500-event backlog, one batch (loopback round trip ≥ server time)", f"{backlog_s * 1e3:.0f} ms",
         f"< {BACKLOG_TARGET_MS} ms", "", "", verdict(backlog_s * 1e3 < BACKLOG_TARGET_MS)],
        [kind, f"sustained, {CLIENTS} clients × {BATCHES_PER_CLIENT} batches of 500", f"{rate:,.0f} events/s",
         f"≥ {RATE_TARGET:,} events/s", f"raw inserts {raw:,.0f} rows/s", f"{share:.2f}",
         verdict(rate >= RATE_TARGET and share >= SHARE_TARGET)],
    ]


def main() -> None:
    kinds = ["sqlite"] + (["postgresql"] if pg_available() else [])
    rows = []
    for kind in kinds:
        rows += one_database(kind)
    print("Sync API over HTTP: gunicorn 4 sync workers on loopback; the phone's client is httpx. The ratio is the app's "
          f"events/s over raw batched inserts (target ≥ {SHARE_TARGET}).\n")
    print(table(["database", "what", "measured", "target", "limit, same run", "ratio", "verdict"], rows))
    if "postgresql" not in kinds:
        print(f"\nPostgreSQL: no server answered at {PG_SERVER}; not measured.")


if __name__ == "__main__":
    sys.exit(main())
