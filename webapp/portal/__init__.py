"""The client portal (甲方): a read-only view of the client's own sites, their released reports and the handover chain."""
from webapp.portal.views import bp

__all__ = ["bp"]
