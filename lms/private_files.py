"""Private files: claim proofs, report exports, certificate bundles, roster uploads.

They live in the "private" storage (`STORAGES["private"]`, by default a directory outside
MEDIA_ROOT, `PRIVATE_MEDIA_ROOT`) which is never mapped to a URL: no web server, object-storage
bucket policy or `/media/` route may serve it. A view that has checked who may read a file
streams it with `private_file_response`, or hands it to nginx with `X-Accel-Redirect` when
`PRIVATE_MEDIA_ACCEL_REDIRECT` names an `internal` location (docs/security.md).
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.core.signals import setting_changed
from django.db.models.fields.files import FieldFile
from django.dispatch import receiver
from django.http import FileResponse, Http404, HttpResponse
from django.utils.cache import patch_cache_control
from django.utils.functional import LazyObject, empty
from django.utils.http import content_disposition_header

PRIVATE_FILE_HAS_NO_URL = "Private files have no URL; serve them through a view that checks who asks."


class _PrivateStorage(LazyObject):
    """`storages["private"]`, looked up when first used and again after the setting changes."""

    def _setup(self) -> None:
        self._wrapped = storages["private"]


private_files_storage = _PrivateStorage()


@receiver(setting_changed)
def _private_storage_changed(*, setting, **kwargs) -> None:
    if setting in ("STORAGES", "PRIVATE_MEDIA_ROOT"):
        storages._storages.pop("private", None)
        private_files_storage._wrapped = empty


def private_storage() -> Storage:
    """The storage of every private FileField (`storage=private_storage`).

    A callable, so migrations record the function rather than the configured backend, and
    deployments (or tests) choose `STORAGES["private"]` without a new migration."""
    return private_files_storage


class PrivateFileSystemStorage(FileSystemStorage):
    """FileSystemStorage that never produces a URL (a plain one would fall back to MEDIA_URL)."""

    def __init__(self, location=None, **kwargs) -> None:
        kwargs.pop("base_url", None)
        super().__init__(location=location or settings.PRIVATE_MEDIA_ROOT, base_url=None, **kwargs)

    def url(self, name):
        raise ValueError(PRIVATE_FILE_HAS_NO_URL)


def private_file_response(
    file: FieldFile, *, filename: str, content_type: str = "", as_attachment: bool = True
) -> HttpResponse:
    """The file to a reader the view has already let through; never cached by a shared cache.

    With `PRIVATE_MEDIA_ACCEL_REDIRECT` set (for example "/_private/"), nginx sends the bytes
    from its `internal` location and Django only says which file; otherwise Django streams it."""
    content_type = content_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
    prefix = getattr(settings, "PRIVATE_MEDIA_ACCEL_REDIRECT", "")
    if prefix:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + quote(file.name)
        response["Content-Disposition"] = content_disposition_header(as_attachment=as_attachment, filename=filename)
    else:
        try:
            handle = file.open("rb")
        except FileNotFoundError as error:  # e.g. an old file not yet moved (move_private_files)
            raise Http404 from error
        response = FileResponse(handle, as_attachment=as_attachment, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    patch_cache_control(response, private=True, no_store=True)
    return response


def private_file_fields() -> list:
    """Every model FileField that keeps its files in the private storage."""
    from django.apps import apps
    from django.db import models

    return [
        field
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.FileField) and getattr(field, "_storage_callable", None) is private_storage
    ]


def is_inside(path: str | Path, root: str | Path) -> bool:
    """Whether `path` is `root` or lies under it (both resolved)."""
    path, root = Path(path).resolve(), Path(root).resolve()
    return path == root or root in path.parents


def serve_media(request, path: str, document_root=None, show_indexes: bool = False) -> HttpResponse:
    """`/media/` under `make run`: Django's static view, with every climb out of MEDIA_ROOT and
    anything in the private root a plain 404 (as a web server answers), never a 400 or a file."""
    from django.core.exceptions import SuspiciousFileOperation
    from django.utils._os import safe_join
    from django.views.static import serve

    try:
        full_path = safe_join(document_root, path)
    except SuspiciousFileOperation as error:
        raise Http404 from error
    if is_inside(full_path, settings.PRIVATE_MEDIA_ROOT):
        raise Http404
    return serve(request, path, document_root=document_root, show_indexes=show_indexes)
