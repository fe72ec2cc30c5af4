"""The audit trail (who imported, exported, changed roles, moved seats) and its visibility;
uploads checked by type and size and served so they cannot run as pages."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from wagtail.documents.models import Document
from wagtail.models import ModelLogEntry

from cadres import audit, services
from cadres.forms import FILE_DISGUISED, FILE_TOO_LARGE, FILE_WRONG_TYPE
from cadres.roles import OFFICER_GROUP, ensure_role_groups
from tests.cadres.files import roster_row, xlsx_bytes
from tests.factories import CadreFactory, make_admin, make_batch, make_officer, make_programme, unit_child, unit_root

pytestmark = pytest.mark.django_db


@pytest.fixture
def county(db):
    county = unit_root(code="C01", name="示范县")
    unit_child(county, code="T01", name="城关镇")
    return county


class AuditTrailTests:
    def test_a_roster_import_is_logged_on_the_unit_with_its_counts(self, county):
        officer = make_officer(county)

        services.roster_import(file=xlsx_bytes([roster_row(1)]), filename="r.xlsx", root_unit=county, actor=officer)

        entry = ModelLogEntry.objects.get(action=audit.ROSTER_IMPORT)
        assert entry.user == officer
        assert entry.object_id == str(county.pk)
        assert entry.data["created"] == 1
        assert entry.data["filename"] == "r.xlsx"

    def test_a_rejected_import_leaves_no_entry(self, county):
        from cadres.exceptions import RosterRejected

        with pytest.raises(RosterRejected):
            services.roster_import(file=xlsx_bytes([roster_row(1, 类别="书记员")]), filename="r.xlsx", root_unit=county)

        assert not ModelLogEntry.objects.filter(action=audit.ROSTER_IMPORT).exists()

    def test_an_export_is_logged_with_whether_id_numbers_were_masked(self, client, county):
        officer = make_officer(county)
        CadreFactory(unit=county)
        client.force_login(officer)

        client.get(reverse("cadres_roster_export"))

        entry = ModelLogEntry.objects.get(action=audit.ROSTER_EXPORT)
        assert entry.user == officer
        assert entry.data == {"scope": county.path, "rows": 1, "unmasked": False}

    def test_a_role_change_in_the_user_editor_is_logged_with_before_and_after(self, client, county):
        admin = make_admin()
        cadre = CadreFactory(unit=county)
        officer_group = ensure_role_groups()[OFFICER_GROUP]
        client.force_login(admin)
        user = cadre.user

        client.post(
            reverse("wagtailusers_users:edit", args=[user.pk]),
            {
                "username": user.username,
                "email": "wang@example.org",
                "first_name": "伟",
                "last_name": "王",
                "password1": "",
                "password2": "",
                "is_active": "on",
                "groups": [g.pk for g in user.groups.all()] + [officer_group.pk],
            },
        )

        entry = ModelLogEntry.objects.get(action=audit.ROLE_CHANGE)
        assert entry.user == admin
        assert OFFICER_GROUP not in entry.data["before"]["groups"]
        assert OFFICER_GROUP in entry.data["after"]["groups"]

    def test_a_seat_placed_by_hand_is_logged(self, county):
        from rotations.services.scheduling import seat_assign

        programme = make_programme(county)
        batch = make_batch(programme)
        cadre = CadreFactory(unit=county.get_children().first())
        CadreFactory.create_batch(4, unit=cadre.unit)

        seat = seat_assign(programme=programme, cadre=cadre, batch=batch)

        entry = ModelLogEntry.objects.get(object_id=str(seat.pk), action="wagtail.create")
        assert entry.data["batch"] == batch.number

    def test_the_site_history_is_for_administrators_only(self, client, county):
        client.force_login(make_officer(county))

        response = client.get(reverse("wagtailadmin_reports:site_history"))

        # Wagtail answers a refusal inside the admin with a redirect to its home page.
        assert response.status_code == 302
        assert response["Location"] == reverse("wagtailadmin_home")

    def test_officers_are_not_offered_the_site_history(self, client, county):
        client.force_login(make_officer(county))

        html = client.get(reverse("wagtailadmin_home")).content.decode()

        assert reverse("wagtailadmin_reports:site_history") not in html

    def test_administrators_read_the_site_history(self, client, county):
        services.roster_import(file=xlsx_bytes([roster_row(1)]), filename="r.xlsx", root_unit=county)
        client.force_login(make_admin())

        response = client.get(reverse("wagtailadmin_reports:site_history"))

        assert response.status_code == 200
        assert "Roster imported" in response.content.decode() or "花名册" in response.content.decode()


class RosterUploadTests:
    def post(self, client, county, upload):
        client.force_login(make_officer(county))
        return client.post(reverse("cadres_roster_import"), {"unit": county.pk, "file": upload})

    def errors(self, response) -> list[str]:
        return response.context["form"].errors["file"]

    def test_a_file_of_another_type_is_refused(self, client, county):
        response = self.post(client, county, SimpleUploadedFile("roster.html", b"<script>alert(1)</script>"))

        assert self.errors(response) == [str(FILE_WRONG_TYPE)]

    def test_a_page_disguised_as_a_workbook_is_refused(self, client, county):
        response = self.post(client, county, SimpleUploadedFile("roster.xlsx", b"<html><script>x</script></html>"))

        assert self.errors(response) == [str(FILE_DISGUISED)]

    def test_a_binary_disguised_as_csv_is_refused(self, client, county):
        response = self.post(client, county, SimpleUploadedFile("roster.csv", b"MZ\x90\x00\x03\x00\x00\x00"))

        assert self.errors(response) == [str(FILE_DISGUISED)]

    @override_settings(ROSTER_MAX_UPLOAD_BYTES=1024)
    def test_a_huge_file_is_refused_before_it_is_read(self, client, county):
        response = self.post(client, county, SimpleUploadedFile("roster.csv", b"a," * 1024))

        assert self.errors(response) == [str(FILE_TOO_LARGE % {"limit": 0})]

    def test_a_broken_workbook_is_rejected_with_a_clear_message(self, county):
        from cadres.exceptions import RosterRejected
        from cadres.roster import FILE_NOT_SPREADSHEET

        with pytest.raises(RosterRejected) as rejected:
            services.roster_import(file=b"PK\x03\x04broken", filename="r.xlsx", root_unit=county)

        assert [e.template for e in rejected.value.errors] == [FILE_NOT_SPREADSHEET]


class DocumentServingTests:
    def test_documents_are_downloaded_never_rendered_as_pages(self, client, settings, tmp_path):
        settings.MEDIA_ROOT = tmp_path
        settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
        document = Document.objects.create(title="讲义", file=ContentFile(b"<script>alert(1)</script>", name="a.txt"))

        response = client.get(document.url)

        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Security-Policy"] == "default-src 'none'"

    def test_html_cannot_be_uploaded_as_a_document(self, client):
        client.force_login(make_admin())

        response = client.post(
            reverse("wagtaildocs:add"), {"title": "x", "file": SimpleUploadedFile("page.html", b"<script></script>")}
        )

        assert response.status_code == 200
        assert not Document.objects.exists()
