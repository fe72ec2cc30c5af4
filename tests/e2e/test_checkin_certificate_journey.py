"""A cadre checks in to a training session with the trainer's link, and downloads a course certificate."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from records.models import Certificate
from rotations.models import Attendance, AttendanceVia, Programme
from rotations.services import scheduling
from tests.e2e import scenes
from tests.e2e.browser import log_in, path_of, screenshot, screenshot_at_both_sizes
from tests.factories import CadreFactory, make_batch, make_programme, make_trainer


@pytest.fixture
def seated_cadre():
    """The cadre has a seat in batch 1 of 清河县's programme, which starts tomorrow; a trainer runs it."""
    tree = scenes.units()
    cadre = scenes.cadre_in(tree.team)
    CadreFactory.create_batch(2, unit=tree.team)  # so the team can spare one for training
    tomorrow = timezone.localdate() + timedelta(days=1)
    programme = make_programme(
        tree.county, name="第一书记轮训", starts_on=timezone.localdate(), ends_on=tomorrow + timedelta(days=60)
    )
    batch = make_batch(programme, starts_on=tomorrow, capacity=5)
    scheduling.seat_assign(programme=programme, cadre=cadre, batch=batch)
    Programme.objects.filter(pk=programme.pk).update(published_at=timezone.now())  # cadres see published plans
    batch.trainers.add(make_trainer(username="trainer"))
    return cadre, batch


class CheckInTests:
    def test_a_cadre_checks_in_with_the_link_the_trainer_opened_for_a_session(
        self, live_server, new_context, seated_cadre
    ):
        cadre, batch = seated_cadre
        first_session = batch.sessions.order_by("date", "half").first()
        trainer = new_context(viewport="desktop").new_page()
        log_in(trainer, live_server.url, "trainer")
        trainer.goto(f"{live_server.url}/admin/rotations/batches/")
        trainer.get_by_role("link", name=str(batch)).click()
        codes = trainer.locator("table.listing", has=trainer.get_by_role("button", name="生成新签到码"))
        with trainer.expect_navigation():
            codes.locator("tbody tr").first.get_by_role("button", name="生成新签到码").click()
        link = codes.locator("tbody tr").first.locator("code").inner_text().strip()
        assert re.fullmatch(rf"{re.escape(live_server.url)}/rotations/checkin/\?code=\S+", link), link

        phone = new_context().new_page()
        log_in(phone, live_server.url, "cadre", next_url="/rotations/me/")
        phone.goto(link)
        expect(phone.get_by_role("heading", level=1)).to_have_text("签到")
        screenshot(phone, "checkin")
        with phone.expect_navigation():
            phone.locator("main").get_by_role("button", name="签到").click()

        assert path_of(phone.url) == "/rotations/me/"
        expect(phone.get_by_text("签到成功：出勤。")).to_be_visible()
        expect(phone.locator(".session-list li").first.locator(".badge")).to_have_text("出勤")
        mark = Attendance.objects.get(cadre=cadre)
        assert (mark.session, mark.status, mark.via) == (first_session, "present", AttendanceVia.CHECKIN)

        trainer.reload()
        expect(trainer.locator("table.listing tr", has_text=scenes.CADRE_NAME).first).to_contain_text("出勤")

    def test_a_wrong_code_is_refused_and_nothing_is_recorded(self, live_server, phone, seated_cadre):
        log_in(phone, live_server.url, "cadre", next_url="/rotations/checkin/?code=not-a-code")
        phone.locator("main").get_by_role("button", name="签到").click()

        expect(phone.locator("main")).to_contain_text("签到码无效")
        assert not Attendance.objects.exists()


@pytest.fixture
def completed_course():
    """The cadre has studied the one lesson of a required course, so the course is complete."""
    scene = scenes.cadre_with_a_short_required_course(credit_hours=2)
    scenes.studied(scene.cadre, scene.lesson, seconds=60)
    return scene


class CertificateTests:
    def test_a_cadre_downloads_the_certificate_of_a_completed_course(self, live_server, new_context, completed_course):
        phone = new_context().new_page()
        log_in(phone, live_server.url, "cadre")
        phone.get_by_role("link", name="学习档案").first.click()
        certificates = phone.locator("section", has=phone.get_by_role("heading", name="证书"))
        # Issued on completion, or on asking for it: either way the cadre gets the PDF from here.
        get_it = certificates.get_by_role("link", name="防返贫动态监测").or_(
            certificates.get_by_role("button", name="领取《防返贫动态监测》结业证书")
        )
        with phone.expect_response(lambda response: response.url.endswith(".pdf")) as pdf:
            get_it.click()

        assert pdf.value.status == 200
        assert pdf.value.headers["content-type"] == "application/pdf"
        # Chromium shows the PDF in its viewer; save it as "download" in the viewer would.
        saved = phone.request.get(pdf.value.url)
        assert saved.headers["content-type"] == "application/pdf"
        content = saved.body()
        assert content.startswith(b"%PDF-")
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
        assert scenes.CADRE_NAME in text
        assert "防返贫动态监测" in text
        certificate = Certificate.objects.get(cadre=completed_course.cadre)
        assert certificate.number in text
        phone.wait_for_timeout(1500)  # Chromium's PDF viewer draws the page
        screenshot_at_both_sizes(phone, "certificate", full_page=False)

        verify = new_context().new_page()
        verify.goto(f"{live_server.url}/verify/{certificate.code}/")
        expect(verify.locator(".verify-result .badge")).to_have_text("有效")
        expect(verify.locator(".verify-result")).to_contain_text(certificate.number)
        screenshot_at_both_sizes(verify, "certificate-verify")
