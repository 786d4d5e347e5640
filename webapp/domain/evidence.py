"""What a sealed handover counted: each record's canonical form and leaf hash, a Merkle root, and what changed since."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

from webapp.domain.handover import canonical_json

EMPTY_ROOT = hashlib.sha256(b"").hexdigest()


@dataclass(frozen=True)
class Evidence:
    """One record a handover counted (scan, check, incident, photo, gap step, signature, item) in plain values."""

    kind: str
    id: str
    form: dict

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.id}"


def leaf_hash(record: Evidence) -> str:
    """The SHA-256 of a record's canonical form, its kind and id included."""
    return hashlib.sha256(canonical_json({"kind": record.kind, "id": record.id, "form": record.form}).encode("utf-8")).hexdigest()


def leaves(records: list[Evidence]) -> dict[str, str]:
    """Each record's key and leaf hash."""
    return {r.key: leaf_hash(r) for r in records}


def merkle_root(leaf_hashes: dict[str, str]) -> str:
    """A Merkle root over the leaves in key order (an odd node is carried up as it is)."""
    level = [hashlib.sha256(f"leaf\n{key}\n{leaf_hashes[key]}".encode()).hexdigest() for key in sorted(leaf_hashes)]
    if not level:
        return EMPTY_ROOT
    while len(level) > 1:
        level = [hashlib.sha256(f"node\n{level[i]}{level[i + 1]}".encode()).hexdigest() if i + 1 < len(level) else level[i]
                 for i in range(0, len(level), 2)]
    return level[0]


def commitment(records: list[Evidence]) -> dict:
    """What goes into the sealed content: the root and every record's leaf hash."""
    hashes = leaves(records)
    return {"root": merkle_root(hashes), "records": hashes}


@dataclass(frozen=True)
class Difference:
    """A record added, removed or changed since sealing."""

    key: str
    change: str  # added / removed / changed

    @property
    def kind(self) -> str:
        return self.key.split(":", 1)[0]


def differences(sealed: dict[str, str], current: dict[str, str]) -> list[Difference]:
    """Every record whose leaf differs between the seal and today, in key order."""
    found = []
    for key in sorted(set(sealed) | set(current)):
        if key not in current:
            found.append(Difference(key, "removed"))
        elif key not in sealed:
            found.append(Difference(key, "added"))
        elif sealed[key] != current[key]:
            found.append(Difference(key, "changed"))
    return found
