"""The production topology on one machine: nginx (Debian) in front of two gunicorn instances, PostgreSQL, Redis,
an S3 object store (moto_server in a process of its own) and the report worker in another process.

nginx runs deploy/nginx/rounds.conf and the app servers get deploy/rounds.env.example's settings, with the ports,
database, Redis db and bucket of this run put in. Whatever part cannot start, the tests here are skipped with the
reason. Every wait has a deadline.
"""
from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import boto3
import httpx
import pytest
from flask_migrate import upgrade

from tests import clock
from tests.conftest import World, make_app
from tests.faults.conftest import SECRET_KEY, Gunicorn, Scratch, _postgres_down_reason, admin, free_port
from tests.topology.nginx import NGINX, env_example, nginx_conf
from webapp.db_setup import MIGRATIONS
from webapp.extensions import db

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("ROUNDS_TOPOLOGY_REDIS", "redis://127.0.0.1:6379/5")
LOGIN_LIMIT = 8  # sign-in attempts per minute, per address and per login: counted in Redis, whichever server answers
START_TIMEOUT_S = 20


def _wait(check, what: str, log: Path | None = None, timeout_s: float = START_TIMEOUT_S) -> None:
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            if check():
                return
        except (httpx.HTTPError, OSError):
            pass
        if time.monotonic() > deadline:
            tail = log.read_text(errors="replace")[-3000:] if log and log.exists() else ""
            raise RuntimeError(f"{what} never came up\n{tail}")
        time.sleep(0.1)


@dataclass
class Process:
    """A child process in a session of its own, with its log."""

    name: str
    command: list[str]
    env: dict[str, str]
    log: Path
    proc: subprocess.Popen | None = None

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(self.command, cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT,
                                         start_new_session=True)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)


@dataclass
class Topology:
    """Everything running, and how to reach it."""

    scratch: Scratch
    nginx_url: str
    apps: list[Gunicorn]
    s3_endpoint: str
    bucket: str
    redis_url: str
    site_b_id: int
    logs: Path
    processes: list[Process] = field(default_factory=list)

    def s3(self):
        return boto3.client("s3", endpoint_url=self.s3_endpoint, region_name="us-east-1",
                            aws_access_key_id="testing", aws_secret_access_key="testing")


def _redis_down_reason() -> str | None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        return f"no Redis answers at {REDIS_URL}: {error}"
    return None


@pytest.fixture(scope="session")
def topology(tmp_path_factory):
    """Start every part; skip (with the reason) when one cannot run here."""
    for reason in (None if os.path.exists(NGINX) else f"{NGINX} is missing (apt-get install nginx; make system-deps)",
                   _postgres_down_reason(), _redis_down_reason()):
        if reason:
            pytest.skip(reason)
    import redis

    work = tmp_path_factory.mktemp("topology")
    processes: list[Process] = []
    apps: list[Gunicorn] = []
    name = f"rounds_topology_{uuid.uuid4().hex[:10]}"
    admin(f'CREATE DATABASE "{name}"')
    try:
        url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
        app = make_app(url, STORAGE_BACKEND="local")
        with app.app_context():
            upgrade(directory=MIGRATIONS)
            world = World()
            checkpoints = [world.checkpoint_a] + [world.checkpoint(world.site_a, f"A{n:02d}", f"A 楼 {n} 层")
                                                  for n in range(2, 6)]
            db.session.commit()
            scratch = Scratch(name=name, tokens=[cp.token for cp in checkpoints], site_id=world.site_a.id)
            site_b = world.site_b.id
            db.session.remove()
            db.engine.dispose()
        redis.Redis.from_url(REDIS_URL).flushdb()  # this run's limits and queue only

        s3_port = free_port()
        moto = Process("moto", [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(s3_port)],
                       dict(os.environ), work / "moto.log")
        moto.start()
        processes.append(moto)
        endpoint, bucket = f"http://127.0.0.1:{s3_port}", f"rounds-{uuid.uuid4().hex[:8]}"
        try:
            _wait(lambda: httpx.get(endpoint, timeout=2).status_code < 500, "moto_server", moto.log)
        except RuntimeError as error:
            pytest.skip(str(error))
        boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="testing",
                     aws_secret_access_key="testing").create_bucket(Bucket=bucket)

        settings = {**env_example(), "SECRET_KEY": SECRET_KEY, "DATABASE_URL": url, "BASE_URL": "http://127.0.0.1",
                    "SESSION_COOKIE_SECURE": "0",  # plain HTTP on loopback; production is behind HTTPS
                    "RATELIMIT_STORAGE_URI": REDIS_URL, "HUEY_REDIS_URL": REDIS_URL,
                    "S3_ENDPOINT_URL": endpoint, "S3_BUCKET": bucket, "S3_REGION": "us-east-1",
                    "S3_ADDRESSING_STYLE": "path", "S3_ACCESS_KEY_ID": "testing", "S3_SECRET_ACCESS_KEY": "testing",
                    "SEAL_KEY_FILE": os.environ.get("SEAL_KEY_FILE", ""),
                    "CHAIN_WITNESS_FILE": str(work / "witness.jsonl"), "LOGIN_RATE_LIMIT": f"{LOGIN_LIMIT} per minute",
                    "LOG_FORMAT": "text"}
        for n in (1, 2):
            server = Gunicorn(scratch, work / "unused-photos", work / f"gunicorn-{n}.log")
            server.env.update(settings)
            server.start()
            apps.append(server)

        command, env = clock.child_python(["flask", "--app", "wsgi", "reports-worker", "--workers", "1"],
                                          {**os.environ, **settings})
        worker = Process("worker", command, env, work / "worker.log")
        worker.start()
        processes.append(worker)

        listen = free_port()
        conf = nginx_conf([a.port for a in apps], listen, work)
        nginx = Process("nginx", [NGINX, "-c", str(conf), "-p", str(work)], dict(os.environ), work / "nginx.log")
        nginx.start()
        processes.append(nginx)
        nginx_url = f"http://127.0.0.1:{listen}"
        _wait(lambda: httpx.get(nginx_url + "/api/v1/health", timeout=2).status_code == 200, "nginx",
              work / "error.log")
        yield Topology(scratch, nginx_url, apps, endpoint, bucket, REDIS_URL, site_b, work, processes)
    finally:
        for server in apps:
            server.stop()
        for process in reversed(processes):
            process.stop()
        admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
