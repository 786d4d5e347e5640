"""How a manager's description of a site changes: set values, tell what changed, audit it and commit with it.

Shared by the writers of the areas a manager describes (set-up, the equipment register): one audit entry per change."""
from __future__ import annotations

from sqlalchemy import func, select

from webapp.audit import record
from webapp.extensions import db
from webapp.models import Person


class Rejected(Exception):
    """A change refused for a reason the person can fix, shown beside `field`."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def apply(thing, values: dict) -> dict:
    """Set attributes and return what changed as {name: [old, new]}."""
    changed = {}
    for name, value in values.items():
        old = getattr(thing, name)
        if old != value:
            changed[name] = [getattr(old, "value", old), getattr(value, "value", value)]
            setattr(thing, name, value)
    return changed


def taken(model, site_id: int | None, column, value: str, other_id: int | None = None, scope=None) -> bool:
    """Whether another row of the site (or scope) already uses `value` in `column`, ignoring case."""
    stmt = select(model.id).where(func.lower(column) == value.lower())
    if site_id is not None:
        stmt = stmt.where(model.site_id == site_id)
    if scope is not None:
        stmt = stmt.where(scope)
    if other_id is not None:
        stmt = stmt.where(model.id != other_id)
    return db.session.scalar(stmt.limit(1)) is not None


def commit(actor: Person, action: str, thing, site_id: int | None, **detail) -> None:
    """Write the audit entry and commit the change with it."""
    db.session.flush()
    record(actor, action, type(thing).__tablename__, thing.id, site_id=site_id, **detail)
    db.session.commit()


def set_active(actor: Person, thing, active: bool, site_id: int | None = None) -> None:
    """Deactivate or reactivate something a site describes (history keeps referring to it); `site_id` when it has none."""
    if thing.active != active:
        thing.active = active
        commit(actor, "reactivate" if active else "deactivate", thing, site_id if site_id is not None else thing.site_id)
