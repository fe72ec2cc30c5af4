"""Links that leave the site (certificate QR codes) follow where the site is served, unless configured."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

from django.test import RequestFactory, TestCase, override_settings
from wagtail.models import Site

from lms.base_url import base_url
from records.models import CertificateZip
from records.services import certificates as certificate_services
from tests.factories import CadreFactory, make_course, make_officer, unit_child, unit_root
from tests.records.helpers import completed_seats, finish_lessons
from tests.records.test_certificates import pdf_text

ROOT = Path(__file__).resolve().parents[2]


def settings_value(module: str, name: str, **env: str) -> str:
    """A setting as a fresh process with this environment reads it."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("JIANBING_", "WAGTAILADMIN_", "DJANGO_"))}
    environment.update(env, DJANGO_SETTINGS_MODULE=module, DJANGO_SECRET_KEY="x")
    code = f"from django.conf import settings; print(settings.{name})"
    done = subprocess.run(
        [sys.executable, "-c", code], env=environment, cwd=ROOT, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


@override_settings(SITE_BASE_URL="", WAGTAILADMIN_BASE_URL="http://127.0.0.1:8000")
class BaseUrlTests(TestCase):
    def request(self, host: str):
        return RequestFactory().get("/record/", HTTP_HOST=host)

    def test_the_request_gives_the_address_it_came_in_on(self):
        self.assertEqual(base_url(request=self.request("127.0.0.1:8080")), "http://127.0.0.1:8080")

    def test_a_configured_address_wins_over_the_request(self):
        with override_settings(SITE_BASE_URL="https://jianbing.example.cn/"):
            self.assertEqual(base_url(request=self.request("127.0.0.1:8080")), "https://jianbing.example.cn")

    def test_background_work_uses_the_address_passed_from_the_request_that_started_it(self):
        self.assertEqual(base_url(passed="http://10.0.0.5:9000/"), "http://10.0.0.5:9000")

    def test_without_a_request_the_default_sites_real_hostname_and_port(self):
        Site.objects.filter(is_default_site=True).update(hostname="peixun.qinghe.gov.cn", port=8443)
        self.assertEqual(base_url(), "http://peixun.qinghe.gov.cn:8443")

    def test_without_a_request_or_a_real_site_the_address_make_run_serves(self):
        Site.objects.filter(is_default_site=True).update(hostname="localhost", port=80)
        self.assertEqual(base_url(), "http://127.0.0.1:8000")


class SettingsTests(TestCase):
    def test_make_run_passes_its_host_and_port_to_the_settings(self):
        run = next(line for line in (ROOT / "Makefile").read_text().splitlines() if "manage.py runserver" in line)
        self.assertIn("JIANBING_HOST=$(HOST) JIANBING_PORT=$(PORT) ", run)

    def test_the_fallback_address_follows_the_port(self):
        value = settings_value("lms.settings.dev", "WAGTAILADMIN_BASE_URL", JIANBING_PORT="8080")
        self.assertEqual(value, "http://127.0.0.1:8080")

    def test_no_address_is_configured_unless_the_environment_says(self):
        self.assertEqual(settings_value("lms.settings.dev", "SITE_BASE_URL"), "")
        configured = settings_value("lms.settings.dev", "SITE_BASE_URL", WAGTAILADMIN_BASE_URL="https://a.example.cn/")
        self.assertEqual(configured, "https://a.example.cn")


@override_settings(SITE_BASE_URL="")
class CertificateLinkTests(TestCase):
    def setUp(self):
        self.county = unit_root()
        self.township = unit_child(self.county, code="T1", name="青石镇")
        self.cadre = CadreFactory(unit=self.township, name="欧阳晓明")

    def test_a_downloaded_certificate_links_to_the_port_the_site_is_served_on(self):
        course = make_course(title="乡村振兴战略与实践", credit_hours=3)
        finish_lessons(self.cadre, course)
        certificate = certificate_services.certificate_issue_for_course(cadre=self.cadre, course=course)
        self.client.force_login(self.cadre.user)
        response = self.client.get(f"/record/certificates/{certificate.number}.pdf", HTTP_HOST="127.0.0.1:8080")
        self.assertEqual(response.status_code, 200)
        text = pdf_text(b"".join(response.streaming_content) if response.streaming else response.content)
        self.assertIn(f"http://127.0.0.1:8080/verify/{certificate.code}/", text.replace("\n", ""))

    def test_a_batch_zip_built_in_the_background_links_to_the_port_of_the_request_that_asked(self):
        batch = completed_seats([self.cadre], self.county, name="乡村振兴轮训")[0].batch
        self.client.force_login(make_officer(self.county))
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(f"/admin/records/batches/{batch.pk}/zip/", HTTP_HOST="127.0.0.1:8080")
        job = CertificateZip.objects.get()
        with job.file.open("rb") as handle, zipfile.ZipFile(io.BytesIO(handle.read())) as archive:
            (name,) = archive.namelist()
            text = pdf_text(archive.read(name)).replace("\n", "")
        self.assertIn("http://127.0.0.1:8080/verify/", text)
