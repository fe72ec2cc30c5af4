"""The people of a unit in the completion report: one row per cadre, read from the per-cadre summary rows.

Shown under the unit table when the drill-down reaches a unit with no units below it (a village
work team), or for any unit on request (`?people=1`); exported to Excel like the other tables.
A fixed number of queries whatever the number of people: the rows, their count, the targets.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import QuerySet
from django.utils import timezone

from cadres.models import CadreCategory
from reports import selectors
from reports.exports import Export, Table
from reports.models import CadreYearSummary

PEOPLE_HEADER = [
    "姓名",
    "单位",
    "人员类别",
    "学时",
    "目标学时",
    "学时达标",
    "必修应完成",
    "必修已完成",
    "逾期",
    "最早截止日期",
    "轮训",
    "测验参加",
    "测验通过",
]


def people_rows(filters: selectors.Filters) -> QuerySet[CadreYearSummary]:
    """Every active cadre of the selection, by unit then name, with the cadre and unit joined."""
    return (
        selectors.year_rows(filters)
        .select_related("cadre", "unit")
        .only(
            "cadre__name",
            "unit__name",
            "category",
            "hours",
            "required",
            "completed",
            "next_due",
            "seats",
            "trained",
            "quizzes_taken",
            "quizzes_passed",
            "cadre_id",
            "unit_id",
        )
        .order_by("unit_path", "cadre__name", "pk")
    )


@dataclass(frozen=True)
class Person:
    summary: CadreYearSummary
    target: Decimal
    today: date

    @property
    def name(self) -> str:
        return self.summary.cadre.name

    @property
    def category_label(self) -> str:
        return str(dict(CadreCategory.choices).get(self.summary.category, self.summary.category))

    @property
    def met(self) -> bool:
        return self.summary.hours >= self.target

    @property
    def overdue(self) -> bool:
        return self.summary.next_due is not None and self.summary.next_due < self.today

    @property
    def rotation(self) -> str:
        """trained / placed, not yet trained / not placed: what the unit table counts."""
        if self.summary.trained:
            return "trained"
        return "placed" if self.summary.seats else "not_placed"


def people(filters: selectors.Filters, summaries, *, today: date | None = None) -> list[Person]:
    """`summaries` (a page of `people_rows`) with each cadre's yearly target and whether they are overdue."""
    today = today or timezone.localdate()
    targets = selectors.targets_by_category(filters.year)
    return [
        Person(summary=s, target=targets.get(s.category, selectors.DEFAULT_YEARLY_HOURS), today=today)
        for s in summaries
    ]


ROTATION_TEXT = {"trained": "已结业", "placed": "已安排未结业", "not_placed": "未安排"}


def people_export(params: dict, user) -> Export:
    from reports.registry import _stamp, filters_for

    filters, applied = filters_for(params, user)
    rows_qs = people_rows(filters)
    count = rows_qs.count()

    def rows():
        for person in people(filters, rows_qs.iterator(chunk_size=2000)):
            s = person.summary
            yield [
                person.name,
                s.unit.name,
                person.category_label,
                s.hours,
                person.target,
                "是" if person.met else "否",
                s.required,
                s.completed,
                "是" if person.overdue else "否",
                s.next_due,
                ROTATION_TEXT[person.rotation],
                s.quizzes_taken,
                s.quizzes_passed,
            ]

    return Export(
        filename=f"人员明细-{_stamp()}.xlsx",
        tables=[Table("人员明细", PEOPLE_HEADER, rows(), applied, widths=(12, 24, 14), count=count)],
    )
