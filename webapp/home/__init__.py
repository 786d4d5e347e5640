"""The landing pages of guards, cleaners and shift leads."""
from webapp.home.views import bp

__all__ = ["bp"]
