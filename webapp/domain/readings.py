"""Equipment readings (设备抄表): a number against its normal range, a meter against its last reading, a running state.

Plain values in, a verdict out. A value outside the normal range is abnormal: it needs a note and a photo and raises
work. A meter (电表, 水表) only rises: a reading below the last one, or one that jumps more than the item allows, is
questioned (the engineer confirms it or corrects a slip of the finger) but is not abnormal equipment.
"""
from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass

from webapp.domain.errors import DomainError

KINDS = ("number", "choice", "text")
CHOICES = ("running", "stopped", "fault")  # 运行 / 停止 / 故障
ABNORMAL_CHOICES = frozenset({"fault"})
MAX_TEXT = 500
LIMIT = 1e12  # no meter or gauge shows more; beyond it the value is a typing accident


@dataclass(frozen=True)
class ReadingRule:
    """What a reading item expects: its kind, and for a number its normal range, whether it is a meter, its jump."""

    kind: str = "number"
    low: float | None = None
    high: float | None = None
    meter: bool = False  # a cumulative counter that never goes down (kWh, m³)
    max_jump: float | None = None  # the most a meter may rise since its last reading before it is questioned


@dataclass(frozen=True)
class Verdict:
    """What a reading means: out of the normal range (abnormal), below the last meter reading, or a jump."""

    out_of_range: bool = False
    below_last: bool = False
    jump: bool = False

    @property
    def abnormal(self) -> bool:
        """The equipment is not as it should be: a note and a photo are needed, and work is raised."""
        return self.out_of_range

    @property
    def questioned(self) -> bool:
        """The number looks mistyped: the engineer must confirm it before it is kept."""
        return self.below_last or self.jump


def check_rule(rule: ReadingRule) -> ReadingRule:
    """The rule itself, if it makes sense: a known kind, low ≤ high, finite bounds, a positive jump, meters numeric."""
    if rule.kind not in KINDS:
        raise DomainError("bad_reading_kind", value=rule.kind)
    for bound in (rule.low, rule.high, rule.max_jump):
        if bound is not None and not (math.isfinite(bound) and abs(bound) <= LIMIT):
            raise DomainError("bad_bound")
    if rule.kind != "number" and (rule.low is not None or rule.high is not None or rule.meter or rule.max_jump):
        raise DomainError("range_on_non_number")
    if rule.low is not None and rule.high is not None and rule.low > rule.high:
        raise DomainError("low_above_high")
    if rule.max_jump is not None and (rule.max_jump <= 0 or not rule.meter):
        raise DomainError("bad_jump")
    return rule


def parse_number(text: str) -> float:
    """A number typed on a keypad (full-width digits and a comma as decimal point understood); DomainError otherwise."""
    cleaned = unicodedata.normalize("NFKC", text or "").strip().replace(" ", "").replace(",", ".")
    try:
        value = float(cleaned)
    except ValueError:
        raise DomainError("not_a_number", value=(text or "")[:40]) from None
    if not math.isfinite(value) or abs(value) > LIMIT:
        raise DomainError("not_a_number", value=(text or "")[:40])
    return value


def judge_number(rule: ReadingRule, value: float, last: float | None = None) -> Verdict:
    """The verdict on a number: against the normal range, and for a meter against its last reading."""
    out = (rule.low is not None and value < rule.low) or (rule.high is not None and value > rule.high)
    below = jump = False
    if rule.meter and last is not None:
        below = value < last
        jump = rule.max_jump is not None and value - last > rule.max_jump
    return Verdict(out_of_range=bool(out), below_last=below, jump=jump)


def judge_choice(value: str) -> Verdict:
    """The verdict on a running state: a fault (故障) is abnormal; anything but the known states is refused."""
    if value not in CHOICES:
        raise DomainError("bad_choice", value=value[:40])
    return Verdict(out_of_range=value in ABNORMAL_CHOICES)


def judge(rule: ReadingRule, raw: str, last: float | None = None) -> tuple[float | None, str, Verdict]:
    """Read `raw` as the rule's kind: (number or None, text kept, verdict); DomainError for what cannot be read."""
    if rule.kind == "number":
        value = parse_number(raw)
        return value, _plain(value), judge_number(rule, value, last)
    if rule.kind == "choice":
        return None, raw, judge_choice(raw)
    text = (raw or "").strip()
    if not text:
        raise DomainError("required")
    if len(text) > MAX_TEXT:
        raise DomainError("too_long", max=MAX_TEXT)
    return None, text, Verdict()


def evidence_missing(verdict: Verdict, note: str, photos: int, confirmed: bool) -> list[str]:
    """What an abnormal or questioned reading still lacks: a note, a photo, the engineer's confirmation."""
    missing = []
    if verdict.abnormal and not (note or "").strip():
        missing.append("note")
    if verdict.abnormal and photos < 1:
        missing.append("photo")
    if verdict.questioned and not confirmed:
        missing.append("confirm")
    return missing


def band_text(rule: ReadingRule) -> str:
    """The normal range as people write it: "0.3–0.6", "≤ 85", "≥ 10", or "" when there is none."""
    if rule.low is not None and rule.high is not None:
        return f"{_plain(rule.low)}–{_plain(rule.high)}"
    if rule.high is not None:
        return f"≤ {_plain(rule.high)}"
    if rule.low is not None:
        return f"≥ {_plain(rule.low)}"
    return ""


def _plain(number: float) -> str:
    return str(int(number)) if float(number).is_integer() and abs(number) < 1e15 else repr(float(number))
