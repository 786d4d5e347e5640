"""Site overviews for leads, supervisors, managers and administrators."""
from webapp.sites.views import bp

__all__ = ["bp"]
