"""The batch generator's pure logic: batches around public holidays, and defaults from a programme."""

from datetime import date, timedelta

from rotations.batch_plan import (
    Calendar,
    NoFit,
    Slot,
    batch_slots,
    batches_for_floors,
    first_clear_start,
    suggest,
)

NEW_YEAR_2027 = Calendar(holidays=frozenset({date(2027, 1, 1)}))
SPRING_2026 = Calendar(
    holidays=frozenset(date(2026, 2, 15) + timedelta(days=n) for n in range(9)),
    workdays=frozenset({date(2026, 2, 14), date(2026, 2, 28)}),
)


class BatchSlotsTests:
    def test_batches_keep_their_planned_starts_when_no_holiday_is_in_the_way(self):
        slots = batch_slots(
            count=3,
            days=5,
            every_days=7,
            first_starts_on=date(2026, 3, 2),
            last_day=date(2026, 6, 30),
            calendar=Calendar(),
        )
        assert slots == [
            Slot(date(2026, 3, 2), date(2026, 3, 6)),
            Slot(date(2026, 3, 9), date(2026, 3, 13)),
            Slot(date(2026, 3, 16), date(2026, 3, 20)),
        ]

    def test_a_batch_that_would_cover_new_year_s_day_starts_after_it(self):
        slots = batch_slots(
            count=1,
            days=5,
            every_days=7,
            first_starts_on=date(2026, 12, 29),
            last_day=date(2027, 1, 31),
            calendar=NEW_YEAR_2027,
        )
        assert slots == [Slot(date(2027, 1, 2), date(2027, 1, 6))]

    def test_a_moved_batch_pushes_the_next_one_so_they_never_overlap(self):
        slots = batch_slots(
            count=2,
            days=5,
            every_days=5,
            first_starts_on=date(2026, 12, 28),
            last_day=date(2027, 1, 31),
            calendar=NEW_YEAR_2027,
        )
        assert slots == [Slot(date(2027, 1, 2), date(2027, 1, 6)), Slot(date(2027, 1, 7), date(2027, 1, 11))]

    def test_the_spring_festival_holiday_is_skipped_and_its_make_up_saturday_is_a_working_day(self):
        calendar = Calendar(holidays=SPRING_2026.holidays, workdays=SPRING_2026.workdays, skip_weekends=True)
        assert calendar.is_off(date(2026, 2, 14)) is False  # Saturday, 调休上班
        assert calendar.is_off(date(2026, 2, 21)) is True  # Saturday inside the holiday
        assert calendar.is_off(date(2026, 3, 7)) is True  # an ordinary Saturday
        # Tue 10 – Sat 14 Feb: the Saturday is a make-up working day, so the batch fits before the holiday.
        assert first_clear_start(earliest=date(2026, 2, 10), days=5, last_day=date(2026, 3, 31), calendar=calendar) == (
            date(2026, 2, 10)
        )
        # From the 11th, five working days first clear again on Tue 24 – Sat 28 Feb (another make-up Saturday).
        assert first_clear_start(earliest=date(2026, 2, 11), days=5, last_day=date(2026, 3, 31), calendar=calendar) == (
            date(2026, 2, 24)
        )

    def test_batches_that_do_not_fit_before_the_last_day_are_left_out(self):
        slots = batch_slots(
            count=3,
            days=5,
            every_days=7,
            first_starts_on=date(2026, 12, 14),
            last_day=date(2026, 12, 31),
            calendar=Calendar(),
        )
        assert [s.starts_on for s in slots] == [date(2026, 12, 14), date(2026, 12, 21)]


class SuggestTests:
    def test_accepting_the_defaults_seats_everyone_inside_the_programme(self):
        s = suggest(starts_on=date(2026, 3, 1), ends_on=date(2026, 4, 30), population=300, calendar=Calendar())
        assert s.problem is None
        assert (s.count, s.days, s.capacity) == (5, 5, 60)
        assert s.seats >= 300
        assert s.slots[0].starts_on >= date(2026, 3, 1) and s.slots[-1].ends_on <= date(2026, 4, 30)
        assert len(s.slots) == s.count

    def test_the_batches_are_spread_over_the_programme(self):
        s = suggest(starts_on=date(2026, 3, 1), ends_on=date(2026, 4, 30), population=300, calendar=Calendar())
        assert s.every_days == (61 - 5) // 4
        assert s.slots[-1].ends_on >= date(2026, 4, 20)

    def test_a_short_programme_gets_fewer_bigger_batches(self):
        s = suggest(starts_on=date(2026, 3, 2), ends_on=date(2026, 3, 15), population=300, calendar=Calendar())
        assert (s.count, s.days, s.capacity) == (2, 5, 150)
        assert s.slots == [Slot(date(2026, 3, 2), date(2026, 3, 6)), Slot(date(2026, 3, 11), date(2026, 3, 15))]

    def test_a_programme_of_one_week_gets_one_batch_with_room_for_everyone(self):
        s = suggest(starts_on=date(2026, 3, 2), ends_on=date(2026, 3, 8), population=300, calendar=Calendar())
        assert (s.count, s.capacity, s.slots) == (1, 300, [Slot(date(2026, 3, 2), date(2026, 3, 6))])

    def test_a_small_population_gets_one_batch_with_a_seat_each(self):
        s = suggest(starts_on=date(2026, 3, 2), ends_on=date(2026, 6, 30), population=12, calendar=Calendar())
        assert (s.count, s.capacity, s.seats) == (1, 12, 12)

    def test_holidays_in_the_programme_never_fall_inside_a_suggested_batch(self):
        calendar = Calendar(holidays=frozenset(date(2026, 10, 1) + timedelta(days=n) for n in range(7)))
        s = suggest(starts_on=date(2026, 9, 28), ends_on=date(2026, 10, 31), population=200, calendar=calendar)
        assert s.problem is None and s.seats >= 200
        for slot in s.slots:
            assert calendar.off_days(slot.starts_on, slot.ends_on) == []

    def test_a_programme_shorter_than_the_holiday_says_so(self):
        calendar = Calendar(holidays=frozenset(date(2026, 10, 1) + timedelta(days=n) for n in range(7)))
        s = suggest(starts_on=date(2026, 10, 1), ends_on=date(2026, 10, 7), population=50, calendar=calendar)
        assert s.problem is NoFit.TOO_SHORT and s.count == 0

    def test_a_programme_of_three_days_gets_three_day_batches(self):
        s = suggest(starts_on=date(2026, 3, 2), ends_on=date(2026, 3, 4), population=30, calendar=Calendar())
        assert (s.count, s.days, s.slots) == (1, 3, [Slot(date(2026, 3, 2), date(2026, 3, 4))])

    def test_nobody_to_seat_is_a_problem_not_a_plan(self):
        s = suggest(starts_on=date(2026, 3, 2), ends_on=date(2026, 6, 30), population=0, calendar=Calendar())
        assert s.problem is NoFit.NO_ONE and s.count == 0


class FloorTests:
    def test_a_unit_that_may_spare_three_of_its_five_needs_two_batches(self):
        assert batches_for_floors([(5, 3), (3, 2)]) == 2

    def test_a_unit_that_can_spare_nobody_can_never_be_seated(self):
        assert batches_for_floors([(5, 3), (2, 0)]) == 0

    def test_the_suggestion_has_enough_batches_for_every_unit_to_keep_its_floor(self):
        s = suggest(
            starts_on=date(2026, 3, 2), ends_on=date(2026, 4, 30), population=8, calendar=Calendar(), min_batches=2
        )
        assert s.problem is None and s.count == 2 and s.seats >= 8

    def test_when_too_few_batches_fit_for_the_floors_the_suggestion_says_so(self):
        s = suggest(
            starts_on=date(2026, 3, 2), ends_on=date(2026, 3, 11), population=8, calendar=Calendar(), min_batches=3
        )
        assert (s.problem, s.count, s.min_batches) == (NoFit.FLOOR, 2, 3)
