"""The cadre-facing pages through the test client: /me/, the catalogue, course, lesson, search, heartbeats."""

import json
from datetime import date, timedelta
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from courses import views as course_views
from courses.models import CourseCategory, CourseProgress, LessonPage, Requirement
from courses.services import course_progress_refresh
from tests.factories import CadreFactory, course_index, make_course, make_officer, make_trainer, unit_root

pytestmark = pytest.mark.django_db


@pytest.fixture
def unit():
    return unit_root()


@pytest.fixture
def cadre(unit):
    return CadreFactory(unit=unit)


@pytest.fixture
def cadre_client(client, cadre):
    client.force_login(cadre.user)
    return client


def _require(course, unit, *, due: date, categories=()):
    return Requirement.objects.create(
        course=course, unit=unit, year=due.year, due_date=due, categories=list(categories)
    )


def _query_count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


class TestMyLearning:
    def test_anonymous_visitor_is_sent_to_login(self, client):
        response = client.get("/me/")
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))

    def test_a_user_who_is_not_on_the_roster_is_told_so(self, client):
        client.force_login(make_trainer())
        response = client.get("/me/")
        assert response.status_code == 403
        assert "courses/not_a_cadre.html" in [t.name for t in response.templates]

    def test_empty_state_without_requirements(self, cadre_client):
        response = cadre_client.get("/me/")
        assert response.status_code == 200
        assert "本年度暂未给您安排必修课程。" in response.content.decode()

    # Mid-year, so "in 30 days" is still this year's requirement whatever the calendar says.
    @freeze_time("2026-06-15 10:00:00+08:00")
    def test_overdue_required_courses_come_first(self, cadre_client, unit):
        today = timezone.localdate()
        later = make_course(title="后到期课程")
        overdue = make_course(title="已逾期课程")
        _require(later, unit, due=today + timedelta(days=30))
        _require(overdue, unit, due=today - timedelta(days=3))
        body = cadre_client.get("/me/").content.decode()
        assert body.index("已逾期课程") < body.index("后到期课程")
        assert "已逾期 3 天" in body

    def test_requirement_for_another_category_is_not_shown(self, cadre_client, unit):
        course = make_course(title="村干部专题")
        _require(course, unit, due=timezone.localdate() + timedelta(days=9), categories=["village"])
        assert "村干部专题" not in cadre_client.get("/me/").content.decode()

    def test_hours_this_year_against_the_category_target(self, cadre_client, cadre, unit):
        course = make_course(title="已学完", lessons=1, credit_hours=3)
        from courses.models import LessonProgress

        LessonProgress.objects.create(
            cadre=cadre, lesson=course.lessons().first(), credited_seconds=600, completed_at=timezone.now()
        )
        course_progress_refresh(cadre=cadre, course=course)
        response = cadre_client.get("/me/")
        assert response.context["learning"].hours_this_year == 3
        assert response.context["learning"].target_hours == 50
        assert response.context["learning"].hours_percent == 6

    def test_query_count_does_not_grow_with_courses(self, client, unit):
        counts = []
        for size in (5, 50):
            cadre = CadreFactory(unit=unit)
            for number in range(size):
                course = make_course(title=f"课程{size}-{number}", lessons=1)
                _require(course, unit, due=timezone.localdate() + timedelta(days=number + 1))
                CourseProgress.objects.create(
                    cadre=cadre,
                    course=course,
                    started_at=timezone.now(),
                    last_studied_at=timezone.now(),
                    lessons_total=1,
                )
            client.force_login(cadre.user)
            _query_count(client, "/me/")  # warm the site-root cache like a real server
            counts.append(_query_count(client, "/me/"))
            Requirement.objects.all().delete()
        assert counts[0] == counts[1]


class TestCatalogue:
    def test_lists_live_courses_and_hides_drafts(self, client):
        make_course(title="公开课程")
        draft = make_course(title="草稿课程")
        draft.unpublish()
        body = client.get("/courses/").content.decode()
        assert "公开课程" in body
        assert "草稿课程" not in body

    def test_filters_by_category_kind_tag_and_text(self, client):
        policy = CourseCategory.objects.create(name="政策理论")
        make_course(title="政策课", category=policy, is_required=True)
        tagged = make_course(title="带标签的选修课")
        tagged.tags.add("电商")
        tagged.save_revision().publish()
        make_course(title="其他选修课")

        def titles(query):
            return [course.title for course, _ in client.get(f"/courses/?{query}").context["courses"]]

        assert titles(f"category={policy.pk}") == ["政策课"]
        assert titles("kind=required") == ["政策课"]
        assert set(titles("kind=elective")) == {"带标签的选修课", "其他选修课"}
        assert titles("tag=电商") == ["带标签的选修课"]
        assert titles("q=其他") == ["其他选修课"]
        assert titles("category=not-a-number") == ["政策课", "带标签的选修课", "其他选修课"]

    def test_shows_the_cadres_progress(self, cadre_client, cadre):
        course = make_course(title="学了一半", lessons=2)
        CourseProgress.objects.create(
            cadre=cadre,
            course=course,
            started_at=timezone.now(),
            last_studied_at=timezone.now(),
            lessons_total=2,
            lessons_completed=1,
        )
        [(shown, progress)] = cadre_client.get("/courses/").context["courses"]
        assert shown.pk == course.pk and progress.percent == 50

    def test_query_count_does_not_grow_with_courses(self, cadre_client, cadre):
        counts = []
        category = CourseCategory.objects.create(name="产业发展")
        for size in (5, 50):
            existing = len(course_index().get_children())
            for number in range(existing, size):
                course = make_course(title=f"目录课程{number}", category=category)
                course.tags.add("乡村振兴")
                course.save_revision().publish()
                CourseProgress.objects.create(
                    cadre=cadre, course=course, started_at=timezone.now(), last_studied_at=timezone.now()
                )
            _query_count(cadre_client, "/courses/")
            counts.append(_query_count(cadre_client, "/courses/"))
        assert counts[0] == counts[1]

    def test_pages_beyond_the_first(self, client):
        for number in range(course_views.CATALOGUE_PAGE_SIZE + 2):
            make_course(title=f"分页课程{number:02d}", lessons=1)
        second = client.get("/courses/?page=2")
        assert len(second.context["courses"]) == 2


class TestCourseAndLessonPages:
    def test_course_page_lists_lessons_with_the_next_one_to_study(self, cadre_client, cadre):
        course = make_course(title="三讲课程", lessons=3)
        first = course.lessons().first()
        from courses.models import LessonProgress

        LessonProgress.objects.create(cadre=cadre, lesson=first, credited_seconds=600, completed_at=timezone.now())
        response = cadre_client.get(course.url)
        assert response.status_code == 200
        assert [lesson.title for lesson, _ in response.context["lessons"]] == [
            "三讲课程 第1讲",
            "三讲课程 第2讲",
            "三讲课程 第3讲",
        ]
        assert response.context["next_lesson"].title == "三讲课程 第2讲"

    def test_lesson_requires_login(self, client):
        lesson = make_course(lessons=1).lessons().first()
        response = client.get(lesson.url)
        assert response.status_code == 302
        assert reverse("login") in response["Location"]

    def test_lesson_page_carries_the_heartbeat_settings_for_a_cadre(self, cadre_client):
        course = make_course(title="心跳课程", lessons=2, minutes=7)
        lesson = course.lessons().last()
        response = cadre_client.get(lesson.url)
        assert response.status_code == 200
        body = response.content.decode()
        assert reverse("lesson-heartbeat", args=[lesson.pk]) in body
        assert response.context["required_seconds"] == 420
        assert response.context["lesson_number"] == 2 and response.context["lesson_count"] == 2
        assert response.context["previous_lesson"].title == "心跳课程 第1讲"

    def test_staff_may_read_a_lesson_without_recording_time(self, client):
        client.force_login(make_trainer())
        lesson = make_course(lessons=1).lessons().first()
        response = client.get(lesson.url)
        assert response.status_code == 200
        assert response.context["tracks_study"] is False


class TestSearch:
    def test_finds_chinese_text_inside_a_lesson_body(self, client):
        course = make_course(title="产业振兴", lessons=0)
        course.add_child(
            instance=LessonPage(
                title="村集体经济",
                minutes=10,
                body=[("paragraph", "<p>各村要因地制宜，发展产业扶贫项目，带动群众增收。</p>")],
            )
        )
        response = client.get("/search/", {"q": "产业扶贫"})
        assert response.status_code == 200
        hits = response.context["hits"]
        assert [hit.page.title for hit in hits] == ["村集体经济"]
        assert hits[0].is_lesson and hits[0].course_title == "产业振兴"
        assert "发展产业扶贫项目" in hits[0].snippet

    def test_every_word_must_match(self, client):
        make_course(title="乡村治理", summary="网格化管理与村规民约")
        assert len(client.get("/search/", {"q": "村规民约 网格化"}).context["hits"]) == 1
        assert client.get("/search/", {"q": "村规民约 电商"}).context["hits"] == []

    def test_drafts_are_not_found(self, client):
        course = make_course(title="未发布的机密课程")
        for page in [course, *course.get_descendants()]:
            page.specific.unpublish()
        assert client.get("/search/", {"q": "机密"}).context["hits"] == []

    def test_empty_query_shows_the_form_only(self, client):
        response = client.get("/search/")
        assert response.status_code == 200
        assert response.context["hits"] == []


class TestHeartbeatApi:
    def _post(self, client, lesson, payload):
        return client.post(
            reverse("lesson-heartbeat", args=[lesson.pk]), data=json.dumps(payload), content_type="application/json"
        )

    def test_first_beat_starts_and_a_second_tab_is_refused(self, cadre_client):
        lesson = make_course(lessons=1).lessons().first()
        first = self._post(cadre_client, lesson, {"tab": "tab-a"})
        assert first.status_code == 200
        assert first.json()["outcome"] == "started"
        other = self._post(cadre_client, lesson, {"tab": "tab-b"})
        assert other.status_code == 409
        assert other.json()["outcome"] == "other_tab"

    def test_time_is_credited_between_beats(self, cadre_client):
        lesson = make_course(lessons=1).lessons().first()
        start = timezone.now()
        with mock.patch("django.utils.timezone.now", return_value=start):
            self._post(cadre_client, lesson, {"tab": "t"})
        with mock.patch("django.utils.timezone.now", return_value=start + timedelta(seconds=15)):
            response = self._post(cadre_client, lesson, {"tab": "t"})
        assert response.json()["credited_seconds"] == 15

    @pytest.mark.parametrize(
        "payload", [{}, {"tab": ""}, {"tab": "t", "position": "abc"}, {"tab": "t", "position": -1}, "not-json"]
    )
    def test_malformed_beats_are_rejected(self, cadre_client, payload):
        lesson = make_course(lessons=1).lessons().first()
        response = cadre_client.post(
            reverse("lesson-heartbeat", args=[lesson.pk]),
            data=payload if isinstance(payload, str) else json.dumps(payload),
            content_type="application/json",
        )
        assert response.status_code == 400
        assert response.json() == {"error": course_views.BAD_HEARTBEAT}

    def test_only_cadres_send_beats(self, client):
        client.force_login(make_officer(unit_root(code="X1")))
        lesson = make_course(lessons=1).lessons().first()
        response = self._post(client, lesson, {"tab": "t"})
        assert response.status_code == 403
        assert response.json() == {"error": course_views.NOT_A_CADRE}

    def test_anonymous_beats_are_refused(self, client):
        lesson = make_course(lessons=1).lessons().first()
        assert self._post(client, lesson, {"tab": "t"}).status_code == 403

    def test_a_draft_lesson_is_not_found(self, cadre_client):
        lesson = make_course(lessons=1).lessons().first()
        lesson.unpublish()
        assert self._post(cadre_client, lesson, {"tab": "t"}).status_code == 404

    def test_get_is_not_allowed(self, cadre_client):
        lesson = make_course(lessons=1).lessons().first()
        assert cadre_client.get(reverse("lesson-heartbeat", args=[lesson.pk])).status_code == 405
