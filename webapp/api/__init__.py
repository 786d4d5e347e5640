"""The JSON API under /api/v1."""
from webapp.api.views import bp

__all__ = ["bp"]
