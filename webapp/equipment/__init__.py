"""Plant rooms (设备房): the equipment register, reading items, readings and their trends, maintenance plans."""
from webapp.equipment.views import bp

__all__ = ["bp"]
