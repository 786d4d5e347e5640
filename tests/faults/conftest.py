"""Faults on a real server: gunicorn (two workers) on loopback over a PostgreSQL database of these tests' own.

The scratch database `rounds_faults_<random>` is created, migrated and seeded once per run, and dropped at
the end, whatever DATABASE_URL says (CI's `test` database is never touched). Without a reachable PostgreSQL
the tests here are skipped, with the reason. Every wait has a deadline.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta, timezone
from pathlib import Path

import psycopg
import pytest
import requests
from flask_migrate import upgrade

from tests import clock
from tests.conftest import PASSWORD, World, csrf_from, make_app
from webapp.db_setup import MIGRATIONS
from webapp.extensions import db

ROOT = Path(__file__).resolve().parents[2]
PG = "postgresql://postgres@127.0.0.1:5432"
ADMIN_DSN = PG + "/postgres"  # the outage is switched from here, never from the scratch database itself
SECRET_KEY = "faults-fixed-secret-key"  # the same after a restart: sessions and CSRF tokens stay valid
CST = timezone(timedelta(hours=8))
HTTP_TIMEOUT_S = 30
START_TIMEOUT_S = 20


def _postgres_down_reason() -> str | None:
    try:
        with psycopg.connect(ADMIN_DSN, connect_timeout=3):
            return None
    except psycopg.Error as error:
        return f"no PostgreSQL answers at {ADMIN_DSN}: {(str(error).splitlines() or [''])[0]}"


def admin(sql: str, *params):
    """Run one statement as the superuser on the `postgres` database; answer its rows, if any."""
    with psycopg.connect(ADMIN_DSN, autocommit=True, connect_timeout=5) as conn:
        cursor = conn.execute(sql, params or None)
        return cursor.fetchall() if cursor.description else None


@dataclass
class Scratch:
    """The scratch database and what was seeded in it."""

    name: str
    tokens: list[str]
    site_id: int

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:5432/{self.name}"

    def query(self, sql: str, *params) -> list[tuple]:
        """Read from the scratch database on a connection of its own."""
        with psycopg.connect(f"{PG}/{self.name}", connect_timeout=5) as conn:
            return conn.execute(sql, params or None).fetchall()

    def scan_counts(self, client_uuids) -> dict[str, int]:
        """How many scan rows each client uuid has (0 when it has none)."""
        rows = self.query("SELECT client_uuid::text, count(*) FROM scan WHERE client_uuid = ANY(%s::uuid[]) "
                          "GROUP BY client_uuid", list(client_uuids))
        counts = dict.fromkeys(client_uuids, 0)
        counts.update({key: n for key, n in rows})
        return counts

    def open_writers(self) -> int:
        """Transactions on the scratch database that have written something and not yet ended."""
        return admin("SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND backend_xid IS NOT NULL",
                     self.name)[0][0]

    @contextmanager
    def outage(self):
        """The database really unavailable: new connections refused, every open session ended; then back."""
        admin(f'ALTER DATABASE "{self.name}" WITH ALLOW_CONNECTIONS false')
        try:
            admin("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                  self.name)
            yield
        finally:
            admin(f'ALTER DATABASE "{self.name}" WITH ALLOW_CONNECTIONS true')


@pytest.fixture(scope="session")
def scratch(tmp_path_factory) -> Scratch:
    """A PostgreSQL database of our own, built by the migrations, with a company, a site, a guard, checkpoints."""
    reason = _postgres_down_reason()
    if reason:
        pytest.skip(reason)
    name = f"rounds_faults_{uuid.uuid4().hex[:10]}"
    admin(f'CREATE DATABASE "{name}"')
    try:
        url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
        app = make_app(url)
        with app.app_context():
            upgrade(directory=MIGRATIONS)
            world = World()
            checkpoints = [world.checkpoint_a] + [world.checkpoint(world.site_a, f"A{n:02d}", f"A 楼 {n} 层")
                                                  for n in range(2, 6)]
            db.session.commit()
            scratch = Scratch(name=name, tokens=[cp.token for cp in checkpoints], site_id=world.site_a.id)
            db.session.remove()
            db.engine.dispose()
        yield scratch
    finally:
        admin(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS true')
        admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _group_alive(pgid: int) -> list[int]:
    """The processes of a process group that still run (zombies waiting for a parent do not count)."""
    alive = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            alive.append(int(stat.parent.name))
    return alive


class Gunicorn:
    """`python -m gunicorn --workers 2 wsgi:app` on a port of its own, in a process group of its own."""

    def __init__(self, scratch: Scratch, photo_root: Path, log: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        self.proc: subprocess.Popen | None = None
        self.env = {**os.environ, "DATABASE_URL": scratch.url, "SECRET_KEY": SECRET_KEY, "PHOTO_ROOT": str(photo_root),
                    "ROUNDS_ENV": "development", "LOGIN_RATE_LIMIT": "1000 per minute",
                    "RATELIMIT_STORAGE_URI": "memory://"}

    def start(self) -> None:
        """Start it (the venv's real interpreter, not a wrapper, on the run's clock); wait until /api/v1/health answers."""
        command, env = clock.child_python(["gunicorn", "--bind", f"127.0.0.1:{self.port}", "--workers", "2",
                                           "--timeout", "60", "wsgi:app"], self.env)
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                         start_new_session=True)
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            assert self.proc.poll() is None, f"gunicorn exited with {self.proc.returncode}:\n{self.log_tail()}"
            try:
                if requests.get(self.url + "/api/v1/health", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            assert time.monotonic() < deadline, f"gunicorn never became healthy:\n{self.log_tail()}"
            time.sleep(0.1)

    def kill(self) -> None:
        """SIGKILL the master and its workers at once (the whole process group), as a crash or OOM kill would."""
        pgid = self.proc.pid  # start_new_session: the master leads its own group
        try:
            os.killpg(pgid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait(timeout=10)
        deadline = time.monotonic() + 10
        while _group_alive(pgid):
            assert time.monotonic() < deadline, f"gunicorn workers survive: {_group_alive(pgid)}"
            time.sleep(0.05)

    def stop(self) -> None:
        """End it politely, then for sure."""
        if self.proc is None or self.proc.poll() is not None:
            return
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        self.kill()

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:]) if self.log.exists() else ""


@pytest.fixture(scope="session")
def gunicorn(scratch, tmp_path_factory):
    """A real gunicorn over the scratch database, running for the whole run (tests may kill and restart it)."""
    server = Gunicorn(scratch, tmp_path_factory.mktemp("fault-photos"), tmp_path_factory.mktemp("logs") / "gunicorn.log")
    server.start()
    try:
        yield server
    finally:
        server.stop()


class Phone:
    """A guard's phone talking HTTP to the server: signed in through the form, CSRF token from /api/v1/me."""

    def __init__(self, server: Gunicorn, login: str = "guard", device: str | None = None):
        self.server = server
        self.http = requests.Session()
        self.device = device or f"phone-{uuid.uuid4().hex[:8]}"
        page = self.http.get(server.url + "/login", timeout=HTTP_TIMEOUT_S)
        answer = self.http.post(server.url + "/login", data={"login": login, "password": PASSWORD,
                                                             "csrf_token": csrf_from(page.text)},
                                allow_redirects=False, timeout=HTTP_TIMEOUT_S)
        assert answer.status_code == 302, answer.text[:500]
        me = self.http.get(server.url + "/api/v1/me", timeout=HTTP_TIMEOUT_S)
        assert me.status_code == 200, me.text[:500]
        self.token = me.json()["csrf_token"]

    def sync(self, events: list[dict], language: str | None = None) -> requests.Response:
        body = {"device_id": self.device, "sent_at": clock.now(CST).isoformat(), "events": events}
        headers = {"X-CSRFToken": self.token, **({"Accept-Language": language} if language else {})}
        return self.http.post(self.server.url + "/api/v1/sync", json=body, headers=headers, timeout=HTTP_TIMEOUT_S)


def scan_events(tokens: list[str], count: int) -> list[dict]:
    """`count` scans as a phone queues them, a second apart, spread over the checkpoints."""
    start = clock.now(CST) - timedelta(seconds=count + 60)
    return [{"type": "scan", "client_uuid": str(uuid.uuid4()), "token": tokens[i % len(tokens)], "method": "qr",
             "device_time": (start + timedelta(seconds=i)).isoformat()} for i in range(count)]


def statuses(answer: requests.Response) -> dict[str, str]:
    """client_uuid -> created / duplicate / rejected, from a sync answer."""
    return {r["client_uuid"]: r["status"] for r in answer.json()["results"]}
