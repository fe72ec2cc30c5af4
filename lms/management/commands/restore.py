"""Replace the database's contents with a file written by `manage.py backup`.

Stop the app servers and workers first: the restore overwrites every table.
"""

from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from lms.management.commands.backup import pg_environment


class Command(BaseCommand):
    help = "Restore the database from a file written by `manage.py backup` (overwrites everything)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("path")
        parser.add_argument("--database", default="default")
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")

    def handle(self, *args, path: str, database: str, yes: bool, **options) -> None:
        source = Path(path)
        if not source.exists():
            raise CommandError(f"{source} does not exist.")
        connection = connections[database]
        name = connection.settings_dict["NAME"]
        if not yes and input(f"Overwrite every table of {name} with {source}? [y/N] ").strip().lower() != "y":
            raise CommandError("Restore cancelled.")
        vendor = connection.vendor
        if vendor == "sqlite":
            connection.ensure_connection()
            with sqlite3.connect(source) as backup:
                backup.backup(connection.connection)
            backup.close()
        elif vendor == "postgresql":
            connection.close()
            args, env = pg_environment(connection.settings_dict)
            command = [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--dbname",
                name,
                *args,
                str(source),
            ]
            result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
            if result.returncode != 0:
                raise CommandError(f"pg_restore failed: {result.stderr.strip()}")
        else:
            raise CommandError(f"No restore method for the {vendor} database.")
        self.stdout.write(f"Restored the {vendor} database {name} from {source}.")
