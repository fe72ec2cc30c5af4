"""The report numbers on the small tree of conftest.py equal the ones worked out by hand."""

from decimal import Decimal

from reports import selectors
from reports.summaries import summaries_rebuild
from tests.reports.conftest import TODAY, YEAR


def county_board(tree, **filters):
    return selectors.dashboard(selectors.Filters(year=YEAR, unit=tree.county, **filters), today=TODAY)


class DashboardTests:
    def test_children_of_the_county_are_its_townships(self, tree):
        board = county_board(tree)
        assert [row.label for row in board.rows] == ["城关镇", "南镇"]

    def test_township_numbers(self, tree):
        row = county_board(tree).rows[0]
        assert (row.cadres, row.required, row.completed, row.on_time, row.overdue) == (3, 5, 3, 2, 1)
        assert (row.completion_rate, row.on_time_rate) == (60.0, 40.0)
        # hours: a1 2 + 3 + 1 (rotation), a2 2, a3 0
        assert (row.average_hours, row.median_hours) == (Decimal("2.7"), Decimal("2.0"))
        # targets: first secretaries 4 (set for 2030), the township cadre the default 50
        assert (row.average_target, row.met, row.met_rate) == (Decimal("19.3"), 1, 33.3)
        assert (row.placed, row.trained, row.not_placed) == (1, 1, 2)
        assert (row.quizzes_taken, row.quizzes_passed, row.quiz_pass_rate) == (2, 1, 50.0)

    def test_south_town_numbers(self, tree):
        row = county_board(tree).rows[1]
        assert (row.cadres, row.required, row.completed, row.overdue, row.completion_rate) == (1, 1, 0, 1, 0.0)
        assert (row.placed, row.trained, row.placed_not_trained) == (1, 0, 1)
        assert row.quiz_pass_rate is None

    def test_total_adds_up_the_children(self, tree):
        total = county_board(tree).total
        assert (total.cadres, total.required, total.completed, total.on_time, total.overdue) == (4, 6, 3, 2, 2)
        assert (total.completion_rate, total.median_hours) == (50.0, Decimal("0.0"))

    def test_cadres_directly_in_a_unit_come_first_under_its_own_name(self, tree):
        board = selectors.dashboard(selectors.Filters(year=YEAR, unit=tree.township), today=TODAY)
        assert [(row.label, row.cadres, row.unit) for row in board.rows] == [
            ("城关镇", 1, None),
            ("东村工作队", 2, tree.team),
        ]

    def test_course_filter_counts_that_course_only(self, tree):
        row = county_board(tree, course=tree.course_b).rows[0]
        assert (row.required, row.completed, row.on_time, row.overdue) == (2, 1, 1, 0)

    def test_category_filter(self, tree):
        row = county_board(tree, category="township").rows[0]
        assert (row.cadres, row.required, row.completed, row.overdue) == (1, 1, 0, 1)

    def test_programme_filter_counts_its_seats(self, tree):
        rows = county_board(tree, programme=tree.programme).rows
        assert [(row.placed, row.trained) for row in rows] == [(1, 1), (1, 0)]

    def test_weekly_trend_counts_required_completions_by_week(self, tree):
        trend = dict(county_board(tree).trend)
        assert sum(trend.values()) == 3
        assert trend[max(trend)] == 2  # the week of 10 June: a1's 乙 and a2's 甲


class OtherReportTests:
    def test_per_course(self, tree):
        figures = selectors.per_course(selectors.Filters(year=YEAR, unit=tree.county), today=TODAY)
        assert [(f.course.title, f.required, f.started, f.completed, f.on_time, f.overdue) for f in figures] == [
            ("乙课程", 2, 1, 1, 1, 0),
            ("甲课程", 4, 2, 2, 1, 2),
        ]

    def test_overdue_list_is_most_overdue_first_with_days_late(self, tree):
        rows = list(selectors.overdue(selectors.Filters(year=YEAR, unit=tree.county), today=TODAY))
        assert [(r.cadre.name, r.course.title, (TODAY - r.due_date).days) for r in rows] == [
            ("甲三", "甲课程", 10),
            ("乙一", "甲课程", 10),
        ]

    def test_ranking_of_townships(self, tree):
        ranked = selectors.ranking(selectors.Filters(year=YEAR, unit=tree.county), level="township", today=TODAY)
        assert [(r.position, r.completion.label, r.completion.completion_rate) for r in ranked] == [
            (1, "城关镇", 60.0),
            (2, "南镇", 0.0),
        ]

    def test_programme_report(self, tree):
        report = selectors.programme_report(selectors.Filters(year=YEAR, unit=tree.county), programme=tree.programme)
        (batch,) = report.batches
        assert (batch.seats, batch.completed, batch.not_completed, batch.attendance_rate) == (2, 1, 1, 100.0)

    def test_cadre_record(self, tree):
        record = selectors.cadre_record(cadre=tree.a1, year=YEAR, today=TODAY)
        assert (record.hours, record.target, record.hours_percent) == (Decimal(6), Decimal(4), 100)
        assert [c.course.title for c in record.courses] == ["甲课程", "乙课程"]
        assert len(record.credits) == 3 and len(record.seats) == 1 and len(record.attempts) == 1

    def test_numbers_survive_a_rebuild(self, tree):
        before = county_board(tree)
        summaries_rebuild()
        after = county_board(tree)
        assert [vars(r) for r in before.rows] == [vars(r) for r in after.rows]


def test_weighted_median():
    assert selectors.weighted_median({Decimal(1): 1, Decimal(5): 1, Decimal(2): 1}) == Decimal(2)
    assert selectors.weighted_median({Decimal(0): 2, Decimal(9): 2}) == Decimal(0)
    assert selectors.weighted_median({}) is None
