"""Repair work orders (报修工单): raised from an incident or a call, assigned, done, followed up, archived."""
from webapp.orders.views import bp

__all__ = ["bp"]
