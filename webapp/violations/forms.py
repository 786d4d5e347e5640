"""What the violation pages send: a new ticket, read and checked."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from flask_babel import gettext as _

from webapp.domain.lifecycles import MAX_POINTS
from webapp.i18n import GROUP_LABELS
from webapp.models import Person
from webapp.notices.forms import files, submission_of
from webapp.params import whole

MAX_PHOTOS = 5


@dataclass
class TicketForm:
    """A violation ticket as filled in by a supervisor."""

    submission: str
    site_id: int
    inspection_id: int | None = None
    person_id: int | None = None
    rule: str = ""
    points: str = ""
    description: str = ""
    photos: list[bytes] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def blank(cls, site_id: int, inspection_id: int | None = None) -> TicketForm:
        return cls(str(uuid.uuid4()), site_id, inspection_id)

    def read(self, data, uploads, people: list[Person]) -> TicketForm:
        """The fields as sent, with an error beside each one that is wrong."""
        self.submission = submission_of(data.get("submission"))
        person = data.get("person_id", type=int)
        self.person_id = person if person in {p.id for p in people} else None
        self.rule = data.get("rule", "")
        self.points = data.get("points", "").strip()
        self.description = data.get("description", "").strip()
        self.photos = files(uploads, "photos")
        if self.person_id is None:
            self.errors["person"] = _("Choose a person who works at this site.")
        if self.rule not in GROUP_LABELS["rule"]:
            self.errors["rule"] = _("Choose the rule that was broken.")
        if not 1 <= (whole(self.points) or 0) <= MAX_POINTS:
            self.errors["points"] = _("Points must be a whole number from 1 to 100.")
        if not self.description:
            self.errors["description"] = _("Describe what happened.")
        elif len(self.description) > 2000:
            self.errors["description"] = _("At most %(count)s characters.", count=2000)
        if len(self.photos) > MAX_PHOTOS:
            self.errors["photos"] = _("At most %(count)s photos here.", count=MAX_PHOTOS)
        return self
