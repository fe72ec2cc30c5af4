"""Run a roster import or a schedule run in a process of its own, which can be made to stop dead
inside its transaction so that a test can kill it there with SIGKILL.

    python -m tests.faults.killable import FILE UNIT_CODE
    python -m tests.faults.killable schedule PROGRAMME_ID

With KILL_POINT set (the start of an SQL statement, e.g. 'UPDATE "auth_user"'), the process
stops right after the first statement that starts so: it writes READY_FILE with what it sees
from inside its own, uncommitted transaction, then waits to be killed. The stop is a database
execute wrapper installed here, so the services themselves carry no test code. Used by
tests/faults/test_killed_process.py.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import django

# A process nobody kills in this time gives up without committing (its transaction rolls back).
WAIT_TO_BE_KILLED_SECONDS = 300


def _inside_view() -> dict:
    from django.contrib.auth import get_user_model

    from cadres.models import Cadre, OrgUnit
    from rotations.models import ScheduleRun, Seat

    return {
        "cadres": Cadre.objects.count(),
        "users": get_user_model().objects.count(),
        "units": OrgUnit.objects.count(),
        "names": sorted(Cadre.objects.values_list("name", flat=True)),
        "seats": Seat.objects.count(),
        "runs": ScheduleRun.objects.count(),
    }


def _stop_after(statement_start: str, ready: Path):
    stopped = False

    def wrapper(execute, sql, params, many, context):
        nonlocal stopped
        result = execute(sql, params, many, context)
        if not stopped and sql.lstrip().startswith(statement_start):
            stopped = True  # before _inside_view(), whose queries pass through here too
            connection = context["connection"]
            view = {"in_transaction": connection.in_atomic_block, **_inside_view()}
            partial = ready.with_suffix(".partial")
            partial.write_text(json.dumps(view, ensure_ascii=False))
            partial.rename(ready)  # the test sees the whole file or none
            time.sleep(WAIT_TO_BE_KILLED_SECONDS)
            os._exit(3)
        return result

    return wrapper


def _run(job: str, args: list[str]) -> None:
    if job == "import":
        from django.core.management import call_command

        path, unit = args
        call_command("import_roster", path, unit=unit, verbosity=0)
    elif job == "schedule":
        from rotations.models import Programme
        from rotations.services import scheduling

        scheduling.schedule_plan(programme=Programme.objects.get(pk=int(args[0])))
    else:
        raise SystemExit(f"unknown job {job!r}")


def main(argv: list[str]) -> None:
    django.setup()
    from django.db import connection

    kill_point = os.environ.get("KILL_POINT")
    if not kill_point:
        _run(argv[0], argv[1:])
        return
    with connection.execute_wrapper(_stop_after(kill_point, Path(os.environ["READY_FILE"]))):
        _run(argv[0], argv[1:])
    raise SystemExit(f"the job finished without reaching {kill_point!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
