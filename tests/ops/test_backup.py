"""`manage.py backup` then `manage.py restore` brings back exactly the records that were there."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from cadres.models import Cadre, OrgUnit
from courses.models import LessonProgress
from tests.factories import CadreFactory, make_course, unit_child, unit_root

pytestmark = pytest.mark.django_db(transaction=True)


def records() -> dict:
    return {
        "units": sorted(OrgUnit.objects.values_list("code", "path")),
        "cadres": sorted(Cadre.objects.values_list("id_number", "name", "unit__code")),
        "logins": sorted(get_user_model().objects.values_list("username", "password")),
        "progress": sorted(LessonProgress.objects.values_list("cadre_id", "lesson_id", "credited_seconds")),
    }


def test_a_restored_copy_has_the_same_records(tmp_path, wagtail_root):
    county = unit_root()
    township = unit_child(county, code="T01")
    cadres = CadreFactory.create_batch(3, unit=township)
    lesson = make_course(lessons=1).get_children().specific().first()
    LessonProgress.objects.create(cadre=cadres[0], lesson=lesson, credited_seconds=120)
    before = records()
    dump = tmp_path / "jianbing.backup"

    call_command("backup", str(dump))
    Cadre.objects.filter(pk=cadres[0].pk).delete()
    CadreFactory(unit=county, name="备份之后")
    LessonProgress.objects.all().delete()
    assert records() != before
    call_command("restore", str(dump), yes=True)

    assert records() == before
