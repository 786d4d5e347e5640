"""Site set-up for managers and administrators: sites, areas, checkpoints, routes, plans, shifts, roster, people."""
from webapp.setup.views import bp

__all__ = ["bp"]
