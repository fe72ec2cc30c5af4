"""Private files (claim proofs, report exports, certificate bundles, roster uploads) never sit where
media is served: the old `/media/...` path answers 404 on the dev server and in production (where a
web server or bucket may serve MEDIA_ROOT), and only the scoped views hand them out."""

from __future__ import annotations

import importlib
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import models
from django.http import Http404
from django.test import Client, RequestFactory, override_settings
from django.urls import clear_url_caches, reverse
from django.views.static import serve

from cadres.models import ImportJob
from lms import checks as lms_checks
from lms.private_files import PRIVATE_FILE_HAS_NO_URL, PrivateFileSystemStorage, private_file_fields, private_storage
from records.models import CertificateZip, JobStatus
from records.services import claims as claim_services
from reports.models import ExportJob, ExportStatus
from tests.factories import CadreFactory, make_batch, make_officer, make_programme, unit_child, unit_root

pytestmark = pytest.mark.django_db

PROOF = b"%PDF-1.4 proof of the provincial party school course"
EXPORT = b"PK\x03\x04 export workbook"
ZIP = b"PK\x03\x04 certificates"
# Files that may stay in Wagtail's public media: course material is published to everyone.
PUBLIC_FILE_FIELDS = {
    "wagtailimages.Image.file",
    "wagtailimages.Rendition.file",
    "wagtaildocs.Document.file",  # served through Django's document view, never by URL alone
    "wagtailcore.UploadedFile.file",  # an image or document being uploaded, before it gets its title
    "wagtailusers.UserProfile.avatar",  # staff avatars in the admin
}


@pytest.fixture
def disk(tmp_path, settings):
    """Real directories, as `make run` and production have: media and private side by side."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "private": {"BACKEND": "lms.private_files.PrivateFileSystemStorage"},
    }
    return tmp_path


@pytest.fixture
def dev_server():
    """lms.urls as `make run` loads it (DEBUG on, so `/media/` is served from MEDIA_ROOT)."""
    import lms.urls

    with override_settings(DEBUG=True):
        importlib.reload(lms.urls)
        clear_url_caches()
        yield
    importlib.reload(lms.urls)
    clear_url_caches()


class World:
    def __init__(self):
        self.county = unit_root()
        self.east = unit_child(self.county, code="E", name="东乡")
        self.west = unit_child(self.county, code="W", name="西乡")
        self.cadre = CadreFactory(unit=self.east)
        self.other_cadre = CadreFactory(unit=self.east)
        self.east_officer = make_officer(self.east)
        self.west_officer = make_officer(self.west)
        self.county_officer = make_officer(self.county)
        self.claim = claim_services.claim_submit(
            cadre=self.cadre,
            title="省委党校乡村振兴专题班",
            organiser="省委党校",
            starts_on=date(2024, 3, 4),
            ends_on=date(2024, 3, 8),
            hours=Decimal(40),
            proof=SimpleUploadedFile("结业证书.pdf", PROOF, content_type="application/pdf"),
        )
        self.export = ExportJob.objects.create(
            report="overdue", created_by=self.east_officer, status=ExportStatus.SUCCEEDED, filename="逾期.xlsx"
        )
        self.export.file.save("逾期.xlsx", ContentFile(EXPORT))
        batch = make_batch(make_programme(self.east))
        self.zip = CertificateZip.objects.create(
            batch=batch, requested_by=self.east_officer, status=JobStatus.SUCCEEDED
        )
        self.zip.file.save("certificates-batch-1.zip", ContentFile(ZIP))
        self.import_job = ImportJob.objects.create(filename="r.csv", unit=self.east, created_by=self.east_officer)
        self.import_job.file.save("r.csv", ContentFile("姓名,身份证号\n张三,110101198503070011\n".encode()))

    @property
    def files(self):
        return [self.claim.proof, self.export.file, self.zip.file, self.import_job.file]


@pytest.fixture
def world(disk):
    return World()


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def guesses(world: World) -> list[str]:
    """The paths an attacker tries: each file's own, its folders, and climbs out of /media/."""
    paths = []
    for file in world.files:
        paths += [f"/media/{file.name}", f"/media/{file.name.rsplit('/', 1)[0]}/"]
        paths += [f"/media/../private/{file.name}", f"/media/%2e%2e/private/{file.name}"]
    return paths + ["/media/records/claims/", "/media/report-exports/", "/media/records/zips/", "/media/private/"]


class PrivateFilesAreNotMediaTests:
    def test_private_files_are_written_outside_media_root(self, world, disk):
        for file in world.files:
            assert Path(file.path).is_relative_to(disk / "private")
            assert not storages["default"].exists(file.name)
        assert not (disk / "media").exists() or not any(p.is_file() for p in (disk / "media").rglob("*"))

    def test_the_old_media_paths_answer_404_on_the_dev_server(self, world, dev_server):
        client = Client()
        client.force_login(world.cadre.user)

        assert {path: client.get(path).status_code for path in guesses(world)} == dict.fromkeys(guesses(world), 404)

    def test_the_dev_server_still_serves_public_media(self, disk, dev_server):
        storages["default"].save("images/村.png", ContentFile(b"\x89PNG"))

        assert Client().get("/media/images/村.png").status_code == 200

    def test_the_old_media_paths_answer_404_in_production(self, world):
        client = Client()
        client.force_login(world.county_officer)

        assert {path: client.get(path).status_code for path in guesses(world)} == dict.fromkeys(guesses(world), 404)

    def test_a_web_server_serving_media_root_has_none_of_them(self, world, settings):
        # What docs/deployment.md allows in production: nginx or a bucket publishing MEDIA_ROOT.
        request = RequestFactory().get("/")
        for path in guesses(world):
            # Refused either way: nothing there (404), or a climb out of MEDIA_ROOT (400).
            with pytest.raises((Http404, SuspiciousFileOperation)):
                serve(request, path.removeprefix("/media/"), document_root=settings.MEDIA_ROOT)

    def test_a_private_file_has_no_url(self, world):
        with pytest.raises(ValueError, match=PRIVATE_FILE_HAS_NO_URL):
            world.claim.proof.url  # noqa: B018

    def test_every_file_field_is_private_or_knowingly_public(self):
        private = {f"{f.model._meta.label}.{f.name}" for f in private_file_fields()}
        every = {
            f"{model._meta.label}.{field.name}"
            for model in apps.get_models()
            for field in model._meta.get_fields()
            if isinstance(field, models.FileField)
        }

        assert every - private == PUBLIC_FILE_FIELDS
        assert private == {
            "records.OutsideClaim.proof",
            "records.CertificateZip.file",
            "reports.ExportJob.file",
            "cadres.ImportJob.file",
        }

    def test_private_fields_name_the_storage_callable_so_migrations_stay_put(self):
        for field in private_file_fields():
            assert field.deconstruct()[3]["storage"] is private_storage


def fetch(user, url: str):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client.get(url)


class ScopedDownloadTests:
    def test_the_claim_proof_reaches_its_cadre_and_the_officers_over_them(self, world):
        url = reverse("records:claim-proof", args=[world.claim.pk])
        for user in (world.cadre.user, world.east_officer, world.county_officer):
            response = fetch(user, url)
            assert (response.status_code, body(response)) == (200, PROOF)
            assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]

    def test_the_claim_proof_is_refused_to_another_subtree_and_another_cadre(self, world):
        url = reverse("records:claim-proof", args=[world.claim.pk])

        assert [fetch(user, url).status_code for user in (world.west_officer, world.other_cadre.user)] == [404, 404]

    def test_the_claim_proof_sends_anonymous_visitors_to_the_login(self, world):
        response = fetch(None, reverse("records:claim-proof", args=[world.claim.pk]))

        assert response.status_code == 302 and response.url.startswith(reverse("login"))

    def test_the_certificate_bundle_reaches_officers_over_the_batch_only(self, world):
        url = reverse("records_zip_download", args=[world.zip.pk])

        assert [body(fetch(user, url)) for user in (world.east_officer, world.county_officer)] == [ZIP, ZIP]
        assert fetch(world.west_officer, url).status_code == 404
        assert fetch(None, url).url.startswith(reverse("wagtailadmin_login"))
        assert fetch(world.cadre.user, url).url.startswith(reverse("wagtailadmin_login"))

    def test_an_export_reaches_the_officer_who_made_it_only(self, world):
        url = reverse("reports_export_job_download", args=[world.export.pk])

        assert body(fetch(world.east_officer, url)) == EXPORT
        assert [fetch(user, url).status_code for user in (world.county_officer, world.west_officer)] == [404, 404]
        assert fetch(None, url).url.startswith(reverse("wagtailadmin_login"))

    def test_a_file_missing_from_the_private_storage_is_a_404_not_a_crash(self, world):
        storages["private"].delete(world.claim.proof.name)

        assert fetch(world.cadre.user, reverse("records:claim-proof", args=[world.claim.pk])).status_code == 404

    def test_behind_nginx_the_view_names_the_file_for_the_internal_location(self, world, settings):
        settings.PRIVATE_MEDIA_ACCEL_REDIRECT = "/_private/"
        response = fetch(world.cadre.user, reverse("records:claim-proof", args=[world.claim.pk]))

        assert response.status_code == 200 and response.content == b""
        assert response["X-Accel-Redirect"] == "/_private/" + world.claim.proof.name.replace(
            "结业证书", "%E7%BB%93%E4%B8%9A%E8%AF%81%E4%B9%A6"
        )
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment;")


class MovePrivateFilesTests:
    OLD = {
        "records/claims/2025/01/证书.pdf": PROOF,
        "report-exports/2025/01/逾期.xlsx": EXPORT,
        "records/zips/2025/01/certificates-batch-3.zip": ZIP,
        "roster-imports/2025/01/r.csv": b"a,b",
    }

    def put_in_media(self):
        for name, content in self.OLD.items():
            assert storages["default"].save(name, ContentFile(content)) == name
        storages["default"].save("images/村.png", ContentFile(b"\x89PNG"))

    def test_old_private_files_move_to_the_private_storage_under_the_same_name(self, disk):
        self.put_in_media()

        call_command("move_private_files", stdout=(out := _Out()))

        for name, content in self.OLD.items():
            assert not storages["default"].exists(name)
            assert storages["private"].open(name).read() == content
        assert storages["default"].exists("images/村.png")
        assert out.text.strip().endswith("Moved 4 private file(s) out of the media storage.")

    def test_moving_again_moves_nothing(self, disk):
        self.put_in_media()
        call_command("move_private_files", stdout=_Out())

        call_command("move_private_files", stdout=(out := _Out()))

        assert out.text.strip() == "Moved 0 private file(s) out of the media storage."

    def test_a_dry_run_lists_and_leaves_everything(self, disk):
        self.put_in_media()

        call_command("move_private_files", "--dry-run", stdout=(out := _Out()))

        assert sorted(out.text.splitlines()[:-1]) == sorted(self.OLD)
        assert all(storages["default"].exists(name) for name in self.OLD)


class _Out:
    def __init__(self):
        self.text = ""

    def write(self, text):
        self.text += text + ("" if text.endswith("\n") else "\n")

    def flush(self):
        pass


class PrivateStorageCheckTests:
    def test_the_project_settings_pass(self):
        assert lms_checks.private_storage_is_private() == []

    @pytest.mark.parametrize("served", ["MEDIA_ROOT", "STATIC_ROOT", "WHITENOISE_ROOT"])
    def test_a_private_root_inside_a_served_root_is_an_error(self, settings, tmp_path, served):
        # MEDIA_ROOT: the dev server and web servers; STATIC_ROOT and WHITENOISE_ROOT: whitenoise.
        setattr(settings, served, str(tmp_path))
        settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")

        [error] = lms_checks.private_storage_is_private()

        assert error.id == "lms.E103"
        assert error.msg == lms_checks.PRIVATE_ROOT_EXPOSED.format(
            private=tmp_path / "private", name=served, root=tmp_path
        )

    def test_a_private_storage_located_in_media_is_an_error(self, settings, tmp_path):
        settings.MEDIA_ROOT = str(tmp_path)
        settings.STORAGES = {
            **settings.STORAGES,
            "private": {"BACKEND": "lms.private_files.PrivateFileSystemStorage", "OPTIONS": {"location": tmp_path}},
        }

        assert [error.id for error in lms_checks.private_storage_is_private()] == ["lms.E103"]

    def test_the_private_storage_is_required(self, settings):
        settings.STORAGES = {key: value for key, value in settings.STORAGES.items() if key != "private"}

        assert [error.msg for error in lms_checks.private_storage_is_private()] == [lms_checks.PRIVATE_STORAGE_MISSING]


def test_private_file_system_storage_ignores_a_base_url(tmp_path):
    storage = PrivateFileSystemStorage(location=tmp_path, base_url="/media/")

    with pytest.raises(ValueError, match=PRIVATE_FILE_HAS_NO_URL):
        storage.url("x.pdf")


PRODUCTION_PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.core.files.storage import storages
from django.urls import Resolver404, resolve
from lms.checks import private_storage_is_private
from lms.private_files import private_storage, serve_media
try:
    media_served = resolve("/media/records/claims/2026/01/a.pdf").func is serve_media
except Resolver404:
    media_served = False
print(json.dumps({
    "debug": settings.DEBUG,
    "private": str(private_storage().location),
    "errors": [error.id for error in private_storage_is_private()],
    "media_served": media_served,
}))
"""


def production(tmp_path, **env) -> dict:
    """What the production settings make of this environment, in a process of their own."""
    import json
    import os
    import subprocess
    import sys

    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lms.settings.production",
        "DJANGO_SECRET_KEY": "production-probe-" + "x" * 40,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'probe.sqlite3'}",
        "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
        "MEDIA_ROOT": str(tmp_path / "media"),
        **env,
    }
    result = subprocess.run(
        [sys.executable, "-c", PRODUCTION_PROBE],
        env=environment,
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


class ProductionSettingsTests:
    def test_production_keeps_private_files_outside_media_and_serves_no_media(self, tmp_path):
        probe = production(tmp_path, PRIVATE_MEDIA_ROOT=str(tmp_path / "private"))

        assert probe == {"debug": False, "private": str(tmp_path / "private"), "errors": [], "media_served": False}

    def test_production_refuses_a_private_root_inside_media_root(self, tmp_path):
        probe = production(tmp_path, PRIVATE_MEDIA_ROOT=str(tmp_path / "media" / "private"))

        assert probe["errors"] == ["lms.E103"]
