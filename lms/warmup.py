"""Do once, before gunicorn forks its workers, the lazy set-up every worker would otherwise do on
its first requests.

With `--preload` the master imports the application and forks the workers from it, so whatever
is loaded here is shared by all of them. Left lazy, a new worker's first request imported the URL
modules and their views, the Redis client (60 ms of it) and compiled its templates: a first
heartbeat took 113 ms where the next took 15 ms (53 ms with this warm-up; what is left is the
database connection). On a busy machine that lands exactly when it hurts: at a restart or a
`--max-requests` recycle, every worker at once, in front of the queued requests.

Nothing here touches the database: a connection opened before the fork would be shared by
every worker.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.cache import caches
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import get_resolver, reverse
from django.utils import translation

logger = logging.getLogger("jianbing.lms")

# The pages a whole county opens at once, and the templates they extend.
TEMPLATES = (
    "base.html",
    "503.html",
    "courses/lesson_page.html",
    "courses/course_page.html",
    "courses/my_learning.html",
    "quizzes/attempt_take.html",
    "quizzes/attempt_result.html",
    "quizzes/quiz_detail.html",
    "wagtailadmin/base.html",
)


def warm_up() -> None:
    """Load the URL patterns, every language's catalogue, the cache client and the busiest templates."""
    get_resolver().resolve("/")  # imports every URL module and its views
    reverse("healthz")  # builds the reverse lookup tables {% url %} uses
    # The Redis cache backend imports redis (60 ms) when first used; no connection is opened
    # here, and redis-py's pools start afresh in a forked process.
    for alias in settings.CACHES:
        getattr(caches[alias], "_cache", None)
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("Home")
    for name in TEMPLATES:
        try:
            get_template(name)
        except TemplateDoesNotExist:
            logger.warning("Warm-up: template %s does not exist", name)
