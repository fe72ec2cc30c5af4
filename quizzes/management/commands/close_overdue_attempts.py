from django.core.management.base import BaseCommand

from quizzes.services import attempts_close_overdue


class Command(BaseCommand):
    help = "Grade every quiz attempt whose time ran out, even if its cadre never came back. Run every minute."

    def handle(self, *args, **options):
        closed = attempts_close_overdue()
        self.stdout.write(f"closed {closed} overdue attempts")
