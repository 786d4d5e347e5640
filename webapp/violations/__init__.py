"""Violation tickets (违纪处罚单): issued by a supervisor, acknowledged or contested, decided by the site manager."""
from webapp.violations.views import bp

__all__ = ["bp"]
