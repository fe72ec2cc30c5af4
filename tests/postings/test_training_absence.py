"""The village check-in and presence agree with rotation training: a day away at a batch is 参训."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from postings import selectors
from postings.exceptions import AtTraining
from postings.models import CheckIn
from postings.services import presence
from rotations.models import AttendanceStatus, Seat
from rotations.services import attendance
from tests.factories import make_batch, make_posting, make_programme

pytestmark = pytest.mark.django_db


@pytest.fixture
def at_training(tree):
    """A posted cadre seated in a batch that began yesterday, present at yesterday's sessions."""
    today = timezone.localdate()
    posting = make_posting(tree["east_team"], starts_on=today - timedelta(days=100))
    programme = make_programme(
        tree["county"],
        name="驻村干部全员轮训",
        starts_on=today - timedelta(days=10),
        ends_on=today + timedelta(days=30),
    )
    batch = make_batch(programme, starts_on=today - timedelta(days=1), days=3)
    seat = Seat.objects.create(programme=programme, batch=batch, cadre=posting.cadre, locked=True)
    for session in batch.sessions.filter(date__lt=today):
        attendance.attendance_record(session=session, cadre=posting.cadre, status=AttendanceStatus.PRESENT)
    return {"today": today, "posting": posting, "batch": batch, "seat": seat}


def expected_refusal(seat) -> str:
    return str(presence.CHECK_IN_AT_TRAINING % presence.training_params(seat))


class CheckInDuringTrainingTests:
    def test_the_check_in_is_refused_with_the_reason_and_nothing_is_recorded(self, at_training):
        with pytest.raises(AtTraining) as caught:
            presence.check_in_record(cadre=at_training["posting"].cadre, at=timezone.now())
        assert str(caught.value) == expected_refusal(at_training["seat"])
        assert not CheckIn.objects.exists()

    def test_the_refusal_names_the_batch_in_chinese_on_the_page(self, client, at_training):
        client.force_login(at_training["posting"].cadre.user)
        response = client.post(reverse("village-check-in"), follow=True)
        with translation.override("zh-hans"):
            assert [str(m) for m in response.context["messages"]] == [expected_refusal(at_training["seat"])]
        assert "参训" in [str(m) for m in response.context["messages"]][0]
        assert not CheckIn.objects.exists()

    def test_the_village_page_shows_the_day_as_training_instead_of_a_check_in_button(self, client, at_training):
        client.force_login(at_training["posting"].cadre.user)
        response = client.get(reverse("my-village"))
        assert response.context["summary"].training_today == at_training["seat"]
        page = response.content.decode()
        assert "data-at-training" in page
        assert 'action="/village/check-in/"' not in page

    def test_a_cadre_on_approved_training_leave_today_may_check_in(self, at_training):
        for session in at_training["batch"].sessions.filter(date=at_training["today"]):
            attendance.attendance_record(
                session=session, cadre=at_training["posting"].cadre, status=AttendanceStatus.LEAVE
            )
        _check_in, created = presence.check_in_record(cadre=at_training["posting"].cadre, at=timezone.now())
        assert created

    def test_a_seat_in_a_batch_not_attended_yet_does_not_block_the_check_in(self, at_training):
        at_training["seat"].cadre.rotation_attendance.all().delete()
        _check_in, created = presence.check_in_record(cadre=at_training["posting"].cadre, at=timezone.now())
        assert created


class TrainingDaysArePresenceExcusedTests:
    def test_days_attended_at_a_batch_are_excused_like_leave(self, at_training):
        posting, today = at_training["posting"], at_training["today"]
        excused = selectors.leave_off_by_posting(posting_ids=[posting.pk], period=(today - timedelta(days=5), today))
        assert excused == {posting.pk: frozenset({today - timedelta(days=1)})}

    def test_the_village_summary_owes_fewer_days_for_the_training_day(self, at_training):
        posting, today = at_training["posting"], at_training["today"]
        summary = selectors.village_summary(cadre=posting.cadre, today=today)
        yesterday = today - timedelta(days=1)
        expected_on_leave = 1 if yesterday.month == today.month else 0
        assert summary.month.on_leave == expected_on_leave
        assert summary.year.on_leave == (1 if yesterday.year == today.year else 0)

    def test_a_day_with_a_village_check_in_stays_a_day_present_not_an_excused_one(self, at_training):
        posting, today = at_training["posting"], at_training["today"]
        yesterday = today - timedelta(days=1)
        CheckIn.objects.create(posting=posting, cadre=posting.cadre, day=yesterday, checked_in_at=timezone.now())
        excused = selectors.leave_off_by_posting(posting_ids=[posting.pk], period=(today - timedelta(days=5), today))
        assert excused == {}

    def test_absent_marks_are_not_training_days(self, at_training):
        posting, today = at_training["posting"], at_training["today"]
        at_training["seat"].cadre.rotation_attendance.update(status=AttendanceStatus.ABSENT)
        excused = selectors.leave_off_by_posting(posting_ids=[posting.pk], period=(today - timedelta(days=5), today))
        assert excused == {}
