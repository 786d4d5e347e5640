"""A 12-megapixel phone JPEG processed (verified, oriented, stripped, scaled, watermarked, thumbnailed): time and memory.

Run: `.venv/bin/python bench/photos.py`. The photo is made here: 4000×3000, a photographic-looking mix of
gradients and noise, quality 92 (about 4-5 MB, like a phone's), with EXIF orientation 6 (taken upright, stored on
its side), a capture time and GPS. Timed: `webapp.photos.process` as the upload does it, median of 5 after a
warm-up. Beside it in the same run: the floor, Pillow's bare decode of the same file at full size (`Image.open` +
`load`). Memory: each measurement runs in a fresh child process and reports its peak resident size (getrusage)
(VmHWM, reset just before) over the size it had then, with the file already read; beside it, the raw pixels of the full-size image
(36 MB), which a naive pipeline holds at least once.
"""
from __future__ import annotations

import io
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, table, verdict

TARGET_MS = 300
SIZE = (4000, 3000)
FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"


def make_photo(path: Path) -> None:
    """A 12 MP JPEG with EXIF orientation, time and GPS."""
    import numpy as np
    from PIL import Image
    rng = np.random.default_rng(12)
    w, h = SIZE
    x = np.linspace(0, 1, w, dtype=np.float32)[None, :]
    y = np.linspace(0, 1, h, dtype=np.float32)[:, None]
    base = np.stack([200 * x + 30 * y, 120 + 80 * np.sin(6 * x + 3 * y), 180 * y + 40 * x], axis=-1)
    noisy = np.clip(base + rng.normal(0, 18, (h, w, 3)), 0, 255).astype(np.uint8)
    image = Image.fromarray(noisy, "RGB")
    exif = Image.Exif()
    exif[0x0112] = 6
    exif[0x0132] = "2026:11:25 21:14:03"
    exif.get_ifd(0x8825).update({1: "N", 2: (31.0, 14.0, 2.0), 3: "E", 4: (121.0, 28.0, 5.0)})
    image.save(path, "JPEG", quality=92, exif=exif.tobytes())


def _status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _reset_peak() -> None:
    """Linux: set the process's peak resident size (VmHWM) back to its current size."""
    Path("/proc/self/clear_refs").write_text("5")


def child(kind: str, path: str, repeats: int) -> None:
    """Run in a fresh process: time `kind` on the photo and report the peak memory it added."""
    sys.path.insert(0, str(ROOT))
    from PIL import Image

    from webapp.photos import PhotoLimits, process
    data = Path(path).read_bytes()
    limits = PhotoLimits(max_bytes=15 * 1024 * 1024, max_pixels=50_000_000, long_side=1600)

    def run():
        if kind == "process":
            return process(data, limits=limits, watermark=["翠湖花园", "北门 · 保安 张三", "2026-11-25 21:14"], font_path=FONT)
        image = Image.open(io.BytesIO(data))
        image.load()
        return image

    _reset_peak()
    before = _status_kib("VmRSS")
    result = run()  # the warm-up, and the memory measurement
    added = _status_kib("VmHWM") - before
    del result
    times = []
    for _ in range(repeats):
        began = time.perf_counter()
        run()
        times.append(time.perf_counter() - began)
    print(json.dumps({"median_s": statistics.median(times), "peak_added_mib": added / 1024}))


def measure(kind: str, path: Path, repeats: int = 5) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", kind, str(path), str(repeats)],  # noqa: S603
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="rounds-bench-photo-") as folder:
        path = Path(folder) / "phone.jpg"
        make_photo(path)
        size_mb = path.stat().st_size / 1e6
        done = measure("process", path)
        floor = measure("decode", path)
    ms, floor_ms = done["median_s"] * 1e3, floor["median_s"] * 1e3
    raw_mib = SIZE[0] * SIZE[1] * 3 / 2**20
    print(f"A {SIZE[0]}×{SIZE[1]} JPEG of {size_mb:.1f} MB (EXIF orientation 6, time, GPS) → 1600 px JPEG, "
          "320 px thumbnail, watermark; median of 5 after a warm-up, each in a fresh process.\n")
    print(table(["what", "measured", "target", "limit, same run", "ratio", "verdict"], [
        ["processing time", f"{ms:.0f} ms", f"< {TARGET_MS} ms", f"bare full-size decode {floor_ms:.0f} ms",
         f"{ms / floor_ms:.2f}", verdict(ms < TARGET_MS)],
        ["peak memory added", f"{done['peak_added_mib']:.0f} MiB", "bounded (below the raw pixels)",
         f"raw pixels {raw_mib:.0f} MiB; bare decode added {floor['peak_added_mib']:.0f} MiB",
         f"{done['peak_added_mib'] / raw_mib:.2f}", verdict(done["peak_added_mib"] < raw_mib)],
    ]))


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    else:
        main()
