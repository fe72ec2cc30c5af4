"""Every report's export, by name, built from a query string as a given user would see it.

The same builders serve a download in the request and a background `ExportJob`, so a job
always exports exactly what its user was looking at, through the same scope.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import Http404, QueryDict
from django.utils import timezone, translation

from cadres.models import CadreCategory
from cadres.permissions import cached_scope
from reports import selectors
from reports.exports import Export, Table
from reports.forms import ReportFilterForm
from reports.people import people_export

PERCENT = "（%）"


def filters_for(params: dict, user, **form_options) -> tuple[selectors.Filters, list[tuple[str, str]]]:
    scope = cached_scope(user)
    if scope.nothing:
        raise Http404
    data = QueryDict(mutable=True)
    for key, value in params.items():
        data.setlist(key, value if isinstance(value, list) else [value])
    form = ReportFilterForm(data, scope=scope, **form_options)
    filters = form.to_filters()
    return filters, described(filters)


def described(filters: selectors.Filters) -> list[tuple[str, str]]:
    """The filters applied, in Chinese, for the top of a sheet."""
    from cadres.models import Rank

    rows = [("单位", filters.unit.name if filters.unit else "全部"), ("年度", str(filters.year))]
    rows.append(("人员类别", str(dict(CadreCategory.choices)[filters.category]) if filters.category else "全部"))
    rows.append(("职级", str(dict(Rank.choices)[filters.rank]) if filters.rank else "全部"))
    if filters.course:
        rows.append(("课程", filters.course.title))
    if filters.programme:
        rows.append(("轮训计划", filters.programme.name))
    return rows


def _yes_no(value: bool) -> str:
    return "是" if value else "否"


def _stamp() -> str:
    return f"{timezone.localdate():%Y%m%d}"


COMPLETION_HEADER = [
    "单位",
    "干部数",
    "必修应完成（人次）",
    "已完成",
    "完成率" + PERCENT,
    "按期完成率" + PERCENT,
    "有逾期课程人数",
    "人均学时",
    "学时中位数",
    "人均目标学时",
    "学时达标人数",
    "学时达标率" + PERCENT,
    "已结业（轮训）",
    "已安排未结业",
    "未安排轮训",
    "测验参加",
    "测验通过",
    "测验通过率" + PERCENT,
]


def completion_row(item: selectors.Completion, label: str | None = None) -> list:
    return [
        label or item.label,
        item.cadres,
        item.required,
        item.completed,
        item.completion_rate,
        item.on_time_rate,
        item.overdue,
        item.average_hours,
        item.median_hours,
        item.average_target,
        item.met,
        item.met_rate,
        item.trained,
        item.placed_not_trained,
        item.not_placed,
        item.quizzes_taken,
        item.quizzes_passed,
        item.quiz_pass_rate,
    ]


def dashboard_export(params: dict, user) -> Export:
    filters, applied = filters_for(params, user)
    board = selectors.dashboard(filters)
    rows = [completion_row(item) for item in board.rows] + [completion_row(board.total, "合计")]
    return Export(
        filename=f"完成情况-{_stamp()}.xlsx",
        tables=[Table("完成情况", COMPLETION_HEADER, rows, applied, widths=(24,), count=len(rows))],
    )


def ranking_export(params: dict, user) -> Export:
    filters, applied = filters_for(params, user)
    level = params.get("level") or "township"
    if isinstance(level, list):
        level = level[0]
    ranked = selectors.ranking(filters, level=level)
    rows = [[r.position, *completion_row(r.completion)] for r in ranked]
    return Export(
        filename=f"单位排名-{_stamp()}.xlsx",
        tables=[Table("单位排名", ["名次", *COMPLETION_HEADER], rows, applied, widths=(6, 24), count=len(rows))],
    )


def courses_export(params: dict, user) -> Export:
    filters, applied = filters_for(params, user)
    figures = selectors.per_course(filters)
    header = [
        "课程",
        "应学人数",
        "已开始",
        "已完成",
        "完成率" + PERCENT,
        "按期完成",
        "逾期未完成",
        "平均学习时长（分钟）",
        "测验参加",
        "测验通过",
        "测验通过率" + PERCENT,
        "测验平均成绩" + PERCENT,
    ]
    rows = [
        [
            f.course.title,
            f.required,
            f.started,
            f.completed,
            f.completion_rate,
            f.on_time,
            f.overdue,
            f.average_minutes,
            f.quizzes_taken,
            f.quizzes_passed,
            f.quiz_pass_rate,
            f.average_quiz_percent,
        ]
        for f in figures
    ]
    return Export(
        filename=f"课程完成情况-{_stamp()}.xlsx",
        tables=[Table("课程完成情况", header, rows, applied, widths=(30,), count=len(rows))],
    )


OVERDUE_HEADER = ["姓名", "单位", "人员类别", "联系电话", "课程", "截止日期", "逾期天数", "已学习（分钟）"]


def overdue_rows(filters: selectors.Filters, today):
    """Plain tuples straight from the database: building model instances was most of a big export's time."""
    categories = {key: str(label) for key, label in CadreCategory.choices}
    rows = selectors.overdue(filters, today=today).values_list(
        "cadre__name",
        "cadre__unit__name",
        "cadre__category",
        "cadre__phone",
        "course__title",
        "due_date",
        "seconds_studied",
    )
    for name, unit, category, phone, course, due, seconds in rows.iterator(chunk_size=5000):
        yield [name, unit, categories.get(category, category), phone, course, due, (today - due).days, seconds // 60]


def overdue_export(params: dict, user) -> Export:
    filters, applied = filters_for(params, user)
    today = timezone.localdate()
    count = selectors.overdue(filters, today=today).count()
    return Export(
        filename=f"逾期名单-{_stamp()}.xlsx",
        tables=[
            Table(
                "逾期名单",
                OVERDUE_HEADER,
                overdue_rows(filters, today),
                applied,
                widths=(12, 20, 14, 14, 30, 12, 10, 12),
                count=count,
            )
        ],
    )


def programme_export(params: dict, user) -> Export:
    filters, applied = filters_for(params, user)
    programme = filters.programme
    if programme is None:
        raise Http404
    report = selectors.programme_report(filters, programme=programme)
    batches = [
        [
            b.batch.number,
            b.batch.starts_on,
            b.batch.ends_on,
            b.batch.venue,
            b.batch.capacity,
            b.seats,
            b.completed,
            b.not_completed,
            b.attendance_rate,
        ]
        for b in report.batches
    ]
    units = [[u.label, u.cadres, u.placed, u.trained, u.not_placed, u.trained_rate] for u in report.units]
    return Export(
        filename=f"轮训情况-{_stamp()}.xlsx",
        tables=[
            Table(
                "期次",
                ["期次", "开始日期", "结束日期", "地点", "容量", "本辖区参训", "结业", "未结业", "出勤率" + PERCENT],
                batches,
                applied,
                count=len(batches),
            ),
            Table(
                "单位",
                ["单位", "干部数", "已安排", "已结业", "未安排", "结业率" + PERCENT],
                units,
                applied,
                widths=(24,),
                count=len(units),
            ),
        ],
    )


def cadre_export(params: dict, user) -> Export:
    scope = cached_scope(user)
    try:
        cadre_id = int(params.get("cadre") if not isinstance(params.get("cadre"), list) else params["cadre"][0])
    except (TypeError, ValueError):
        raise Http404 from None
    cadre = selectors.cadre_in_scope(scope=scope, cadre_id=cadre_id)
    if cadre is None:
        raise Http404
    filters, _ = filters_for(params, user, with_course=False, with_programme=False)
    record = selectors.cadre_record(cadre=cadre, year=filters.year)
    applied = [("姓名", cadre.name), ("单位", cadre.unit.name), ("年度", str(record.year))]
    courses = [
        [
            c.course.title,
            c.due_date,
            c.completed_at,
            "是" if c.on_time else "否",
            c.seconds_studied // 60,
            c.quiz_percent,
        ]
        for c in record.courses
    ]
    credits = [[c.earned_at, c.get_source_display(), c.description, c.hours] for c in record.credits]
    return Export(
        filename=f"干部档案-{cadre.name}-{record.year}.xlsx",
        tables=[
            Table(
                "必修课程",
                ["课程", "截止日期", "完成时间", "按期", "已学习（分钟）", "测验成绩" + PERCENT],
                courses,
                applied,
                widths=(30,),
                count=len(courses),
            ),
            Table("学时记录", ["时间", "来源", "说明", "学时"], credits, applied, count=len(credits)),
        ],
    )


BUILDERS: dict[str, Callable[[dict, object], Export]] = {
    "dashboard": dashboard_export,
    "ranking": ranking_export,
    "courses": courses_export,
    "overdue": overdue_export,
    "programme": programme_export,
    "cadre": cadre_export,
    "people": people_export,
}


def build_export(report: str, *, params: dict, user) -> Export:
    if report not in BUILDERS:
        raise Http404
    with translation.override("zh-hans"):
        return BUILDERS[report](params, user)
