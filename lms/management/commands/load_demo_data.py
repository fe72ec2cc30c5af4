import time

from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.demo.loader import load_demo_data
from lms.demo.people import DEMO_PASSWORD


class Command(BaseCommand):
    help = "Load the demo county, roster, courses and logins; safe to run again (it only adds what is missing)."

    def handle(self, *args, **options):
        started = time.monotonic()
        summary = load_demo_data(today=timezone.localdate())
        self.stdout.write(
            _(
                "Demo data ready in {seconds:.1f} s: {units} units, {cadres} new cadres, {courses} courses, "
                "{requirements} new requirements, {progress} new course-progress rows."
            ).format(
                seconds=time.monotonic() - started,
                units=summary.units,
                cadres=summary.cadres_created,
                courses=summary.courses,
                requirements=summary.requirements_created,
                progress=summary.progress_rows_created,
            )
        )
        self.stdout.write(
            _("Demo logins (password {password}): admin, trainer, county, township, cadre.").format(
                password=DEMO_PASSWORD
            )
        )
