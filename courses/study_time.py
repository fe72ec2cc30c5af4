"""How a heartbeat turns into credited study time. Pure: no Django, plain data in and out.

The lesson page sends a beat every HEARTBEAT_INTERVAL seconds while it is visible and the
cadre is active (or a video plays). Everything a browser says is a claim; the server only
trusts its own clock:

- a beat credits the wall time since the last accepted beat, never more than
  MAX_CREDIT_PER_BEAT, and nothing at all after a gap longer than IDLE_GAP (the page was
  hidden, the phone slept, or a script stopped and restarted);
- beats closer together than MIN_BEAT_SPACING are ignored, so flooding gains nothing;
- while one tab is studying, beats from a second tab are refused until the first goes quiet;
- a video's furthest watched point moves forward no faster than the wall clock, so seeking
  ahead credits nothing past what was really watched.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum

HEARTBEAT_INTERVAL = 15
MIN_BEAT_SPACING = 5
MAX_CREDIT_PER_BEAT = 20
IDLE_GAP = 45
# A few seconds of slack for network jitter between the player's clock and ours.
VIDEO_SLACK_SECONDS = 3
VIDEO_COMPLETE_SHARE = 0.95


class BeatOutcome(Enum):
    CREDITED = "credited"
    STARTED = "started"  # first beat of a session: the clock starts, nothing credited yet
    TOO_SOON = "too_soon"
    OTHER_TAB = "other_tab"


@dataclass(frozen=True)
class StudyState:
    credited_seconds: int
    furthest_position: float
    last_beat_at: datetime | None
    tab: str


@dataclass(frozen=True)
class BeatResult:
    outcome: BeatOutcome
    state: StudyState
    credited_now: int

    @property
    def accepted(self) -> bool:
        return self.outcome in (BeatOutcome.CREDITED, BeatOutcome.STARTED)


def apply_beat(state: StudyState, *, now: datetime, tab: str, position: float | None) -> BeatResult:
    """Return the new state after one heartbeat from `tab` at server time `now`."""
    elapsed = None if state.last_beat_at is None else (now - state.last_beat_at).total_seconds()
    session_live = elapsed is not None and 0 <= elapsed <= IDLE_GAP

    if session_live and tab != state.tab:
        return BeatResult(BeatOutcome.OTHER_TAB, state, 0)
    if session_live and elapsed < MIN_BEAT_SPACING:
        return BeatResult(BeatOutcome.TOO_SOON, state, 0)

    credit = int(min(elapsed, MAX_CREDIT_PER_BEAT)) if session_live else 0
    furthest = state.furthest_position
    if position is not None and position > furthest:
        reachable = furthest + credit + VIDEO_SLACK_SECONDS
        furthest = min(position, reachable) if session_live else furthest
    new_state = StudyState(
        credited_seconds=state.credited_seconds + credit,
        furthest_position=furthest,
        last_beat_at=now,
        tab=tab,
    )
    outcome = BeatOutcome.CREDITED if session_live else BeatOutcome.STARTED
    return BeatResult(outcome, new_state, credit)


def lesson_is_complete(*, credited_seconds: int, furthest_position: float, minutes: int, video_seconds: int) -> bool:
    """A video lesson is done when 95% of it was watched; any other when its minutes were studied."""
    if video_seconds:
        return furthest_position >= VIDEO_COMPLETE_SHARE * video_seconds
    return credited_seconds >= minutes * 60
