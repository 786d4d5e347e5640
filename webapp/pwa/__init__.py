"""The installable offline app: manifest, service worker, offline pages and what the page scripts are told."""
from webapp.pwa.views import bp

__all__ = ["bp"]
