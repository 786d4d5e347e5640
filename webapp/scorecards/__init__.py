"""Quality board and monthly scorecards (考核) per person and team, with their XLSX export."""
from webapp.scorecards.views import bp

__all__ = ["bp"]
