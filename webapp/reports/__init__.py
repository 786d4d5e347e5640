"""Service reports (服务报告) for a site and a period: figures with drill-down, charts, PDF and XLSX."""
from webapp.reports.views import bp

__all__ = ["bp"]
