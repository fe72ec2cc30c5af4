"""Health check, log-in routing, the home page and error pages."""

from datetime import timedelta
from unittest import mock

import pytest
from django.db import DatabaseError
from django.urls import reverse
from django.utils import timezone

from courses.models import Requirement
from lms.models import AnnouncementIndexPage, AnnouncementPage, HomeFeaturedCourse
from tests.factories import CadreFactory, home_page, make_course, make_officer, make_trainer, unit_root

pytestmark = pytest.mark.django_db


class TestHealthz:
    def test_ok_after_touching_the_database(self, client):
        response = client.get("/healthz")
        assert response.status_code == 200
        assert response.json() == {"status": "ok"}

    def test_unavailable_when_the_database_does_not_answer(self, client):
        with mock.patch("lms.views.connection.cursor", side_effect=DatabaseError("connection refused")):
            response = client.get("/healthz")
        assert response.status_code == 503
        assert response.json()["status"] == "unavailable"


class TestLogin:
    def test_login_page_renders(self, client):
        response = client.get(reverse("login"))
        assert response.status_code == 200
        assert "registration/login.html" in [t.name for t in response.templates]

    def test_cadre_lands_on_my_learning(self, client):
        cadre = CadreFactory(unit=unit_root())
        response = client.post(reverse("login"), {"username": cadre.user.username, "password": "pass-word-123"})
        assert response.status_code == 302
        assert client.get(response["Location"])["Location"] == reverse("my-learning")

    @pytest.mark.parametrize("make_user", [make_trainer, lambda: make_officer(unit_root())])
    def test_staff_land_in_the_admin(self, client, make_user):
        client.force_login(make_user())
        assert client.get(reverse("home-redirect"))["Location"] == reverse("wagtailadmin_home")

    def test_wrong_password_is_refused(self, client):
        cadre = CadreFactory(unit=unit_root())
        response = client.post(reverse("login"), {"username": cadre.user.username, "password": "wrong"})
        assert response.status_code == 200
        assert response.context["form"].errors

    def test_logout_needs_post_and_ends_the_session(self, client):
        client.force_login(make_trainer())
        assert client.post(reverse("logout")).status_code == 302
        assert "_auth_user_id" not in client.session


class TestHomePage:
    def test_anonymous_visitor_sees_announcements_featured_courses_and_a_login_link(self, client):
        home = home_page()
        notices = home.add_child(instance=AnnouncementIndexPage(title="通知公告", slug="notices"))
        notices.add_child(
            instance=AnnouncementPage(title="关于开展第一书记轮训的通知", body="<p>全体第一书记参加。</p>")
        )
        course = make_course(title="精选课程")
        HomeFeaturedCourse.objects.create(page=home, course=course)
        response = client.get("/")
        assert response.status_code == 200
        body = response.content.decode()
        assert "关于开展第一书记轮训的通知" in body
        assert "精选课程" in body
        assert reverse("login") in body
        assert "due-summary" not in body

    def test_a_cadre_sees_what_is_due(self, client):
        unit = unit_root()
        cadre = CadreFactory(unit=unit)
        course = make_course(title="必修课")
        due = timezone.localdate() - timedelta(days=1)
        Requirement.objects.create(course=course, unit=unit, year=due.year, due_date=due)
        client.force_login(cadre.user)
        body = client.get("/").content.decode()
        assert "due-summary" in body
        assert "必修课" in body
        assert "有 1 门必修课已逾期" in body

    def test_a_draft_announcement_is_not_listed(self, client):
        home = home_page()
        notices = home.add_child(instance=AnnouncementIndexPage(title="通知公告", slug="notices"))
        draft = notices.add_child(instance=AnnouncementPage(title="草稿通知", body="<p>x</p>"))
        draft.unpublish()
        assert "草稿通知" not in client.get("/").content.decode()


class TestErrorPages:
    def test_unknown_address_gets_the_sites_404(self, client):
        home_page()
        response = client.get("/no-such-page/")
        assert response.status_code == 404
        assert "404.html" in [t.name for t in response.templates]
