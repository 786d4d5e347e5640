"""The live board of leads and supervisors, and the life of gaps (explain, accept, reject, acknowledge)."""
from webapp.board.views import bp

__all__ = ["bp"]
