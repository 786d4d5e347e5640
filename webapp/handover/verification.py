"""Verify a site's sealed handovers against today's rows: the chain, each record's evidence, photos, signatures, addenda."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from webapp.domain.evidence import differences, merkle_root
from webapp.domain.evidence import leaves as leaves_of
from webapp.domain.handover import Sealed, addendum_hash, image_digest, verify_chain
from webapp.extensions import db
from webapp.handover import evidence
from webapp.models import Handover, HandoverAddendum, Shift


@dataclass(frozen=True)
class Problem:
    """One failed check of a record: a code and what differs (a record's key, an addendum's number)."""

    code: str
    detail: str = ""


@dataclass
class RecordCheck:
    """One sealed handover as verified: its place in the chain, who signed, and what failed."""

    sequence: int
    handover_id: int
    shift_id: int
    shift: str
    sealed_at: datetime | None
    sha256: str
    prev_sha256: str | None
    signers: list[str]
    addenda: int = 0
    problems: list[Problem] = field(default_factory=list)
    late: list[str] = field(default_factory=list)  # records of the shift that reached the server after sealing

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class SiteVerification:
    """A site's chain as verified, record by record."""

    site_id: int
    records: list[RecordCheck] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # about the chain as a whole (its head)

    @property
    def ok(self) -> bool:
        return not self.problems and all(r.ok for r in self.records)

    @property
    def head(self) -> RecordCheck | None:
        return self.records[-1] if self.records else None


def _evidence_problems(handover: Handover, sealed: dict, check: RecordCheck) -> None:
    committed = sealed.get("evidence")
    if not isinstance(committed, dict) or not isinstance(committed.get("records"), dict):
        check.problems.append(Problem("evidence_absent"))
        return
    leaves = committed["records"]
    if merkle_root(leaves) != committed.get("root"):
        check.problems.append(Problem("evidence_root"))
    keys = set(leaves)
    now = evidence.gather(handover.shift_id, handover, evidence.ids_of(keys, "scan"), evidence.ids_of(keys, "check"),
                          evidence.ids_of(keys, "incident"))
    current = leaves_of(now.records)
    for difference in differences(leaves, current):
        arrived = now.arrived.get(difference.key)
        if difference.change == "added" and arrived is not None and handover.accepted_at and arrived > handover.accepted_at:
            check.late.append(difference.key)
        else:
            check.problems.append(Problem("evidence_" + difference.change, difference.key))
    for key, code in evidence.photo_bytes_problems(now.photos).items():
        check.problems.append(Problem(code, key))


def _addenda_problems(handover: Handover, check: RecordCheck) -> None:
    prev = handover.sha256 or ""
    for n, addendum in enumerate(handover.addenda, start=1):
        expected = addendum_hash(prev, addendum.person_id, addendum.text, addendum.created_at, image_digest(addendum.signature))
        if expected != addendum.sha256:
            check.problems.append(Problem("addendum_altered", f"addendum:{n}"))
        prev = addendum.sha256
    check.addenda = len(handover.addenda)


def verify_site(site_id: int) -> SiteVerification:
    """Every check on every sealed handover of the site."""
    handovers = list(db.session.scalars(
        select(Handover).where(Handover.site_id == site_id, Handover.sequence.is_not(None)).order_by(Handover.sequence)
        .options(selectinload(Handover.shift).selectinload(Shift.template), selectinload(Handover.items),
                 selectinload(Handover.outgoing_lead), selectinload(Handover.incoming_lead),
                 selectinload(Handover.addenda).selectinload(HandoverAddendum.person))))
    report = SiteVerification(site_id)
    chain = verify_chain([Sealed(h.id, h.sequence, h.content_json or "", h.sha256 or "", h.prev_sha256) for h in handovers])
    by_sequence: dict[int, list[Problem]] = {}
    for sequence, code in chain.problems:
        by_sequence.setdefault(sequence, []).append(Problem(code))
    for h in handovers:
        assert h.sequence is not None
        check = RecordCheck(h.sequence, h.id, h.shift_id, f"{h.shift.local_date.isoformat()} {h.shift.template.name}",
                            h.accepted_at, h.sha256 or "", h.prev_sha256,
                            [p.name for p in (h.outgoing_lead, h.incoming_lead) if p is not None],
                            problems=list(by_sequence.get(h.sequence, [])))
        try:
            sealed = json.loads(h.content_json or "")
        except ValueError:
            check.problems.append(Problem("unreadable"))
        else:
            _evidence_problems(h, sealed, check)
        _addenda_problems(h, check)
        report.records.append(check)
    return report
