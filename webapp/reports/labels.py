"""The words of a service report: section titles, figure names, kinds of gap and of record, handover standings."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

SECTIONS = {
    "patrol": _l("Patrol"),
    "cleaning": _l("Cleaning"),
    "repairs": _l("Incidents and work orders"),
    "quality": _l("Quality"),
    "alerts": _l("Alerts"),
    "handovers": _l("Handovers"),
}

GAP_KINDS = {
    "checkpoint_missed": _l("Checkpoint missed"), "round_not_started": _l("Round not started"),
    "round_incomplete": _l("Round incomplete"), "round_late": _l("Round started late"),
    "round_early": _l("Round started early"), "out_of_order": _l("Out of the route's order"),
    "too_fast": _l("Faster than walking allows"), "burst": _l("Burst of scans"), "duplicate_scan": _l("Duplicate scan"),
    "photo_missing": _l("Photo missing"), "cleaning_missed": _l("Cleaning check missed"),
    "cleaning_late": _l("Cleaning check late"), "cleaning_failed": _l("Cleaning check failed"),
    "not_on_shift": _l("Someone not on the shift"), "clock_skew": _l("Phone clock off"),
    "outside_radius": _l("Scanned away from the checkpoint"), "no_activity": _l("No activity"), "all": _l("All gaps"),
    "reading_missed": _l("Equipment readings missed"), "reading_late": _l("Equipment readings late"),
}

ALERT_KINDS = {
    "sos": _l("SOS"), "lone_worker": _l("Lone worker not answering"), "round_not_started": _l("Round not started"),
    "checkpoints_missed": _l("Checkpoints missed"), "incident": _l("Serious incident"),
    "handover_not_accepted": _l("Handover not accepted"), "notice_overdue": _l("Rectification notice overdue"),
    "order_overdue": _l("Work order overdue"), "clock_skew": _l("Phone clock off"),
    "reading_abnormal": _l("Abnormal reading"),
}

ALERT_LEVELS = (_l("Lead"), _l("Supervisor"), _l("Manager"))

STANDINGS = {"unexplained": _l("Unexplained"), "explained": _l("Explained or acknowledged"), "accepted": _l("Accepted")}

HANDOVER = {"on_time": _l("Signed on time"), "late": _l("Signed late"), "refused": _l("Refused"),
            "pending": _l("Not sealed yet"), "missing": _l("No handover")}

RECORD_KINDS = {
    "round": _l("Patrol rounds"), "scan": _l("Scans"), "gap": _l("Gaps"), "cleaning": _l("Due cleaning checks"),
    "check": _l("Cleaning checks"), "incident": _l("Incidents"), "order": _l("Work orders"),
    "inspection": _l("Inspections"), "notice": _l("Rectification notices"), "violation": _l("Violation tickets"),
    "handover": _l("Handovers"), "shift": _l("Shifts"), "alert": _l("Alerts"),
}

# the figures with a fixed key, named for the drill-down page and the exports
FIGURES = {
    "patrol.rounds_due": _l("Rounds due"), "patrol.rounds_done": _l("Rounds done"),
    "patrol.rounds_on_time": _l("Rounds on time"), "patrol.rounds_late": _l("Rounds late"),
    "patrol.rounds_incomplete": _l("Rounds incomplete"), "patrol.rounds_missed": _l("Rounds not started"),
    "patrol.rounds_awaiting_sync": _l("Awaiting a phone's sync"), "patrol.visits_made": _l("Checkpoint visits"),
    "patrol.gaps.awaiting_sync": _l("Gaps awaiting a phone's sync"),
    "cleaning.due": _l("Cleaning checks due"), "cleaning.done": _l("Cleaning checks done"),
    "cleaning.on_time": _l("Done on time"), "cleaning.late": _l("Done late"), "cleaning.missed": _l("Missed"),
    "cleaning.awaiting_sync": _l("Awaiting a phone's sync"), "cleaning.checks": _l("Cleaning checks recorded"),
    "cleaning.passed": _l("Passed every item"),
    "repairs.incidents": _l("Incidents reported"), "repairs.incidents_closed": _l("Incidents closed"),
    "repairs.orders": _l("Work orders raised"), "repairs.respond_minutes": _l("Mean time to respond (min)"),
    "repairs.close_hours": _l("Mean time to close (h)"), "repairs.closed": _l("Work orders done"),
    "repairs.closed_on_time": _l("Done within the due time"), "repairs.overdue": _l("Overdue, not done"),
    "repairs.followed_up": _l("Followed up"), "repairs.satisfied": _l("Satisfied"), "repairs.unsatisfied": _l("Not satisfied"),
    "quality.inspections": _l("Inspections"), "quality.average": _l("Mean score %"),
    "quality.passed": _l("Inspections passed"), "quality.self_checks": _l("Self-inspections (apart)"),
    "quality.notices_issued": _l("Notices issued"), "quality.notices_on_time": _l("Closed on time"),
    "quality.notices_late": _l("Closed late"), "quality.notices_overdue": _l("Overdue at the period's end"),
    "quality.violations": _l("Violation tickets"), "quality.points": _l("Points counted"),
    "handovers.shifts": _l("Shifts"), "handovers.on_time": _l("Signed on time"), "handovers.late": _l("Signed late"),
    "handovers.refused": _l("Refused by the incoming lead"), "handovers.pending": _l("Not sealed yet"),
    "handovers.missing": _l("No handover"),
    "alerts.raised": _l("Alerts raised"), "alerts.acknowledged": _l("Alerts acknowledged"),
    "alerts.unacknowledged": _l("Not acknowledged"), "alerts.ack_median": _l("Median time to acknowledge (min)"),
    "alerts.ack_longest": _l("Longest time to acknowledge (min)"), "alerts.escalated": _l("Escalated past the lead"),
}


def figure_name(key: str) -> str:
    """The name of a figure for the drill-down page: its own, or its section's and its kind's."""
    if key in FIGURES:
        return str(FIGURES[key])
    section = key.split(".", 1)[0]
    return str(SECTIONS.get(section, section))
