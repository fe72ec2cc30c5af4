import os

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-jianbing"  # noqa: S105 - test settings only
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "private": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
WAGTAILADMIN_BASE_URL = "http://testserver"
# Login throttling is switched on by the tests that are about it (tests/security).
AXES_ENABLED = False

if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    # One test database per run, so parallel runs on one server never drop each other's database.
    DATABASES["default"]["TEST"] = {"NAME": f"test_jianbing_{os.getpid()}"}  # noqa: F405

# Tests never collect static files; whitenoise would only warn that STATIC_ROOT is missing.
MIDDLEWARE = [m for m in MIDDLEWARE if m != "whitenoise.middleware.WhiteNoiseMiddleware"]  # noqa: F405

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not shared-cache memory: only a real file honours WAL, the busy timeout and
    # IMMEDIATE transactions, which the concurrency tests rely on as production does.
    import tempfile

    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.path.join(tempfile.gettempdir(), f"jianbing-test-{os.getpid()}.sqlite3")
    }
