"""How long the gap engine takes for a 12-hour night shift at a 60-checkpoint site, and at 10× and 100× the records.

Run from the repository: `.venv/bin/python bench/gaps.py [repeats]`. Each size is a site with `teams` patrol teams,
each walking its own plan (a round of all 60 checkpoints every two hours, in its own order) and cleaning checks at
20 checkpoints three times a night; about 2 % of checkpoints are skipped, and some scans carry a position, a
missing photo or a skewed clock, so that every rule has work to do. The engine is timed alone (inputs built
beforehand, one warm-up run, the garbage collector paused as timeit does), several times; the median is reported
with the time per record, which stays flat if growth is linear. For comparison the last columns time a bare sort of
the same records by (captured_at, id), the engine's own first step: in CPython even that costs more per record as the
records outgrow the processor's caches, so the engine's ratio is best read against it.
"""
from __future__ import annotations

import gc
import random
import statistics
import sys
import time as clock
from datetime import date, time, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from webapp.domain.gaps import (  # noqa: E402
    CheckpointInput,
    CleaningCheckInput,
    CleaningPlanInput,
    DeviceInput,
    PatrolPlanInput,
    RouteInput,
    ScanInput,
    ShiftInput,
    assess,
)
from webapp.domain.schedules import PlanSpec, due_times, parse_times  # noqa: E402
from webapp.domain.timezones import shift_window, zone  # noqa: E402

TZ = "Asia/Shanghai"
CHECKPOINTS = 60
WALK_MIN = 0.5  # least minutes between neighbouring checkpoints
SIZES = ((1, "one site, one team"), (10, "10x the records"), (100, "100x the records"))


def world(teams: int, seed: int = 6):
    """The inputs of one night with `teams` patrol teams and as many cleaners."""
    rnd = random.Random(seed)
    start, end = shift_window(date(2026, 11, 24), time(20), time(8), zone(TZ))
    checkpoints = [CheckpointInput(id=i, name=f"Checkpoint {i}", code=f"C{i:02}", for_patrol=True,
                                   for_cleaning=i <= 20, photo_required=i % 12 == 0, lat=31.23 + i * 1e-4,
                                   lng=121.47, radius_m=None if i % 2 else 40.0) for i in range(1, CHECKPOINTS + 1)]
    routes, patrol, scans, devices = [], [], [], []
    guards = list(range(1000, 1000 + teams))
    cleaners = list(range(2000, 2000 + teams))
    for team, guard in enumerate(guards):
        order = [(team * 7 + k) % CHECKPOINTS + 1 for k in range(CHECKPOINTS)]
        routes.append(RouteInput(id=team + 1, name=f"Route {team + 1}",
                                 stops=tuple((cp, 0.0 if k == 0 else WALK_MIN) for k, cp in enumerate(order))))
        spec = PlanSpec(plan_id=team + 1, interval_minutes=120, times=(), window_minutes=45, grace_minutes=15)
        patrol.append(PatrolPlanInput(spec=spec, route_id=team + 1))
        devices.append(DeviceInput(device_id=guard, person_id=guard, last_sync_at=end))
        skew = 300.0 if team % 5 == 0 else 0.0
        for due in due_times(spec, start, end, zone(TZ)):
            when = due.opens_at + timedelta(minutes=rnd.uniform(0, 20))
            for cp in order:
                when += timedelta(minutes=WALK_MIN + rnd.uniform(0, 0.3))
                if rnd.random() < 0.02:
                    continue  # skipped
                located = rnd.random() < 0.5  # half the phones report a position, up to ~33 m off
                scans.append(ScanInput(
                    id=len(scans) + 1, checkpoint_id=cp, person_id=guard, device_id=guard, captured_at=when,
                    received_at=when + timedelta(seconds=rnd.randint(1, 900)), clock_offset_s=skew,
                    lat=31.23 + cp * 1e-4 + rnd.uniform(-3e-4, 3e-4) if located else None,
                    lng=121.47 if located else None, accuracy_m=rnd.choice((5.0, 15.0, 40.0)) if located else None,
                    photo_count=rnd.choice((0, 1, 1, 1))))
    cleaning_spec = PlanSpec(plan_id=1, interval_minutes=None, times=parse_times("21:00, 01:00, 06:00"),
                             window_minutes=60, grace_minutes=15)
    cleaning = [CleaningPlanInput(spec=cleaning_spec, checkpoint_ids=tuple(range(1, 21)))]
    checks = []
    for cleaner in cleaners:
        devices.append(DeviceInput(device_id=cleaner, person_id=cleaner, last_sync_at=end))
        for due in due_times(cleaning_spec, start, end, zone(TZ)):
            for cp in range(1, 21):
                when = due.opens_at + timedelta(minutes=rnd.uniform(0, 70))
                checks.append(CleaningCheckInput(
                    id=len(checks) + 1, checkpoint_id=cp, person_id=cleaner, device_id=cleaner, captured_at=when,
                    received_at=when, clock_offset_s=0.0, failed_items=("Floor dry",) if rnd.random() < 0.05 else (),
                    photo_count=1))
    shift = ShiftInput(shift_id=1, tz=TZ, starts_at=start, ends_at=end, lead_id=guards[0],
                       staff_ids=frozenset(guards + cleaners), patrol=True)
    return (shift, checkpoints, routes, patrol, cleaning, scans, checks, devices, end + timedelta(minutes=30))


def timed(run, repeats: int) -> tuple[float, object]:
    """The median wall time of `repeats` calls of `run` after a warm-up, and its last result."""
    result = run()
    times = []
    for _ in range(repeats):
        gc.collect()
        gc.disable()
        try:
            began = clock.perf_counter()
            result = run()
            times.append(clock.perf_counter() - began)
        finally:
            gc.enable()
    return statistics.median(times), result


def handover_run(inputs):
    """The engine, then the handover record built from its verdict and sealed (canonical JSON, SHA-256), as the
    handover page does once the shift's rows are loaded; the rows are stand-ins with the fields the record reads."""
    from types import SimpleNamespace as Row

    from webapp.assessments import ShiftPicture
    from webapp.domain.handover import seal
    from webapp.handover import content
    shift_in, checkpoints, routes, scans = inputs[0], inputs[1], inputs[2], inputs[5]
    area = Row(name="Building 1")
    shift = Row(id=1, site_id=1, site=Row(name="Bench site", timezone=TZ), template=Row(name="Night"),
                local_date=date(2026, 11, 24), starts_at=shift_in.starts_at, ends_at=shift_in.ends_at,
                lead_id=shift_in.lead_id, members=[Row(person_id=p) for p in sorted(shift_in.staff_ids)])
    cps = {c.id: Row(name=c.name, area=area) for c in checkpoints}
    rts = {r.id: Row(name=r.name) for r in routes}
    people = {p: Row(name=f"Person {p}") for p in shift_in.staff_ids}
    by_id = {s.id: s for s in scans}

    def run():
        verdict = assess(*inputs)
        picture = ShiftPicture(shift, inputs[8], verdict, cps, rts, people, {}, [], by_id)
        return seal(content.build(picture, None), None)
    return run


def bare_sort(records):
    """The records in time order: what any pass over them costs at least."""
    return lambda: [sorted(group, key=lambda r: (r.captured_at, r.id)) for group in records]


def main(repeats: int = 5) -> None:
    print(f"gap engine, 12-hour night shift ({TZ}), {CHECKPOINTS} checkpoints, median of {repeats} runs")
    print(f"{'size':<20} {'scans':>7} {'checks':>7} {'records':>8} {'rounds':>7} {'gaps':>6} "
          f"{'engine ms':>10} {'us/record':>10} {'vs 1x':>6} {'sort us/rec':>12} {'vs 1x':>6}")
    base = sort_base = None
    sort_growth = {}
    for teams, label in SIZES:
        inputs = world(teams)
        scans, checks = inputs[5], inputs[6]
        records = len(scans) + len(checks)
        seconds, result = timed(lambda: assess(*inputs), repeats)
        sort_seconds, _ = timed(bare_sort((scans, checks)), repeats)
        per_record, sort_per_record = seconds / records * 1e6, sort_seconds / records * 1e6
        base, sort_base = base or per_record, sort_base or sort_per_record
        sort_growth[teams] = max(1.0, sort_per_record / sort_base)
        print(f"{label:<20} {len(scans):>7} {len(checks):>7} {records:>8} {len(result.rounds):>7} "
              f"{len(result.gaps):>6} {seconds * 1e3:>10.1f} {per_record:>10.2f} {per_record / base:>6.2f} "
              f"{sort_per_record:>12.3f} {sort_per_record / sort_base:>6.2f}")
    print("time per record near 1.00x across sizes means linear growth; a quadratic step would show 10x and 100x")
    print()
    print(f"gap engine + handover record built and sealed (target: under 50 ms at 1x; linear growth), median of {repeats}")
    print(f"{'size':<20} {'records':>8} {'ms':>10} {'us/record':>10} {'vs 1x':>6} {'target':>10} {'verdict':>8}")
    base = None
    for teams, label in SIZES:
        inputs = world(teams)
        records = len(inputs[5]) + len(inputs[6])
        seconds, _ = timed(handover_run(inputs), repeats)
        per_record = seconds / records * 1e6
        base = base or per_record
        target = "< 50 ms" if teams == 1 else "linear"
        ok = seconds < 0.05 if teams == 1 else per_record / base < 2 * sort_growth[teams]
        print(f"{label:<20} {records:>8} {seconds * 1e3:>10.1f} {per_record:>10.2f} {per_record / base:>6.2f} "
              f"{target:>10} {'met' if ok else 'MISSED':>8}")
    print("linear: time per record within twice the growth of a bare sort of the same records (the cache effect)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
