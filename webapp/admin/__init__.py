"""Company-wide pages for administrators."""
from webapp.admin.views import bp

__all__ = ["bp"]
