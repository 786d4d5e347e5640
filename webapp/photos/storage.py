"""Photos on disk under their content hash, written so that a crash never leaves half a file."""
from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path

from webapp.photos.processing import ProcessedPhoto

_SHA256 = re.compile(r"[0-9a-f]{64}")


class PhotoStore:
    """<root>/<sha[:2]>/<sha>.jpg and <sha>.thumb.jpg, written atomically and never twice."""

    def __init__(self, root: Path):
        self.root = Path(root)

    def path(self, sha: str, thumb: bool = False) -> Path:
        """Where the photo (or its thumbnail) with this hash lives; anything but a SHA-256 in hex is refused."""
        if not isinstance(sha, str) or not _SHA256.fullmatch(sha):
            raise ValueError(f"not a photo hash: {sha!r}")
        return self.root / sha[:2] / (f"{sha}.thumb.jpg" if thumb else f"{sha}.jpg")

    def exists(self, sha: str) -> bool:
        """Whether the photo is stored (its thumbnail is written first, so it is there too)."""
        return self.path(sha).is_file()

    def put(self, photo: ProcessedPhoto) -> None:
        """Store the photo and its thumbnail; storing the same photo again changes nothing."""
        if hashlib.sha256(photo.jpeg).hexdigest() != photo.sha256:
            raise ValueError("the photo's bytes do not match its hash")
        main, thumb = self.path(photo.sha256), self.path(photo.sha256, thumb=True)
        if main.is_file() and thumb.is_file():
            return
        main.parent.mkdir(parents=True, exist_ok=True)
        written = []
        try:
            for target, data in ((thumb, photo.thumb), (main, photo.jpeg)):  # the photo last: it marks completion
                if not target.is_file():
                    _write_atomically(target, data)
                    written.append(target)
        except BaseException:
            for target in written:  # a thumbnail without its photo would be litter
                target.unlink(missing_ok=True)
            raise
        fsync_directory(main.parent)

    def delete(self, sha: str) -> None:
        """Remove the photo and its thumbnail, if present."""
        self.path(sha).unlink(missing_ok=True)
        self.path(sha, thumb=True).unlink(missing_ok=True)


def _write_atomically(target: Path, data: bytes) -> None:
    """Write to a temporary file beside target, flush it to disk, then rename it over target."""
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, 0o640)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def fsync_directory(directory: Path) -> None:
    """Make the renames in a directory durable (a no-op where directories cannot be opened)."""
    try:
        handle = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)
