"""Bulk import of checkpoints from a spreadsheet: upload, preview with every problem, save all or nothing."""
from webapp.imports.views import bp

__all__ = ["bp"]
