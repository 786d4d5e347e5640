"""The kept history of notices, work orders and violations: domain steps in, domain steps out (one table)."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import select

from webapp.domain.lifecycles import Step
from webapp.extensions import db
from webapp.models import QualityStep


def _step(row: QualityStep) -> Step:
    return Step(action=row.action, actor_id=row.person_id, at=row.at, note=row.note, deadline=row.deadline,
                assignee_id=row.assignee_id, value=row.value)


def history(subject: str, subject_id: int) -> tuple[Step, ...]:
    """Every step taken on one notice, work order or violation, oldest first."""
    rows = db.session.scalars(select(QualityStep).where(QualityStep.subject == subject, QualityStep.subject_id == subject_id)
                              .order_by(QualityStep.at, QualityStep.id))
    return tuple(_step(r) for r in rows)


def histories(subject: str, ids: Iterable[int]) -> dict[int, tuple[Step, ...]]:
    """The histories of many records of one kind, in one query."""
    ids = list(ids)
    found: dict[int, list[Step]] = defaultdict(list)
    if ids:
        rows = db.session.scalars(select(QualityStep).where(QualityStep.subject == subject, QualityStep.subject_id.in_(ids))
                                  .order_by(QualityStep.at, QualityStep.id))
        for row in rows:
            found[row.subject_id].append(_step(row))
    return {i: tuple(found.get(i, ())) for i in ids}


def rows(subject: str, subject_id: int) -> list[QualityStep]:
    """The stored steps with their people, for showing who did what and when."""
    return list(db.session.scalars(select(QualityStep).where(QualityStep.subject == subject, QualityStep.subject_id == subject_id)
                                   .order_by(QualityStep.at, QualityStep.id)))


def keep(subject: str, subject_id: int, step: Step) -> QualityStep:
    """Store one accepted step (never updated or deleted afterwards); the caller commits."""
    row = QualityStep(subject=subject, subject_id=subject_id, action=step.action, person_id=step.actor_id, at=step.at,
                      note=step.note, deadline=step.deadline, assignee_id=step.assignee_id, value=step.value)
    db.session.add(row)
    return row
