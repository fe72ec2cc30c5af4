"""The data generator and the token command."""

import pytest
from django.core.management import CommandError, call_command

from cadres.models import Cadre, OrgUnit
from reports.models import ApiToken, CadreCourseSummary, CadreYearSummary, token_digest
from tests.factories import make_officer, make_trainer, unit_root


@pytest.mark.django_db
def test_generate_data_builds_a_province_with_its_summaries():
    call_command("generate_data", cadres=400, courses=3, seed=5, verbosity=0)
    assert Cadre.objects.count() == 400
    assert OrgUnit.objects.filter(level="township").count() == 200
    assert CadreYearSummary.objects.filter(year=2030).count() == 400
    assert CadreCourseSummary.objects.filter(year=2030).count() == 400 * 3
    with pytest.raises(CommandError):
        call_command("generate_data", cadres=10, courses=1, seed=5, verbosity=0)


@pytest.mark.django_db
def test_issue_api_token_prints_the_key_once_and_keeps_its_hash(capsys):
    officer = make_officer(unit_root())
    call_command("issue_api_token", officer.username, name="省干部管理系统")
    key = capsys.readouterr().out.split(": ", 1)[1].split()[0]
    assert ApiToken.objects.get(user=officer).digest == token_digest(key)
    with pytest.raises(CommandError):
        call_command("issue_api_token", make_trainer().username, name="x")


@pytest.mark.django_db
def test_issue_api_token_is_audit_logged_like_the_admin_screen(capsys):
    from wagtail.models import ModelLogEntry

    from reports import audit

    officer = make_officer(unit_root())
    call_command("issue_api_token", officer.username, name="省干部管理系统")
    token = ApiToken.objects.get(user=officer)
    entry = ModelLogEntry.objects.get(action=audit.API_TOKEN_ISSUE)
    assert entry.object_id == str(token.pk) and entry.user is None
    assert entry.data["for_user"] == officer.username
