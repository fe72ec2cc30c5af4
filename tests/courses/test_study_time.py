from datetime import UTC, datetime, timedelta

from courses.study_time import (
    IDLE_GAP,
    MAX_CREDIT_PER_BEAT,
    VIDEO_SLACK_SECONDS,
    BeatOutcome,
    StudyState,
    apply_beat,
    lesson_is_complete,
)

T0 = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)
FRESH = StudyState(credited_seconds=0, furthest_position=0.0, last_beat_at=None, tab="")


def after(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def studying(seconds_ago: float = 15, tab: str = "a", credited: int = 100, furthest: float = 100.0) -> StudyState:
    return StudyState(credited_seconds=credited, furthest_position=furthest, last_beat_at=T0, tab=tab)


class FirstBeatTests:
    def test_first_beat_starts_the_clock_and_credits_nothing(self):
        result = apply_beat(FRESH, now=T0, tab="a", position=None)
        assert result.outcome is BeatOutcome.STARTED
        assert result.state.credited_seconds == 0
        assert result.state.last_beat_at == T0
        assert result.state.tab == "a"


class CreditTests:
    def test_regular_beat_credits_the_elapsed_wall_time(self):
        result = apply_beat(studying(), now=after(15), tab="a", position=None)
        assert result.outcome is BeatOutcome.CREDITED
        assert result.credited_now == 15
        assert result.state.credited_seconds == 115

    def test_credit_per_beat_is_capped(self):
        result = apply_beat(studying(), now=after(IDLE_GAP), tab="a", position=None)
        assert result.credited_now == MAX_CREDIT_PER_BEAT

    def test_a_gap_longer_than_the_idle_limit_credits_nothing_and_restarts_the_clock(self):
        result = apply_beat(studying(), now=after(IDLE_GAP + 1), tab="a", position=None)
        assert result.outcome is BeatOutcome.STARTED
        assert result.state.credited_seconds == 100
        assert result.state.last_beat_at == after(IDLE_GAP + 1)

    def test_beats_too_close_together_are_ignored(self):
        state = studying()
        result = apply_beat(state, now=after(2), tab="a", position=None)
        assert result.outcome is BeatOutcome.TOO_SOON
        assert result.state == state

    def test_a_flood_of_beats_never_credits_more_than_the_wall_time(self):
        state = apply_beat(FRESH, now=T0, tab="a", position=None).state
        for second in range(1, 601):
            state = apply_beat(state, now=after(second), tab="a", position=None).state
        assert state.credited_seconds <= 600

    def test_a_clock_going_backwards_credits_nothing(self):
        result = apply_beat(studying(), now=after(-30), tab="a", position=None)
        assert result.state.credited_seconds == 100


class SecondTabTests:
    def test_a_second_tab_is_refused_while_the_first_is_active(self):
        state = studying(tab="a")
        result = apply_beat(state, now=after(15), tab="b", position=None)
        assert result.outcome is BeatOutcome.OTHER_TAB
        assert result.state == state
        assert not result.accepted

    def test_a_second_tab_takes_over_once_the_first_went_quiet_without_credit_for_the_gap(self):
        result = apply_beat(studying(tab="a"), now=after(IDLE_GAP + 5), tab="b", position=None)
        assert result.outcome is BeatOutcome.STARTED
        assert result.state.tab == "b"
        assert result.state.credited_seconds == 100


class VideoTests:
    def test_watching_moves_the_furthest_point_forward(self):
        result = apply_beat(studying(furthest=100), now=after(15), tab="a", position=114)
        assert result.state.furthest_position == 114

    def test_seeking_ahead_credits_no_more_than_the_wall_time_since_the_last_beat(self):
        result = apply_beat(studying(furthest=100), now=after(15), tab="a", position=900)
        assert result.state.furthest_position == 100 + 15 + VIDEO_SLACK_SECONDS

    def test_seeking_back_keeps_the_furthest_point(self):
        result = apply_beat(studying(furthest=300), now=after(15), tab="a", position=20)
        assert result.state.furthest_position == 300

    def test_a_position_on_the_first_beat_of_a_session_is_not_credited(self):
        result = apply_beat(FRESH, now=T0, tab="a", position=500)
        assert result.state.furthest_position == 0


class LessonCompleteTests:
    def test_text_lesson_completes_when_its_minutes_are_credited(self):
        assert lesson_is_complete(credited_seconds=600, furthest_position=0, minutes=10, video_seconds=0)
        assert not lesson_is_complete(credited_seconds=599, furthest_position=0, minutes=10, video_seconds=0)

    def test_video_lesson_completes_at_ninety_five_percent_watched(self):
        assert lesson_is_complete(credited_seconds=0, furthest_position=95, minutes=10, video_seconds=100)
        assert not lesson_is_complete(credited_seconds=9999, furthest_position=94, minutes=10, video_seconds=100)
