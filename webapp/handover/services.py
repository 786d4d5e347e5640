"""The handover's life: opened, signed by the outgoing lead, accepted (and sealed) or refused by the incoming one."""
from __future__ import annotations

import base64
import binascii
import json
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import force_locale, gettext
from sqlalchemy import select

from webapp.assessments import picture
from webapp.audit import record
from webapp.domain.errors import DomainError
from webapp.domain.evidence import commitment
from webapp.domain.handover import (
    addendum_hash,
    addendum_message,
    count_differences,
    duplicate_names,
    image_digest,
    seal,
    seal_message,
)
from webapp.extensions import db
from webapp.handover import anchors, content, evidence
from webapp.models import Handover, HandoverAddendum, HandoverItem, HandoverState, Person, Scan, Shift

DEFAULT_ITEMS = ["对讲机", "钥匙", "交接班记录本"]
MAX_SIGNATURE_BYTES = 300_000


def signature_png(data_url: str | None) -> str:
    """A drawn signature as sent by the pad: a PNG data URL, not empty, not huge."""
    prefix = "data:image/png;base64,"
    if not data_url or not data_url.startswith(prefix):
        raise DomainError("signature_missing")
    try:
        raw = base64.b64decode(data_url[len(prefix):], validate=True)
    except (binascii.Error, ValueError):
        raise DomainError("signature_missing") from None
    if not raw.startswith(b"\x89PNG\r\n\x1a\n") or len(raw) > MAX_SIGNATURE_BYTES:
        raise DomainError("signature_missing")
    return data_url


def _password(person: Person, password: str) -> None:
    if not person.check_password(password or ""):
        raise DomainError("wrong_password")


def _open_state(handover: Handover, *states: HandoverState) -> None:
    if handover.state == HandoverState.CLOSED:
        raise DomainError("handover_closed")
    if handover.state not in states:
        raise DomainError("handover_wrong_step")


def open_for(shift: Shift, person: Person, now: datetime) -> Handover:
    """The shift's handover, opened by its lead with last time's list of items to hand over."""
    handover = db.session.scalar(select(Handover).where(Handover.shift_id == shift.id))
    if handover is not None:
        return handover
    previous = db.session.scalar(select(Handover).where(Handover.site_id == shift.site_id, Handover.id.isnot(None))
                                 .order_by(Handover.id.desc()).limit(1))
    names = [i.name for i in previous.items] if previous and previous.items else DEFAULT_ITEMS
    counts = {i.name: i.count_out for i in previous.items} if previous else {}
    handover = Handover(site_id=shift.site_id, shift_id=shift.id, state=HandoverState.OPEN,
                        outgoing_lead_id=shift.lead_id or person.id, created_at=now,
                        items=[HandoverItem(position=n, name=name, count_out=counts.get(name, 1)) for n, name in enumerate(names)])
    db.session.add(handover)
    db.session.flush()
    record(person, "handover_opened", "handover", handover.id, site_id=shift.site_id, shift_id=shift.id)
    db.session.commit()
    return handover


def save_draft(handover: Handover, person: Person, items: list[tuple[str, int]], remarks: str) -> None:
    """The outgoing lead's list of items and remarks, before signing."""
    _open_state(handover, HandoverState.OPEN, HandoverState.REFUSED)
    if person.id != handover.outgoing_lead_id:
        raise DomainError("not_outgoing_lead")
    repeated = duplicate_names([name[:100] for name, _count in items])
    if repeated:
        raise DomainError("item_duplicate", names="、".join(repeated))
    handover.items = [HandoverItem(position=n, name=name[:100], count_out=count) for n, (name, count) in enumerate(items)]
    handover.remarks_out = remarks
    record(person, "handover_draft", "handover", handover.id, site_id=handover.site_id, items=len(items))
    db.session.commit()


def sign_out(handover: Handover, person: Person, password: str, signature: str | None, now: datetime) -> None:
    """The outgoing lead signs with the pad and their password; the record waits for the incoming lead."""
    _open_state(handover, HandoverState.OPEN, HandoverState.REFUSED)
    if person.id != handover.outgoing_lead_id:
        raise DomainError("not_outgoing_lead")
    _password(person, password)
    handover.out_signature = signature_png(signature)
    handover.state, handover.signed_out_at = HandoverState.SIGNED, now
    record(person, "handover_signed", "handover", handover.id, site_id=handover.site_id)
    db.session.commit()


def _incoming(handover: Handover, person: Person, password: str) -> None:
    _open_state(handover, HandoverState.SIGNED)
    if person.id == handover.outgoing_lead_id:
        raise DomainError("same_lead")
    _password(person, password)


def refuse(handover: Handover, person: Person, password: str, reason: str, now: datetime) -> None:
    """The incoming lead refuses to take over while a named fault is unresolved; the site manager sees it."""
    _incoming(handover, person, password)
    if not reason.strip():
        raise DomainError("refusal_needs_reason")
    handover.state, handover.refused_at, handover.refused_by_id = HandoverState.REFUSED, now, person.id
    handover.refusal_reason = reason.strip()[:2000]
    record(person, "handover_refused", "handover", handover.id, site_id=handover.site_id, reason=handover.refusal_reason)
    db.session.commit()


def accept(handover: Handover, person: Person, password: str, signature: str | None, counts: dict[int, int],
           remarks: str, now: datetime, differences_confirmed: bool = False) -> None:
    """The incoming lead counts every item, confirms any difference, signs and accepts: the record is sealed and
    chained to the site's last one."""
    _incoming(handover, person, password)
    missing = [i.name for i in handover.items if i.id not in counts]
    if missing:
        raise DomainError("count_missing", names="、".join(missing))
    differ = count_differences([(i.name, i.count_out, counts[i.id]) for i in handover.items])
    if differ and not differences_confirmed:
        raise DomainError("count_differs", items="、".join(f"{name} {out} → {counted}" for name, out, counted in differ))
    handover.in_signature = signature_png(signature)
    for item in handover.items:
        item.count_in = counts.get(item.id)
    handover.remarks_in, handover.incoming_lead_id, handover.accepted_at = remarks.strip()[:4000], person.id, now
    db.session.flush()
    last = db.session.scalar(select(Handover).where(Handover.site_id == handover.site_id, Handover.sequence.is_not(None))
                             .order_by(Handover.sequence.desc()).limit(1).with_for_update())
    shift_picture = picture(handover.shift, now)
    body = content.build(shift_picture, handover)
    body["evidence"] = commitment(evidence.gather(handover.shift_id, handover, *evidence.counted_ids(shift_picture)).records)
    handover.content_json, handover.sha256 = seal(body, last.sha256 if last else None)
    handover.prev_sha256, handover.sequence = (last.sha256 if last else None), (last.sequence + 1 if last else 1)
    handover.seal_signature = anchors.sign(seal_message(handover.site_id, handover.sequence, handover.sha256,
                                                        handover.prev_sha256))
    handover.state = HandoverState.CLOSED  # last: from here on the record is sealed
    record(person, "handover_closed", "handover", handover.id, site_id=handover.site_id, sha256=handover.sha256)
    db.session.commit()
    anchors.witness("seal", handover.site_id, handover.sequence, handover.sha256, now)


def add_addendum(handover: Handover, person: Person, password: str, text: str, signature: str | None, now: datetime) -> None:
    """A signed, dated correction under a closed record; the record itself stays as sealed."""
    if handover.state != HandoverState.CLOSED:
        raise DomainError("handover_not_closed")
    _password(person, password)
    if not text.strip():
        raise DomainError("addendum_needs_text")
    _append_addendum(handover, person, text.strip()[:4000], signature_png(signature), now)


def _append_addendum(handover: Handover, person: Person, text: str, signature: str | None, now: datetime) -> None:
    """Chain an addendum to the one before it (or the record), sign it with the sealing key, commit and witness it."""
    prev = handover.addenda[-1].sha256 if handover.addenda else handover.sha256
    sha = addendum_hash(prev, person.id, text, now, image_digest(signature))
    number = len(handover.addenda) + 1
    addendum = HandoverAddendum(handover_id=handover.id, person_id=person.id, text=text, signature=signature, created_at=now,
                                sha256=sha, seal_signature=anchors.sign(addendum_message(handover.site_id, handover.sequence,
                                                                                         number, sha)))
    handover.addenda.append(addendum)
    record(person, "handover_addendum", "handover", handover.id, site_id=handover.site_id, sha256=addendum.sha256)
    db.session.commit()
    anchors.witness("addendum", handover.site_id, handover.sequence, handover.sha256, now, addenda=number, addendum_sha256=sha)


def late_scans_addenda(scans: list[Scan], person: Person, now: datetime) -> int:
    """After a sync: for each sealed handover whose provisional miss a late scan has now cleared, an automatic addendum
    signed with the sealing key ("late sync: checkpoint X scanned at T"), never a silent change. How many were added."""
    shift_ids = {s.shift_id for s in scans if s.shift_id is not None}
    if not shift_ids:
        return 0
    added = 0
    for handover in db.session.scalars(select(Handover).where(Handover.shift_id.in_(shift_ids),
                                                              Handover.state == HandoverState.CLOSED)):
        sealed = sealed_content(handover)
        fresh = content.build(picture(handover.shift, now), None)
        still = {(r["route"], r["due"]): set(r["missing"]) for r in fresh["rounds"]}
        mine = [s for s in scans if s.shift_id == handover.shift_id]
        for miss in sealed.get("provisional_misses", []):
            cleared = set(miss["missing"]) - still.get((miss["route"], miss["due"]), set(miss["missing"]))
            for name in sorted(cleared):
                scan = next((s for s in mine if s.checkpoint.name == name), None)
                if scan is None:
                    continue
                text = _late_text(name, scan, miss["due"], handover)
                if any(a.text == text for a in handover.addenda):
                    continue
                _append_addendum(handover, person, text, None, now)
                added += 1
    return added


def _late_text(checkpoint: str, scan: Scan, due: str, handover: Handover) -> str:
    tz = ZoneInfo(handover.shift.site.timezone)
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):  # the record's language, not the syncing phone's
        return gettext("Late sync: %(checkpoint)s scanned at %(time)s (round due %(due)s, provisional when sealed).",
                       checkpoint=checkpoint, time=scan.captured_at.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S"), due=due)


def sealed_content(handover: Handover) -> dict:
    """The content exactly as sealed."""
    return json.loads(handover.content_json)
