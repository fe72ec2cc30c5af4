"""Move private files written before the private storage existed out of the media storage.

Claim proofs, report exports, certificate bundles and roster uploads used to be written to
MEDIA_ROOT (`records/claims/`, `report-exports/`, `records/zips/`, `roster-imports/`), where a web
server or bucket serving media would hand them to anyone who guessed the name. This moves every
file under those folders, referenced by a row or not, to the same name in STORAGES["private"];
rows keep their names, so nothing else changes. Safe to run again: a file already in the
private storage is left alone (and its media copy removed once the copies match).
"""

from __future__ import annotations

from collections.abc import Iterator

from django.core.files.storage import Storage, storages
from django.core.management.base import BaseCommand

from lms.private_files import private_file_fields

MOVED = "Moved {count} private file(s) out of the media storage."
CONFLICT = "Left in media (a different file of that name is already private): {name}"


def private_folders() -> list[str]:
    """The fixed start of each private field's upload_to ("records/claims/%Y/%m/" → "records/claims/")."""
    folders = set()
    for field in private_file_fields():
        upload_to = field.upload_to if isinstance(field.upload_to, str) else ""
        folder = upload_to.split("%", 1)[0]
        folder = folder[: folder.rfind("/") + 1]
        if folder:
            folders.add(folder)
    return sorted(folders)


def walk(storage: Storage, folder: str) -> Iterator[str]:
    try:
        directories, files = storage.listdir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return
    for name in files:
        yield f"{folder}{name}"
    for directory in directories:
        yield from walk(storage, f"{folder}{directory}/")


class Command(BaseCommand):
    help = "Move claim proofs, exports, certificate bundles and roster uploads from media to the private storage."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Only list what would move.")

    def handle(self, *args, dry_run: bool = False, **options) -> None:
        media, private = storages["default"], storages["private"]
        moved = 0
        for folder in private_folders():
            for name in list(walk(media, folder)):
                if dry_run:
                    self.stdout.write(name)
                    moved += 1
                    continue
                if private.exists(name):
                    with media.open(name, "rb") as ours, private.open(name, "rb") as theirs:
                        same = ours.read() == theirs.read()
                    if not same:
                        self.stderr.write(CONFLICT.format(name=name))
                        continue
                else:
                    with media.open(name, "rb") as handle:
                        saved = private.save(name, handle)
                    if saved != name:  # never expected: exists() said the name was free
                        private.delete(saved)
                        self.stderr.write(CONFLICT.format(name=name))
                        continue
                media.delete(name)
                moved += 1
        self.stdout.write(MOVED.format(count=moved))
