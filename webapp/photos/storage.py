"""Photos in the object store under their content hash, each written whole, the thumbnail before the photo."""
from __future__ import annotations

import hashlib
import re

from webapp.photos.processing import ProcessedPhoto
from webapp.storage import ObjectStore

_SHA256 = re.compile(r"[0-9a-f]{64}")


class PhotoStore:
    """<sha[:2]>/<sha>.jpg and <sha>.thumb.jpg in an object store (a directory or a bucket), never written twice."""

    def __init__(self, objects: ObjectStore):
        self.objects = objects

    @staticmethod
    def key(sha: str, thumb: bool = False) -> str:
        """The object key of the photo (or its thumbnail) with this hash; anything but a SHA-256 in hex is refused."""
        if not isinstance(sha, str) or not _SHA256.fullmatch(sha):
            raise ValueError(f"not a photo hash: {sha!r}")
        return f"{sha[:2]}/{sha}.thumb.jpg" if thumb else f"{sha[:2]}/{sha}.jpg"

    def exists(self, sha: str) -> bool:
        """Whether the photo is stored (its thumbnail is written first, so it is there too)."""
        return self.objects.exists(self.key(sha))

    def get(self, sha: str, thumb: bool = False) -> bytes:
        """The photo's (or thumbnail's) bytes; FileNotFoundError when it is not stored."""
        return self.objects.get(self.key(sha, thumb))

    def put(self, photo: ProcessedPhoto) -> None:
        """Store the photo and its thumbnail; storing the same photo again changes nothing."""
        if hashlib.sha256(photo.jpeg).hexdigest() != photo.sha256:
            raise ValueError("the photo's bytes do not match its hash")
        main, thumb = self.key(photo.sha256), self.key(photo.sha256, thumb=True)
        if self.objects.exists(main) and self.objects.exists(thumb):
            return
        written = []
        try:
            for target, data in ((thumb, photo.thumb), (main, photo.jpeg)):  # the photo last: it marks completion
                if not self.objects.exists(target):
                    self.objects.put(target, data)
                    written.append(target)
        except BaseException:
            for target in written:  # a thumbnail without its photo would be litter
                try:
                    self.objects.delete(target)
                except Exception:  # noqa: BLE001, S110  the store is failing; the original error is what matters
                    pass
            raise

    def delete(self, sha: str) -> None:
        """Remove the photo and its thumbnail, if present."""
        self.objects.delete(self.key(sha))
        self.objects.delete(self.key(sha, thumb=True))

    def shas(self) -> set[str]:
        """The hashes of every photo stored (a thumbnail alone does not count)."""
        return {k[3:-4] for k in self.objects.keys() if k.endswith(".jpg") and not k.endswith(".thumb.jpg")
                and _SHA256.fullmatch(k[3:-4] or "")}


def photo_store() -> PhotoStore:
    """The current app's photos."""
    from webapp.storage import store

    return PhotoStore(store("photos"))
