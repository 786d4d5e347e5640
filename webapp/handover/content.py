"""What a handover record says: built from the shift's picture, in plain values ready to be sealed."""
from __future__ import annotations

from collections import Counter
from zoneinfo import ZoneInfo

from webapp.assessments import ShiftPicture
from webapp.domain import tally
from webapp.domain.handover import image_digest
from webapp.models import Handover


def _local(instant, tz: ZoneInfo) -> str | None:
    return instant.astimezone(tz).strftime("%Y-%m-%d %H:%M") if instant else None


def _person(picture: ShiftPicture, person_id: int | None) -> str:
    person = picture.people.get(person_id) if person_id else None
    return person.name if person else ""


def build(picture: ShiftPicture, handover: Handover | None) -> dict:
    """The record's content: rounds and rates, every gap with its state, incidents, cleaning by area, items, remarks."""
    shift, tz = picture.shift, ZoneInfo(picture.shift.site.timezone)
    handover = handover or Handover(items=[], remarks_out="", remarks_in="")
    rounds = [{
        "route": picture.routes[r.route_id].name if r.route_id in picture.routes else "",
        "due": _local(r.due.opens_at, tz), "state": r.state, "provisional": r.provisional,
        "visited": len(r.visited), "total": len(r.visited) + len(r.missing),
        "missing": [picture.checkpoints[c].name for c in tally.missed_points(r) if c in picture.checkpoints],
    } for r in picture.assessment.rounds]
    gaps = []
    for gap in picture.assessment.gaps:
        life = picture.life(gap)
        gaps.append({
            "key": gap.key, "kind": gap.kind, "severity": gap.severity, "explanation": gap.explanation,
            "params": gap.params, "at": _local(gap.at, tz), "provisional": gap.provisional,
            "checkpoint": picture.checkpoints[gap.checkpoint_id].name if gap.checkpoint_id in picture.checkpoints else "",
            "person": _person(picture, gap.person_id), "state": life.state,
            "explained": life.explanation.text if life.explanation else "",
            "acknowledged": life.acknowledgement.text if life.acknowledgement else None,
        })
    states = Counter(g["state"] for g in gaps)
    areas: dict[str, list] = {}
    for c in picture.assessment.cleaning:
        checkpoint = picture.checkpoints.get(c.checkpoint_id)
        areas.setdefault(checkpoint.area.name if checkpoint and checkpoint.area else "", []).append(c)
    by_area = {area: tally.cleaning(results) for area, results in areas.items()}
    return {
        "site": {"id": shift.site_id, "name": shift.site.name, "timezone": shift.site.timezone},
        "shift": {"id": shift.id, "name": shift.template.name, "date": shift.local_date.isoformat(),
                  "starts": _local(shift.starts_at, tz), "ends": _local(shift.ends_at, tz)},
        "outgoing_lead": _person(picture, handover.outgoing_lead_id or shift.lead_id),
        "incoming_lead": _person(picture, handover.incoming_lead_id) or (handover.incoming_lead.name if handover.incoming_lead else ""),
        "staff": sorted(p.name for pid, p in picture.people.items() if any(m.person_id == pid for m in shift.members)),
        "rounds": rounds,
        "provisional_misses": [{"route": r["route"], "due": r["due"], "missing": r["missing"]} for r in rounds
                               if r["provisional"] and r["state"] in ("missed", "incomplete")],
        "round_figures": tally.rounds(picture.assessment.rounds).figures(),
        "gaps": gaps,
        "gap_figures": {"total": len(gaps), "accepted": states["accepted"], "explained": states["explained"],
                        "rejected": states["rejected"], "unexplained": states["open"],
                        "acknowledged": sum(1 for g in gaps if g["acknowledged"] is not None)},
        "incidents": [{"id": i.id, "kind": i.kind.value, "severity": i.severity.value, "description": i.description,
                       "place": i.checkpoint.name if i.checkpoint else i.location_text, "at": _local(i.captured_at, tz),
                       "by": i.person.name, "open": i.closed_at is None} for i in picture.incidents],
        "cleaning": [{"area": area, "due": t.due, "done": t.done, "failed": t.failed, "rate": t.rate}
                     for area, t in sorted(by_area.items())],
        "items": [{"name": i.name, "out": i.count_out, "in": i.count_in, "note": i.note} for i in handover.items],
        "remarks_out": handover.remarks_out, "remarks_in": handover.remarks_in,
        "signed_out_at": _local(handover.signed_out_at, tz), "accepted_at": _local(handover.accepted_at, tz),
        "signatures": {"out": image_digest(handover.out_signature), "in": image_digest(handover.in_signature)},
        "refusal": {"at": _local(handover.refused_at, tz), "reason": handover.refusal_reason} if handover.refused_at else None,
    }
