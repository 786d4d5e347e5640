"""Run every benchmark in bench/ and write their reports, with the machine and versions, to BENCHMARKS.md."""
from __future__ import annotations

import os
import platform
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCHES = ["gaps.py"]


def main() -> None:
    sections = []
    for name in BENCHES:
        out = subprocess.run([sys.executable, str(ROOT / "bench" / name)], capture_output=True, text=True, check=True)
        sections.append(f"## {name}\n\n```\n{out.stdout.strip()}\n```\n")
    header = (f"# Benchmarks\n\nWritten by `make bench` on {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC: "
              f"{os.cpu_count()} CPUs, {platform.machine()}, Python {platform.python_version()}, {platform.system()} "
              f"{platform.release()}. Figures are medians on a shared machine: read the ratios, not the absolute times.\n\n")
    (ROOT / "BENCHMARKS.md").write_text(header + "\n".join(sections), encoding="utf-8")
    print((ROOT / "BENCHMARKS.md").read_text(encoding="utf-8"))


if __name__ == "__main__":
    main()
