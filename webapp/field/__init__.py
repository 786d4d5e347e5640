"""Field capture: scans, cleaning checks, incidents and photos, from the pages and the sync API alike."""
from webapp.field.views import bp

__all__ = ["bp"]
