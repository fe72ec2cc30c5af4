"""Every admin list shows a date as a date (2026年12月5日), never "刚刚" or "5 日，14 小时 之前":
Wagtail's own date columns included, through templates/wagtailadmin/shared/human_readable_date.html."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from courses.models import Requirement
from tests.factories import (
    make_admin,
    make_course,
    make_officer,
    make_posting,
    make_question_bank,
    make_work_team,
    unit_child,
    unit_root,
)

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
TIME_AGO = ("之前", "刚刚")


def _chinese(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _assert_dates_not_ages(html: str) -> None:
    for words in TIME_AGO:
        assert words not in html


@pytest.fixture
def county():
    return unit_root(code="C01", name="清河县")


class AdminListDateTests:
    def test_the_postings_list_shows_start_and_planned_end_as_dates(self, client, county):
        township = unit_child(county, code="C01T1", name="东镇")
        team = make_work_team(township, code="C01T1V1", name="东村工作队")
        start = timezone.localdate() - timedelta(days=40)
        posting = make_posting(team, starts_on=start)
        client.force_login(make_officer(county))
        html = client.get(reverse("postings:index")).content.decode()
        assert _chinese(start) in html and _chinese(posting.planned_end_on) in html
        _assert_dates_not_ages(html)

    def test_the_required_courses_list_shows_due_dates_as_dates(self, client, county):
        year = timezone.localdate().year + 1
        Requirement.objects.create(course=make_course(), unit=county, year=year, due_date=datetime(year, 3, 1).date())
        client.force_login(make_officer(county))
        html = client.get(reverse("requirements:index")).content.decode()
        assert f"{year}年3月1日" in html
        _assert_dates_not_ages(html)

    def test_a_snippet_list_shows_the_moment_with_its_time(self, client):
        bank = make_question_bank()
        moment = datetime(2026, 12, 1, 14, 30, tzinfo=SHANGHAI)
        type(bank).objects.filter(pk=bank.pk).update(created_at=moment)
        client.force_login(make_admin())
        html = client.get(reverse("wagtailsnippets_quizzes_questionbank:list")).content.decode()
        assert "2026年12月1日 14:30" in html
        _assert_dates_not_ages(html)

    def test_wagtails_own_page_explorer_shows_dates(self, client):
        course = make_course(title="乡村振兴")
        course.save_revision()  # the explorer's "updated" column is the latest revision's time
        client.force_login(make_admin())
        html = client.get(reverse("wagtailadmin_explore", args=[course.get_parent().pk])).content.decode()
        assert _chinese(timezone.localdate()) in html
        _assert_dates_not_ages(html)
