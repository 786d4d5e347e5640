"""Scan latency under load: 200 guards on loopback, each scanning every few seconds, through gunicorn.

Run: `.venv/bin/python bench/scan_load.py [seconds]`. A scratch database (PostgreSQL `rounds_bench` when a server
answers, else SQLite), one site of 60 checkpoints and 200 guards, gunicorn with 4 workers. Each simulated guard
(an asyncio task with its own httpx client and session) signs in, then sends one scan as the in-app scanner does
(a one-event sync batch) every 2-4 s, for the whole run. Latency is the round trip of each scan; p95 is reported
with the errors. Beside it, in the same run and the same load, the floor: `/healthz` (one `SELECT 1`) probed
five times a second.
"""
from __future__ import annotations

import asyncio
import random
import sys
import time
import uuid
from datetime import datetime, timedelta, timezone

from common import csrf_of, gunicorn, percentile, pg_available, scratch_database, seed_site, table, verdict

GUARDS = 200
P95_TARGET_MS = 100
SHANGHAI = timezone(timedelta(hours=8))


async def enter(client, base: str, login: str) -> str:
    """Sign in through the form; the CSRF token for the API."""
    page = await client.get(base + "/login")
    answer = await client.post(base + "/login", data={"login": login, "password": "bench horse 7",
                                                      "csrf_token": csrf_of(page.text)})
    if answer.status_code != 302:
        raise RuntimeError(f"sign-in of {login} answered {answer.status_code}")
    return (await client.get(base + "/api/v1/me")).json()["csrf_token"]


async def guard(client, base: str, login: str, csrf: str, tokens: list[str], until: float, latencies: list,
                errors: list, rnd: random.Random) -> None:
    device = f"phone-{login}"
    await asyncio.sleep(rnd.uniform(0, 3))  # the guards do not all start at the same second
    while time.perf_counter() < until:
        now = datetime.now(SHANGHAI)
        body = {"device_id": device, "sent_at": now.isoformat(),
                "events": [{"type": "scan", "client_uuid": str(uuid.uuid4()), "token": rnd.choice(tokens), "method": "qr",
                            "device_time": now.isoformat()}]}
        began = time.perf_counter()
        try:
            answer = await client.post(base + "/api/v1/sync", json=body, headers={"X-CSRFToken": csrf})
            took = time.perf_counter() - began
            if answer.status_code != 200 or answer.json()["created"] != 1:
                errors.append(f"{login}: {answer.status_code} {answer.text[:100]}")
            else:
                latencies.append(took)
        except Exception as error:  # noqa: BLE001
            errors.append(f"{login}: {error!r}")
        await asyncio.sleep(rnd.uniform(2, 4))


async def probe(client, base: str, until: float, latencies: list) -> None:
    while time.perf_counter() < until:
        began = time.perf_counter()
        answer = await client.get(base + "/healthz")
        if answer.status_code == 200:
            latencies.append(time.perf_counter() - began)
        await asyncio.sleep(0.2)


async def load(base: str, seeded, seconds: float) -> tuple[list, list, list, float]:
    import httpx
    scans, floor, errors = [], [], []
    limits = httpx.Limits(max_connections=4, max_keepalive_connections=4)
    clients = [httpx.AsyncClient(timeout=30, limits=limits) for _ in seeded.guards]
    prober = httpx.AsyncClient(timeout=30)
    # everyone signs in first (a shift change), then the clock starts
    csrfs = await asyncio.gather(*(enter(c, base, login) for c, login in zip(clients, seeded.guards)))
    began = time.perf_counter()
    until = began + seconds
    tasks = [guard(c, base, login, csrf, seeded.tokens, until, scans, errors, random.Random(i))
             for i, (c, login, csrf) in enumerate(zip(clients, seeded.guards, csrfs))]
    await asyncio.gather(probe(prober, base, until, floor), *tasks)
    took = time.perf_counter() - began
    for c in clients + [prober]:
        await c.aclose()
    return scans, floor, errors, took


def main(seconds: float = 30) -> None:
    kind = "postgresql" if pg_available() else "sqlite"
    with scratch_database(kind) as url:
        seeded = seed_site(url, checkpoints=60, guards=GUARDS, code="L1")
        with gunicorn(url, workers=4) as base:
            scans, floor, errors, took = asyncio.run(load(base, seeded, seconds))
    p50, p95, p99 = (percentile(scans, q) * 1e3 for q in (50, 95, 99))
    f95 = percentile(floor, 95) * 1e3
    print(f"{GUARDS} guards on loopback (asyncio + httpx), each sending one scan every 2-4 s for {seconds:.0f} s; "
          f"gunicorn 4 workers on {kind}; {len(scans) / took:.0f} scans/s.\n")
    print(table(["what", "scans", "p50", "p95", "p99", "errors", "target", "floor: /healthz p95, same load", "ratio", "verdict"],
                [["scan (one-event sync batch)", len(scans), f"{p50:.0f} ms", f"{p95:.0f} ms", f"{p99:.0f} ms", len(errors),
                  f"p95 < {P95_TARGET_MS} ms, no errors", f"{f95:.0f} ms", f"{p95 / f95:.1f}",
                  verdict(p95 < P95_TARGET_MS and not errors)]]))
    if errors:
        print("\nFirst errors: " + "; ".join(errors[:5]))


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 30)
