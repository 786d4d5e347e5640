"""The audit log: who changed what, when. Callers commit with the change itself."""
from __future__ import annotations

import json

from webapp.extensions import db
from webapp.models import AuditEntry, Person


def record(person: Person | None, action: str, entity: str, entity_id="", site_id: int | None = None, **detail) -> AuditEntry:
    """Add an audit entry to the current unit of work."""
    entry = AuditEntry(
        person_id=person.id if person is not None else None,
        site_id=site_id,
        action=action,
        entity=entity,
        entity_id=str(entity_id),
        detail=json.dumps(detail, ensure_ascii=False, sort_keys=True, default=str),
    )
    db.session.add(entry)
    return entry
