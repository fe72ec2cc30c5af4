"""System checks that keep private files away from every URL-mapped directory."""

from __future__ import annotations

from django.conf import settings
from django.core import checks
from django.core.files.storage import FileSystemStorage, storages

from lms.private_files import is_inside

PRIVATE_STORAGE_MISSING = 'STORAGES has no "private" storage; private files would have nowhere safe to go.'
PRIVATE_ROOT_EXPOSED = "Private files ({private}) would lie inside {name} ({root}), which is served to anyone."
PRIVATE_ACCEL_PREFIX = "PRIVATE_MEDIA_ACCEL_REDIRECT must be an absolute path ending in '/', such as '/_private/'."


@checks.register(checks.Tags.security, deploy=False)
def private_storage_is_private(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    errors = []
    configured = settings.STORAGES
    if "private" not in configured:
        return [checks.Error(PRIVATE_STORAGE_MISSING, id="lms.E101")]
    # The configured root, and the directory the private storage really writes to (if any).
    locations = {str(settings.PRIVATE_MEDIA_ROOT)}
    if isinstance(storages["private"], FileSystemStorage):
        locations.add(str(storages["private"].location))
    for private_root in sorted(locations):
        for name in ("MEDIA_ROOT", "STATIC_ROOT", "WHITENOISE_ROOT"):
            root = getattr(settings, name, None)
            if root and is_inside(private_root, root):
                message = PRIVATE_ROOT_EXPOSED.format(private=private_root, name=name, root=root)
                errors.append(checks.Error(message, id="lms.E103"))
    prefix = getattr(settings, "PRIVATE_MEDIA_ACCEL_REDIRECT", "")
    if prefix and not (prefix.startswith("/") and prefix.endswith("/")):
        errors.append(checks.Error(PRIVATE_ACCEL_PREFIX, id="lms.E104"))
    return errors
