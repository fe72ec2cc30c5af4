"""Assigning a required course: no past due dates, the number of cadres it binds shown before and
after saving, a notice to each of them, and time to catch up for cadres added later."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cadres.models import CadreCategory
from courses.admin_views import REQUIREMENT_ASSIGNED
from courses.forms import DUE_DATE_IN_PAST, REQUIREMENT_EXISTS
from courses.models import Requirement
from courses.selectors import my_learning
from reports.models import CadreCourseSummary, Notification
from reports.selectors import Filters, overdue
from tests.factories import CadreFactory, make_course, make_officer, make_trainer, unit_child, unit_root

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def tree():
    county = unit_root(code="C01", name="清河县")
    east = unit_child(county, code="C01T1", name="东镇")
    west = unit_child(county, code="C01T2", name="西镇")
    village = unit_child(east, code="C01T1V1", name="东村")
    cadres = {
        "east_secretary": CadreFactory(unit=east, category=CadreCategory.FIRST_SECRETARY),
        "village_secretary": CadreFactory(unit=village, category=CadreCategory.FIRST_SECRETARY),
        "village_member": CadreFactory(unit=village, category=CadreCategory.TEAM_MEMBER),
        "east_gone": CadreFactory(unit=east, category=CadreCategory.FIRST_SECRETARY, active=False),
        "west_secretary": CadreFactory(unit=west, category=CadreCategory.FIRST_SECRETARY),
    }
    return {"county": county, "east": east, "west": west, "village": village, **cadres}


def _form(course, unit, *, due: date, categories=()):
    return {
        "course": course.pk,
        "unit": unit.pk,
        "categories": list(categories),
        "year": due.year,
        "due_date": due.isoformat(),
    }


class PastDueDateTests:
    def test_a_due_date_in_the_past_is_refused_with_the_reason(self, client, tree):
        client.force_login(make_officer(tree["east"]))
        yesterday = timezone.localdate() - timedelta(days=1)
        response = client.post(reverse("requirements:add"), _form(make_course(), tree["east"], due=yesterday))
        assert response.status_code == 200
        assert response.context["form"].errors["due_date"] == [DUE_DATE_IN_PAST % {"date": yesterday.isoformat()}]
        assert not Requirement.objects.exists()
        assert not Notification.objects.exists()

    def test_today_is_accepted(self, client, tree):
        client.force_login(make_officer(tree["east"]))
        response = client.post(
            reverse("requirements:add"), _form(make_course(), tree["east"], due=timezone.localdate())
        )
        assert response.status_code == 302
        assert Requirement.objects.count() == 1

    def test_an_old_assignment_can_still_be_edited_without_moving_its_date(self, client, tree):
        old = timezone.localdate() - timedelta(days=40)
        requirement = Requirement.objects.create(course=make_course(), unit=tree["east"], year=old.year, due_date=old)
        client.force_login(make_officer(tree["east"]))
        data = _form(requirement.course, tree["east"], due=old, categories=[CadreCategory.FIRST_SECRETARY])
        response = client.post(reverse("requirements:edit", args=[requirement.pk]), data)
        assert response.status_code == 302
        requirement.refresh_from_db()
        assert requirement.categories == [CadreCategory.FIRST_SECRETARY]


class AffectedCountTests:
    def _count(self, client, unit, *categories):
        return client.get(reverse("requirements:affected"), {"unit": unit.pk, "categories": list(categories)})

    def test_counts_active_cadres_of_the_subtree(self, client, tree):
        client.force_login(make_officer(tree["east"]))
        response = self._count(client, tree["east"])
        assert response.json() == {"count": 3, "text": "本次指派涉及 3 名干部。"}

    def test_counts_only_the_chosen_categories(self, client, tree):
        client.force_login(make_officer(tree["east"]))
        assert self._count(client, tree["east"], CadreCategory.TEAM_MEMBER).json()["count"] == 1
        both = self._count(client, tree["east"], CadreCategory.TEAM_MEMBER, CadreCategory.FIRST_SECRETARY)
        assert both.json()["count"] == 3

    def test_a_unit_of_another_subtree_is_not_found(self, client, tree):
        client.force_login(make_officer(tree["east"]))
        assert self._count(client, tree["west"]).status_code == 404

    def test_a_trainer_is_refused(self, client, tree):
        client.force_login(make_trainer())
        response = self._count(client, tree["east"])
        assert (response.status_code, response["Location"]) == (302, reverse("wagtailadmin_home"))

    def test_the_count_takes_the_same_queries_for_few_and_many_cadres(self, client, tree):
        client.force_login(make_officer(tree["county"]))
        counts = []
        for extra in (0, 30):
            for _ in range(extra):
                CadreFactory(unit=tree["village"])
            with CaptureQueriesContext(connection) as queries:
                assert self._count(client, tree["county"]).status_code == 200
            counts.append(len(queries))
        assert counts[0] == counts[1]

    def test_the_edit_form_states_the_count(self, client, tree):
        requirement = Requirement.objects.create(
            course=make_course(),
            unit=tree["east"],
            year=timezone.localdate().year + 1,
            due_date=date(timezone.localdate().year + 1, 3, 1),
            categories=[CadreCategory.TEAM_MEMBER],
        )
        client.force_login(make_officer(tree["east"]))
        html = client.get(reverse("requirements:edit", args=[requirement.pk])).content.decode()
        assert "本次指派涉及 1 名干部。" in html
        assert reverse("requirements:affected") in html


class AssignmentNoticeTests:
    def test_each_bound_cadre_is_told_once_and_the_message_states_how_many(self, client, tree):
        officer = make_officer(tree["east"])
        client.force_login(officer)
        course = make_course(title="防返贫监测")
        due = timezone.localdate() + timedelta(days=60)
        response = client.post(
            reverse("requirements:add"),
            _form(course, tree["east"], due=due, categories=[CadreCategory.FIRST_SECRETARY]),
        )
        assert response.status_code == 302
        requirement = Requirement.objects.get()
        (message,) = [str(m) for m in get_messages(response.wsgi_request)]
        assert message.startswith(REQUIREMENT_ASSIGNED % {"requirement": requirement, "count": 2})
        told = sorted(Notification.objects.values_list("user_id", flat=True))
        assert told == sorted([tree["east_secretary"].user_id, tree["village_secretary"].user_id])
        notice = Notification.objects.first()
        assert notice.text == f"新的必修课程：防返贫监测，请于 {due.year}年{due.month}月{due.day}日 前完成。"
        assert notice.url == course.get_url()

    def test_a_second_submit_of_the_same_assignment_tells_no_one_again(self, client, tree):
        client.force_login(make_officer(tree["east"]))
        data = _form(make_course(), tree["east"], due=timezone.localdate() + timedelta(days=60))
        client.post(reverse("requirements:add"), data)
        response = client.post(reverse("requirements:add"), data)
        assert response.status_code == 200  # the same course, unit and year exist already
        assert response.context["form"].non_field_errors() == [
            REQUIREMENT_EXISTS % {"course": "乡村振兴战略", "unit": "东镇", "year": data["year"]}
        ]
        assert Requirement.objects.count() == 1
        assert Notification.objects.count() == 3

    def test_editing_an_assignment_sends_nothing(self, client, tree):
        client.force_login(make_officer(tree["east"]))
        due = timezone.localdate() + timedelta(days=60)
        client.post(reverse("requirements:add"), _form(make_course(), tree["east"], due=due))
        requirement = Requirement.objects.get()
        client.post(
            reverse("requirements:edit", args=[requirement.pk]),
            _form(requirement.course, tree["east"], due=due + timedelta(days=1)),
        )
        assert Notification.objects.count() == 3


class GracePeriodTests:
    """A cadre put on the roster after the assignment has 30 days from joining, or the assignment's
    own date if later, in the cadre's own list and in every report."""

    @pytest.fixture
    def late_joiner(self, tree):
        today = timezone.localdate()
        requirement = Requirement.objects.create(
            course=make_course(title="必修补学"),
            unit=tree["east"],
            year=today.year,
            due_date=today - timedelta(days=10),
        )
        Requirement.objects.filter(pk=requirement.pk).update(
            created_at=datetime.combine(today - timedelta(days=100), datetime.min.time(), tzinfo=SHANGHAI)
        )
        joined = today - timedelta(days=5)
        cadre = CadreFactory(
            unit=tree["village"], user__date_joined=datetime.combine(joined, datetime.min.time(), tzinfo=SHANGHAI)
        )
        cadre.save()  # the roster write refreshes the summaries, as an import does
        return {"requirement": requirement, "cadre": cadre, "due": joined + timedelta(days=30)}

    def test_the_cadres_own_list_shows_the_later_date_and_not_overdue(self, tree, late_joiner):
        cadre = late_joiner["cadre"]
        learning = my_learning(cadre=cadre, today=timezone.localdate())
        assert [r.due_date for r in learning.required] == [late_joiner["due"]]
        assert learning.overdue == []

    def test_the_summaries_carry_the_cadres_date(self, tree, late_joiner):
        row = CadreCourseSummary.objects.get(cadre=late_joiner["cadre"], course=late_joiner["requirement"].course)
        assert row.due_date == late_joiner["due"]

    def test_the_overdue_list_leaves_the_new_cadre_out_but_not_the_others(self, tree, late_joiner):
        from reports.summaries import summaries_rebuild

        summaries_rebuild()
        listed = set(
            overdue(Filters(year=timezone.localdate().year, unit=tree["county"])).values_list("cadre", flat=True)
        )
        assert late_joiner["cadre"].pk not in listed
        assert tree["east_secretary"].pk in listed

    def test_the_grace_period_is_a_setting(self, tree, late_joiner, settings):
        settings.REQUIRED_COURSE_GRACE_DAYS = 2
        learning = my_learning(cadre=late_joiner["cadre"], today=timezone.localdate())
        assert [r.due_date for r in learning.required] == [timezone.localdate() - timedelta(days=3)]
        assert len(learning.overdue) == 1
