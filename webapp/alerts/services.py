"""The only writer of alerts: raise from the rules (once per key), escalate, acknowledge, deliver with retries."""
from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from webapp import audit
from webapp.alerts import channels, queries
from webapp.alerts.verdicts import verdicts
from webapp.domain import alerts as rules
from webapp.extensions import db
from webapp.models import (
    Alert,
    AlertDelivery,
    AlertPersonSetting,
    AlertSiteSetting,
    CheckIn,
    Handover,
    HandoverState,
    Incident,
    Person,
    PushSubscription,
    Reading,
    RectificationNotice,
    Scan,
    Shift,
    ShiftMember,
    Site,
    WorkOrder,
)
from webapp.orders.rules import OPEN_STATES as ORDER_OPEN

log = logging.getLogger(__name__)
CLOSING_SLACK = timedelta(hours=3)  # a shift's last windows close up to a grace after its end: keep judging it
LOOKBACK = timedelta(days=2)
CLAIM_LEASE = timedelta(minutes=5)  # incidents, notices and orders older than this were alerted (or not) long ago


def rules_of(setting: AlertSiteSetting | None) -> rules.Rules:
    """A site's alert rules from its settings (the defaults where it has none)."""
    if setting is None:
        return rules.Rules()
    return rules.Rules(alert_provisional=setting.alert_provisional, escalate_minutes=setting.escalate_minutes,
                       lone_worker_minutes=setting.lone_worker_minutes, lone_answer_minutes=setting.lone_answer_minutes,
                       handover_accept_minutes=setting.handover_accept_minutes)


# ---- raising --------------------------------------------------------------------------------------------------------

def evaluate(now: datetime) -> list[int]:
    """Check every active site's due work at `now`: raise what the rules say (once per key), escalate what waits."""
    sites = {s.id: s for s in db.session.scalars(select(Site).where(Site.active.is_(True)))}
    settings = {s.site_id: s for s in db.session.scalars(select(AlertSiteSetting))}
    raised: list[int] = []
    drafts = list(_drafts(sites, settings, now))
    known = _known_keys([d.key for d, _ in drafts])  # most drafts of a tick alerted at an earlier tick
    rosters: dict[int, rules.Roster] = {}
    for draft, site_id in drafts:
        if draft.key in known:
            continue
        if site_id not in rosters:
            rosters[site_id] = queries.roster(site_id, now)
        alert = raise_alert(sites[site_id], draft, now, rosters[site_id])
        if alert is not None:
            raised.append(alert.id)
    escalate(sites, settings, now)
    db.session.commit()
    return raised


def _drafts(sites: dict[int, Site], settings: dict, now: datetime):
    shifts = list(db.session.scalars(
        select(Shift).where(Shift.site_id.in_(sites), Shift.starts_at <= now, Shift.ends_at > now - CLOSING_SLACK)
        .options(selectinload(Shift.members).selectinload(ShiftMember.person), selectinload(Shift.template),
                 selectinload(Shift.site)))) if sites else []
    by_id = {s.id: s for s in shifts}
    for shift_id, (assessment, scans_by_person) in verdicts(shifts, now).items():
        shift = by_id[shift_id]
        r = rules_of(settings.get(shift.site_id))
        for d in rules.from_assessment(shift.site_id, shift.id, assessment, r):
            yield d, shift.site_id
        if shift.template.patrol and shift.starts_at <= now < shift.ends_at:
            yield from ((d, shift.site_id) for d in _lone_workers(shift, scans_by_person, r, now))
    since = now - LOOKBACK
    for i in db.session.scalars(select(Incident).where(Incident.site_id.in_(sites), Incident.captured_at >= since,
                                                       Incident.closed_at.is_(None))):
        d = rules.incident(i.site_id, i.id, i.severity.value, i.captured_at, i.person_id)
        if d is not None:
            yield d, i.site_id
    for g in db.session.scalars(select(Reading).where(Reading.site_id.in_(sites), Reading.captured_at >= since,
                                                      Reading.out_of_range.is_(True))
                                .options(selectinload(Reading.equipment), selectinload(Reading.item))):
        yield rules.reading_abnormal(g.site_id, g.id, g.captured_at, g.equipment.name, g.item.name, g.value_number,
                                     g.item.unit or "", g.person_id, g.work_order_id), g.site_id
    for h in db.session.scalars(select(Handover).where(Handover.site_id.in_(sites), Handover.state == HandoverState.SIGNED,
                                                       Handover.signed_out_at >= since)):
        d = rules.handover_waiting(h.site_id, h.id, h.signed_out_at, now, rules_of(settings.get(h.site_id)))
        if d is not None:
            yield d, h.site_id
    for n in db.session.scalars(select(RectificationNotice).where(
            RectificationNotice.site_id.in_(sites), RectificationNotice.state == "open",
            RectificationNotice.deadline <= now, RectificationNotice.deadline >= since)):
        yield rules.overdue(n.site_id, "notice_overdue", n.id, n.deadline, now), n.site_id
    for o in db.session.scalars(select(WorkOrder).where(WorkOrder.site_id.in_(sites), WorkOrder.state.in_(ORDER_OPEN),
                                                        WorkOrder.due_at <= now, WorkOrder.due_at >= since)):
        yield rules.overdue(o.site_id, "order_overdue", o.id, o.due_at, now), o.site_id


def _lone_workers(shift: Shift, scans_by_person: dict, r: rules.Rules, now: datetime) -> list[rules.Draft]:
    guards = [m.person_id for m in shift.members if m.person.role.value == "guard"]
    if not guards:
        return []
    answers = queries.check_ins(shift.site_id, guards, shift.starts_at, now)
    found = []
    for person_id in guards:
        signs = scans_by_person.get(person_id, []) + answers.get(person_id, [])
        state = rules.lone_worker(shift.site_id, shift.id, person_id, signs, shift.starts_at, now, r)
        if state.draft is not None:
            found.append(state.draft)
    return found


def _known_keys(keys: list[str]) -> set[str]:
    found: set[str] = set()
    for i in range(0, len(keys), 500):
        found |= set(db.session.scalars(select(Alert.key).where(Alert.key.in_(keys[i:i + 500]))))
    return found


def raise_alert(site: Site, draft: rules.Draft, now: datetime, roster: rules.Roster | None = None) -> Alert | None:
    """Store an alert and queue its first deliveries; None if its key has alerted already."""
    if db.session.scalar(select(Alert.id).where(Alert.key == draft.key)) is not None:
        return None
    roster = roster if roster is not None else queries.roster(site.id, now)
    level = rules.first_level(roster)
    alert = Alert(site_id=site.id, shift_id=draft.shift_id, kind=draft.kind, key=draft.key, severity=draft.severity,
                  provisional=draft.provisional, params_json=json.dumps(draft.params, sort_keys=True, default=str),
                  person_id=draft.person_id, happened_at=draft.at, raised_at=now, start_level=level, level=level)
    try:
        with db.session.begin_nested():
            db.session.add(alert)
    except IntegrityError:  # raised meanwhile by another run
        return None
    setting = db.session.get(AlertSiteSetting, site.id)
    _queue_group(alert, site, setting, now)
    _queue_people(alert, site, setting, roster.at(level), level, now)
    return alert


def _queue_group(alert: Alert, site: Site, setting: AlertSiteSetting | None, now: datetime) -> None:
    if setting is None:
        return
    held = rules.quiet_until(alert.kind, now, site.timezone, rules.parse_clock(setting.quiet_start),
                             rules.parse_clock(setting.quiet_end))
    for channel, url in (("wecom", setting.wecom_webhook), ("dingtalk", setting.dingtalk_webhook)):
        if url:
            db.session.add(AlertDelivery(alert=alert, level=alert.level, channel=channel, target=url, state="queued",
                                         attempts=0, next_try_at=held or now, created_at=now, last_error=""))


def _queue_people(alert: Alert, site: Site, setting: AlertSiteSetting | None, people: tuple[int, ...], level: int,
                  now: datetime) -> None:
    if not people:
        return
    prefs = {p.person_id: p for p in db.session.scalars(select(AlertPersonSetting).where(AlertPersonSetting.person_id.in_(people)))}
    subs = list(db.session.scalars(select(PushSubscription).where(PushSubscription.person_id.in_(people))))
    site_quiet = (rules.parse_clock(setting.quiet_start), rules.parse_clock(setting.quiet_end)) if setting else (None, None)
    for person_id in people:
        pref = prefs.get(person_id)
        quiet = (rules.parse_clock(pref.quiet_start), rules.parse_clock(pref.quiet_end)) if pref else (None, None)
        held = rules.quiet_until(alert.kind, now, site.timezone, *quiet) or \
            rules.quiet_until(alert.kind, now, site.timezone, *site_quiet)
        targets = []
        if pref is None or pref.push_on:
            targets += [("push", str(s.id)) for s in subs if s.person_id == person_id]
        if pref is not None and pref.email_on and pref.email:
            targets.append(("email", pref.email))
        for channel, target in targets:
            db.session.add(AlertDelivery(alert=alert, level=level, person_id=person_id, channel=channel, target=target,
                                         state="queued", attempts=0, next_try_at=held or now, created_at=now,
                                         last_error=""))


def escalate(sites: dict[int, Site], settings: dict, now: datetime) -> list[int]:
    """Unacknowledged alerts whose time is up go to the next level (lead → supervisor → manager); their ids."""
    waiting = db.session.scalars(select(Alert).where(Alert.acknowledged_at.is_(None), Alert.level < len(rules.LEVELS) - 1,
                                                     Alert.site_id.in_(sites))) if sites else []
    moved = []
    for alert in waiting:
        r = rules_of(settings.get(alert.site_id))
        due = rules.level_due(alert.kind, alert.raised_at, alert.start_level, now, r)
        if due <= alert.level:
            continue
        roster = queries.roster(alert.site_id, now)
        for level in range(alert.level + 1, due + 1):
            _queue_people(alert, sites[alert.site_id], settings.get(alert.site_id), roster.at(level), level, now)
        alert.level, alert.escalated_at = due, now
        moved.append(alert.id)
    return moved


def raise_sos(person: Person, site: Site, call_uuid: str, at: datetime, lat: float | None, lng: float | None,
              now: datetime) -> Alert | None:
    """A guard's or cleaner's SOS: raised at once (a resend of the same call is the same alert)."""
    shift = queries.running_shift(site.id, now)
    alert = raise_alert(site, rules.sos(site.id, call_uuid, person.id, at, lat, lng, shift.id if shift else None), now)
    audit.record(person, "sos", "alert", alert.id if alert else "", site_id=site.id, call=call_uuid)
    db.session.commit()
    return alert


def check_in(person: Person, site: Site, now: datetime) -> None:
    """A lone worker answers "I'm OK": the silence starts again."""
    db.session.add(CheckIn(site_id=site.id, person_id=person.id, at=now))
    db.session.commit()


def acknowledge(alert: Alert, person: Person, now: datetime) -> bool:
    """Record who acknowledged an alert and when (the first acknowledgement stands); whether it was new."""
    if alert.acknowledged_at is not None:
        return False
    alert.acknowledged_at, alert.acknowledged_by_id = now, person.id
    audit.record(person, "acknowledge", "alert", alert.id, site_id=alert.site_id, kind=alert.kind)
    db.session.commit()
    return True


# ---- delivering -----------------------------------------------------------------------------------------------------

def deliver_due(now: datetime, limit: int = 500) -> int:
    """Try every delivery that is due; a failing one is retried later with backoff and never stops the others."""
    due = list(db.session.scalars(select(AlertDelivery).where(AlertDelivery.state == "queued",
                                                              AlertDelivery.next_try_at <= now)
                                  .order_by(AlertDelivery.next_try_at, AlertDelivery.id).limit(limit)))
    for delivery in due:
        _attempt(delivery, now)
        db.session.commit()
    return len(due)


def _attempt(delivery: AlertDelivery, now: datetime) -> None:
    alert = delivery.alert
    if alert.acknowledged_at is not None and delivery.attempts == 0:  # somebody is on it already
        delivery.state, delivery.next_try_at, delivery.last_error = "skipped", None, "acknowledged"
        return
    if not _claim(delivery, now):
        return
    try:
        channels.send(delivery, current_app.config)
    except Exception as error:  # noqa: BLE001 (kept on the delivery; the next one is tried all the same)
        log.warning("alert delivery %s (%s) failed: %s", delivery.id, delivery.channel, error)
        delivery.last_error = f"{type(error).__name__}: {error}"[:2000]
        delivery.next_try_at = rules.retry_at(delivery.attempts, now)
        delivery.state = "queued" if delivery.next_try_at else "failed"
        return
    delivery.state, delivery.sent_at, delivery.next_try_at, delivery.last_error = "sent", now, None, ""


def _claim(delivery: AlertDelivery, now: datetime) -> bool:
    """Count the attempt before making it, only if no other worker thread has (a message is never sent twice); while
    in flight it is not due again until the lease ends (a worker that died mid-send is retried then)."""
    claimed = db.session.execute(
        update(AlertDelivery).where(AlertDelivery.id == delivery.id, AlertDelivery.state == "queued",
                                    AlertDelivery.attempts == delivery.attempts)
        .values(attempts=delivery.attempts + 1, first_try_at=delivery.first_try_at or now, next_try_at=now + CLAIM_LEASE)
        .execution_options(synchronize_session=False))
    db.session.commit()
    db.session.refresh(delivery)
    return claimed.rowcount == 1


# ---- settings -------------------------------------------------------------------------------------------------------

def site_setting(site_id: int) -> AlertSiteSetting:
    """A site's alert settings (the defaults, unsaved, if it has none)."""
    return db.session.get(AlertSiteSetting, site_id) or AlertSiteSetting(
        site_id=site_id, alert_provisional=False, escalate_minutes=15, lone_worker_minutes=45, lone_answer_minutes=5,
        handover_accept_minutes=30, wecom_webhook="", dingtalk_webhook="", quiet_start="", quiet_end="")


def person_setting(person_id: int) -> AlertPersonSetting:
    """A person's alert settings (the defaults, unsaved, if they have none)."""
    return db.session.get(AlertPersonSetting, person_id) or AlertPersonSetting(
        person_id=person_id, email="", email_on=True, push_on=True, quiet_start="", quiet_end="")


def save_setting(person: Person, setting: AlertSiteSetting | AlertPersonSetting, values: dict) -> None:
    """Store settings as validated; site settings are audited."""
    for name, value in values.items():
        setattr(setting, name, value.strip() if isinstance(value, str) else value)
    db.session.add(setting)
    if isinstance(setting, AlertSiteSetting):
        audit.record(person, "alert_settings", "site", setting.site_id, site_id=setting.site_id,
                     **{k: v for k, v in values.items() if "webhook" not in k})
    db.session.commit()


def subscribe(person: Person, endpoint: str, p256dh: str, auth: str) -> PushSubscription:
    """Keep this phone's push subscription for the person (a phone re-subscribing replaces its old one)."""
    sub = db.session.scalar(select(PushSubscription).where(PushSubscription.endpoint == endpoint))
    if sub is None:
        sub = PushSubscription(endpoint=endpoint)
        db.session.add(sub)
    sub.person_id, sub.p256dh, sub.auth = person.id, p256dh, auth
    db.session.commit()
    return sub


def lone_worker_prompt(person: Person, now: datetime) -> bool:
    """Whether a patrolling guard's phone should ask "are you OK?" now (asked until answered or a scan is made)."""
    shift = db.session.scalar(select(Shift).join(ShiftMember, ShiftMember.shift_id == Shift.id).where(
        ShiftMember.person_id == person.id, Shift.starts_at <= now, Shift.ends_at > now).limit(1))
    if shift is None or not shift.template.patrol:
        return False
    scans = list(db.session.scalars(select(Scan.captured_at).where(Scan.person_id == person.id,
                                                                    Scan.captured_at >= shift.starts_at)))
    answers = queries.check_ins(shift.site_id, [person.id], shift.starts_at, now).get(person.id, [])
    state = rules.lone_worker(shift.site_id, shift.id, person.id, scans + answers, shift.starts_at, now,
                              rules_of(db.session.get(AlertSiteSetting, shift.site_id)))
    return state.state != "fine"
