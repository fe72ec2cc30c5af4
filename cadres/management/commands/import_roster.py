"""manage.py import_roster FILE --unit CODE: the officer's roster import, from a shell."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext

from cadres import services
from cadres.exceptions import RosterRejected
from cadres.models import OrgUnit

UNKNOWN_UNIT = "No unit has the code {code}."
NO_FILE = "No such file: {path}"
REJECTED = "The roster was rejected ({count} problems); nothing was imported."


class Command(BaseCommand):
    help = "Import a roster (.xlsx or .csv) below a unit; any bad row rejects the whole file."

    def add_arguments(self, parser):
        parser.add_argument("file", help="roster file, .xlsx or .csv (UTF-8 or GB18030)")
        parser.add_argument("--unit", required=True, help="code of the unit the rows are imported below")

    def handle(self, *args, file: str, unit: str, verbosity: int = 1, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(NO_FILE.format(path=path))
        root = OrgUnit.objects.filter(code=unit).first()
        if root is None:
            raise CommandError(UNKNOWN_UNIT.format(code=unit))

        def progress(phase: str, done: int, total: int) -> None:
            if verbosity:
                self.stderr.write(f"\r{phase}: {done}/{total}", ending="")
                self.stderr.flush()

        try:
            result = services.roster_import(file=path, root_unit=root, progress=progress)
        except RosterRejected as exc:
            if verbosity:
                self.stderr.write("")
            for error in exc.errors:
                where = f"row {error.row}" if error.row is not None else "file"
                column = f" [{error.column}]" if error.column else ""
                self.stdout.write(f"{where}{column}: {error.render(gettext)}")
            raise CommandError(REJECTED.format(count=len(exc.errors))) from None
        if verbosity:
            self.stderr.write("")
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {result.total_rows} rows: {result.created} added, {result.updated} updated, "
                f"{result.units_created} units added, {result.postings_created} posted to work teams."
            )
        )
        for note in result.notes:
            self.stdout.write(f"row {note.row} [{note.column}]: {note.render(gettext)}")
