"""Through nginx (deploy/nginx/rounds.conf): photo uploads with the S3 backend (moto_server) against local disk in the
same run, and sync throughput with two app servers against one. PostgreSQL; prints a Markdown section."""
from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path

import boto3
import httpx
from common import ROOT, free_port, percentile, pg_available, scratch_database, seed_site, sign_in, table
from PIL import Image

sys.path.insert(0, str(ROOT))
from tests.topology.nginx import NGINX, env_example, nginx_conf  # noqa: E402

PHOTOS = int(os.environ.get("BENCH_TOPOLOGY_PHOTOS", "120"))
PHONES = 4  # concurrent phones
WORKERS = 2  # gunicorn workers per app server (the machine has 2 cores)
BATCHES = int(os.environ.get("BENCH_TOPOLOGY_BATCHES", "40"))  # per phone, for sync
BATCH = 100
CST = timezone(timedelta(hours=8))


def _started(command: list[str], env: dict, log: Path) -> subprocess.Popen:
    with log.open("ab") as out:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,  # noqa: S603
                                start_new_session=True)


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _wait(url: str, process: subprocess.Popen, log: Path) -> None:
    for _ in range(300):
        try:
            if httpx.get(url, timeout=2).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} ended: {log.read_text()[-2000:]}")
        time.sleep(0.1)
    raise RuntimeError(f"{url} never answered: {log.read_text()[-2000:]}")


@contextmanager
def topology(url: str, servers: int, storage: dict, work: Path):
    """nginx before `servers` gunicorns (WORKERS each) on `url` with the given storage settings; yields nginx's URL."""
    env = {**os.environ, **env_example(), "DATABASE_URL": url, "SECRET_KEY": "bench-" + uuid.uuid4().hex,
           "SESSION_COOKIE_SECURE": "0", "LOG_LEVEL": "WARNING", "LOG_FORMAT": "text",
           "LOGIN_RATE_LIMIT": "100000 per minute", "RATELIMIT_STORAGE_URI": "memory://", "HUEY_REDIS_URL": "",
           "SEAL_KEY_FILE": "", "CHAIN_WITNESS_FILE": str(work / "witness.jsonl"), **storage}
    processes, ports = [], []
    try:
        for _ in range(servers):
            port = free_port()
            log = work / f"gunicorn-{port}.log"
            process = _started([sys.executable, "-m", "gunicorn", "--workers", str(WORKERS), "--bind", f"127.0.0.1:{port}",
                                "--timeout", "120", "wsgi:app"], env, log)
            processes.append(process)
            ports.append(port)
            _wait(f"http://127.0.0.1:{port}/healthz", process, log)
        listen = free_port()
        folder = work / f"nginx-{listen}"
        folder.mkdir()
        conf = nginx_conf(ports, listen, folder)
        nginx = _started([NGINX, "-c", str(conf), "-p", str(folder)], dict(os.environ), folder / "nginx.log")
        processes.append(nginx)
        _wait(f"http://127.0.0.1:{listen}/healthz", nginx, folder / "error.log")
        yield f"http://127.0.0.1:{listen}"
    finally:
        for process in reversed(processes):
            _stop(process)


def _photo(n: int) -> bytes:
    """A 1600×1200 JPEG with some grain (the size the app keeps of a phone photo), different for each n."""
    image = Image.merge("RGB", [Image.effect_noise((1600, 1200), 12), Image.linear_gradient("L").resize((1600, 1200)),
                                Image.effect_noise((1600, 1200), 12)])
    image.putpixel((n % 1600, n // 1600 % 1200), (n % 256, 0, 0))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=75)
    return out.getvalue()


def upload_photos(base: str, seeded, photos: list[bytes]) -> tuple[float, list[float]]:
    """PHONES phones upload the photos between them; (photos per second, latencies in ms)."""
    clients = [httpx.Client(timeout=120) for _ in range(PHONES)]
    tokens = [sign_in(c, base, seeded.guards[i % len(seeded.guards)]) for i, c in enumerate(clients)]
    latencies: list[float] = []
    lock = threading.Lock()

    def send(i: int) -> None:
        client, token = clients[i % PHONES], tokens[i % PHONES]
        form = {"client_uuid": str(uuid.uuid4()), "device_id": f"bench-{i % PHONES}", "site_id": str(seeded.site_id)}
        began = time.perf_counter()
        answer = client.post(base + "/api/v1/photos", data=form, files={"file": ("p.jpg", photos[i], "image/jpeg")},
                             headers={"X-CSRFToken": token})
        took = (time.perf_counter() - began) * 1000
        if answer.status_code != 201:
            raise RuntimeError(f"upload answered {answer.status_code}: {answer.text[:200]}")
        with lock:
            latencies.append(took)

    began = time.perf_counter()
    with ThreadPoolExecutor(PHONES) as pool:
        list(pool.map(send, range(len(photos))))
    return len(photos) / (time.perf_counter() - began), latencies


def sync_events(base: str, seeded) -> tuple[float, list[float]]:
    """PHONES phones each send BATCHES batches of BATCH scans; (events per second, batch latencies in ms)."""
    clients = [httpx.Client(timeout=120) for _ in range(PHONES)]
    tokens = [sign_in(c, base, seeded.guards[i % len(seeded.guards)]) for i, c in enumerate(clients)]
    latencies: list[float] = []
    lock = threading.Lock()

    def phone(i: int) -> None:
        for b in range(BATCHES):
            start = datetime.now(CST) - timedelta(hours=1)
            events = [{"type": "scan", "client_uuid": str(uuid.uuid4()), "token": seeded.tokens[(b + k) % len(seeded.tokens)],
                       "device_time": (start + timedelta(seconds=k)).isoformat()} for k in range(BATCH)]
            body = {"device_id": f"sync-{i}", "sent_at": datetime.now(CST).isoformat(), "events": events}
            began = time.perf_counter()
            answer = clients[i].post(base + "/api/v1/sync", json=body, headers={"X-CSRFToken": tokens[i]})
            took = (time.perf_counter() - began) * 1000
            if answer.status_code != 200:
                raise RuntimeError(f"sync answered {answer.status_code}: {answer.text[:200]}")
            with lock:
                latencies.append(took)

    began = time.perf_counter()
    with ThreadPoolExecutor(PHONES) as pool:
        list(pool.map(phone, range(PHONES)))
    return PHONES * BATCHES * BATCH / (time.perf_counter() - began), latencies


def main() -> None:
    if not pg_available():
        print("Skipped: no PostgreSQL server.")
        return
    if not os.path.exists(NGINX):
        print(f"Skipped: {NGINX} is missing (apt-get install nginx).")
        return
    work = Path(tempfile.mkdtemp(prefix="rounds-bench-topology-"))
    s3_port = free_port()
    moto = _started([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(s3_port)], dict(os.environ),
                    work / "moto.log")
    try:
        endpoint = f"http://127.0.0.1:{s3_port}"
        _wait(endpoint, moto, work / "moto.log")
        boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="k",
                     aws_secret_access_key="s").create_bucket(Bucket="bench")
        s3 = {"STORAGE_BACKEND": "s3", "S3_ENDPOINT_URL": endpoint, "S3_BUCKET": "bench", "S3_REGION": "us-east-1",
              "S3_ADDRESSING_STYLE": "path", "S3_ACCESS_KEY_ID": "k", "S3_SECRET_ACCESS_KEY": "s"}
        local = {"STORAGE_BACKEND": "local", "PHOTO_ROOT": str(work / "photos"), "REPORT_ROOT": str(work / "reports")}
        photos = [_photo(n) for n in range(2 * PHOTOS)]
        size_kb = sum(len(p) for p in photos) / len(photos) / 1024
        rows, sync_rows = [], []
        with scratch_database("postgresql", "rounds_bench_topology") as url:
            seeded = seed_site(url, checkpoints=60, guards=PHONES)
            results = {}
            for name, storage, batch in (("local disk", local, photos[:PHOTOS]), ("S3 (moto_server)", s3, photos[PHOTOS:])):
                with topology(url, 2, storage, work) as base:
                    upload_photos(base, seeded, [_photo(10_000 + n + len(results) * 100) for n in range(8)])  # warm up
                    results[name] = upload_photos(base, seeded, batch)
            base_rate = results["local disk"][0]
            for name, (rate, latencies) in results.items():
                rows.append([name, len(latencies), f"{rate:.1f}", f"{percentile(latencies, 50):.0f}",
                             f"{percentile(latencies, 95):.0f}", f"{rate / base_rate:.2f}"])
            sync = {}
            for servers in (1, 2):
                with topology(url, servers, s3, work) as base:
                    sync[servers] = sync_events(base, seeded)
            for servers, (rate, latencies) in sync.items():
                sync_rows.append([servers, servers * WORKERS, len(latencies) * BATCH, f"{rate:.0f}",
                                  f"{percentile(latencies, 50):.0f}", f"{percentile(latencies, 95):.0f}",
                                  f"{rate / sync[1][0]:.2f}"])
    finally:
        _stop(moto)
    print(f"nginx (deploy/nginx/rounds.conf) before gunicorn app servers of {WORKERS} workers each, PostgreSQL, "
          f"{PHONES} phones sending at once over keep-alive connections. Photos: JPEGs of {size_kb:.0f} KB at 1600×1200, "
          "checked, re-encoded, thumbnailed and watermarked by the app, stored, then the row committed.\n")
    print(table(["photo store (2 app servers)", "photos", "photos/s", "p50 ms", "p95 ms", "rate vs local disk"], rows))
    print()
    print(table(["app servers (S3 store)", "gunicorn workers", "scan events", "events/s", "p50 ms per batch of 100",
                 "p95 ms", "rate vs 1 server"], sync_rows))
    print(f"\nEvery process (nginx, {WORKERS} or {2 * WORKERS} gunicorn workers, PostgreSQL, moto, the phones) shares "
          f"this machine's {os.cpu_count()} cores: a second app server adds workers that overlap their waits on the "
          "database and the store, not CPU. On separate machines the app tier scales out until PostgreSQL's commit "
          "rate is the limit.")


if __name__ == "__main__":
    main()
