"""Chinese first, English on request, and no untranslated message left in the catalogue."""

import json
from pathlib import Path

import polib
import pytest
from django.conf import settings

from tests.factories import CadreFactory, make_trainer, unit_root

PO_FILE = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def test_every_message_has_a_chinese_translation():
    catalogue = polib.pofile(str(PO_FILE))
    untranslated = [entry.msgid for entry in catalogue if not entry.translated()]
    assert untranslated == []


def test_the_compiled_catalogue_matches_the_source():
    compiled = polib.mofile(str(PO_FILE.with_suffix(".mo")))
    source = polib.pofile(str(PO_FILE))
    # Keyed by context too: "Next" (page) and "Next" (question) are different messages.
    assert {(e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural.get(0) for e in compiled if e.msgid} == {
        (e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural.get(0) for e in source if e.translated()
    }


@pytest.mark.django_db
def test_pages_are_chinese_by_default_and_english_on_request(client):
    client.force_login(CadreFactory(unit=unit_root()).user)
    assert "我的学习" in client.get("/me/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/me/"})
    assert "My learning" in client.get("/me/").content.decode()


@pytest.mark.django_db
def test_the_admin_editor_speaks_chinese(client):
    """Wagtail's zh_Hans JavaScript catalogue lacks the rich-text editor's prompt; ours fills it."""
    client.force_login(make_trainer())
    response = client.get("/admin/jsi18n/")
    assert response.status_code == 200
    text = response.content.decode()
    # The catalogue is JSON inside the script, with non-ASCII characters escaped.
    assert json.dumps("输入内容，或键入“/”插入内容块")[1:-1] in text
    assert json.dumps("删除")[1:-1] in text  # Wagtail's own Chinese is still there
