"""Trainers write courses in the Wagtail admin; a reviewer approves before anything goes live."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import timezone
from wagtail.models import GroupApprovalTask, GroupPagePermission, Workflow, WorkflowPage, WorkflowTask
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from cadres.roles import ADMINISTRATOR_GROUP, TRAINER_GROUP, TRAINER_PAGE_PERMISSIONS, ensure_role_groups
from courses.models import CoursePage
from tests.factories import CadreFactory, course_index, make_admin, make_trainer, unit_root

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    index = course_index()
    groups = ensure_role_groups()
    for permission in Permission.objects.filter(
        content_type__app_label="wagtailcore", codename__in=TRAINER_PAGE_PERMISSIONS
    ):
        GroupPagePermission.objects.create(group=groups[TRAINER_GROUP], page=index.get_parent(), permission=permission)
    workflow = Workflow.objects.create(name="课程审核")
    task = GroupApprovalTask.objects.create(name="管理员审核")
    task.groups.set([Group.objects.get(name=ADMINISTRATOR_GROUP)])
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    WorkflowPage.objects.create(workflow=workflow, page=index)
    return index


def _course_form(**overrides):
    data = {
        "title": "新课程：乡村振兴促进法解读",
        "slug": "rural-law",
        "summary": "逐条解读乡村振兴促进法。",
        "credit_hours": "2",
        "is_required": "",
        "tags": "",
        "category": "",
        "cover": "",
        "go_live_at": "",
        "expire_at": "",
        "comments": inline_formset([]),
    }
    data.update(overrides)
    return nested_form_data(data)


def test_trainer_reaches_the_page_editor(client, catalogue):
    client.force_login(make_trainer())
    assert (
        client.get(reverse("wagtailadmin_pages:add", args=("courses", "coursepage", catalogue.pk))).status_code == 200
    )


def test_a_submitted_course_stays_offline_until_an_administrator_approves(client, catalogue):
    trainer = make_trainer()
    client.force_login(trainer)
    response = client.post(
        reverse("wagtailadmin_pages:add", args=("courses", "coursepage", catalogue.pk)),
        {**_course_form(), "action-submit": "Submit for moderation"},
    )
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    course = CoursePage.objects.get(slug="rural-law")
    assert not course.live
    state = course.current_workflow_state
    assert state is not None and state.status == "in_progress"

    state.current_task_state.task.specific.on_action(state.current_task_state, make_admin(), "approve")
    course.refresh_from_db()
    assert course.live
    assert course.revisions.count() >= 1


def test_a_trainer_cannot_publish_past_review(client, catalogue):
    client.force_login(make_trainer())
    client.post(
        reverse("wagtailadmin_pages:add", args=("courses", "coursepage", catalogue.pk)),
        {**_course_form(slug="try-publish"), "action-publish": "Publish"},
    )
    course = CoursePage.objects.get(slug="try-publish")
    assert not course.live


def test_scheduled_publishing_waits_for_its_time(client, catalogue):
    admin = make_admin()
    client.force_login(admin)
    later = (timezone.localtime() + timezone.timedelta(days=2)).strftime("%Y-%m-%d %H:%M")
    client.post(
        reverse("wagtailadmin_pages:add", args=("courses", "coursepage", catalogue.pk)),
        {**_course_form(slug="later", go_live_at=later), "action-publish": "Publish"},
    )
    course = CoursePage.objects.get(slug="later")
    assert not course.live
    assert course.latest_revision.approved_go_live_at is not None


def test_cadres_have_no_admin(client):
    client.force_login(CadreFactory(unit=unit_root()).user)
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("wagtailadmin_login"))
