"""Move photos and report files from one store to the other (`flask storage copy --to s3`), checking each SHA-256.

Every object of the source is read, its content hashed against the SHA-256 it is named by, and written to the target
unless the target already holds it with the same hash: running the copy again, or after it stopped half-way, writes
only what is missing or wrong. Afterwards every photo and report file a row names is looked for in the target.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select

from webapp.extensions import db
from webapp.models import GeneratedReport, Photo
from webapp.photos import PhotoStore
from webapp.storage import AREAS, ObjectStore, copy_verified

_NAMED = re.compile(r"[0-9a-f]{2}/([0-9a-f]{64})(?:\.thumb)?\.(?:jpg|pdf|xlsx)")


@dataclass
class Copied:
    """What a copy did, per outcome, and what rows name that the target still lacks."""

    copied: int = 0
    present: int = 0
    bytes_copied: int = 0
    damaged: list[str] = field(default_factory=list)  # source objects whose content does not match their name
    unnamed: list[str] = field(default_factory=list)  # source objects not named by a hash (left alone)
    missing: list[str] = field(default_factory=list)  # named by a row, absent from the target after the copy

    @property
    def ok(self) -> bool:
        return not self.damaged and not self.missing


def copy_all(sources: dict[str, ObjectStore], targets: dict[str, ObjectStore],
             step: Callable[[str, str], None] = lambda _area, _outcome: None) -> Copied:
    """Copy every object of each area's source store to its target, then check the rows' objects are all there."""
    done = Copied()
    for area in AREAS:
        source, target = sources[area], targets[area]
        for key in sorted(source.keys()):
            named = _NAMED.fullmatch(key)
            if named is None:
                done.unnamed.append(f"{area}/{key}")
                continue
            # a thumbnail is named by its photo's hash, not its own: its content cannot be checked against the name
            sha = None if ".thumb." in key else named.group(1)
            outcome, size = copy_verified(source, target, key, sha)
            if outcome == "copied":
                done.copied += 1
                done.bytes_copied += size
            elif outcome == "present":
                done.present += 1
            elif outcome == "damaged":
                done.damaged.append(f"{area}/{key}")
            step(area, outcome)
    done.missing = missing_objects(targets)
    return done


def missing_objects(stores: dict[str, ObjectStore]) -> list[str]:
    """The photos and report files that rows name and the stores do not hold."""
    missing = []
    for sha in sorted(set(db.session.scalars(select(Photo.sha256)))):
        if not stores["photos"].exists(PhotoStore.key(sha)):
            missing.append(f"photos/{PhotoStore.key(sha)}")
    for pdf, xlsx in db.session.execute(select(GeneratedReport.pdf_sha256, GeneratedReport.xlsx_sha256)):
        for digest, fmt in ((pdf, "pdf"), (xlsx, "xlsx")):
            if digest and not stores["reports"].exists(f"{digest[:2]}/{digest}.{fmt}"):
                missing.append(f"reports/{digest[:2]}/{digest}.{fmt}")
    return missing
