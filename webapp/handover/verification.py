"""Verify a site's sealed handovers against today's rows: the chain, each record's evidence, photos, signatures, addenda."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from webapp.domain.evidence import differences, merkle_root
from webapp.domain.evidence import leaves as leaves_of
from webapp.domain.handover import (
    Sealed,
    Witnessed,
    addendum_hash,
    addendum_message,
    image_digest,
    seal_message,
    verify_chain,
    witness_problems,
)
from webapp.extensions import db
from webapp.handover import anchors, evidence
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
    public_key: str | None = None  # the sealing key's public half, when one is configured
    witnessed_head: Witnessed | None = None  # the newest head seen outside the database

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


def _addenda_problems(handover: Handover, check: RecordCheck, key: Ed25519PublicKey | None) -> None:
    prev = handover.sha256 or ""
    for n, addendum in enumerate(handover.addenda, start=1):
        expected = addendum_hash(prev, addendum.person_id, addendum.text, addendum.created_at, image_digest(addendum.signature))
        if expected != addendum.sha256:
            check.problems.append(Problem("addendum_altered", f"addendum:{n}"))
        elif key and not anchors.signature_holds(key, addendum_message(handover.site_id, check.sequence, n, addendum.sha256),
                                                 addendum.seal_signature):
            check.problems.append(Problem("addendum_signature", f"addendum:{n}"))
        prev = addendum.sha256
    check.addenda = len(handover.addenda)


def verify_site(site_id: int) -> SiteVerification:
    """Every check on every sealed handover of the site."""
    handovers = list(db.session.scalars(
        select(Handover).where(Handover.site_id == site_id, Handover.sequence.is_not(None)).order_by(Handover.sequence)
        .options(selectinload(Handover.shift).selectinload(Shift.template), selectinload(Handover.items),
                 selectinload(Handover.outgoing_lead), selectinload(Handover.incoming_lead),
                 selectinload(Handover.addenda).selectinload(HandoverAddendum.person))))
    key = anchors.public_key()
    report = SiteVerification(site_id, public_key=anchors.public_key_text())
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
        if key and not anchors.signature_holds(key, seal_message(site_id, h.sequence, h.sha256 or "", h.prev_sha256),
                                               h.seal_signature):
            check.problems.append(Problem("seal_signature"))
        try:
            sealed = json.loads(h.content_json or "")
        except ValueError:
            check.problems.append(Problem("unreadable"))
        else:
            _evidence_problems(h, sealed, check)
        _addenda_problems(h, check, key)
        report.records.append(check)
    _witness_problems(report, handovers)
    return report


def _witness_problems(report: SiteVerification, handovers: list[Handover]) -> None:
    heads = anchors.witnessed(report.site_id)
    report.witnessed_head = max(heads, key=lambda w: (w.sequence, w.addenda)) if heads else None
    stored = {h.sequence: (h.sha256 or "", len(h.addenda)) for h in handovers if h.sequence is not None}
    checks = {c.sequence: c for c in report.records}
    for sequence, code in witness_problems(heads, stored):
        if sequence in checks:
            checks[sequence].problems.append(Problem(code))
        else:
            report.problems.append(Problem(code, f"#{sequence}"))


def witness_head(report: SiteVerification, kind: str, at: datetime, **extra) -> None:
    """Keep the head of a chain that verified, as someone outside saw it, in the witness file."""
    head = report.head
    if report.ok and head is not None:
        anchors.witness(kind, report.site_id, head.sequence, head.sha256, at, addenda=head.addenda, **extra)
