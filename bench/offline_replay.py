"""Replay simulated night shifts with offline phones and out-of-order delivery through the gap engine: are the misses
shown as final at shift end all true, and after every late sync is every verdict right?

Run from the repository: `.venv/bin/python bench/offline_replay.py [shifts]` (default 1,000). Each 20:00–08:00 shift
has six rounds of an 8-checkpoint route; the guard does most rounds, leaves some checkpoints out and skips some rounds
(true misses). Phones (the guard's own, sometimes a second one) queue what they record, go offline in stretches and
send batches of up to 5; a batch sometimes leaves a record behind (a photo still uploading) so later records arrive
first; some phones sync only hours after the shift. Each batch reports the queue it leaves (how many wait and the
oldest capture time), as the PWA does. Verdicts are taken at shift end with what arrived by then, and again after all
late syncs, with two rules: the queue state (this code) and the last sync alone (the rule before). This replays the
engine over the records as the server would hold them; the sync API's own correctness (no record lost or doubled,
exact clock correction) is measured by bench/sync.py and its tests.
"""
from __future__ import annotations

import random
import sys
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from webapp.domain.gaps import (  # noqa: E402
    CheckpointInput,
    DeviceInput,
    PatrolPlanInput,
    RouteInput,
    ScanInput,
    ShiftInput,
    assess,
)
from webapp.domain.schedules import PlanSpec, parse_times  # noqa: E402
from webapp.domain.sync import holds_nothing_before  # noqa: E402
from webapp.domain.timezones import shift_window, zone  # noqa: E402

TZ = zone("Asia/Shanghai")
GUARD = 2
STOPS = tuple(range(1, 9))
CHECKPOINTS = [CheckpointInput(id=c, name=f"P{c}", code=f"P{c}", for_patrol=True, for_cleaning=False,
                               photo_required=False, lat=None, lng=None, radius_m=None) for c in STOPS]
ROUTE = RouteInput(id=1, name="night", stops=tuple((c, 0.0 if c == 1 else 2.0) for c in STOPS))
PLAN = PatrolPlanInput(spec=PlanSpec(1, None, parse_times("21:00,23:00,01:00,03:00,05:00,07:00"), window_minutes=30,
                                     grace_minutes=15), route_id=ROUTE.id)
BATCH = 5


@dataclass
class Phone:
    device_id: int
    queue: list[ScanInput] = field(default_factory=list)
    batches: list[tuple[datetime, list[ScanInput], int, datetime | None]] = field(default_factory=list)


@dataclass
class Figures:
    shifts: int = 0
    rounds: int = 0
    true_missing: int = 0  # checkpoints truly not visited in their round
    final_at_end: int = 0  # rounds shown as a final miss at shift end
    false_final_at_end: int = 0  # of those, naming a checkpoint that was visited (its scan had not arrived)
    provisional_at_end: int = 0
    false_after_sync: int = 0  # after every late sync: a checkpoint named missing that was visited
    unflagged_after_sync: int = 0  # a checkpoint truly missing and not named
    out_of_order: int = 0  # batches that arrived while an older record of the same phone still waited


def _night(rng: random.Random, n: int) -> tuple[ShiftInput, list[ScanInput]]:
    starts, ends = shift_window(date(2026, 1, 1) + timedelta(days=n), time(20), time(8), TZ)
    shift = ShiftInput(shift_id=n, tz="Asia/Shanghai", starts_at=starts, ends_at=ends, lead_id=1,
                       staff_ids=frozenset({GUARD}), patrol=True)
    truth: list[ScanInput] = []
    for due in _dues(shift):
        luck = rng.random()
        skipped = set(STOPS) if luck < 0.05 else set(rng.sample(STOPS, rng.randint(1, 3))) if luck < 0.17 else set()
        at = due + timedelta(minutes=rng.uniform(0, 8))
        for c in STOPS:
            at += timedelta(minutes=rng.uniform(2.0, 2.6))
            if c not in skipped:
                truth.append(ScanInput(id=n * 1000 + len(truth), checkpoint_id=c, person_id=GUARD, device_id=0,
                                       captured_at=at, received_at=at, clock_offset_s=0.0, lat=None, lng=None,
                                       accuracy_m=None, photo_count=0))
    return shift, truth


def _dues(shift: ShiftInput) -> list[datetime]:
    from webapp.domain.schedules import due_times

    return [d.opens_at for d in due_times(PLAN.spec, shift.starts_at, shift.ends_at, TZ)]


def _deliver(rng: random.Random, shift: ShiftInput, truth: list[ScanInput], figures: Figures) -> list[Phone]:
    """Give each scan to a phone, and each phone its offline stretches and batches (some after the shift)."""
    phones = [Phone(shift.shift_id * 10 + 1)] + ([Phone(shift.shift_id * 10 + 2)] if rng.random() < 0.3 else [])
    second_from = shift.starts_at + timedelta(hours=rng.uniform(2, 10))
    for s in truth:
        phone = phones[1] if len(phones) > 1 and s.captured_at >= second_from else phones[0]
        phone.queue.append(ScanInput(**{**s.__dict__, "device_id": phone.device_id}))
    for phone in phones:
        pending = sorted(phone.queue, key=lambda s: s.captured_at)
        phone.queue = []
        online_from = shift.starts_at
        t = shift.starts_at + timedelta(minutes=rng.uniform(5, 40))
        late = rng.random() < 0.25  # this phone goes dark near the end and syncs hours later
        dark_from = shift.ends_at - timedelta(minutes=rng.uniform(0, 120)) if late else None
        while pending:
            if dark_from and t >= dark_from:
                t = shift.ends_at + timedelta(hours=rng.uniform(0.5, 20))
                dark_from = None
            captured = [s for s in pending if s.captured_at <= t]
            if captured and t >= online_from:
                batch = captured[:BATCH]
                if len(batch) > 1 and rng.random() < 0.2:  # the oldest waits (photo still uploading): later ones go first
                    batch = batch[1:]
                rest = [s for s in pending if s not in batch]
                waiting = [s for s in rest if s.captured_at <= t]
                received = [ScanInput(**{**s.__dict__, "received_at": t}) for s in batch]
                if waiting and min(s.captured_at for s in waiting) < min(s.captured_at for s in batch):
                    figures.out_of_order += 1
                phone.batches.append((t, received, len(waiting), min((s.captured_at for s in waiting), default=None)))
                pending = rest
            if rng.random() < 0.15:  # an offline stretch
                online_from = t + timedelta(minutes=rng.uniform(20, 150))
            t += timedelta(minutes=rng.uniform(3, 40))
    return phones


def _verdicts(shift: ShiftInput, phones: list[Phone], now: datetime, queue_rule: bool):
    scans, devices = [], []
    for phone in phones:
        sent = [b for b in phone.batches if b[0] <= now]
        holds: datetime | None = None
        for at, batch, waiting, oldest in sent:
            scans += batch
            holds = holds_nothing_before(at, 0.0, waiting, oldest, holds)
        devices.append(DeviceInput(device_id=phone.device_id, person_id=GUARD, last_sync_at=sent[-1][0] if sent else None,
                                   holds_nothing_before=holds if queue_rule else None))
    return assess(shift, CHECKPOINTS, [ROUTE], [PLAN], [], scans, [], devices, now).rounds


def replay(shifts: int = 1000, seed: int = 17, queue_rule: bool = True) -> Figures:
    """Replay `shifts` nights; the figures of the verdicts at shift end and after every late sync."""
    rng = random.Random(seed)
    figures = Figures(shifts=shifts)
    for n in range(shifts):
        shift, truth = _night(rng, n)
        phones = _deliver(rng, shift, truth, figures)
        done = {(s.checkpoint_id, due) for due in _dues(shift) for s in truth
                if due <= s.captured_at <= due + timedelta(minutes=45)}
        at_end = _verdicts(shift, phones, shift.ends_at, queue_rule)
        last = max([shift.ends_at] + [b[0] for p in phones for b in p.batches])
        after = _verdicts(shift, phones, last + timedelta(minutes=1), queue_rule)  # every late sync is in
        for r_end, r_after in zip(at_end, after):
            due = r_end.due.opens_at
            truly_missing = {c for c in STOPS if (c, due) not in done}
            figures.rounds += 1
            figures.true_missing += len(truly_missing)
            if r_end.state in ("missed", "incomplete"):
                if r_end.provisional:
                    figures.provisional_at_end += 1
                else:
                    figures.final_at_end += 1
                    figures.false_final_at_end += bool(set(r_end.missing) - truly_missing)
            figures.false_after_sync += len(set(r_after.missing) - truly_missing)
            figures.unflagged_after_sync += len(truly_missing - set(r_after.missing))
    return figures


def main() -> None:
    shifts = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    rows = [("queue state (now)", replay(shifts, queue_rule=True)), ("last sync only (before)", replay(shifts, queue_rule=False))]
    print(f"{shifts} simulated night shifts, 6 rounds of 8 checkpoints each; phones offline in stretches, "
          "batches out of order, late syncs up to 20 h after the shift.\n")
    print("| rule | rounds | truly missing checkpoints | out-of-order batches | final misses at shift end | of which false "
          "| provisional at shift end | after late syncs: false | unflagged |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for name, f in rows:
        print(f"| {name} | {f.rounds} | {f.true_missing} | {f.out_of_order} | {f.final_at_end} | {f.false_final_at_end} "
              f"| {f.provisional_at_end} | {f.false_after_sync} | {f.unflagged_after_sync} |")


if __name__ == "__main__":
    main()
