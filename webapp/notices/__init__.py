"""Rectification notices (整改通知单): issued from a finding, fixed by the assignee, re-checked by the issuer."""
from webapp.notices.views import bp

__all__ = ["bp"]
