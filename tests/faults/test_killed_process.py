"""A roster import and a schedule run killed with SIGKILL halfway, in a real process of their own,
leave nothing half-written, and the same work run again afterwards succeeds.

The child (tests/faults/killable.py) works on this test's database: the SQLite file, or the
PostgreSQL database when DATABASE_URL points there (CI runs this file on both). It stops inside
its transaction right after a chosen write and reports what it sees from inside; the test checks
those rows are invisible outside, kills it, and checks the database holds what it held before.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from wagtail.models import ModelLogEntry

from cadres.models import Account, Cadre, OrgUnit
from cadres.services import roster_import
from rotations.models import ScheduleRun, Seat
from rotations.services import scheduling
from tests.cadres.files import roster_row, xlsx_bytes
from tests.factories import CadreFactory, make_batch, make_programme, unit_child, unit_root

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
# Django starts in a second or two; the machine running the suite may be busy.
READY_TIMEOUT_SECONDS = 180


def database_url() -> str:
    """The URL of the database this test runs on, for the child process."""
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    user = s.get("USER") or "postgres"
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{s.get('HOST') or '127.0.0.1'}:{s.get('PORT') or 5432}/{s['NAME']}"


def child_env(**extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("KILL_POINT", "READY_FILE")}
    return {**env, "DJANGO_SETTINGS_MODULE": "lms.settings.test", "DATABASE_URL": database_url(), **extra}


def run_to_completion(*args: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "tests.faults.killable", *args],
        cwd=ROOT,
        env=child_env(),
        capture_output=True,
        text=True,
        timeout=READY_TIMEOUT_SECONDS,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]


def start_and_kill_midway(tmp_path: Path, kill_point: str, *args: str) -> tuple[dict, int]:
    """Run the job until it stops after `kill_point` and SIGKILL it there.

    Returns what the child saw inside its transaction (with `outside_while_paused`, this
    process's snapshot taken just before the kill) and the child's exit code.
    """
    ready = tmp_path / "ready.json"
    log = tmp_path / "child.log"
    with open(log, "wb") as out:
        child = subprocess.Popen(
            [sys.executable, "-m", "tests.faults.killable", *args],
            cwd=ROOT,
            env=child_env(KILL_POINT=kill_point, READY_FILE=str(ready)),
            stdout=out,
            stderr=out,
        )
    try:
        deadline = time.monotonic() + READY_TIMEOUT_SECONDS
        while not ready.exists():
            assert child.poll() is None, f"the job ended before {kill_point!r}:\n{log.read_text()[-3000:]}"
            assert time.monotonic() < deadline, f"the job never reached {kill_point!r}"
            time.sleep(0.05)
        inside = json.loads(ready.read_text())
        inside["outside_while_paused"] = snapshot()
        os.kill(child.pid, signal.SIGKILL)
        return inside, child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()


def snapshot() -> dict:
    return {
        "users": sorted(get_user_model().objects.values_list("username", "first_name")),
        "cadres": sorted(Cadre.objects.values_list("id_number", "name", "unit__code")),
        "units": sorted(OrgUnit.objects.values_list("code", "path", "numchild")),
        "pending_accounts": Account.objects.count(),
        "seats": sorted(Seat.objects.values_list("cadre_id", "batch_id", "placed_by", "locked")),
        "runs": ScheduleRun.objects.count(),
        "audit": ModelLogEntry.objects.count(),
    }


class KilledRosterImportTests:
    def test_an_import_killed_after_writing_new_and_changed_cadres_leaves_the_earlier_roster(self, tmp_path):
        county = unit_root(code="C01", name="示范县")
        unit_child(county, code="T01", name="城关镇")
        roster_import(file=xlsx_bytes([roster_row(n) for n in range(1, 6)]), filename="r.xlsx", root_unit=county)
        before = snapshot()
        # The same five people renamed, and thirty new ones in units that do not exist yet.
        rows = [roster_row(n, 姓名=f"改名{n}") for n in range(1, 6)]
        rows += [roster_row(n, 单位=f"示范县/新镇{n % 3}/新村{n}工作队") for n in range(6, 36)]
        roster = tmp_path / "roster.xlsx"
        roster.write_bytes(xlsx_bytes(rows))

        # The last write before the audit entry: logins, units, cadres and renames are all in.
        inside, exit_code = start_and_kill_midway(tmp_path, 'UPDATE "auth_user"', "import", str(roster), "C01")

        assert inside["in_transaction"]
        assert inside["cadres"] == 35
        assert inside["units"] > len(before["units"])
        assert [n for n in inside["names"] if n.startswith("改名")] == [f"改名{n}" for n in range(1, 6)]
        assert inside["outside_while_paused"] == before  # none of it was committed
        assert exit_code == -signal.SIGKILL
        assert snapshot() == before

        run_to_completion("import", str(roster), "C01")

        after = snapshot()
        assert len(after["cadres"]) == 35
        assert sorted(n for _, n, _ in after["cadres"] if n.startswith("改名")) == [f"改名{n}" for n in range(1, 6)]
        assert after["pending_accounts"] == before["pending_accounts"] + 30
        # One entry for the import, one for the postings its work-team rows made.
        assert after["audit"] == before["audit"] + 2


class KilledScheduleRunTests:
    def test_a_schedule_run_killed_after_placing_everyone_leaves_the_earlier_plan(self, tmp_path):
        county = unit_root(code="C01", name="示范县")
        township = unit_child(county, code="T01", name="城关镇", min_on_duty=0)
        CadreFactory.create_batch(6, unit=township)
        programme = make_programme(county)
        make_batch(programme, capacity=10)
        make_batch(programme, capacity=10)
        scheduling.schedule_plan(programme=programme)
        CadreFactory.create_batch(6, unit=township)
        before = snapshot()
        assert len(before["seats"]) == 6

        # The last write before the audit entry: seats placed and the run recorded.
        inside, exit_code = start_and_kill_midway(
            tmp_path, 'INSERT INTO "rotations_schedulerun"', "schedule", str(programme.pk)
        )

        assert inside["in_transaction"]
        assert (inside["seats"], inside["runs"]) == (12, 2)
        assert inside["outside_while_paused"] == before
        assert exit_code == -signal.SIGKILL
        assert snapshot() == before

        run_to_completion("schedule", str(programme.pk))

        after = snapshot()
        assert after["runs"] == 2
        assert sorted(cadre for cadre, *_ in after["seats"]) == sorted(Cadre.objects.values_list("pk", flat=True))
