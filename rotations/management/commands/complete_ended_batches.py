from django.core.management.base import BaseCommand
from django.utils import timezone

from rotations.services.attendance import batches_complete_ended


class Command(BaseCommand):
    help = "Decide every training batch that has ended and credit its hours (run daily, e.g. from cron)."

    def handle(self, *args, **options):
        tally = batches_complete_ended(today=timezone.localdate())
        self.stdout.write(
            "{batches} batches decided: {completed} seats completed, {not_completed} not completed.".format(**tally)
        )
