"""Monthly scorecards (考核) per person and per team, from facts the caller gathers for the month.

How `total` is scored (the weights are SCORING, below):
- start at 100;
- minus 1 per violation point (the caller passes counted points: a contested or overturned ticket counts none);
- minus 2 per unexplained gap;
- minus 5 per overdue rectification notice;
- minus up to 10 for rounds not done on time: 10 × (1 − on-time rate), only when rounds were due;
- never below 0, rounded to one decimal.
A team's total is the mean of its members' totals; its rates are recomputed from the summed counts, not averaged.
Rates are percents with one decimal, None when nothing was due.
"""
from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from webapp.domain.errors import DomainError
from webapp.domain.timezones import local_to_utc
from webapp.domain.timezones import zone as site_zone


@dataclass(frozen=True)
class ScoringWeights:
    """The weights of a scorecard's total."""

    start: float = 100.0
    per_violation_point: float = 1.0
    per_unexplained_gap: float = 2.0
    per_overdue_notice: float = 5.0
    late_rounds: float = 10.0  # taken in full when no due round was on time


SCORING = ScoringWeights()

COUNTS = (
    "rounds_due", "rounds_on_time", "rounds_late", "gaps_unexplained", "gaps_explained", "cleaning_checks",
    "cleaning_passed", "notices_total", "notices_on_time", "notices_overdue", "violations", "violation_points",
)
# (part, whole) of each rate: a part can never exceed its whole (overdue notices may be older than the month's total)
BOUNDS = (("rounds_on_time", "rounds_due"), ("rounds_late", "rounds_due"), ("cleaning_passed", "cleaning_checks"),
          ("notices_on_time", "notices_total"))


@dataclass(frozen=True)
class PersonMonth:
    """Plain facts for one person in one month, gathered by the caller."""

    person_id: int
    team: str
    rounds_due: int = 0
    rounds_on_time: int = 0
    rounds_late: int = 0
    gaps_unexplained: int = 0
    gaps_explained: int = 0
    cleaning_checks: int = 0
    cleaning_passed: int = 0
    area_scores: tuple[float, ...] = ()  # inspection percents of the areas they look after
    notices_total: int = 0
    notices_on_time: int = 0
    notices_overdue: int = 0
    violations: int = 0
    violation_points: int = 0

    def __post_init__(self) -> None:
        for name in COUNTS:
            if getattr(self, name) < 0:
                raise DomainError("invalid_count", field=name, value=getattr(self, name))
        for part, whole in BOUNDS:
            if getattr(self, part) > getattr(self, whole):
                raise DomainError("inconsistent_counts", field=part, total=whole)
        if self.rounds_on_time + self.rounds_late > self.rounds_due:
            raise DomainError("inconsistent_counts", field="rounds_late", total="rounds_due")
        if any(not (math.isfinite(s) and 0 <= s <= 100) for s in self.area_scores):
            raise DomainError("invalid_percent", field="area_scores")


@dataclass(frozen=True)
class Scorecard:
    """A month's scorecard for a person (key = person id) or a team (key = team name)."""

    key: int | str
    team: str
    members: int
    rounds_due: int
    rounds_on_time: int
    rounds_late: int
    gaps_unexplained: int
    gaps_explained: int
    cleaning_checks: int
    cleaning_passed: int
    inspections: int  # how many area scores the average is over
    notices_total: int
    notices_on_time: int
    notices_overdue: int
    violations: int
    violation_points: int
    on_time_rate: float | None
    cleaning_pass_rate: float | None
    inspection_average: float | None
    notice_on_time_rate: float | None
    total: float


def rate(part: int, whole: int) -> float | None:
    """part / whole as a percent with one decimal, None when the whole is 0."""
    return round(part / whole * 100, 1) if whole else None


def _mean(values: Iterable[float]) -> float | None:
    found = list(values)
    return round(math.fsum(found) / len(found), 1) if found else None


def _total(m: PersonMonth) -> float:
    """The person's total under SCORING."""
    total = SCORING.start
    total -= SCORING.per_violation_point * m.violation_points
    total -= SCORING.per_unexplained_gap * m.gaps_unexplained
    total -= SCORING.per_overdue_notice * m.notices_overdue
    if m.rounds_due:
        total -= SCORING.late_rounds * (1 - m.rounds_on_time / m.rounds_due)
    return round(max(0.0, total), 1)


def _card(key: int | str, team: str, members: int, counts: dict[str, int], scores: list[float], total: float) -> Scorecard:
    return Scorecard(
        key=key, team=team, members=members, **counts, inspections=len(scores),
        on_time_rate=rate(counts["rounds_on_time"], counts["rounds_due"]),
        cleaning_pass_rate=rate(counts["cleaning_passed"], counts["cleaning_checks"]),
        inspection_average=_mean(scores),
        notice_on_time_rate=rate(counts["notices_on_time"], counts["notices_total"]),
        total=total,
    )


def person_card(m: PersonMonth) -> Scorecard:
    """One person's scorecard for the month."""
    return _card(m.person_id, m.team, 1, {name: getattr(m, name) for name in COUNTS}, list(m.area_scores), _total(m))


def team_cards(months: Iterable[PersonMonth]) -> list[Scorecard]:
    """One scorecard per team: counts summed, rates from the sums, total the mean of the members' totals; by team."""
    teams: dict[str, list[PersonMonth]] = {}
    for m in months:
        teams.setdefault(m.team, []).append(m)
    cards = []
    for team in sorted(teams):
        members = teams[team]
        counts = {name: sum(getattr(m, name) for m in members) for name in COUNTS}
        scores = [s for m in members for s in m.area_scores]
        total = round(math.fsum(_total(m) for m in members) / len(members), 1)
        cards.append(_card(team, team, len(members), counts, scores, total))
    return cards


def month_bounds(year: int, month: int, zone: str) -> tuple[datetime, datetime]:
    """The month as the site's clocks show it, as UTC instants [start, end)."""
    if not 1 <= month <= 12:
        raise DomainError("invalid_month", year=year, month=month)
    tz = site_zone(zone)
    first = date(year, month, 1)
    following = date(year + month // 12, month % 12 + 1, 1)
    return local_to_utc(first, time(0), tz), local_to_utc(following, time(0), tz)


def last_working_day(year: int, month: int) -> date:
    """The last Monday-to-Friday of the month (no holiday calendar), when the monthly summary is due."""
    if not 1 <= month <= 12:
        raise DomainError("invalid_month", year=year, month=month)
    day = date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day

