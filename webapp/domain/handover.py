"""The sealed shift handover (交接班记录): canonical JSON, its SHA-256 chained per site, and the chain's verification."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta


def canonical_json(content: dict) -> str:
    """One exact text for the same content: sorted keys, no spaces, UTF-8 kept, instants as ISO strings in UTC."""
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=_plain, allow_nan=False)


def _plain(value):
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("naive datetime in a handover")
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} cannot be sealed")


def chained_hash(content_json: str, prev_sha256: str | None) -> str:
    """The record's hash: over the previous record's hash and its own canonical JSON."""
    return hashlib.sha256(((prev_sha256 or "") + "\n" + content_json).encode("utf-8")).hexdigest()


def seal(content: dict, prev_sha256: str | None) -> tuple[str, str]:
    """(canonical JSON, chained SHA-256) of a closing handover."""
    text = canonical_json(content)
    return text, chained_hash(text, prev_sha256)


def image_digest(data_url: str | None) -> str | None:
    """The SHA-256 of a drawn signature, so the sealed record binds the image stored beside it."""
    return hashlib.sha256(data_url.encode("ascii")).hexdigest() if data_url else None


@dataclass(frozen=True)
class Sealed:
    """A closed handover as stored: its place in the site's chain, its text and its hashes."""

    handover_id: int
    sequence: int
    content_json: str
    sha256: str
    prev_sha256: str | None


@dataclass
class ChainReport:
    """What a verification found: ok, or each broken link with its reason."""

    checked: int = 0
    problems: list[tuple[int, str]] = field(default_factory=list)  # (sequence, code)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_chain(records: list[Sealed]) -> ChainReport:
    """Recompute every hash and link: an altered record, a removed one or a reordering breaks the chain."""
    report = ChainReport()
    previous: Sealed | None = None
    for record in sorted(records, key=lambda r: r.sequence):
        report.checked += 1
        expected_sequence = previous.sequence + 1 if previous else 1
        if record.sequence != expected_sequence:
            report.problems.append((record.sequence, "missing_before"))
        if record.prev_sha256 != (previous.sha256 if previous else None):
            report.problems.append((record.sequence, "broken_link"))
        if chained_hash(record.content_json, record.prev_sha256) != record.sha256:
            report.problems.append((record.sequence, "altered"))
        previous = record
    return report


def addendum_hash(prev_sha256: str, person_id: int, text: str, created_at: datetime, signature_sha256: str | None = None) -> str:
    """The hash of a correction and its signature, chained to the addendum before it (or the handover it corrects)."""
    form = {"person_id": person_id, "text": text, "created_at": created_at, "signature": signature_sha256}
    return chained_hash(canonical_json(form), prev_sha256)


def rate(done: int, due: int) -> float | None:
    """A completion rate in percent with one decimal, or None when nothing was due."""
    return round(100.0 * done / due, 1) if due else None


def seal_message(site_id: int, sequence: int, sha256: str, prev_sha256: str | None) -> bytes:
    """What the sealing key signs for a handover: its place in the site's chain and its hash."""
    return f"rounds-seal\nsite={site_id}\nsequence={sequence}\nsha256={sha256}\nprev={prev_sha256 or ''}".encode("ascii")


def addendum_message(site_id: int, sequence: int, number: int, sha256: str) -> bytes:
    """What the sealing key signs for an addendum: the record it is under, its number there and its hash."""
    return f"rounds-addendum\nsite={site_id}\nsequence={sequence}\nnumber={number}\nsha256={sha256}".encode("ascii")


@dataclass(frozen=True)
class Witnessed:
    """A head of a site's chain seen outside the database: a sealed record (and how many addenda it had then)."""

    sequence: int
    sha256: str
    addenda: int = 0


def witness_problems(witnessed: list[Witnessed], stored: dict[int, tuple[str, int]]) -> list[tuple[int, str]]:
    """Compare heads witnessed outside the database with the stored chain (sequence → (hash, addenda)).

    A witnessed record missing from the database means truncation or deletion; another hash means a rewrite; fewer
    addenda than witnessed means an addendum was removed.
    """
    problems: set[tuple[int, str]] = set()
    newest = max(stored) if stored else 0
    for seen in witnessed:
        if seen.sequence not in stored:
            problems.add((seen.sequence, "truncated" if seen.sequence > newest else "witness_missing"))
        elif stored[seen.sequence][0] != seen.sha256:
            problems.add((seen.sequence, "witness_mismatch"))
        elif stored[seen.sequence][1] < seen.addenda:
            problems.add((seen.sequence, "addendum_missing"))
    return sorted(problems)


@dataclass(frozen=True)
class LeadShift:
    """A shift a lead leads, as the choice of which handover to offer first sees it."""

    shift_id: int
    starts_at: datetime
    ends_at: datetime
    closed: bool  # its handover is sealed


def handover_first(shifts: list[LeadShift], now: datetime, ahead_minutes: int = 60, behind_hours: int = 12) -> int | None:
    """The shift whose handover a lead is offered first at shift change (交接班): the earliest-ending of those ending
    within `ahead_minutes` or ended in the last `behind_hours` whose handover is not sealed yet; else None."""
    due = [s for s in shifts if not s.closed and now - timedelta(hours=behind_hours) <= s.ends_at
           <= now + timedelta(minutes=ahead_minutes)]
    return min(due, key=lambda s: (s.ends_at, s.shift_id)).shift_id if due else None


def duplicate_names(names: list[str]) -> list[str]:
    """Item names listed more than once (ignoring case and spaces), each once, in the order first seen."""
    seen: dict[str, str] = {}
    repeated: list[str] = []
    for name in names:
        key = "".join(name.split()).casefold()
        if key in seen and seen[key] not in repeated:
            repeated.append(seen[key])
        seen.setdefault(key, name)
    return repeated


def count_differences(items: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """The items whose count received differs from the count handed over: (name, out, in)."""
    return [(name, out, counted) for name, out, counted in items if out != counted]
