"""One count of a shift's rounds (巡更) and cleaning checks, from the gap engine's verdict: every page shows these figures.

A round or a check is judged once its window has closed or it is complete; until then it is upcoming or in progress,
never a miss. A miss that is only provisional (a phone on the shift has not synced since) waits for the sync apart.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from webapp.domain.gaps import CleaningResult, RoundResult
from webapp.domain.handover import rate

NOT_YET = ("upcoming", "open")  # not judged yet: never a miss
JUDGED = ("done", "late", "early", "incomplete", "missed")
DONE = ("done", "late", "early")
ON_TIME = ("done", "early")
MISSES = ("incomplete", "missed")


def missed_points(r: RoundResult) -> tuple[int, ...]:
    """The checkpoints a round missed: none while its window is open or to come, whatever is not visited yet."""
    return r.missing if r.state in MISSES else ()


@dataclass(frozen=True)
class RoundTally:
    """A shift's rounds counted: judged ones (due, done, missed ...), the one in progress and those still to come."""

    planned: int
    due: int  # judged: complete, or its window has closed
    done: int
    on_time: int
    late: int
    incomplete: int  # settled misses only
    missed: int
    awaiting_sync: int  # missed or incomplete while a phone of the shift may still hold scans
    in_progress: int
    upcoming: int
    progress_visited: int  # checkpoints visited in the rounds in progress
    progress_total: int
    checkpoints_due: int  # checkpoints of the judged rounds
    checkpoints_visited: int

    @property
    def rate(self) -> float | None:
        """Judged rounds done, in percent."""
        return rate(self.done, self.due)

    def figures(self) -> dict:
        """The plain values a handover record keeps (due, done and rate first, as sealed records have always had)."""
        return {"due": self.due, "done": self.done, "rate": self.rate, "on_time": self.on_time, "late": self.late,
                "incomplete": self.incomplete, "missed": self.missed, "awaiting_sync": self.awaiting_sync,
                "in_progress": self.in_progress, "upcoming": self.upcoming, "planned": self.planned,
                "progress_visited": self.progress_visited, "progress_total": self.progress_total,
                "checkpoints_due": self.checkpoints_due, "checkpoints_visited": self.checkpoints_visited}


def rounds(results: Iterable[RoundResult]) -> RoundTally:
    """Count a shift's rounds as the engine judged them."""
    rs = list(results)
    judged = [r for r in rs if r.state in JUDGED]
    settled = [r for r in judged if not r.provisional]
    running = [r for r in rs if r.state == "open"]
    return RoundTally(
        planned=len(rs), due=len(judged), done=sum(r.state in DONE for r in judged),
        on_time=sum(r.state in ON_TIME for r in judged), late=sum(r.state == "late" for r in judged),
        incomplete=sum(r.state == "incomplete" for r in settled), missed=sum(r.state == "missed" for r in settled),
        awaiting_sync=sum(r.provisional for r in judged), in_progress=len(running),
        upcoming=sum(r.state == "upcoming" for r in rs),
        progress_visited=sum(len(set(r.visited)) for r in running),
        progress_total=sum(len(set(r.visited)) + len(r.missing) for r in running),
        checkpoints_due=sum(len(set(r.visited)) + len(r.missing) for r in judged),
        checkpoints_visited=sum(len(set(r.visited)) for r in judged),
    )


@dataclass(frozen=True)
class CleaningTally:
    """A shift's (or an area's) due cleaning checks counted like rounds."""

    planned: int
    due: int
    done: int
    missed: int  # settled
    awaiting_sync: int
    failed: int
    open: int
    upcoming: int

    @property
    def rate(self) -> float | None:
        return rate(self.done, self.due)


def cleaning(results: Iterable[CleaningResult]) -> CleaningTally:
    """Count due cleaning checks as the engine judged them."""
    cs = list(results)
    judged = [c for c in cs if c.state in JUDGED]
    return CleaningTally(
        planned=len(cs), due=len(judged), done=sum(c.state in DONE for c in judged),
        missed=sum(c.state == "missed" and not c.provisional for c in judged),
        awaiting_sync=sum(c.state == "missed" and c.provisional for c in judged),
        failed=sum(bool(c.failed_items) for c in cs), open=sum(c.state == "open" for c in cs),
        upcoming=sum(c.state == "upcoming" for c in cs),
    )


@dataclass(frozen=True)
class Misses:
    """What a manager's overview shows of shifts: rounds missed (not started or left incomplete, settled) and
    exceptions nobody has explained yet."""

    rounds_missed: int = 0
    unexplained: int = 0

    @staticmethod
    def sum(many: Iterable[Misses]) -> Misses:
        items = list(many)
        return Misses(sum(m.rounds_missed for m in items), sum(m.unexplained for m in items))


def misses(results: Iterable[RoundResult], gap_states: Iterable[str]) -> Misses:
    """A shift's missed rounds (as counted by `rounds`) and its gaps whose life is still open (unexplained)."""
    counted = rounds(results)
    return Misses(counted.missed + counted.incomplete, sum(state == "open" for state in gap_states))
