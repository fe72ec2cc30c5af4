"""Recount a year's credit hours under the rules as they stand now, and say what changed, was added or removed."""

from django.core.management.base import BaseCommand

from records.services import recount


class Command(BaseCommand):
    help = (
        "Recount every credit-hour entry of a year under the current rules, add the credit the ledger lacks, "
        "remove credit whose seat or claim no longer stands, and report every difference."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--dry-run", action="store_true", help="Report the differences without writing them.")

    def handle(self, *args, year: int, dry_run: bool, **options):
        report = recount.ledger_recompute(year=year, apply=not dry_run)
        for change in report.changes:
            self.stdout.write(
                f"entry {change.entry_id} · {change.cadre_name} · {change.source} · {change.description}: "
                f"{change.old_hours} → {change.new_hours} ({change.rule})"
            )
        for change in report.added:
            entry = f"entry {change.entry_id}" if change.entry_id else "new entry"
            self.stdout.write(
                f"added {entry} · {change.cadre_name} · {change.source} · {change.description}: "
                f"{change.new_hours} ({change.rule})"
            )
        for change in report.removed:
            self.stdout.write(
                f"removed entry {change.entry_id} · {change.cadre_name} · {change.source} · {change.description}: "
                f"{change.old_hours}"
            )
        self.stdout.write(
            f"{year}: {report.entries} entries of {report.cadres} cadres checked, {len(report.changes)} changed, "
            f"{len(report.added)} added, {len(report.removed)} removed ({report.delta:+} hours), "
            f"{report.relabelled} relabelled." + (" Dry run: nothing written." if dry_run else "")
        )
