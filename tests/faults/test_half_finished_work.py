"""A roster import or a schedule run that dies halfway leaves nothing half-written: each writes
in one transaction, and the failure is raised from inside it, after some rows were written."""

from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from wagtail.models import ModelLogEntry

from cadres import services
from cadres.models import Account, Cadre, ImportJob, ImportStatus, OrgUnit
from rotations.models import ScheduleRun, Seat
from rotations.services import scheduling
from tests.cadres.files import roster_row, xlsx_bytes
from tests.factories import CadreFactory, make_batch, make_programme, unit_child, unit_root

pytestmark = pytest.mark.django_db(transaction=True)


class Killed(Exception):
    """Stands for the process dying: raised from inside the write, after rows were written."""


@pytest.fixture
def county():
    county = unit_root(code="C01", name="示范县")
    unit_child(county, code="T01", name="城关镇")
    return county


def snapshot():
    return (
        get_user_model().objects.count(),
        Cadre.objects.count(),
        OrgUnit.objects.count(),
        Account.objects.count(),
        ModelLogEntry.objects.count(),
    )


class RosterImportTests:
    def test_an_import_killed_after_the_logins_were_written_writes_nothing(self, county):
        rows = [roster_row(n, 单位=f"示范县/新镇{n % 3}/新村{n}工作队") for n in range(1, 40)]
        before = snapshot()
        real_bulk_create = Cadre.objects.bulk_create

        def die_after_writing(*args, **kwargs):
            real_bulk_create(*args, **kwargs)
            assert Cadre.objects.count() > 0  # the rows really were in, inside the transaction
            raise Killed

        with mock.patch.object(Cadre.objects, "bulk_create", side_effect=die_after_writing), pytest.raises(Killed):
            services.roster_import(file=xlsx_bytes(rows), filename="r.xlsx", root_unit=county)

        assert snapshot() == before

    def test_an_import_job_that_fails_midway_is_recorded_as_failed_with_nothing_written(self, county):
        from django.core.files.base import ContentFile

        job = ImportJob.objects.create(
            file=ContentFile(xlsx_bytes([roster_row(1), roster_row(2)]), name="r.xlsx"), filename="r.xlsx", unit=county
        )
        before = snapshot()

        with mock.patch.object(services, "_update_changed", side_effect=Killed):
            job = services.import_job_run(job_id=job.pk)

        assert job.status == ImportStatus.FAILED
        assert snapshot() == before

    def test_the_same_import_run_again_afterwards_succeeds(self, county):
        rows = [roster_row(n) for n in range(1, 5)]
        with mock.patch.object(services, "_update_changed", side_effect=Killed), pytest.raises(Killed):
            services.roster_import(file=xlsx_bytes(rows), filename="r.xlsx", root_unit=county)

        result = services.roster_import(file=xlsx_bytes(rows), filename="r.xlsx", root_unit=county)

        assert result.created == 4
        assert Cadre.objects.count() == 4


class ScheduleRunTests:
    def test_a_schedule_run_killed_after_placing_seats_leaves_the_old_plan(self, county):
        township = county.get_children().first()
        CadreFactory.create_batch(6, unit=township)
        programme = make_programme(county)
        make_batch(programme, capacity=10)
        make_batch(programme, capacity=10)
        real_bulk_update = Seat.objects.bulk_update

        def die_after_placing(*args, **kwargs):
            assert Seat.objects.count() > 0  # seats were created just before, in the same transaction
            real_bulk_update(*args, **kwargs)
            raise Killed

        with mock.patch.object(Seat.objects, "bulk_update", side_effect=die_after_placing), pytest.raises(Killed):
            scheduling.schedule_plan(programme=programme)

        assert Seat.objects.count() == 0
        assert ScheduleRun.objects.count() == 0

        run = scheduling.schedule_plan(programme=programme)

        assert run.placed == Seat.objects.count() > 0
