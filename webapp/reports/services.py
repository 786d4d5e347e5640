"""A report from a request: the period asked for, the facts gathered, the figures built, and the records under a figure.

Reports only read; nothing here writes or commits.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, url_for
from flask_babel import gettext as _

from webapp.domain import reports as rules
from webapp.domain.errors import DomainError
from webapp.domain.timezones import to_local, zone
from webapp.i18n import gap_sentence, label_of, local_date, site_time
from webapp.models import Site
from webapp.params import whole
from webapp.reports import queries
from webapp.reports.labels import ALERT_KINDS, ALERT_LEVELS, GAP_KINDS, HANDOVER, STANDINGS

MAX_PHOTOS = 12  # evidence photos per section in the PDF


def period_of(args, site: Site, now) -> rules.Period:
    """The period the query arguments ask for, in the site's zone (this month by default)."""
    today = to_local(now, zone(site.timezone)).date()
    return rules.parse_period(args.get("period"), args.get("date"), args.get("from"), args.get("to"), site.timezone, today)


def photos_of(args) -> int:
    """How many evidence photos per section the PDF shows (?photos=, default 3, at most MAX_PHOTOS)."""
    text = (args.get("photos") or "3").strip()
    number = whole(text)
    if number is None or number > MAX_PHOTOS:
        raise DomainError("report_bad_photos", value=text[:10], most=MAX_PHOTOS)
    return number


def report_of(site: Site, period: rules.Period, now) -> tuple[queries.Gathered, rules.Report]:
    """The facts of the period and the report built from them."""
    gathered = queries.gather(site, period, now)
    return gathered, rules.build(period, gathered.facts, now, current_app.config["HANDOVER_OVERDUE_MINUTES"])


@dataclass
class Listing:
    """Records as a table: headings, rows of cells, and each row's own page (or None)."""

    kind: str
    records: list
    headings: list[str]
    rows: list[list]
    links: list[str | None]
    total: int

    @property
    def ids(self) -> list:
        """The id (or, for the engine's due work and gaps, the key) of each listed record."""
        return [getattr(r, "key", None) or r.id for r in self.records]


def _yes(value: bool | None) -> str:
    return "—" if value is None else _("Yes") if value else _("No")


def listing(g: queries.Gathered, kind: str, ids: tuple | list, limit: int | None = queries.LISTED) -> Listing:
    """The records of one kind with these ids, as the drill-down page and the XLSX sheets show them."""
    f, tz = g.facts, g.site.timezone
    chosen = list(ids)[:limit] if limit else list(ids)
    t = lambda instant: site_time(instant, tz)  # noqa: E731
    cp = lambda checkpoint_id: g.checkpoints.get(checkpoint_id, "—") if checkpoint_id else "—"  # noqa: E731
    shifts = {s.id: s for s in f.shifts}
    shift_name = lambda shift_id: f"{shifts[shift_id].name} {local_date(shifts[shift_id].local_date)}" if shift_id in shifts else "—"  # noqa: E731
    board = lambda shift_id: url_for("board.board", site_id=g.site.id, shift=shift_id)  # noqa: E731
    if kind == "round":
        rows = {r.key: r for r in f.rounds}
        found = [rows[k] for k in chosen if k in rows]
        return Listing(kind, found, [_("Shift"), _("Due"), _("Route"), _("State"), _("Visited"), _("Missed checkpoints")],
                       [[shift_name(r.shift_id), t(r.opens_at), g.routes.get(r.route_id, "—"),
                         label_of("state", r.state) + (" · " + _("awaiting sync") if r.provisional else ""),
                         f"{len(r.checkpoint_ids) - len(r.missing)}/{len(r.checkpoint_ids)}",
                         "、".join(cp(c) for c in r.missing)] for r in found], [board(r.shift_id) for r in found], len(ids))
    if kind == "gap":
        rows_g = {x.key: x for x in f.gaps}
        found_g = [rows_g[k] for k in chosen if k in rows_g]
        return Listing(kind, found_g, [_("Shift"), _("When"), _("Kind"), _("What"), _("Standing")],
                       [[shift_name(x.shift_id), t(x.at), str(GAP_KINDS.get(x.kind, x.kind)),
                         gap_sentence(x.explanation, x.params),
                         _("awaiting sync") if x.provisional else str(STANDINGS[x.standing])] for x in found_g],
                       [board(x.shift_id) for x in found_g], len(ids))
    if kind == "cleaning":
        rows_c = {x.key: x for x in f.cleaning}
        found_c = [rows_c[k] for k in chosen if k in rows_c]
        return Listing(kind, found_c, [_("Shift"), _("Due"), _("Checkpoint"), _("State")],
                       [[shift_name(x.shift_id), t(x.opens_at), cp(x.checkpoint_id),
                         label_of("state", x.state) + (" · " + _("awaiting sync") if x.provisional else "")]
                        for x in found_c], [board(x.shift_id) for x in found_c], len(ids))
    if kind == "scan":
        found_s = queries.scans(g.site.id, chosen)
        return Listing(kind, found_s, [_("When"), _("Checkpoint"), _("Who"), _("Received")],
                       [[t(s.captured_at), cp(s.checkpoint_id), s.person.name, t(s.received_at)] for s in found_s],
                       [None] * len(found_s), len(ids))
    return _records(g, kind, chosen, len(ids), t, cp, shift_name)


def _records(g, kind, chosen, total, t, cp, shift_name) -> Listing:
    f = g.facts
    if kind == "check":
        rows = {c.id: c for c in f.checks}
        found = [rows[i] for i in chosen if i in rows]
        return Listing(kind, found, [_("When"), _("Checkpoint"), _("Area"), _("Result"), _("Received")],
                       [[t(c.captured_at), cp(c.checkpoint_id), g.areas.get(f.checkpoint_area.get(c.checkpoint_id), "—"),
                         _("Passed") if c.passed else _("Failed") + ": " + "、".join(text for _i, text, ok in c.items if not ok),
                         t(c.received_at)] for c in found], [None] * len(found), total)
    if kind == "incident":
        rows_i = {i.id: i for i in f.incidents}
        found_i = [rows_i[i] for i in chosen if i in rows_i]
        return Listing(kind, found_i, [_("When"), _("Kind"), _("Severity"), _("What"), _("Closed")],
                       [[t(i.captured_at), label_of("kind", i.kind), label_of("severity", i.severity), i.description,
                         t(i.closed_at)] for i in found_i], [None] * len(found_i), total)
    if kind == "order":
        rows_o = {o.id: o for o in f.orders}
        found_o = [rows_o[i] for i in chosen if i in rows_o]
        return Listing(kind, found_o, [_("Raised"), _("Category"), _("What"), _("State"), _("Due"), _("Started"), _("Done"),
                              _("Satisfied")],
                       [[t(o.raised_at), label_of("category", o.category), o.description, label_of("order", o.state),
                         t(o.due_at), t(o.started_at), t(o.done_at), _yes(o.satisfied)] for o in found_o],
                       [url_for("orders.detail", order_id=o.id) for o in found_o], total)
    if kind == "inspection":
        rows_n = {i.id: i for i in f.inspections}
        found_n = [rows_n[i] for i in chosen if i in rows_n]
        return Listing(kind, found_n, [_("When"), _("Area"), _("Department"), _("Score %"), _("Passed"), _("Self-inspection")],
                       [[t(i.captured_at), g.areas.get(i.area_id, "—"), label_of("department", i.department),
                         round(i.percent, 1), _yes(i.passed), _yes(i.self_check)] for i in found_n],
                       [url_for("inspections.detail", inspection_id=i.id) for i in found_n], total)
    if kind == "notice":
        rows_r = {n.id: n for n in f.notices}
        found_r = [rows_r[i] for i in chosen if i in rows_r]
        return Listing(kind, found_r, [_("Issued"), _("Department"), _("What was found"), _("Deadline"), _("State"), _("Closed"),
                              _("Closed on time")],
                       [[t(n.issued_at), label_of("department", n.department), n.description, t(n.deadline),
                         label_of("notice", n.state), t(n.closed_at), _yes(n.closed_on_time)] for n in found_r],
                       [url_for("notices.page", notice_id=n.id) for n in found_r], total)
    if kind == "violation":
        rows_v = {v.id: v for v in f.violations}
        found_v = [rows_v[i] for i in chosen if i in rows_v]
        return Listing(kind, found_v, [_("Issued"), _("Rule"), _("Person"), _("Points"), _("State")],
                       [[t(v.issued_at), label_of("rule", v.rule), g.people.get(v.person_id, "—"), v.points,
                         label_of("violation", v.state)] for v in found_v],
                       [url_for("violations.page", ticket_id=v.id) for v in found_v], total)
    if kind == "handover":
        rows_h = {h.id: h for h in f.handovers}
        found_h = [rows_h[i] for i in chosen if i in rows_h]
        return Listing(kind, found_h, [_("Shift"), _("State"), _("Signed out"), _("Accepted"), _("Refused"), _("SHA-256")],
                       [[shift_name(h.shift_id), label_of("handover", h.state), t(h.signed_out_at), t(h.accepted_at),
                         t(h.refused_at), h.sha256 or "—"] for h in found_h],
                       [url_for("handover.page", shift_id=h.shift_id) for h in found_h], total)
    if kind == "shift":
        by_id = {s.id: s for s in f.shifts}
        handovers = {h.shift_id: h for h in f.handovers}
        found_s = [by_id[i] for i in chosen if i in by_id]
        overdue = current_app.config["HANDOVER_OVERDUE_MINUTES"]
        return Listing(kind, found_s, [_("Shift"), _("From"), _("To"), _("Handover")],
                       [[shift_name(s.id), t(s.starts_at), t(s.ends_at),
                         str(HANDOVER[rules.handover_standing(s, handovers.get(s.id), s.ends_at, overdue)])] for s in found_s],
                       [url_for("handover.page", shift_id=s.id) for s in found_s], total)
    if kind == "alert":
        rows_a = {a.id: a for a in f.alerts}
        found_a = [rows_a[i] for i in chosen if i in rows_a]
        link = url_for("alerts.site_alerts", site_id=g.site.id)
        return Listing(kind, found_a, [_("Alert raised at"), _("Kind"), _("Severity"), _("Acknowledged at"), _("Acknowledged by"),
                                       _("Minutes to acknowledge"), _("Reached")],
                       [[t(a.raised_at), str(ALERT_KINDS.get(a.kind, a.kind)) + (" · " + _("possibly missed") if a.provisional else ""),
                         label_of("severity", a.severity), t(a.acknowledged_at), a.acknowledged_by or "—",
                         round((a.acknowledged_at - a.raised_at).total_seconds() / 60, 1) if a.acknowledged_at else None,
                         str(ALERT_LEVELS[min(a.level, len(ALERT_LEVELS) - 1)])] for a in found_a],
                       [link] * len(found_a), total)
    raise DomainError("report_bad_figure", value=kind)
