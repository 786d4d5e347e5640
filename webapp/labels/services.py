"""Writes for label printing: the audit entry saying who printed which labels."""
from __future__ import annotations

from webapp import audit
from webapp.extensions import db
from webapp.models import Checkpoint, Person


def record_printing(person: Person, site_id: int, checkpoints: list[Checkpoint], area_id: int | None) -> None:
    """Log that `person` printed labels for `checkpoints` (a copied label is a fraud risk, so we keep track)."""
    audit.record(person, "labels_printed", "site", site_id, site_id=site_id, count=len(checkpoints),
                 codes=[c.code for c in checkpoints], area_id=area_id)
    db.session.commit()
