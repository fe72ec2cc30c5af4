import os

import pytest


def pytest_ignore_collect(collection_path, config):
    """The two-app-server test needs PostgreSQL and Redis: collected only when the suite runs on
    PostgreSQL (as CI's second run does), never skipped silently on SQLite."""
    if collection_path.name == "test_two_app_servers.py":
        return not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
    return None


@pytest.fixture
def wagtail_root(transactional_db):
    """Transactional tests flush every table, Wagtail's root page and locale included: put them back."""
    from django.conf import settings
    from wagtail.models import Locale, Page

    Locale.objects.get_or_create(language_code=settings.WAGTAIL_CONTENT_LANGUAGES[0][0])
    if Page.get_first_root_node() is None:
        Page.add_root(instance=Page(title="Root", slug="root"))
