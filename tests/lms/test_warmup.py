"""The warm-up gunicorn's master runs before forking leaves the workers' lazy set-up done, and no
database connection behind for the workers to share."""

from __future__ import annotations

import subprocess
import sys

from lms.warmup import TEMPLATES

# Run in a fresh interpreter: this test process has long since populated all of it.
PROBE = """
import sys
import django
django.setup()
from django.db import connections
from django.template import engines
from django.urls import get_resolver
from lms.warmup import warm_up

resolver = get_resolver()
before = (resolver._populated, "courses.views" in sys.modules)
warm_up()
loaded = {
    name
    for loader in engines["django"].engine.template_loaders
    for name in [key.split(":")[0] for key in getattr(loader, "get_template_cache", {})]
}
print(before)
print((resolver._populated, "courses.views" in sys.modules))
print(sorted(loaded))
print([alias for alias in connections if connections[alias].connection is not None])
"""


def _probe(settings_module: str) -> list[str]:
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        env={"DJANGO_SETTINGS_MODULE": settings_module, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip().splitlines()


class WarmUpTests:
    def test_the_url_modules_are_imported_and_the_reverse_lookups_built(self):
        before, after, _templates, _connections = _probe("lms.settings.test")
        assert (before, after) == ("(False, False)", "(True, True)")

    def test_the_busiest_templates_are_compiled(self):
        templates = eval(_probe("lms.settings.test")[2])  # noqa: S307 - our own printed list
        assert set(TEMPLATES) <= set(templates)

    def test_no_database_connection_is_left_open(self):
        assert _probe("lms.settings.test")[3] == "[]"
