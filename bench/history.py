"""A company with months of history, written straight into a scratch database for the page benchmarks.

Each site: 40 checkpoints (10 of them also cleaned), one route, a day and a night shift every day with a lead, a
guard and a cleaner, a round of the route every two hours of each shift (about 2 % of stops skipped), two
cleaning checks a day at the 10 cleaned checkpoints with a photo each, an incident a day, and every past shift's
handover sealed. Set-up rows go through the ORM; the field records through SQLAlchemy Core, in large batches.
"""
from __future__ import annotations

import hashlib
import json
import random
import uuid
from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone

from common import CHEAP_HASH_METHOD, PASSWORD, make_app

TZ = "Asia/Shanghai"
CHECKPOINTS = 40
CLEANED = 10
CHUNK = 5000


@dataclass
class Built:
    sites: list[int]
    lead_login: str  # the day lead of the first site
    supervisor_login: str  # sees every site
    counts: dict[str, int]


def _flush(conn, table, rows: list[dict]) -> None:
    if rows:
        conn.execute(table.insert(), rows)
        rows.clear()


def build(url: str, sites: int = 20, days: int = 90, now: datetime | None = None, seed: int = 9) -> Built:
    """Write `sites` sites with `days` days of history ending at `now`; return what the benchmarks need."""
    from werkzeug.security import generate_password_hash

    from webapp.domain.timezones import shift_window, zone
    from webapp.extensions import db
    from webapp.models import (
        ChecklistItem,
        Checkpoint,
        CleaningCheck,
        CleaningPlan,
        CleaningResult,
        Company,
        Handover,
        HandoverState,
        Incident,
        PatrolPlan,
        Person,
        Photo,
        Purpose,
        Role,
        Route,
        RouteStop,
        Scan,
        Shift,
        ShiftMember,
        ShiftTemplate,
        Site,
    )
    rnd = random.Random(seed)
    now = now or datetime.now(timezone.utc)
    hashed = generate_password_hash(PASSWORD, method=CHEAP_HASH_METHOD)
    app = make_app(url)
    counts = {"scans": 0, "cleaning_checks": 0, "photos": 0, "incidents": 0, "shifts": 0, "handovers": 0}
    with app.app_context():
        company = Company(name="Bench history")
        db.session.add(company)
        db.session.flush()
        supervisor = Person(company_id=company.id, name="Supervisor", login="h-super", password_hash=hashed,
                            role=Role.SUPERVISOR)
        db.session.add(supervisor)
        plan_rows = []
        for s in range(sites):
            site = Site(company_id=company.id, code=f"H{s:02}", name=f"History site {s}", timezone=TZ)
            db.session.add(site)
            db.session.flush()
            supervisor.sites.append(site)
            cps = [Checkpoint(site_id=site.id, code=f"P{i:02}", name=f"Checkpoint {s}-{i}",
                              purpose=Purpose.BOTH if i < CLEANED else Purpose.PATROL,
                              checklist=[ChecklistItem(position=0, text="Floor clean")] if i < CLEANED else [])
                   for i in range(CHECKPOINTS)]
            route = Route(site_id=site.id, name="Main round", stops=[RouteStop(checkpoint=c, position=k, min_walk_minutes=0.5)
                                                                      for k, c in enumerate(cps)])
            day = ShiftTemplate(site_id=site.id, name="Day", start_local=time(8), end_local=time(20))
            night = ShiftTemplate(site_id=site.id, name="Night", start_local=time(20), end_local=time(8))
            people = {role: Person(company_id=company.id, name=f"{role} {s}", login=f"h{s}-{role}", password_hash=hashed,
                                   role=getattr(Role, role.rstrip("2").upper()), sites=[site])
                      for role in ("lead", "lead2", "guard", "cleaner")}
            db.session.add_all([*cps, route, day, night, *people.values()])
            db.session.flush()
            for template in (day, night):
                plan_rows.append(PatrolPlan(site_id=site.id, route_id=route.id, shift_template_id=template.id,
                                            name=f"Rounds {template.name}", interval_minutes=120, window_minutes=45))
            cleaning = CleaningPlan(site_id=site.id, name="Lobbies", times_local="09:00,15:00", window_minutes=60)
            cleaning.checkpoints = cps[:CLEANED]
            db.session.add(cleaning)
            today = now.astimezone(zone(TZ)).date()
            shifts = []
            for d in range(days, -1, -1):
                local = today - timedelta(days=d)
                for template, lead in ((day, people["lead"]), (night, people["lead2"])):
                    start, end = shift_window(local, template.start_local, template.end_local, zone(TZ))
                    if start > now:
                        continue
                    shifts.append(Shift(site_id=site.id, template_id=template.id, local_date=local, starts_at=start,
                                        ends_at=end, lead_id=lead.id,
                                        members=[ShiftMember(person_id=people["guard"].id),
                                                 ShiftMember(person_id=people["cleaner"].id)]))
            db.session.add_all(shifts)
            db.session.flush()
            _records(db, rnd, site, cps, shifts, people, now, counts,
                     (Scan, CleaningCheck, CleaningResult, Photo, Incident, Handover, HandoverState))
            counts["shifts"] += len(shifts)
        db.session.add_all(plan_rows)
        db.session.commit()
        built = Built(sites=[s.id for s in supervisor.sites], lead_login="h0-lead", supervisor_login="h-super", counts=counts)
        db.engine.dispose()
    return built


def _records(db, rnd, site, cps, shifts, people, now, counts, models) -> None:
    """The field records and the handovers of one site's shifts, through Core."""
    Scan, CleaningCheck, CleaningResult, Photo, Incident, Handover, HandoverState = models
    item_of = {c.id: c.checklist[0].id for c in cps if c.checklist}
    guard, cleaner = people["guard"].id, people["cleaner"].id
    scans, checks, results, photos, incidents, handovers = [], [], [], [], [], []
    conn = db.session.connection()
    next_check = (conn.execute(db.select(db.func.max(CleaningCheck.id))).scalar() or 0) + 1

    def field(person_id: int, at: datetime, shift_id: int) -> dict:
        return {"client_uuid": uuid.UUID(int=rnd.getrandbits(128)), "site_id": site.id, "person_id": person_id,
                "device_id": None, "shift_id": shift_id, "device_time": at, "device_utc_offset_min": 480,
                "clock_offset_s": 0.0, "captured_at": at, "received_at": at + timedelta(seconds=30)}

    prev_sha = None
    for seq, shift in enumerate(shifts):
        for k in range(6):  # a round every two hours
            at = shift.starts_at + timedelta(minutes=120 * k + rnd.uniform(1, 15))
            for cp in cps:
                at += timedelta(minutes=0.6 + rnd.uniform(0, 0.4))
                if at > now:
                    break
                if rnd.random() < 0.02:
                    continue
                scans.append({**field(guard, at, shift.id), "checkpoint_id": cp.id, "method": "qr", "lat": None,
                              "lng": None, "accuracy_m": None, "note": ""})
        if shift.template.name == "Day":
            for hour in (1, 7):  # 09:00 and 15:00
                for cp in cps[:CLEANED]:
                    at = shift.starts_at + timedelta(hours=hour, minutes=rnd.uniform(0, 50))
                    if at > now:
                        continue
                    checks.append({**field(cleaner, at, shift.id), "id": next_check, "checkpoint_id": cp.id, "note": ""})
                    results.append({"check_id": next_check, "item_id": item_of[cp.id], "passed": rnd.random() > 0.05,
                                    "note": ""})
                    photos.append({**field(cleaner, at, shift.id), "sha256": hashlib.sha256(str(next_check).encode()).hexdigest(),
                                   "content_type": "image/jpeg", "width": 1600, "height": 1200, "size_bytes": 200_000,
                                   "taken_at": at, "stage": "after", "scan_id": None, "cleaning_check_id": next_check,
                                   "incident_id": None})
                    next_check += 1
            at = shift.starts_at + timedelta(hours=rnd.uniform(0, 11))
            if at < now:
                incidents.append({**field(guard, at, shift.id), "kind": "damage", "severity": "medium",
                                  "description": "Broken lamp", "checkpoint_id": cps[rnd.randrange(CHECKPOINTS)].id,
                                  "location_text": "", "closed_at": at + timedelta(hours=2) if rnd.random() < 0.9 else None})
        if shift.ends_at <= now - timedelta(hours=1):
            content = json.dumps({"shift": shift.id, "site": site.id, "gaps": [], "rounds": seq}, sort_keys=True)
            sha = hashlib.sha256(((prev_sha or "") + content).encode()).hexdigest()
            handovers.append({"site_id": site.id, "shift_id": shift.id, "state": HandoverState.CLOSED.value,
                              "outgoing_lead_id": shift.lead_id, "incoming_lead_id": people["lead"].id,
                              "remarks_out": "", "remarks_in": "", "signed_out_at": shift.ends_at,
                              "accepted_at": shift.ends_at + timedelta(minutes=10), "content_json": content, "sha256": sha,
                              "prev_sha256": prev_sha, "sequence": len(handovers) + 1, "out_signature": None,
                              "in_signature": None, "refused_at": None, "refused_by_id": None, "refusal_reason": "",
                              "created_at": shift.ends_at})
            prev_sha = sha
        if len(scans) >= CHUNK:
            counts["scans"] += len(scans)
            _flush(conn, Scan.__table__, scans)
    counts["scans"] += len(scans)
    counts["cleaning_checks"] += len(checks)
    counts["photos"] += len(photos)
    counts["incidents"] += len(incidents)
    counts["handovers"] += len(handovers)
    for table, rows in ((Scan.__table__, scans), (CleaningCheck.__table__, checks), (CleaningResult.__table__, results),
                        (Photo.__table__, photos), (Incident.__table__, incidents), (Handover.__table__, handovers)):
        for k in range(0, len(rows), CHUNK):
            _flush(conn, table, rows[k:k + CHUNK])
        rows.clear()


def fix_sequences(url: str) -> None:
    """PostgreSQL: move the id sequences past the ids written by hand."""
    if not url.startswith("postgresql"):
        return
    from sqlalchemy import create_engine, text
    engine = create_engine(url)
    with engine.begin() as conn:
        for table in ("cleaning_check",):
            conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"))
    engine.dispose()
