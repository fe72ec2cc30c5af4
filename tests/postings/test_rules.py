"""The pure posting rules: terms, team size, leave approval, presence across boundaries, flags, exports."""

from datetime import date

import pytest

from postings import rules
from postings.rules import ApprovalLevel, FlagLevel, PresenceStatus


class TermTests:
    @pytest.mark.parametrize(
        ("start", "months", "expected"),
        [
            (date(2024, 3, 15), 24, date(2026, 3, 15)),
            (date(2024, 2, 29), 12, date(2025, 2, 28)),
            (date(2025, 1, 31), 1, date(2025, 2, 28)),
            (date(2025, 11, 30), 3, date(2026, 2, 28)),
            (date(2025, 12, 1), 1, date(2026, 1, 1)),
            (date(2025, 5, 10), 0, date(2025, 5, 10)),
        ],
    )
    def test_add_months_clamps_to_the_end_of_shorter_months(self, start, months, expected):
        assert rules.add_months(start, months) == expected

    def test_default_planned_end_is_two_years(self):
        assert rules.planned_end(date(2025, 7, 1), rules.DEFAULT_TERM_MONTHS) == date(2027, 7, 1)

    @pytest.mark.parametrize(
        ("end", "long_enough"),
        [(date(2027, 6, 30), False), (date(2027, 7, 1), True), (date(2028, 1, 1), True)],
    )
    def test_a_term_must_reach_the_minimum(self, end, long_enough):
        assert rules.term_is_long_enough(date(2025, 7, 1), end, 24) is long_enough

    @pytest.mark.parametrize(
        ("successor_starts", "predecessor_ends", "days", "valid"),
        [
            (date(2026, 6, 1), date(2026, 6, 14), 14, True),
            (date(2026, 6, 15), date(2026, 6, 14), 0, True),  # arrives the day after: no gap, no overlap
            (date(2026, 6, 16), date(2026, 6, 14), 0, False),  # a day with nobody handing over
            (date(2026, 1, 1), date(2026, 3, 31), 90, True),
            (date(2025, 12, 31), date(2026, 3, 31), 91, False),
        ],
    )
    def test_handover_overlap_is_bounded(self, successor_starts, predecessor_ends, days, valid):
        assert rules.handover_days(successor_starts_on=successor_starts, predecessor_ends_on=predecessor_ends) == days
        assert rules.handover_is_valid(successor_starts_on=successor_starts, predecessor_ends_on=predecessor_ends) is (
            valid
        )


class TeamSizeTests:
    @pytest.mark.parametrize(("members", "minimum", "shortfall"), [(0, 3, 3), (2, 3, 1), (3, 3, 0), (5, 3, 0)])
    def test_shortfall(self, members, minimum, shortfall):
        assert rules.team_shortfall(members, minimum) == shortfall


class LeaveTests:
    def test_both_ends_count(self):
        assert rules.leave_days(date(2025, 12, 30), date(2026, 1, 2)) == 4
        assert rules.leave_days(date(2025, 3, 1), date(2025, 3, 1)) == 1

    @pytest.mark.parametrize(
        ("days", "threshold", "level"),
        [
            (1, 3, ApprovalLevel.TOWNSHIP),
            (3, 3, ApprovalLevel.TOWNSHIP),
            (4, 3, ApprovalLevel.COUNTY),
            (5, 5, ApprovalLevel.TOWNSHIP),
            (6, 5, ApprovalLevel.COUNTY),
            (1, 0, ApprovalLevel.COUNTY),
        ],
    )
    def test_the_threshold_decides_who_approves(self, days, threshold, level):
        assert rules.leave_approval_level(days, threshold) == level

    @pytest.mark.parametrize(
        ("required", "approver_level", "allowed"),
        [
            (ApprovalLevel.TOWNSHIP, "township", True),
            (ApprovalLevel.TOWNSHIP, "county", True),
            (ApprovalLevel.TOWNSHIP, "province", True),
            (ApprovalLevel.TOWNSHIP, "village_team", False),
            (ApprovalLevel.COUNTY, "township", False),
            (ApprovalLevel.COUNTY, "county", True),
            (ApprovalLevel.COUNTY, "city", True),
            (ApprovalLevel.COUNTY, None, False),
            ("county", "province", True),
        ],
    )
    def test_who_may_decide(self, required, approver_level, allowed):
        assert rules.may_decide_leave(required, approver_unit_level=approver_level, is_admin=False) is allowed

    def test_administrators_decide_anything(self):
        assert rules.may_decide_leave(ApprovalLevel.COUNTY, approver_unit_level=None, is_admin=True)

    @pytest.mark.parametrize(
        ("a", "b", "overlap"),
        [
            ((date(2025, 1, 1), date(2025, 1, 3)), (date(2025, 1, 3), date(2025, 1, 5)), True),
            ((date(2025, 1, 1), date(2025, 1, 3)), (date(2025, 1, 4), date(2025, 1, 5)), False),
            ((date(2025, 1, 5), date(2025, 1, 9)), (date(2025, 1, 6), date(2025, 1, 7)), True),
        ],
    )
    def test_overlaps(self, a, b, overlap):
        assert rules.overlaps(*a, *b) is overlap
        assert rules.overlaps(*b, *a) is overlap


class PeriodTests:
    def test_month_bounds_in_february_of_a_leap_year(self):
        assert rules.month_bounds(date(2024, 2, 10)) == (date(2024, 2, 1), date(2024, 2, 29))

    def test_month_bounds_in_december(self):
        assert rules.month_bounds(date(2025, 12, 31)) == (date(2025, 12, 1), date(2025, 12, 31))

    def test_year_bounds(self):
        assert rules.year_bounds(date(2026, 1, 1)) == (date(2026, 1, 1), date(2026, 12, 31))

    def test_days_in_period_counts_only_days_inside(self):
        days = [date(2025, 12, 30), date(2025, 12, 31), date(2026, 1, 1), date(2026, 1, 2)]
        assert rules.days_in_period(days, rules.month_bounds(date(2025, 12, 1))) == 2
        assert rules.days_in_period(days, rules.month_bounds(date(2026, 1, 1))) == 2
        assert rules.days_in_period(days, rules.year_bounds(date(2025, 6, 1))) == 2
        assert rules.days_in_period(days, rules.year_bounds(date(2026, 6, 1))) == 2

    def test_clip(self):
        assert rules.clip(date(2025, 1, 10), date(2025, 3, 1), date(2025, 2, 1), date(2025, 2, 28)) == (
            date(2025, 2, 1),
            date(2025, 2, 28),
        )
        assert rules.clip(date(2025, 3, 10), date(2025, 4, 1), date(2025, 2, 1), date(2025, 2, 28)) is None


JANUARY = rules.month_bounds(date(2026, 1, 1))


def _assess(present, *, today, rule_days=20, period=JANUARY, posted_from=date(2024, 1, 1), posted_until=None, leave=()):
    return rules.assess_presence(
        present=present,
        rule_days=rule_days,
        period=period,
        posted_from=posted_from,
        posted_until=posted_until,
        today=today,
        leave=frozenset(leave),
    )


class PresenceTests:
    def test_rule_met(self):
        result = _assess(20, today=date(2026, 1, 25))
        assert (result.status, result.required, result.shortfall, result.percent) == (PresenceStatus.MET, 20, 0, 100)

    def test_on_track_at_mid_month(self):
        # 15 of 31 days elapsed: pace is floor(20 × 15 / 31) = 9
        assert _assess(9, today=date(2026, 1, 16)).status == PresenceStatus.ON_TRACK

    def test_behind_pace_but_still_reachable(self):
        result = _assess(5, today=date(2026, 1, 16))
        assert result.status == PresenceStatus.BEHIND
        assert (result.shortfall, result.remaining_days) == (15, 16)

    def test_cannot_meet_when_the_remaining_days_are_too_few(self):
        result = _assess(3, today=date(2026, 1, 16))
        assert result.status == PresenceStatus.CANNOT_MEET

    def test_today_still_counts_as_available(self):
        assert _assess(19, today=date(2026, 1, 31)).status == PresenceStatus.ON_TRACK
        assert _assess(18, today=date(2026, 1, 31)).status == PresenceStatus.CANNOT_MEET

    def test_first_day_of_the_month_is_on_track_with_nothing(self):
        assert _assess(0, today=date(2026, 1, 1)).status == PresenceStatus.ON_TRACK

    def test_a_posting_from_mid_month_owes_a_pro_rated_share(self):
        # Posted on 17 January: 15 of 31 days → ceil(20 × 15 / 31) = 10
        result = _assess(0, today=date(2026, 1, 17), posted_from=date(2026, 1, 17))
        assert result.required == 10
        assert result.status == PresenceStatus.ON_TRACK

    def test_a_posting_ending_mid_month_owes_a_pro_rated_share(self):
        result = _assess(8, today=date(2026, 1, 31), posted_until=date(2026, 1, 10))
        assert (result.required, result.status) == (7, PresenceStatus.MET)

    def test_the_required_days_never_exceed_the_days_posted(self):
        result = _assess(0, today=date(2026, 1, 30), rule_days=31, posted_from=date(2026, 1, 30))
        assert result.required == 2

    def test_not_posted_during_the_period(self):
        result = _assess(0, today=date(2026, 1, 15), posted_from=date(2026, 2, 1))
        assert (result.status, result.required) == (PresenceStatus.NOT_DUE, 0)

    def test_a_future_period_is_all_remaining(self):
        result = _assess(0, today=date(2025, 12, 20))
        assert (result.remaining_days, result.status) == (31, PresenceStatus.ON_TRACK)

    def test_a_past_period_that_fell_short_cannot_be_met(self):
        assert _assess(19, today=date(2026, 2, 3)).status == PresenceStatus.CANNOT_MEET

    def test_yearly_rule_across_the_new_year(self):
        year_2025 = rules.year_bounds(date(2025, 1, 1))
        result = _assess(120, today=date(2026, 1, 2), rule_days=200, period=year_2025, posted_from=date(2025, 7, 1))
        # 184 of 365 days posted: ceil(200 × 184 / 365) = 101
        assert (result.required, result.status) == (101, PresenceStatus.MET)

    def test_yearly_pace_in_a_leap_year(self):
        year_2024 = rules.year_bounds(date(2024, 1, 1))
        result = _assess(40, today=date(2024, 3, 31), rule_days=200, period=year_2024)
        # 90 of 366 days elapsed: pace floor(200 × 90 / 366) = 49
        assert result.status == PresenceStatus.BEHIND


def _days(first: date, last: date) -> frozenset[date]:
    return rules.leave_days_off([(first, last)])


class PresenceWithLeaveTests:
    """Approved leave is neither present nor owed: the rule is pro-rated over the days not on leave."""

    def test_leave_days_are_taken_out_of_the_days_required(self):
        # 31 days less 5 on leave: ceil(20 × 26 / 31) = 17
        result = _assess(17, today=date(2026, 1, 31), leave=_days(date(2026, 1, 10), date(2026, 1, 14)))
        assert (result.required, result.on_leave, result.status) == (17, 5, PresenceStatus.MET)

    def test_leave_is_not_counted_as_present(self):
        result = _assess(15, today=date(2026, 1, 31), leave=_days(date(2026, 1, 10), date(2026, 1, 14)))
        assert (result.present, result.shortfall) == (15, 2)

    def test_leave_still_ahead_shortens_the_remaining_days(self):
        leave = _days(date(2026, 1, 20), date(2026, 1, 29))
        result = _assess(5, today=date(2026, 1, 16), leave=leave)
        # 16 days from today on, 10 of them on leave; 21 days available owe ceil(20 × 21 / 31) = 14
        assert (result.remaining_days, result.required) == (6, 14)
        assert result.status == PresenceStatus.CANNOT_MEET

    def test_pace_counts_only_days_not_on_leave(self):
        # 1–10 January on leave, today the 16th: 5 of the 21 available days elapsed, pace floor(14 × 5 / 21) = 3
        leave = _days(date(2026, 1, 1), date(2026, 1, 10))
        assert _assess(3, today=date(2026, 1, 16), leave=leave).status == PresenceStatus.ON_TRACK
        assert _assess(2, today=date(2026, 1, 16), leave=leave).status == PresenceStatus.BEHIND

    def test_a_month_all_on_leave_owes_nothing(self):
        result = _assess(0, today=date(2026, 1, 31), leave=_days(date(2026, 1, 1), date(2026, 1, 31)))
        assert (result.required, result.remaining_days, result.status) == (0, 0, PresenceStatus.MET)

    def test_leave_across_the_month_boundary_splits_between_months(self):
        leave = _days(date(2025, 12, 29), date(2026, 1, 3))
        december = _assess(0, today=date(2026, 1, 5), period=rules.month_bounds(date(2025, 12, 1)), leave=leave)
        january = _assess(0, today=date(2026, 1, 5), leave=leave)
        assert (december.on_leave, january.on_leave) == (3, 3)
        # 28 of 31 days: ceil(20 × 28 / 31) = 19 in either month
        assert (december.required, january.required) == (19, 19)

    def test_leave_across_the_new_year_splits_between_years(self):
        leave = _days(date(2025, 12, 29), date(2026, 1, 3))
        year_2025 = _assess(
            0, today=date(2026, 1, 5), rule_days=200, period=rules.year_bounds(date(2025, 1, 1)), leave=leave
        )
        year_2026 = _assess(
            0, today=date(2026, 1, 5), rule_days=200, period=rules.year_bounds(date(2026, 1, 1)), leave=leave
        )
        assert (year_2025.on_leave, year_2026.on_leave) == (3, 3)
        # 362 of 365 days: ceil(200 × 362 / 365) = 199
        assert (year_2025.required, year_2026.required) == (199, 199)

    def test_leave_outside_the_posting_changes_nothing(self):
        leave = _days(date(2026, 1, 1), date(2026, 1, 9))
        with_leave = _assess(0, today=date(2026, 1, 17), posted_from=date(2026, 1, 17), leave=leave)
        assert (with_leave.required, with_leave.on_leave) == (10, 0)

    def test_a_check_in_on_a_day_of_leave_counts_as_present_not_as_leave(self):
        days = rules.leave_days_off([(date(2026, 1, 10), date(2026, 1, 14))], {date(2026, 1, 14), date(2026, 1, 20)})
        assert days == _days(date(2026, 1, 10), date(2026, 1, 13))


class InductionDueTests:
    def test_each_cadre_is_due_a_set_number_of_days_after_their_own_start(self):
        assert rules.induction_due(date(2026, 1, 1), 30) == date(2026, 1, 31)
        assert rules.induction_due(date(2025, 12, 15), 30) == date(2026, 1, 14)


class FlagTests:
    @pytest.mark.parametrize(
        ("absences", "level"),
        [
            (0, None),
            (1, FlagLevel.NOT_EXCELLENT),
            (2, FlagLevel.BASICALLY_COMPETENT),
            (3, FlagLevel.INCOMPETENT),
            (7, FlagLevel.INCOMPETENT),
        ],
    )
    def test_default_thresholds(self, absences, level):
        assert rules.flag_for_absences(absences, rules.DEFAULT_FLAG_THRESHOLDS) == level

    @pytest.mark.parametrize(
        ("absences", "level"),
        [(1, None), (2, FlagLevel.NOT_EXCELLENT), (3, FlagLevel.NOT_EXCELLENT), (4, FlagLevel.INCOMPETENT)],
    )
    def test_configured_thresholds_may_share_a_count(self, absences, level):
        assert rules.flag_for_absences(absences, (2, 4, 4)) == level

    def test_ranks_order_the_consequences(self):
        assert FlagLevel.NOT_EXCELLENT.rank < FlagLevel.BASICALLY_COMPETENT.rank < FlagLevel.INCOMPETENT.rank

    @pytest.mark.parametrize(
        ("thresholds", "valid"), [((1, 2, 3), True), ((2, 2, 2), True), ((0, 1, 2), False), ((3, 2, 4), False)]
    )
    def test_threshold_validity(self, thresholds, valid):
        assert rules.thresholds_are_valid(thresholds) is valid


class SpreadsheetSafeTests:
    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            ("=1+1", "'=1+1"),
            ("+86 139", "'+86 139"),
            ("-2", "'-2"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("张三", "张三"),
            ("", ""),
            (-2, -2),
            (None, None),
        ],
    )
    def test_formulas_are_neutralised(self, value, expected):
        assert rules.spreadsheet_safe(value) == expected
