"""A course goes live only with its lessons: the admin refuses to publish or approve it while one is a draft."""

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from wagtail.models import Page

from courses import review
from courses.models import CoursePage, LessonPage
from lms.demo import site
from tests.factories import CadreFactory, make_admin, make_trainer, unit_root

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def catalogue():
    """The demo's catalogue with its 课程审核 workflow: trainers submit, administrators approve."""
    home = site.ensure_home_page()
    index = site.ensure_course_index(home)
    notices = site.ensure_announcements(home, today=timezone.localdate())
    site.ensure_trainer_permissions(home)
    site.ensure_review_workflows(course_index=index, notices=notices)
    return index


@pytest.fixture
def submitted(catalogue):
    """A trainer's course with two lessons, all three submitted for review and none approved yet."""
    trainer = make_trainer()
    course = catalogue.add_child(instance=CoursePage(title="基层党建实务", summary="简介", live=False))
    lessons = [
        course.add_child(instance=LessonPage(title=title, minutes=10, body=[("paragraph", "<p>正文</p>")], live=False))
        for title in ("三会一课怎么开", "发展党员流程")
    ]
    for page in [course, *lessons]:
        page.save_revision(user=trainer)
        page.get_workflow().start(page, trainer)
    return course, lessons


def _approve(page: Page, user) -> None:
    page = Page.objects.get(pk=page.pk)
    state = page.current_workflow_state
    state.current_task_state.task.specific.on_action(state.current_task_state, user, "approve")


def _editor_approve(client, course):
    return client.post(
        reverse("wagtailadmin_pages:edit", args=[course.pk]),
        {"action-workflow-action": "true", "workflow-action-name": "approve"},
        follow=True,
    )


def _refusal(course, lessons) -> str:
    titles = "、".join(f"“{lesson.title}”" for lesson in lessons)
    return review.COURSE_HAS_UNPUBLISHED_LESSONS.format(course=course.title, lessons=titles)


class CourseReviewTests:
    def test_approving_a_course_in_the_editor_is_refused_while_its_lessons_are_drafts(self, client, submitted):
        course, lessons = submitted
        client.force_login(make_admin())

        response = _editor_approve(client, course)

        assert response.redirect_chain[-1][0] == reverse("wagtailadmin_pages:edit", args=[course.pk])
        assert _refusal(course, lessons) in response.content.decode()
        course.refresh_from_db()
        assert not course.live
        assert course.current_workflow_state.status == "in_progress"

    def test_the_refusal_names_only_the_lessons_still_unpublished(self, client, submitted):
        course, lessons = submitted
        admin = make_admin()
        _approve(lessons[0], admin)
        client.force_login(admin)

        response = _editor_approve(client, course)

        assert _refusal(course, lessons[1:]) in response.content.decode()
        assert not CoursePage.objects.get(pk=course.pk).live

    def test_a_course_is_approved_once_every_lesson_is(self, submitted):
        course, lessons = submitted
        admin = make_admin()
        for lesson in lessons:
            _approve(lesson, admin)

        _approve(course, admin)

        assert CoursePage.objects.get(pk=course.pk).live

    def test_the_dashboard_approve_cannot_put_the_course_live_either(self, client, submitted):
        course, _lessons = submitted
        client.force_login(make_admin())
        task_state = Page.objects.get(pk=course.pk).current_workflow_state.current_task_state

        response = client.post(
            reverse("wagtailadmin_pages:workflow_action", args=[course.pk, "approve", task_state.pk])
        )

        # Wagtail's admin turns the refusal into its "no permission" redirect; nothing is approved.
        assert response.status_code == 302
        course.refresh_from_db()
        assert not course.live
        assert course.current_workflow_state.status == "in_progress"

    def test_an_administrator_cannot_publish_the_course_directly_either(self, client, submitted):
        course, lessons = submitted
        client.force_login(make_admin())

        response = client.post(
            reverse("wagtailadmin_pages:edit", args=[course.pk]), {"action-publish": "Publish"}, follow=True
        )

        assert _refusal(course, lessons) in response.content.decode()
        assert not CoursePage.objects.get(pk=course.pk).live

    def test_the_course_editor_warns_about_draft_lessons_with_links_to_them(self, client, submitted):
        course, lessons = submitted
        client.force_login(make_trainer())

        page = client.get(reverse("wagtailadmin_pages:edit", args=[course.pk])).content.decode()

        titles = "、".join(f"“{lesson.title}”" for lesson in lessons)
        assert review.COURSE_DRAFT_LESSONS_WARNING.format(lessons=titles) in page
        for lesson in lessons:
            assert f'href="{reverse("wagtailadmin_pages:edit", args=[lesson.pk])}"' in page

    def test_the_course_editor_says_nothing_when_every_lesson_is_live(self, client, submitted):
        course, lessons = submitted
        admin = make_admin()
        for lesson in lessons:
            _approve(lesson, admin)
        client.force_login(make_trainer())

        page = client.get(reverse("wagtailadmin_pages:edit", args=[course.pk])).content.decode()

        assert "Cadres will not see these lessons" not in page

    def test_bulk_publishing_a_course_without_its_draft_lessons_is_refused(self, client, submitted):
        course, lessons = submitted
        client.force_login(make_admin())
        url = reverse("wagtail_bulk_action", args=("wagtailcore", "page", "publish"))

        response = client.post(f"{url}?id={course.pk}&next=/admin/", {"include_descendants": ""}, follow=True)

        assert _refusal(course, lessons) in response.content.decode()
        assert not CoursePage.objects.get(pk=course.pk).live

    def test_bulk_publishing_a_course_with_its_lessons_publishes_them_all(self, client, submitted):
        course, lessons = submitted
        client.force_login(make_admin())
        url = reverse("wagtail_bulk_action", args=("wagtailcore", "page", "publish"))

        client.post(f"{url}?id={course.pk}&next=/admin/", {"include_descendants": "on"})

        assert CoursePage.objects.get(pk=course.pk).live
        assert all(LessonPage.objects.get(pk=lesson.pk).live for lesson in lessons)


class LiveLessonCountTests:
    """A lesson added to a live course as a draft is not counted anywhere a cadre looks."""

    @pytest.fixture
    def course_with_a_new_draft(self, catalogue):
        course = catalogue.add_child(instance=CoursePage(title="乡村振兴促进法", summary="简介"))
        live = course.add_child(instance=LessonPage(title="总则", minutes=10, body=[("paragraph", "<p>正文</p>")]))
        course.add_child(
            instance=LessonPage(title="第二章（草稿）", minutes=10, body=[("paragraph", "<p>草稿</p>")], live=False)
        )
        return course, live

    def test_the_lesson_page_counts_live_lessons_only(self, client, course_with_a_new_draft):
        course, live = course_with_a_new_draft
        client.force_login(CadreFactory(unit=unit_root()).user)

        page = client.get(live.url).content.decode()

        assert "Lesson 1 of 1" in page

    def test_the_course_page_lists_and_counts_live_lessons_only(self, client, course_with_a_new_draft):
        course, _live = course_with_a_new_draft
        client.force_login(CadreFactory(unit=unit_root()).user)

        page = client.get(course.url).content.decode()

        assert "1 lesson ·" in page
        assert "第二章（草稿）" not in page
