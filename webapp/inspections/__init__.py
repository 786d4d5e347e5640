"""Inspections: scoring sheets and their versions, inspection plans, inspections on the phone, countersignatures."""
from webapp.inspections.views import bp

__all__ = ["bp"]
