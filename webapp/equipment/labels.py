"""Names people read for the equipment kinds, reading kinds, running states and maintenance cycles."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

LABELS = {
    "pump": _l("Water pump"), "transformer": _l("Transformer"), "switchgear": _l("Switchgear"),
    "fire_pump": _l("Fire pump"), "hydrant": _l("Fire hydrant"), "lift": _l("Lift"), "water_tank": _l("Water tank"),
    "generator": _l("Generator"), "ventilation": _l("Fan"), "other": _l("Other"),
    "number": _l("Number"), "choice": _l("Running state"), "text": _l("Text"),
    "running": _l("Running"), "stopped": _l("Stopped"), "fault": _l("Fault"),
    "half_month": _l("Every half month"), "monthly": _l("Monthly"), "quarterly": _l("Quarterly"),
    "half_year": _l("Every half year"), "yearly": _l("Yearly"),
    "ok": _l("Not due"), "due": _l("Due"), "overdue": _l("Overdue"),
}


def plant_label(value) -> str:
    """The translated name of an equipment kind, reading kind, running state, cycle or task state."""
    return str(LABELS.get(value, value))
