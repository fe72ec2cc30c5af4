"""The postings demo data: every team posted, two terms ending soon, a month of check-ins, one flag."""

from datetime import date, timedelta

import pytest

from postings.demo import load_postings_demo
from postings.models import CheckIn, Flag, Inspection, Posting
from tests.factories import CadreFactory

pytestmark = pytest.mark.django_db


def test_demo_data_is_complete_and_idempotent(tree):
    today = date(2026, 5, 20)
    CadreFactory(unit=tree["east_team"])
    load_postings_demo(today=today)
    counts = [model.objects.count() for model in (Posting, CheckIn, Inspection, Flag)]
    load_postings_demo(today=today)
    assert [model.objects.count() for model in (Posting, CheckIn, Inspection, Flag)] == counts

    for team in (tree["east_team"], tree["east_team_2"], tree["west_team"]):
        assert Posting.objects.filter(team=team, ended_on__isnull=True).count() == 3
    ending = Posting.objects.filter(planned_end_on__range=(today, today + timedelta(days=90)))
    assert ending.count() == 2
    assert CheckIn.objects.filter(day__gte=today - timedelta(days=30)).count() > 3 * 3 * 20
    assert Flag.objects.count() == 1
    assert Inspection.objects.get().absences.count() == 1
