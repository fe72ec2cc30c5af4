"""A course goes live only with its lessons: review guards for the Wagtail admin.

A lesson is a page of its own with its own review, so a reviewer could approve a course while
its lessons are still drafts, and cadres would then see a course with fewer lessons than the
trainer wrote. Every way a course goes live in the admin checks its lessons first: the editor's
Publish and Approve buttons (`before_edit_page`, `before_publish_page`), the dashboard's
Approve (the workflow's finish action, courses.workflow_finish) and bulk publishing (`before_bulk_action`).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext, gettext_noop
from wagtail.admin import messages
from wagtail.models import Page

from courses.models import CoursePage, LessonPage
from courses.selectors import unpublished_lessons

COURSE_HAS_UNPUBLISHED_LESSONS = gettext_noop(
    "“{course}” cannot go live while these lessons are not published: {lessons}. "
    "Have each lesson approved first, then approve the course."
)
COURSE_DRAFT_LESSONS_WARNING = gettext_noop(
    "Cadres will not see these lessons until each is approved: {lessons}. The course cannot go live before they are."
)


def _titles(lessons: Iterable[LessonPage]) -> str:
    return "、".join(f"“{lesson.get_admin_display_title()}”" for lesson in lessons)


def refusal_message(*, course: CoursePage, lessons: list[LessonPage]) -> str:
    return gettext(COURSE_HAS_UNPUBLISHED_LESSONS).format(
        course=course.get_admin_display_title(), lessons=_titles(lessons)
    )


def _lesson_buttons(lessons: list[LessonPage]) -> list:
    return [messages.button(reverse("wagtailadmin_pages:edit", args=[lesson.pk]), lesson.title) for lesson in lessons]


def _goes_live(request: HttpRequest) -> bool:
    """Whether an editor POST asks to publish the page or approve it in its workflow."""
    if request.POST.get("action-publish"):
        return True
    return bool(request.POST.get("action-workflow-action")) and request.POST.get("workflow-action-name") == "approve"


def _refuse(request: HttpRequest, course: CoursePage, lessons: list[LessonPage]) -> HttpResponse:
    messages.error(request, refusal_message(course=course, lessons=lessons), buttons=_lesson_buttons(lessons))
    return redirect("wagtailadmin_pages:edit", course.pk)


def before_edit_page(request: HttpRequest, page: Page) -> HttpResponse | None:
    """Refuse to publish or approve a course with unpublished lessons; warn about them on the editor."""
    if not isinstance(page, CoursePage):
        return None
    lessons = list(unpublished_lessons(course=page))
    if not lessons:
        return None
    if request.method == "POST":
        return _refuse(request, page, lessons) if _goes_live(request) else None
    messages.warning(
        request,
        gettext(COURSE_DRAFT_LESSONS_WARNING).format(lessons=_titles(lessons)),
        buttons=_lesson_buttons(lessons),
    )
    return None


def before_publish_page(request: HttpRequest, page: Page) -> HttpResponse | None:
    """The editor saved a new revision and is about to publish it: not a course with draft lessons."""
    if not isinstance(page, CoursePage):
        return None
    lessons = list(unpublished_lessons(course=page))
    return _refuse(request, page, lessons) if lessons else None


def before_bulk_action(request: HttpRequest, action_type: str, objects, action_class_instance) -> HttpResponse | None:
    """Bulk publishing of pages skips the editor: refuse it when it includes a course that is not ready."""
    if action_type != "publish":
        return None
    form = getattr(action_class_instance, "cleaned_form", None)
    if form is not None and form.cleaned_data.get("include_descendants"):
        return None  # the lessons are published along with their course
    chosen = {page.pk for page in objects}
    for page in objects:
        course = getattr(page, "specific", None)
        if isinstance(course, CoursePage):
            lessons = [lesson for lesson in unpublished_lessons(course=course) if lesson.pk not in chosen]
            if lessons:
                messages.error(request, refusal_message(course=course, lessons=lessons))
                return redirect("wagtailadmin_explore", course.get_parent().pk)
    return None
