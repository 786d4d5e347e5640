"""Shift handovers (交接班): build, sign, accept or refuse, seal, correct by addenda, verify, print."""
from webapp.handover.views import bp

__all__ = ["bp"]
