"""Scored quality inspections (品质检查评分): templates, versions, an inspection's score, and roll-ups.

Two methods:
- "deduction": the inspection starts at full marks and loses the weight of each failed item (扣分制);
- "scale": each item is marked 5, 3 or 1 and earns value/5 of its weight (5/3/1 评分).
An item may be marked not applicable (None): it then counts neither for nor against.
"""
from __future__ import annotations

import math
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from webapp.domain.errors import DomainError

METHODS = ("deduction", "scale")
SCALE = (5, 3, 1)
DEDUCTION_MARKS = (1, 0)  # pass, fail

K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class ItemSpec:
    """One item of an inspection sheet: what is checked, in which section, how much it weighs."""

    id: int
    section: str
    text: str
    weight: float
    critical: bool = False  # one failure of a critical item fails the whole inspection


@dataclass(frozen=True)
class TemplateSpec:
    """One version of an inspection template; frozen, so past inspections keep being scored as they were."""

    id: int
    version: int
    method: str
    items: tuple[ItemSpec, ...]
    full_marks: float = 100.0
    pass_mark: float = 80.0  # a percent

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise DomainError("unknown_method", method=self.method)
        if not (math.isfinite(self.full_marks) and self.full_marks >= 0):
            raise DomainError("invalid_full_marks", value=self.full_marks)
        if not (math.isfinite(self.pass_mark) and 0 <= self.pass_mark <= 100):
            raise DomainError("invalid_pass_mark", value=self.pass_mark)
        seen: set[int] = set()
        for item in self.items:
            if item.id in seen:
                raise DomainError("duplicate_item", item=item.id)
            seen.add(item.id)
            if not (math.isfinite(item.weight) and item.weight >= 0):
                raise DomainError("invalid_weight", item=item.id, value=item.weight)

    @property
    def sections(self) -> tuple[str, ...]:
        """The sections in the order they first appear."""
        return tuple(dict.fromkeys(item.section for item in self.items))


@dataclass(frozen=True)
class Answer:
    """The mark given to one item: deduction 1 pass / 0 fail; scale 5, 3 or 1; None when not applicable."""

    item_id: int
    value: int | None


@dataclass(frozen=True)
class SectionScore:
    """The score of one section (deduction: the section's applicable weight minus its failed weight)."""

    section: str
    points: float
    max_points: float
    percent: float


@dataclass(frozen=True)
class Score:
    """An inspection's result: points, percent, pass or fail, which items failed, and per section."""

    points: float
    max_points: float
    percent: float
    passed: bool
    failed_items: tuple[int, ...]  # in template order
    critical_failures: tuple[int, ...]  # the failed items that are critical, in template order
    sections: tuple[SectionScore, ...]


def revise(template: TemplateSpec, items: tuple[ItemSpec, ...], **changes: Any) -> TemplateSpec:
    """The next version of a template, with new items and any other changed field (method, full_marks, pass_mark)."""
    return replace(template, items=tuple(items), version=template.version + 1, **changes)


def allowed_marks(method: str) -> tuple[int, ...]:
    """The values an item may be marked with under a method (None, not applicable, is always allowed)."""
    return SCALE if method == "scale" else DEDUCTION_MARKS


def is_failure(template: TemplateSpec, answer: Answer) -> bool:
    """Whether the mark is a failure: 0 under deduction, 1 under the 5/3/1 scale."""
    if answer.value is None:
        return False
    return answer.value == (SCALE[-1] if template.method == "scale" else 0)


def _percent(points: float, max_points: float) -> float:
    return 100.0 if max_points <= 0 else round(points / max_points * 100, 1)


def _checked(template: TemplateSpec, answers: Iterable[Answer]) -> dict[int, int | None]:
    """Each item's mark, after checking every item is answered exactly once with an allowed value."""
    wanted = {item.id for item in template.items}
    marks: dict[int, int | None] = {}
    wrong: set[int] = set()
    for answer in answers:
        if answer.item_id not in wanted or answer.item_id in marks:
            wrong.add(answer.item_id)
        marks[answer.item_id] = answer.value
    wrong |= wanted - marks.keys()
    if wrong:
        raise DomainError("answers_mismatch", items=", ".join(str(i) for i in sorted(wrong)))
    allowed = allowed_marks(template.method)
    for item in template.items:
        value = marks[item.id]
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value not in allowed):
            raise DomainError("invalid_mark", item=item.id)
    return marks


def _earned(template: TemplateSpec, item: ItemSpec, value: int) -> float:
    """What an applicable item earns out of its weight."""
    if template.method == "scale":
        return value / SCALE[0] * item.weight
    return 0.0 if value == 0 else item.weight


def score(template: TemplateSpec, answers: Iterable[Answer]) -> Score:
    """Score one inspection against the version of the template it was made with."""
    marks = _checked(template, answers)
    applicable = [(item, value) for item in template.items if (value := marks[item.id]) is not None]
    failed = tuple(item.id for item, value in applicable if is_failure(template, Answer(item.id, value)))
    critical = tuple(item.id for item in template.items if item.critical and item.id in failed)
    if template.method == "deduction":
        not_applicable = math.fsum(item.weight for item in template.items if marks[item.id] is None)
        lost = math.fsum(item.weight for item, value in applicable if value == 0)
        max_points = max(0.0, template.full_marks - not_applicable)
        points = max(0.0, max_points - lost)
    else:
        max_points = math.fsum(item.weight for item, _ in applicable)
        points = math.fsum(_earned(template, item, value) for item, value in applicable)
    percent = _percent(points, max_points)
    sections = []
    for section in template.sections:
        in_section = [(item, value) for item, value in applicable if item.section == section]
        top = math.fsum(item.weight for item, _ in in_section)
        got = math.fsum(_earned(template, item, value) for item, value in in_section)
        sections.append(SectionScore(section, round(got, 1), round(top, 1), _percent(got, top)))
    return Score(
        points=round(points, 1), max_points=round(max_points, 1), percent=percent,
        passed=percent >= template.pass_mark and not critical,
        failed_items=failed, critical_failures=critical, sections=tuple(sections),
    )


def average(percents: Iterable[float]) -> float | None:
    """The mean of some percents rounded to one decimal, or None when there are none."""
    values = list(percents)
    return round(math.fsum(values) / len(values), 1) if values else None


def rollup(rows: Iterable[tuple[K, float]]) -> dict[K, float]:
    """Average percent per key (an area, a site, a team, a period), keys in the order first seen."""
    groups: dict[K, list[float]] = {}
    for key, percent in rows:
        groups.setdefault(key, []).append(percent)
    return {key: round(math.fsum(values) / len(values), 1) for key, values in groups.items()}
