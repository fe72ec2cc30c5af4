"""WAGTAIL_FINISH_WORKFLOW_ACTION. Wagtail imports it while defining its own models, so it imports them late."""

from __future__ import annotations


def publish_workflow_state(workflow_state, user=None) -> None:
    """Publish an approved page, unless it is a course whose lessons are not all published.

    Raising rolls the approval back (the workflow's finish runs in one transaction), so the
    course stays in review. The editor's Approve button explains why before it gets this far;
    this catches the dashboard's Approve, which runs no page hook.
    """
    from wagtail.workflows import publish_workflow_state as publish

    from courses.exceptions import CourseNotReady
    from courses.models import CoursePage
    from courses.review import refusal_message
    from courses.selectors import unpublished_lessons

    page = workflow_state.content_object.specific
    if isinstance(page, CoursePage):
        lessons = list(unpublished_lessons(course=page))
        if lessons:
            raise CourseNotReady(refusal_message(course=page, lessons=lessons))
    publish(workflow_state, user=user)
