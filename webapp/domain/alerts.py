"""Alerts (告警): what raises one, its de-duplication key, who it goes to, when it escalates and when it is sent.

Pure: plain values in (the gap engine's verdict, records' instants, the site's rules, "now"), plain values out.
The same gap always gives the same key, so storing alerts under a unique key means it never alerts twice.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from webapp.domain.gaps import Assessment
from webapp.domain.timezones import to_local, zone

KINDS = ("sos", "lone_worker", "round_not_started", "checkpoints_missed", "incident", "handover_not_accepted",
         "notice_overdue", "order_overdue", "clock_skew", "reading_abnormal")
SEVERITY = {
    "sos": "critical", "lone_worker": "critical", "incident": "high", "round_not_started": "high",
    "checkpoints_missed": "medium", "handover_not_accepted": "medium", "notice_overdue": "medium",
    "order_overdue": "medium", "clock_skew": "low", "reading_abnormal": "high",
}
URGENT = frozenset({"sos", "lone_worker", "incident"})  # never held by quiet hours, escalated faster
LEVELS = ("lead", "supervisor", "manager")  # who an alert goes to, in order of escalation
ALERTING_INCIDENTS = frozenset({"high", "critical"})
RETRY_DELAYS_S = (30, 120, 480, 1800)  # after the 1st, 2nd, ... failed attempt; then the delivery is given up


@dataclass(frozen=True)
class Rules:
    """A site's alert settings."""

    alert_provisional: bool = False  # alert a provisional miss as "可能漏巡" instead of waiting for it to be final
    escalate_minutes: int = 15  # unacknowledged this long, an alert goes to the next level
    urgent_escalate_minutes: int = 3
    lone_worker_minutes: int = 45  # no scan this long: the phone asks "are you OK?" (N)
    lone_answer_minutes: int = 5  # no answer this long after the prompt: an alert (M)
    handover_accept_minutes: int = 30  # signed by the outgoing lead, not accepted this long after
    clock_skew_s: float = 300.0  # a phone's clock this far off alerts (the engine flags smaller skews on the board)


@dataclass(frozen=True)
class Draft:
    """An alert to raise, unless one with its key exists."""

    kind: str
    key: str
    severity: str
    at: datetime  # when what it reports happened (a window's end, a call, a deadline)
    params: dict = field(default_factory=dict)
    provisional: bool = False
    shift_id: int | None = None
    person_id: int | None = None  # whom it is about


def _stamp(instant: datetime) -> str:
    return instant.strftime("%Y%m%dT%H%MZ")


def _draft(kind: str, site_id: int, subject: str, at: datetime, **kw) -> Draft:
    return Draft(kind=kind, key=f"{site_id}:{kind}:{subject}", severity=SEVERITY[kind], at=at, **kw)


# ---- what raises an alert -------------------------------------------------------------------------------------------

def from_assessment(site_id: int, shift_id: int, assessment: Assessment, rules: Rules) -> list[Draft]:
    """Alerts from the gap engine's verdict on a shift: rounds not started or left incomplete once their window has
    closed (final ones; provisional ones only if the site asks, as "可能漏巡"), and phones whose clock is far off."""
    found = []
    for r in assessment.rounds:
        if r.state not in ("missed", "incomplete") or (r.provisional and not rules.alert_provisional):
            continue
        subject = f"{shift_id}:{r.plan_id}:{_stamp(r.due.opens_at)}"
        params = {"route_id": r.route_id, "opens": r.due.opens_at.isoformat(), "closes": r.due.late_after.isoformat()}
        if r.state == "missed":
            found.append(_draft("round_not_started", site_id, subject, r.due.late_after, params=params,
                                provisional=r.provisional, shift_id=shift_id))
        else:
            found.append(_draft("checkpoints_missed", site_id, subject, r.due.late_after,
                                params={**params, "missing": list(r.missing), "visited": len(set(r.visited))},
                                provisional=r.provisional, shift_id=shift_id, person_id=r.person_id))
    for g in assessment.gaps:
        if g.kind == "clock_skew" and g.params.get("seconds", 0) >= rules.clock_skew_s:
            who = f"device:{g.device_id}" if g.device_id is not None else f"person:{g.person_id}"
            found.append(_draft("clock_skew", site_id, f"{shift_id}:{who}", g.at,
                                params={"minutes": g.params.get("minutes", 0), "ahead": g.explanation == "clock_ahead"},
                                shift_id=shift_id, person_id=g.person_id))
    return found


def sos(site_id: int, call_uuid: str, person_id: int, at: datetime, lat: float | None = None,
        lng: float | None = None, shift_id: int | None = None) -> Draft:
    """An SOS from a guard or a cleaner; keyed by the phone's own id for the call, so a resend is the same alert."""
    params = {"lat": lat, "lng": lng} if lat is not None and lng is not None else {}
    return _draft("sos", site_id, call_uuid, at, params=params, shift_id=shift_id, person_id=person_id)


def incident(site_id: int, incident_id: int, severity: str, at: datetime, person_id: int | None = None) -> Draft | None:
    """An incident of high or critical severity alerts; others wait on the board."""
    if severity not in ALERTING_INCIDENTS:
        return None
    return Draft("incident", f"{site_id}:incident:{incident_id}", "critical" if severity == "critical" else "high", at,
                 params={"incident_id": incident_id}, person_id=person_id)


def reading_abnormal(site_id: int, reading_id: int, at: datetime, equipment: str, item: str, value: float | None,
                     unit: str, person_id: int | None = None, work_order_id: int | None = None) -> Draft:
    """A plant-room reading out of its normal range (水泵出口压力 0.72 MPa over 0.6): the work order it opened is
    engineering's; the alert tells the people on duty at once."""
    return _draft("reading_abnormal", site_id, str(reading_id), at, person_id=person_id,
                  params={"reading_id": reading_id, "equipment": equipment, "item": item, "value": value, "unit": unit,
                          "work_order_id": work_order_id})


def handover_waiting(site_id: int, handover_id: int, signed_out_at: datetime, now: datetime, rules: Rules) -> Draft | None:
    """A handover signed by the outgoing lead and not accepted by the incoming one in time."""
    due = signed_out_at + timedelta(minutes=rules.handover_accept_minutes)
    if now < due:
        return None
    return _draft("handover_not_accepted", site_id, str(handover_id), due, params={"handover_id": handover_id})


def overdue(site_id: int, kind: str, record_id: int, deadline: datetime, now: datetime) -> Draft | None:
    """A rectification notice (kind "notice_overdue") or a work order ("order_overdue") still open past its deadline."""
    if now < deadline:
        return None
    return _draft(kind, site_id, str(record_id), deadline, params={"id": record_id})


@dataclass(frozen=True)
class LoneWorker:
    """Where a patrolling guard stands in the lone-worker check: fine, asked "are you OK?", or unanswered (alert)."""

    state: str  # fine / prompt / alert
    since: datetime  # the last sign of life: a scan, an answer, or the shift's start
    draft: Draft | None = None


def lone_worker(site_id: int, shift_id: int, person_id: int, signs_of_life: Iterable[datetime], shift_start: datetime,
                now: datetime, rules: Rules) -> LoneWorker:
    """No scan (nor "I'm OK") for N minutes: prompt; no answer M minutes after that: an alert, once per silence."""
    since = max([shift_start, *(s for s in signs_of_life if s <= now)])
    prompt_at = since + timedelta(minutes=rules.lone_worker_minutes)
    alert_at = prompt_at + timedelta(minutes=rules.lone_answer_minutes)
    if now < prompt_at:
        return LoneWorker("fine", since)
    if now < alert_at:
        return LoneWorker("prompt", since)
    minutes = int((alert_at - since).total_seconds() // 60)
    return LoneWorker("alert", since, _draft("lone_worker", site_id, f"{person_id}:{_stamp(since)}", alert_at,
                                             params={"since": since.isoformat(), "minutes": minutes},
                                             shift_id=shift_id, person_id=person_id))


# ---- who, when ------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Roster:
    """Who an alert of a site can go to now: the running shift's lead, the site's supervisors and managers."""

    lead_id: int | None
    supervisor_ids: tuple[int, ...] = ()
    manager_ids: tuple[int, ...] = ()

    def at(self, level: int) -> tuple[int, ...]:
        """The people of one level (0 lead, 1 supervisor, 2 manager)."""
        return ((self.lead_id,) if self.lead_id is not None else (), self.supervisor_ids, self.manager_ids)[level]


def first_level(roster: Roster) -> int:
    """The first level with somebody on it: a shift without a lead starts at the supervisors."""
    return next((i for i in range(len(LEVELS)) if roster.at(i)), len(LEVELS) - 1)


def level_due(kind: str, raised_at: datetime, start_level: int, now: datetime, rules: Rules) -> int:
    """The level an unacknowledged alert should have reached by `now`: one more per escalation period, up to manager."""
    step = timedelta(minutes=rules.urgent_escalate_minutes if kind in URGENT else rules.escalate_minutes)
    periods = int((now - raised_at) / step) if now > raised_at else 0
    return min(len(LEVELS) - 1, start_level + periods)


def next_escalation(kind: str, raised_at: datetime, level: int, start_level: int, rules: Rules) -> datetime | None:
    """When an unacknowledged alert at `level` goes up next; None at the top."""
    if level >= len(LEVELS) - 1:
        return None
    step = timedelta(minutes=rules.urgent_escalate_minutes if kind in URGENT else rules.escalate_minutes)
    return raised_at + step * (level - start_level + 1)


def retry_at(attempts: int, failed_at: datetime) -> datetime | None:
    """When to try a failed delivery again after `attempts` attempts; None: give up."""
    if attempts < 1 or attempts > len(RETRY_DELAYS_S):
        return None
    return failed_at + timedelta(seconds=RETRY_DELAYS_S[attempts - 1])


def parse_clock(value: str) -> time | None:
    """"HH:MM" as a time of day; None if empty or malformed."""
    try:
        hours, minutes = value.split(":")
        return time(int(hours), int(minutes))
    except (ValueError, AttributeError):
        return None


def quiet_until(kind: str, now: datetime, tz: str, start: time | None, end: time | None) -> datetime | None:
    """If `now` falls in the quiet hours (site-local, may cross midnight) and the alert is not urgent, when they end."""
    if kind in URGENT or start is None or end is None or start == end:
        return None
    local = to_local(now, zone(tz))
    t = local.time().replace(tzinfo=None)
    inside = (start <= t < end) if start < end else (t >= start or t < end)
    if not inside:
        return None
    end_day = local.date() if t < end else local.date() + timedelta(days=1)
    ends = datetime.combine(end_day, end, tzinfo=zone(tz))
    return ends.astimezone(now.tzinfo)
