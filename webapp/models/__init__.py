"""SQLAlchemy 2 typed models, split by area."""
from webapp.models.alerts import Alert, AlertDelivery, AlertPersonSetting, AlertSiteSetting, CheckIn, PushSubscription
from webapp.models.base import Base, UTCDateTime, new_token, utcnow
from webapp.models.equipment import (
    EQUIPMENT_KINDS,
    Equipment,
    EquipmentRoundCheckpoint,
    EquipmentRoundPlan,
    MaintenanceRecord,
    MaintenanceTask,
    Reading,
    ReadingItem,
)
from webapp.models.field import (
    CleaningCheck,
    CleaningResult,
    Device,
    Incident,
    IncidentKind,
    Photo,
    Scan,
    Severity,
)
from webapp.models.org import Area, AreaKind, Company, Person, PersonSession, Role, Site, person_sites
from webapp.models.quality import (
    DEPARTMENTS,
    TEMPLATE_AREA_KINDS,
    Countersignature,
    Inspection,
    InspectionItem,
    InspectionPlan,
    InspectionResult,
    InspectionTemplate,
    QualityStep,
    RectificationNotice,
    ViolationTicket,
    WorkOrder,
)
from webapp.models.reports import GeneratedReport
from webapp.models.setup import (
    ChecklistItem,
    Checkpoint,
    CleaningPlan,
    CleaningPlanCheckpoint,
    PatrolPlan,
    Purpose,
    RetiredToken,
    Route,
    RouteStop,
    Shift,
    ShiftMember,
    ShiftTemplate,
)
from webapp.models.trust import AuditEntry, GapAction, Handover, HandoverAddendum, HandoverItem, HandoverState

__all__ = [
    "Alert", "AlertDelivery", "AlertPersonSetting", "AlertSiteSetting", "CheckIn", "PushSubscription",
    "EQUIPMENT_KINDS", "Equipment", "EquipmentRoundCheckpoint", "EquipmentRoundPlan", "MaintenanceRecord", "MaintenanceTask", "Reading", "ReadingItem",
    "GeneratedReport", "PersonSession",
    "DEPARTMENTS", "TEMPLATE_AREA_KINDS", "Countersignature", "Inspection", "InspectionItem", "InspectionPlan",
    "InspectionResult", "InspectionTemplate", "QualityStep", "RectificationNotice", "ViolationTicket", "WorkOrder",
    "Area", "AreaKind", "AuditEntry", "GapAction", "HandoverAddendum", "HandoverItem", "Base", "ChecklistItem", "Checkpoint", "CleaningCheck", "CleaningPlan",
    "CleaningPlanCheckpoint", "CleaningResult", "Company", "Device", "Handover", "HandoverState", "Incident",
    "IncidentKind", "PatrolPlan", "Person", "Photo", "Purpose", "RetiredToken", "Role", "Route", "RouteStop", "Scan", "Severity",
    "Shift", "ShiftMember", "ShiftTemplate", "Site", "UTCDateTime", "new_token", "person_sites", "utcnow",
]
