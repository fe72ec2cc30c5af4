"""Write a consistent copy of the database to a file.

SQLite: the online backup API (a consistent snapshot while the site keeps running).
PostgreSQL: `pg_dump --format=custom` (a consistent snapshot by MVCC), restorable with
`manage.py restore` or `pg_restore` directly. Media files are not included: they live in the
media storage, which has its own versioning or backup (see docs/deployment.md).
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connections


def pg_environment(settings_dict: dict) -> tuple[list[str], dict]:
    """Connection arguments for the PostgreSQL client tools, and the environment holding the password."""
    args = []
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings_dict.get(key):
            args += [flag, str(settings_dict[key])]
    env = {**os.environ}
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = settings_dict["PASSWORD"]
    return args, env


class Command(BaseCommand):
    help = "Back up the database to a file (SQLite backup API or pg_dump)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", help="File to write, e.g. backups/jianbing-2026-05-01.dump")
        parser.add_argument("--database", default="default")

    def handle(self, *args, path: str, database: str, **options) -> None:
        connection = connections[database]
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        vendor = connection.vendor
        if vendor == "sqlite":
            connection.ensure_connection()
            with sqlite3.connect(target) as copy:
                connection.connection.backup(copy)
            copy.close()
        elif vendor == "postgresql":
            settings_dict = connection.settings_dict
            args, env = pg_environment(settings_dict)
            command = ["pg_dump", "--format=custom", "--no-owner", "--file", str(target), *args, settings_dict["NAME"]]
            result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
            if result.returncode != 0:
                raise CommandError(f"pg_dump failed: {result.stderr.strip()}")
        else:
            raise CommandError(f"No backup method for the {vendor} database.")
        self.stdout.write(f"Backed up the {vendor} database to {target} ({target.stat().st_size} bytes).")
