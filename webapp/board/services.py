"""Steps in a gap's life, checked against who may take them; the only writer of this area."""
from __future__ import annotations

from datetime import datetime

from webapp.access import OVERSIGHT, site_ids
from webapp.assessments import picture
from webapp.audit import record
from webapp.board.queries import COVER_ROLES
from webapp.domain.errors import DomainError
from webapp.domain.exceptions import allowed
from webapp.extensions import db
from webapp.models import GapAction, Person, Shift, ShiftMember


def act(person: Person, shift: Shift, key: str, action: str, text: str, now: datetime) -> None:
    """Explain, accept, reject or acknowledge one gap of a shift, as the gap engine sees it now."""
    current = picture(shift, now)
    gap = next((g for g in current.assessment.gaps if g.key == key), None)
    if gap is None:
        raise DomainError("gap_gone")
    overseer = person.role in OVERSIGHT and shift.site_id in site_ids(person)
    if not allowed(action, current.life(gap), is_concerned=gap.person_id == person.id, is_overseer=overseer):
        raise DomainError("gap_step_not_allowed")
    if action in ("explain", "acknowledge", "reject") and not text.strip():
        raise DomainError("gap_needs_reason")
    db.session.add(GapAction(shift_id=shift.id, gap_key=key, action=action, person_id=person.id, at=now,
                             text=text.strip()[:1000]))
    record(person, f"gap_{action}", "gap", key, site_id=shift.site_id, shift_id=shift.id, text=text.strip()[:200])
    db.session.commit()


def add_cover(lead: Person, shift: Shift, person_id: int, now: datetime) -> Person:
    """Put a cover person (顶班) on a shift that has not ended; from then on their records count as the shift's own."""
    if now >= shift.ends_at:
        raise DomainError("cover_shift_over")
    person = db.session.get(Person, person_id)
    if (person is None or not person.active or person.company_id != lead.company_id or person.role not in COVER_ROLES
            or shift.site_id not in {s.id for s in person.sites}):
        raise DomainError("cover_not_here")
    if person.id == shift.lead_id or any(m.person_id == person.id for m in shift.members):
        raise DomainError("cover_already_on")
    shift.members.append(ShiftMember(person_id=person.id))
    record(lead, "shift_cover_added", "shift", shift.id, site_id=shift.site_id, person_id=person.id, name=person.name,
           at=now.isoformat())
    db.session.commit()
    return person
