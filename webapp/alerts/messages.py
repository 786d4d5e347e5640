"""What an alert says, in the reader's language: a title and a line, with the link to the site's alert list."""
from __future__ import annotations

from flask import current_app
from flask_babel import force_locale, gettext, ngettext
from flask_babel import lazy_gettext as _l

from webapp.alerts.queries import params
from webapp.models import Alert, Site


def title(alert: Alert) -> str:
    """The alert's one-line title."""
    p = params(alert)
    who = alert.person.name if alert.person else ""
    if alert.kind == "sos":
        return gettext("SOS from %(person)s", person=who)
    if alert.kind == "lone_worker":
        return ngettext("%(person)s has not answered \"are you OK?\" for %(num)d minute",
                        "%(person)s has not answered \"are you OK?\" for %(num)d minutes", p.get("minutes", 0), person=who)
    if alert.kind == "round_not_started":
        if alert.provisional:
            return gettext("Possibly missed: a round was not started by its window's end")
        return gettext("A round was not started by its window's end")
    if alert.kind == "checkpoints_missed":
        n = len(p.get("missing", []))
        if alert.provisional:
            return ngettext("Possibly missed: %(num)d checkpoint of a round", "Possibly missed: %(num)d checkpoints of a round", n)
        return ngettext("%(num)d checkpoint of a round was missed", "%(num)d checkpoints of a round were missed", n)
    if alert.kind == "incident":
        return gettext("A serious incident was reported")
    if alert.kind == "handover_not_accepted":
        return gettext("A signed handover has not been accepted")
    if alert.kind == "notice_overdue":
        return gettext("A rectification notice is past its deadline")
    if alert.kind == "order_overdue":
        return gettext("A work order is past its deadline")
    if alert.kind == "reading_abnormal":
        value = "" if p.get("value") is None else f"{p['value']:g} {p.get('unit', '')}".strip()
        return gettext("Abnormal reading: %(equipment)s, %(item)s %(value)s",
                       equipment=p.get("equipment", ""), item=p.get("item", ""), value=value)
    if alert.kind == "clock_skew":
        return ngettext("A phone's clock is %(num)d minute off", "A phone's clock is %(num)d minutes off", p.get("minutes", 0))
    return alert.kind


def link(alert: Alert) -> str:
    """Where the alert is seen and acknowledged."""
    return f"{current_app.config['BASE_URL'].rstrip('/')}/sites/{alert.site_id}/alerts#alert-{alert.id}"


def text(alert: Alert, site: Site, language: str = "zh") -> tuple[str, str]:
    """(subject, body) in `language`: the group robots and the default are Chinese."""
    with force_locale(language):
        subject = f"[{site.name}] {title(alert)}"
        body = "\n".join([subject, gettext("Severity: %(severity)s", severity=severity_label(alert.severity)),
                          gettext("Open and acknowledge: %(link)s", link=link(alert))])
    return subject, body


def severity_label(severity: str) -> str:
    """A severity as people read it."""
    return {"critical": gettext("critical"), "high": gettext("high"), "medium": gettext("medium"),
            "low": gettext("low")}.get(severity, severity)


LABELS = {
    "level": {"lead": _l("Lead"), "supervisor": _l("Supervisor"), "manager": _l("Manager")},
    "channel": {"email": _l("Email"), "push": _l("Web Push"), "wecom": _l("WeCom group"), "dingtalk": _l("DingTalk group")},
    "delivery": {"queued": _l("Queued"), "sent": _l("Sent"), "failed": _l("Failed"),
                 "skipped": _l("Not sent: already acknowledged")},
}


def label(group: str, value: str) -> str:
    """A level, a channel or a delivery's state as people read it."""
    return str(LABELS[group].get(value, value))
