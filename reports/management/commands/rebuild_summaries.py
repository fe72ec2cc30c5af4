"""Recompute every report summary row from the raw records (nightly from cron, or after a bulk change)."""

import time

from django.core.management.base import BaseCommand

from cadres.models import Cadre
from reports.summaries import summaries_rebuild


class Command(BaseCommand):
    help = "Rebuild the report summary rows from progress, credits, seats, attempts and requirements."

    def add_arguments(self, parser):
        parser.add_argument("--unit", help="Only cadres in the subtree of the unit with this code.")

    def handle(self, *args, unit=None, **options):
        started = time.perf_counter()
        ids = None
        if unit:
            ids = Cadre.objects.filter(unit__path__startswith=_path(unit)).values_list("pk", flat=True)

        def progress(done: int, total: int) -> None:
            if options["verbosity"] > 1:
                self.stdout.write(f"{done}/{total}")

        done = summaries_rebuild(cadre_ids=ids, progress=progress)
        self.stdout.write(f"Rebuilt summaries of {done} cadres in {time.perf_counter() - started:.1f} s.")


def _path(code: str) -> str:
    from django.core.management.base import CommandError

    from cadres.models import OrgUnit

    path = OrgUnit.objects.filter(code=code).values_list("path", flat=True).first()
    if path is None:
        raise CommandError(f"No unit with code {code}.")
    return path
