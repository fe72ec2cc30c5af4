import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english(settings):
    """Messages are asserted as their English msgids, whatever catalogue has been compiled."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
