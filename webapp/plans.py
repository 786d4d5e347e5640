"""The bridge from stored plans to the schedule rules: plan rows in, due work out."""
from __future__ import annotations

from zoneinfo import ZoneInfo

from webapp.domain.schedules import Due, PlanSpec, due_times, parse_times
from webapp.models import CleaningPlan, PatrolPlan, Shift


def spec_of(plan: PatrolPlan | CleaningPlan) -> PlanSpec:
    """The schedule's view of a stored plan."""
    return PlanSpec(
        plan_id=plan.id,
        interval_minutes=getattr(plan, "interval_minutes", None),
        times=parse_times(plan.times_local or ""),
        window_minutes=plan.window_minutes,
        grace_minutes=plan.grace_minutes,
    )


def due_in_shift(plan: PatrolPlan | CleaningPlan, shift: Shift) -> list[Due]:
    """What a plan makes due during a shift as worked."""
    return due_times(spec_of(plan), shift.starts_at, shift.ends_at, ZoneInfo(shift.site.timezone))
