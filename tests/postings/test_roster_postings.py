"""A roster import posts team cadres to their work team (through cadres.signals.roster_imported),
so an imported team member can check in at /village/ straight away."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from cadres import services as cadre_services
from cadres.models import Cadre, ImportJob, ImportStatus
from cadres.roster import RowError
from postings.models import CheckIn, Posting, PostingRuleSet
from postings.services import roster as roster_postings
from tests.cadres.files import roster_row, xlsx_bytes
from tests.factories import make_officer, make_posting

pytestmark = pytest.mark.django_db

TEAM = "清河县/东镇/东村工作队"


def import_rows(tree, *rows, actor=None):
    return cadre_services.roster_import(
        file=xlsx_bytes(list(rows)), filename="r.xlsx", root_unit=tree["county"], actor=actor
    )


class ImportPostsTeamCadresTests:
    def test_a_team_member_with_a_date_posted_is_posted_with_the_role_of_the_row(self, tree):
        result = import_rows(tree, roster_row(1, 单位=TEAM, 类别="工作队员", 驻村日期="2025-03-01"))

        posting = Posting.objects.get()
        assert result.postings_created == 1
        assert (posting.team, posting.role, posting.starts_on) == (tree["east_team"], "member", date(2025, 3, 1))
        assert (posting.sending_unit, posting.planned_end_on, posting.ended_on) == (
            "县农业农村局",
            date(2027, 3, 1),
            None,
        )

    def test_the_term_follows_the_rules_of_the_team(self, tree):
        PostingRuleSet.objects.create(unit=tree["east"], term_months=36)

        import_rows(tree, roster_row(1, 单位=TEAM, 类别="工作队长", 驻村日期="2025-03-01"))

        posting = Posting.objects.get()
        assert (posting.role, posting.planned_end_on) == ("team_leader", date(2028, 3, 1))

    def test_an_imported_team_member_can_check_in_at_the_village_page(self, tree, client):
        import_rows(tree, roster_row(1, 单位=TEAM, 类别="工作队员", 驻村日期="2025-03-01"))
        cadre = Cadre.objects.get()
        client.force_login(cadre.user)

        response = client.post(reverse("village-check-in"), {"consent": ""}, follow=True)

        assert response.status_code == 200
        assert CheckIn.objects.filter(cadre=cadre, day=timezone.localdate()).count() == 1

    def test_a_reimport_posts_nobody_twice(self, tree):
        row = roster_row(1, 单位=TEAM, 类别="第一书记", 驻村日期="2025-03-01")
        import_rows(tree, row)

        result = import_rows(tree, row)

        assert result.postings_created == 0
        assert Posting.objects.count() == 1

    @pytest.mark.parametrize(
        "overrides",
        [
            {"类别": "乡镇干部"},  # not a team category
            {"单位": "清河县/东镇"},  # not a work team
            {"驻村日期": None},  # no date posted
            {"状态": "离任"},  # no longer serving
        ],
    )
    def test_rows_that_do_not_place_a_team_cadre_in_a_team_post_nobody(self, tree, overrides):
        result = import_rows(tree, roster_row(1, **{"单位": TEAM, **overrides}))

        assert result.postings_created == 0
        assert not Posting.objects.exists()

    def test_a_cadre_posted_to_another_team_is_not_posted_again_and_the_row_says_why(self, tree):
        import_rows(tree, roster_row(1, 单位=TEAM))
        cadre = Cadre.objects.get()
        Posting.objects.all().delete()
        make_posting(tree["west_team"], cadre=cadre, starts_on=date(2025, 1, 1))

        result = import_rows(tree, roster_row(1, 单位=TEAM))

        assert result.postings_created == 0
        assert [note.message for note in result.notes] == [
            roster_postings.NOT_POSTED_ELSEWHERE.format(team="东村工作队", current="西村工作队")
        ]

    def test_a_row_without_a_sending_unit_is_imported_but_not_posted(self, tree):
        result = import_rows(tree, roster_row(1, 单位=TEAM, 派出单位=None))

        assert Cadre.objects.count() == 1
        assert result.postings_created == 0
        assert [(n.row, n.column, n.message) for n in result.notes] == [
            (2, "派出单位", roster_postings.NOT_POSTED_NO_SENDING_UNIT.format(team="东村工作队"))
        ]

    def test_a_failure_while_posting_rolls_the_whole_import_back(self, tree, monkeypatch):
        def broken(*args, **kwargs):
            raise RuntimeError("rules unavailable")

        monkeypatch.setattr(roster_postings.rules, "planned_end", broken)

        with pytest.raises(RuntimeError):
            import_rows(tree, roster_row(1, 单位=TEAM), roster_row(2, 单位="清河县/西镇", 类别="乡镇干部"))

        assert not Cadre.objects.exists()
        assert not Posting.objects.exists()

    def test_many_rows_are_posted_with_a_bounded_number_of_queries(self, tree, django_assert_max_num_queries):
        rows = [roster_row(n, 单位=TEAM if n % 2 else "清河县/西镇/西村工作队") for n in range(200)]

        with django_assert_max_num_queries(40):
            result = import_rows(tree, *rows)

        assert result.postings_created == 200


class ImportJobPostingsTests:
    def test_the_job_page_reports_how_many_were_posted(self, tree, client, django_capture_on_commit_callbacks):
        officer = make_officer(tree["county"])
        upload = SimpleUploadedFile(
            "r.xlsx", xlsx_bytes([roster_row(1, 单位=TEAM), roster_row(2, 单位=TEAM, 派出单位=None)])
        )
        with django_capture_on_commit_callbacks(execute=True):
            job = cadre_services.import_job_create(file=upload, unit=tree["county"], actor=officer)
        job = ImportJob.objects.get(pk=job.pk)
        client.force_login(officer)

        page = client.get(reverse("cadres_import_job", args=[job.pk])).content.decode()

        assert (job.status, job.postings_created) == (ImportStatus.SUCCEEDED, 1)
        assert [RowError.from_dict(note).column for note in job.notes] == ["派出单位"]
        assert "派驻工作队 1 人" in page  # the admin speaks Chinese by default
        assert "未派驻到 东村工作队：派驻须填写派出单位。" in page
        assert "import-bar--succeeded" in page
