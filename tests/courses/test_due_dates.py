"""The grace rule for cadres added after a required course was assigned (courses/due_dates.py)."""

from datetime import date

from courses.due_dates import cadre_due_date


class CadreDueDateTests:
    def test_a_cadre_on_the_roster_before_the_assignment_keeps_its_date(self):
        due = cadre_due_date(
            due=date(2026, 6, 30), requirement_created=date(2026, 3, 1), joined=date(2025, 1, 1), grace_days=30
        )
        assert due == date(2026, 6, 30)

    def test_a_cadre_who_joined_the_same_day_keeps_its_date(self):
        due = cadre_due_date(
            due=date(2026, 6, 30), requirement_created=date(2026, 3, 1), joined=date(2026, 3, 1), grace_days=30
        )
        assert due == date(2026, 6, 30)

    def test_a_cadre_added_after_the_due_date_gets_the_grace_period(self):
        due = cadre_due_date(
            due=date(2026, 6, 30), requirement_created=date(2026, 3, 1), joined=date(2026, 11, 20), grace_days=30
        )
        assert due == date(2026, 12, 20)

    def test_the_later_of_the_two_dates_wins(self):
        due = cadre_due_date(
            due=date(2026, 6, 30), requirement_created=date(2026, 3, 1), joined=date(2026, 4, 1), grace_days=30
        )
        assert due == date(2026, 6, 30)

    def test_a_personal_requirement_keeps_its_own_date(self):
        due = cadre_due_date(
            due=date(2026, 6, 30),
            requirement_created=date(2026, 3, 1),
            joined=date(2026, 11, 20),
            grace_days=30,
            personal=True,
        )
        assert due == date(2026, 6, 30)

    def test_an_unknown_join_date_keeps_the_requirements_date(self):
        due = cadre_due_date(due=date(2026, 6, 30), requirement_created=date(2026, 3, 1), joined=None)
        assert due == date(2026, 6, 30)
