"""What the benchmarks share: scratch databases, a gunicorn server, a signed-in HTTP client, a seeded site, statistics."""
from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent
PG_SERVER = os.environ.get("BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432")
PASSWORD = "bench horse 7"  # noqa: S105 (scratch accounts of a scratch database)
CHEAP_HASH_METHOD = "pbkdf2:sha256:1000"  # as the tests: 200 sign-ins must not measure scrypt


def pg_available() -> bool:
    """Whether a PostgreSQL server answers at PG_SERVER."""
    from sqlalchemy import create_engine, text
    try:
        engine = create_engine(PG_SERVER + "/postgres")
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
        return True
    except Exception:  # noqa: BLE001 (any failure means: no server to bench against)
        return False


def _pg_admin(sql: str) -> None:
    from sqlalchemy import create_engine, text
    engine = create_engine(PG_SERVER + "/postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(sql))
    engine.dispose()


@contextlib.contextmanager
def scratch_database(kind: str, name: str = "rounds_bench"):
    """A migrated, empty database of its own (SQLite file or PostgreSQL `name`), removed afterwards; yields its URL."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory(prefix="rounds-bench-") as folder:
            url = f"sqlite:///{folder}/bench.sqlite3"
            migrate(url)
            yield url
        return
    if name == "test":
        raise ValueError("the database `test` belongs to CI")
    _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _pg_admin(f'CREATE DATABASE "{name}"')
    try:
        url = f"{PG_SERVER}/{name}"
        migrate(url)
        yield url
    finally:
        _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def make_app(url: str, **overrides):
    """The app bound to `url`, quiet, with room for many sign-ins."""
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    from webapp import create_app
    return create_app({"SQLALCHEMY_DATABASE_URI": url, "LOGIN_RATE_LIMIT": "100000 per minute", **overrides})


def migrate(url: str) -> None:
    """Build the schema with the migrations."""
    from flask_migrate import upgrade

    from webapp.db_setup import MIGRATIONS
    from webapp.extensions import db
    app = make_app(url)
    with app.app_context():
        upgrade(directory=MIGRATIONS)
        db.engine.dispose()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def gunicorn(url: str, workers: int = 4, threads: int = 1, photo_root: str | None = None):
    """gunicorn serving the app on `url` at a free loopback port; yields the base URL."""
    import httpx
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "bench-" + uuid.uuid4().hex, "LOG_LEVEL": "WARNING",
           "LOGIN_RATE_LIMIT": "100000 per minute", "PHOTO_ROOT": photo_root or tempfile.mkdtemp(prefix="rounds-bench-photos-")}
    log = open(tempfile.mktemp(prefix="rounds-bench-gunicorn-", suffix=".log"), "w")  # noqa: SIM115, S306
    cmd = [str(BIN / "gunicorn"), "--workers", str(workers), "--bind", f"127.0.0.1:{port}", "--timeout", "120",
           "--backlog", "2048"]
    if threads > 1:
        cmd += ["--threads", str(threads)]
    process = subprocess.Popen([*cmd, "wsgi:app"], cwd=ROOT, env=env, stdout=log, stderr=log, start_new_session=True)  # noqa: S603
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(base + "/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn ended: see {log.name}")
            time.sleep(0.1)
        else:
            raise RuntimeError(f"gunicorn did not answer: see {log.name}")
        yield base
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(r'value="([^"]+)"[^>]*name="csrf_token"', html)
    if not match:
        raise RuntimeError("no CSRF token on the page")
    return match.group(1)


def sign_in(client, base: str, login: str, password: str = PASSWORD) -> str:
    """Sign a (sync) httpx client in through the form; returns the CSRF token for its API calls."""
    page = client.get(base + "/login")
    answer = client.post(base + "/login", data={"login": login, "password": password, "csrf_token": csrf_of(page.text)})
    if answer.status_code not in (302, 303):
        raise RuntimeError(f"sign-in of {login} answered {answer.status_code}")
    return client.get(base + "/api/v1/me").json()["csrf_token"]


@dataclass
class Seeded:
    site_id: int
    tokens: list[str]
    guards: list[str]


def seed_site(url: str, checkpoints: int = 60, guards: int = 4, code: str = "B1") -> Seeded:
    """A company with one site, its checkpoints (patrol) and its guards, stored directly."""
    from werkzeug.security import generate_password_hash

    from webapp.extensions import db
    from webapp.models import Checkpoint, Company, Person, Purpose, Role, Site
    app = make_app(url)
    with app.app_context():
        company = Company(name=f"Bench {code}")
        db.session.add(company)
        db.session.flush()
        site = Site(company_id=company.id, code=code, name=f"Site {code}", timezone="Asia/Shanghai")
        db.session.add(site)
        db.session.flush()
        cps = [Checkpoint(site_id=site.id, code=f"C{i:03}", name=f"Checkpoint {i}", purpose=Purpose.PATROL)
               for i in range(checkpoints)]
        hashed = generate_password_hash(PASSWORD, method=CHEAP_HASH_METHOD)
        people = [Person(company_id=company.id, name=f"Guard {i}", login=f"{code.lower()}-guard-{i}", password_hash=hashed,
                         role=Role.GUARD, sites=[site]) for i in range(guards)]
        db.session.add_all(cps + people)
        db.session.commit()
        seeded = Seeded(site.id, [c.token for c in cps], [p.login for p in people])
        db.engine.dispose()
    return seeded


def median(values) -> float:
    return statistics.median(values)


def percentile(values, q: float) -> float:
    """The q-th percentile (0-100), nearest rank."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def table(header: list[str], rows: list[list]) -> str:
    """A Markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def verdict(ok: bool) -> str:
    return "met" if ok else "**missed**"
