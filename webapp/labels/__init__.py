"""Printable A4 sheets of QR labels for a site's checkpoints."""
from webapp.labels.views import bp

__all__ = ["bp"]
