"""deploy/nginx/rounds.conf run as an unprivileged-style nginx from a scratch folder (tests/topology and bench/)."""
from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def nginx_conf(app_ports: list[int], listen: int, work: Path) -> Path:
    """deploy/nginx/rounds.conf with these app ports (one or two) and listen port, in a main file that runs from `work`."""
    site = (DEPLOY / "nginx" / "rounds.conf").read_text()
    site = site.replace("127.0.0.1:8001", f"127.0.0.1:{app_ports[0]}")
    if len(app_ports) > 1:
        site = site.replace("127.0.0.1:8002", f"127.0.0.1:{app_ports[1]}")
    else:
        site = re.sub(r"\n\s*server 127\.0\.0\.1:8002[^\n]*", "", site)
    site, n = re.subn(r"listen 80;", f"listen 127.0.0.1:{listen};", site)
    assert n == 1, "deploy/nginx/rounds.conf no longer has `listen 80;`"
    (work / "rounds.conf").write_text(site)
    for temp in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (work / temp).mkdir(exist_ok=True)
    main = work / "nginx.conf"
    main.write_text(f"""{'user root;' if os.geteuid() == 0 else ''}
daemon off;
worker_processes 2;
pid {work}/nginx.pid;
error_log {work}/error.log warn;
events {{ worker_connections 512; }}
http {{
    access_log off;
    client_body_temp_path {work}/body;
    proxy_temp_path {work}/proxy;
    fastcgi_temp_path {work}/fastcgi;
    uwsgi_temp_path {work}/uwsgi;
    scgi_temp_path {work}/scgi;
    include {work}/rounds.conf;
}}
""")
    return main


def env_example() -> dict[str, str]:
    """deploy/rounds.env.example as a dict (the names every process of the topology is given)."""
    pairs = (line.split("=", 1) for line in (DEPLOY / "rounds.env.example").read_text().splitlines()
             if line.strip() and not line.startswith("#"))
    return {name.strip(): value.strip() for name, value in pairs}
