"""For cron: remind everyone overdue (daily) and send officers their weekly digest.

Both are de-duplicated in the database, so running the command twice a day sends nothing new.
"""

from django.core.management.base import BaseCommand

from reports.tasks import send_overdue_reminders, send_weekly_digests


class Command(BaseCommand):
    help = "Send overdue reminders to cadres and/or the weekly digest to officers (once per day / week)."

    def add_arguments(self, parser):
        parser.add_argument("--overdue", action="store_true", help="Remind every overdue cadre (once a day).")
        parser.add_argument("--digest", action="store_true", help="Send officers the weekly digest (once a week).")

    def handle(self, *args, overdue=False, digest=False, **options):
        if not (overdue or digest):
            overdue = digest = True
        if overdue:
            result = send_overdue_reminders.enqueue(sender_id=None, params={})
            self.stdout.write(f"Overdue reminders: {result.status} {_outcome(result)}")
        if digest:
            result = send_weekly_digests.enqueue()
            self.stdout.write(f"Weekly digests: {result.status} {_outcome(result)}")


def _outcome(result) -> str:
    from django_tasks import TaskResultStatus

    return str(result.return_value) if result.status == TaskResultStatus.SUCCESSFUL else ""
