"""Plant in service (在用设备): what of the engineering department's plant is still due.

A manager retires (停用) a piece of equipment, a reading item or a maintenance task instead of deleting it: the past
readings, work orders and maintenance records stay linked, in the trends and the reports. What is retired is no longer
due: retiring a piece of equipment takes its reading items and its maintenance tasks out with it, and bringing it back
restores those that were themselves in service.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


def in_service(equipment_active: bool, active: bool = True) -> bool:
    """Whether a reading item or maintenance task (`active`) of equipment (`equipment_active`) is due at all."""
    return bool(equipment_active) and bool(active)


@dataclass(frozen=True)
class ItemAt:
    """A reading item where it is read: its equipment's checkpoint, and whether the equipment and the item are active."""

    checkpoint_id: int | None
    equipment_active: bool
    active: bool


def rooms_to_read(items: Iterable[ItemAt]) -> frozenset[int]:
    """The checkpoints (plant rooms) where something in service is to be read."""
    return frozenset(i.checkpoint_id for i in items
                     if i.checkpoint_id is not None and in_service(i.equipment_active, i.active))


def expected_rooms(plan_rooms: Iterable[int], rooms: frozenset[int]) -> tuple[int, ...]:
    """The plant rooms of an equipment round (设备巡检) still expected to be read, in the plan's order."""
    return tuple(room for room in plan_rooms if room in rooms)
