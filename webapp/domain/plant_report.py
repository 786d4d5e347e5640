"""The equipment section of the service report (设备运行): readings taken, abnormal ones, and the time to fix them.

Plain values in: the readings of a period with the work order each abnormal one opened. Missed readings are gaps of
the engine and are counted with the other gaps (reading_missed); this adds what only readings know.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class ReadingFact:
    """One reading of the period, and the work order it opened (if abnormal)."""

    id: int
    captured_at: datetime
    out_of_range: bool
    order_id: int | None = None
    order_raised_at: datetime | None = None
    order_done_at: datetime | None = None


@dataclass(frozen=True)
class PlantSummary:
    """What the equipment section shows."""

    readings: int
    abnormal: tuple[int, ...]  # reading ids, oldest first
    orders: tuple[int, ...]  # work orders opened by abnormal readings
    fixed: int  # of those, done by `now`
    still_open: tuple[int, ...]
    mean_fix_hours: float | None  # raised → done, over the fixed ones

    @property
    def abnormal_rate(self) -> float | None:
        """Abnormal readings as a share of all readings (None without readings)."""
        return len(self.abnormal) / self.readings if self.readings else None


def summarize(facts: list[ReadingFact], start: datetime, end: datetime, now: datetime) -> PlantSummary:
    """The section for readings captured in [start, end), as things stand at `now`."""
    kept = sorted((f for f in facts if start <= f.captured_at < end and f.captured_at <= now),
                  key=lambda f: (f.captured_at, f.id))
    abnormal = [f for f in kept if f.out_of_range]
    orders = [f for f in abnormal if f.order_id is not None]
    fixed = [f for f in orders if f.order_done_at is not None and f.order_done_at <= now]
    hours = [(done - raised).total_seconds() / 3600 for f in fixed
             if (done := f.order_done_at) is not None and (raised := f.order_raised_at) is not None]
    return PlantSummary(readings=len(kept), abnormal=tuple(f.id for f in abnormal),
                        orders=tuple(dict.fromkeys(o for f in orders if (o := f.order_id) is not None)), fixed=len(fixed),
                        still_open=tuple(o for f in orders if f not in fixed and (o := f.order_id) is not None),
                        mean_fix_hours=round(sum(hours) / len(hours), 1) if hours else None)
