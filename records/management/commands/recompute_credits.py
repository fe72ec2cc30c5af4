"""Recount a year's credit hours under the rules as they stand now, and say what changed."""

from django.core.management.base import BaseCommand

from records import services


class Command(BaseCommand):
    help = "Recount every credit-hour entry of a year under the current rules and report the differences."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--dry-run", action="store_true", help="Report the differences without writing them.")

    def handle(self, *args, year: int, dry_run: bool, **options):
        report = services.ledger_recompute(year=year, apply=not dry_run)
        for change in report.changes:
            self.stdout.write(
                f"entry {change.entry_id} · {change.cadre_name} · {change.source} · {change.description}: "
                f"{change.old_hours} → {change.new_hours} ({change.rule})"
            )
        delta = report.hours_after - report.hours_before
        self.stdout.write(
            f"{year}: {report.entries} entries of {report.cadres} cadres checked, {len(report.changes)} changed "
            f"({delta:+} hours), {report.relabelled} relabelled." + (" Dry run: nothing written." if dry_run else "")
        )
