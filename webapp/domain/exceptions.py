"""The life of a gap (异常): open → explained by the person concerned → accepted or rejected; or acknowledged by a lead."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

ACTIONS = ("explain", "accept", "reject", "acknowledge")


@dataclass(frozen=True)
class Step:
    """One recorded action on a gap."""

    action: str
    person_id: int
    at: datetime
    text: str = ""


@dataclass(frozen=True)
class Life:
    """Where a gap stands, and who moved it there."""

    state: str  # open / explained / accepted / rejected
    explanation: Step | None = None
    decision: Step | None = None
    acknowledgement: Step | None = None

    @property
    def counted_apart(self) -> bool:
        """Accepted exceptions are reported apart from the unexplained ones."""
        return self.state == "accepted"


def life_of(steps: list[Step]) -> Life:
    """The current state from the recorded steps, in time order (the latest explanation and decision win)."""
    explanation = decision = acknowledgement = None
    for step in sorted(steps, key=lambda s: s.at):
        if step.action == "explain":
            explanation, decision = step, None  # a new explanation waits for a new decision
        elif step.action in ("accept", "reject") and explanation is not None:
            decision = step
        elif step.action == "acknowledge":
            acknowledgement = step
    if decision is not None:
        state = "accepted" if decision.action == "accept" else "rejected"
    else:
        state = "explained" if explanation is not None else "open"
    return Life(state, explanation, decision, acknowledgement)


def allowed(action: str, life: Life, is_concerned: bool, is_overseer: bool) -> bool:
    """Who may do what: the person concerned explains; a lead or supervisor decides on an explanation or acknowledges."""
    if action == "explain":
        return is_concerned and life.state in ("open", "rejected")
    if action in ("accept", "reject"):
        return is_overseer and life.state == "explained"
    if action == "acknowledge":
        return is_overseer and life.acknowledgement is None
    return False
