"""Run every benchmark in bench/ and write their reports, with the machine and versions, to BENCHMARKS.md."""
from __future__ import annotations

import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# (module, title, bound in seconds)
BENCHES = [
    ("gaps.py", "Gap engine and handover build: a 12-hour shift at a 60-checkpoint site, 1×, 10×, 100×", 240),
    ("offline_replay.py", "No confident false misses: 1,000 night shifts with offline phones and late syncs", 240),
    ("sync.py", "Sync ingestion over HTTP", 300),
    ("scan_load.py", "Scan latency under load", 240),
    ("pages.py", "Lead's board and handover history with 90 days × 20 sites", 600),
    ("photos.py", "Photos: a 12-megapixel JPEG", 120),
    ("phone_pages.py", "Phone pages: weight and Lighthouse", 600),
    ("reports.py", "Service report: a month of one site with 90 days × 20 sites", 600),
    ("alerts.py", "Alert latency: window close to delivery attempt with 500 sites", 900),
    ("topology.py", "Through nginx: photo uploads to S3 against local disk, sync with two app servers against one", 600),
]


def _version(cmd: list[str]) -> str:
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=60)  # noqa: S603
        return (out.stdout or out.stderr).strip().splitlines()[-1]
    except (OSError, subprocess.SubprocessError, IndexError):
        return "absent"


def _postgres() -> str:
    sys.path.insert(0, str(ROOT / "bench"))
    from common import PG_SERVER, pg_available
    if not pg_available():
        return "no server"
    from sqlalchemy import create_engine, text
    engine = create_engine(PG_SERVER + "/postgres")
    with engine.connect() as conn:
        version = conn.execute(text("SHOW server_version")).scalar()
    engine.dispose()
    return str(version)


def versions() -> str:
    packages = ", ".join(f"{name} {metadata.version(name)}" for name in
                         ("Flask", "SQLAlchemy", "gunicorn", "psycopg", "pillow", "httpx", "playwright", "Flask-Compress"))
    lighthouse = ROOT / "node_modules" / "lighthouse" / "package.json"
    lh = __import__("json").loads(lighthouse.read_text())["version"] if lighthouse.exists() else "absent"
    node = _version(["node", "--version"]) if shutil.which("node") else "absent"
    return (f"Python {platform.python_version()}; SQLite {sqlite3.sqlite_version}; PostgreSQL {_postgres()}; {packages}; "
            f"{_version(['/usr/bin/chromium', '--version'])}; Node {node}; Lighthouse {lh}")


def run(name: str, bound: int) -> tuple[str, float]:
    began = time.perf_counter()
    try:
        out = subprocess.run([sys.executable, str(ROOT / "bench" / name)], capture_output=True, text=True,  # noqa: S603
                             timeout=bound, cwd=ROOT / "bench")
        text = out.stdout.strip() if out.returncode == 0 else \
            f"**Failed** (exit {out.returncode}):\n\n```\n{(out.stdout + out.stderr).strip()[-3000:]}\n```"
    except subprocess.TimeoutExpired:
        text = f"**Stopped** after {bound} s (its bound)."
    return text, time.perf_counter() - began


def main() -> None:
    began = time.perf_counter()
    sections = []
    for name, title, bound in BENCHES:
        print(f"{name} ...", flush=True)
        text, took = run(name, bound)
        body = f"```\n{text}\n```" if name == "gaps.py" and not text.startswith("**") else text
        sections.append(f"## {title}\n\n`bench/{name}`, {took:.0f} s.\n\n{body}\n")
    header = (f"# Benchmarks\n\nWritten by `make bench` on {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC in "
              f"{time.perf_counter() - began:.0f} s: {os.cpu_count()} CPUs, {platform.machine()}, {platform.system()} "
              f"{platform.release()}.\n\nVersions: {versions()}.\n\nEach figure is measured beside its limit in the same "
              "run (the ratio column): on a shared machine read the ratios more than the absolute times. Targets are "
              "those of issue 9.\n\n")
    findings = (ROOT / "bench" / "FINDINGS.md").read_text(encoding="utf-8")
    (ROOT / "BENCHMARKS.md").write_text(header + "\n".join(sections) + "\n" + findings, encoding="utf-8")
    print((ROOT / "BENCHMARKS.md").read_text(encoding="utf-8"))


if __name__ == "__main__":
    main()
