"""Service reports (服务报告) for a site and a period: figures with drill-down, charts, PDF and XLSX."""
from webapp.reports import scheduled  # noqa: F401 (generated reports and the meeting pack: routes on the same blueprint)
from webapp.reports.views import bp

__all__ = ["bp"]

# a group of sites (webapp/reports/group_views.py): its routes on the same blueprint
from webapp.reports import group_views  # noqa: E402,F401
