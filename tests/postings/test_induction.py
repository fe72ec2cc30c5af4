"""Induction of newly posted cadres: a personal deadline per cadre, the induction course or a place
in the next induction batch, and the fallback when no batch has room."""

from datetime import date, timedelta

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from cadres.models import CadreCategory
from courses.models import Requirement
from courses.selectors import my_learning, requirements_for_cadre
from postings import audit
from postings.models import InductionNote, InductionRoute, Posting, PostingRuleSet
from postings.services import postings as posting_services
from reports.models import CadreYearSummary
from reports.summaries import summaries_refresh
from rotations.models import PlacedBy, Seat
from rotations.services import scheduling
from tests.factories import CadreFactory, make_batch, make_course, make_officer, make_programme

pytestmark = pytest.mark.django_db

TODAY = date(2026, 1, 10)


def _post(tree, cadre=None, *, team="east_team", starts_on=date(2026, 1, 1), **kwargs):
    return posting_services.posting_create(
        cadre=cadre or CadreFactory(unit=tree["east"]),
        team=tree[team],
        role=kwargs.pop("role", "member"),
        sending_unit="县财政局",
        starts_on=starts_on,
        today=kwargs.pop("today", TODAY),
        **kwargs,
    )


def _logged(posting, action):
    return ModelLogEntry.objects.for_instance(posting).filter(action=action).first()


@pytest.fixture
def course(tree):
    return make_course(title="岗前培训", lessons=1)


@pytest.fixture
def course_rules(tree, course):
    return PostingRuleSet.objects.create(unit=tree["county"], induction_course=course, induction_days=30)


class PersonalDeadlineTests:
    def test_each_newly_posted_cadre_is_due_thirty_days_after_their_own_start(self, tree, course, course_rules):
        first = _post(tree, role="first_secretary")
        second = _post(tree, starts_on=date(2026, 3, 1))
        assert [(r.cadre_id, r.due_date) for r in Requirement.objects.order_by("due_date")] == [
            (first.cadre_id, date(2026, 1, 31)),
            (second.cadre_id, date(2026, 3, 31)),
        ]
        assert (first.induction_due_on, second.induction_due_on) == (date(2026, 1, 31), date(2026, 3, 31))
        assert first.induction_requirement.unit == tree["east_team"]

    def test_the_requirement_binds_the_posted_cadre_alone(self, tree, course, course_rules):
        posting = _post(tree)
        teammate = CadreFactory(unit=tree["east_team"], category=CadreCategory.TEAM_MEMBER)
        posting.cadre.refresh_from_db()
        assert [(r.course_id, r.due_date) for r in requirements_for_cadre(cadre=posting.cadre, year=2026)] == [
            (course.pk, date(2026, 1, 31))
        ]
        assert requirements_for_cadre(cadre=teammate, year=2026) == []
        assert posting.induction_requirement.applies_to(posting.cadre)
        assert not posting.induction_requirement.applies_to(teammate)

    def test_my_learning_shows_the_cadres_own_due_date(self, tree, course, course_rules):
        _post(tree)
        later = _post(tree, starts_on=date(2026, 2, 10))
        later.cadre.refresh_from_db()
        required = my_learning(cadre=later.cadre, today=date(2026, 2, 15)).required
        assert [(r.course.pk, r.due_date) for r in required] == [(course.pk, date(2026, 3, 12))]

    def test_the_requirement_follows_the_cadre_who_moves_on(self, tree, course, course_rules):
        posting = _post(tree)
        posting_services.posting_end(posting=posting, ended_on=date(2026, 1, 20), reason="recalled")
        cadre = posting.cadre
        cadre.unit = tree["west"]
        cadre.save()
        assert [r.due_date for r in requirements_for_cadre(cadre=cadre, year=2026)] == [date(2026, 1, 31)]

    def test_a_cadre_posted_twice_in_a_year_keeps_one_requirement_due_by_the_latest_deadline(
        self, tree, course, course_rules
    ):
        first = _post(tree)
        posting_services.posting_end(posting=first, ended_on=date(2026, 2, 28), reason="other")
        again = _post(tree, first.cadre, team="west_team", starts_on=date(2026, 4, 1))
        requirement = Requirement.objects.get()
        assert (requirement.cadre_id, requirement.unit, requirement.due_date) == (
            first.cadre_id,
            tree["west_team"],
            date(2026, 5, 1),
        )
        assert again.induction_requirement == requirement

    def test_an_induction_due_next_year_belongs_to_next_year(self, tree, course, course_rules):
        posting = _post(tree, starts_on=date(2025, 12, 15))
        assert (posting.induction_requirement.year, posting.induction_due_on) == (2026, date(2026, 1, 14))

    def test_the_summary_rows_count_the_personal_requirement_with_its_own_due_date(self, tree, course, course_rules):
        first = _post(tree)
        second = _post(tree, starts_on=date(2026, 2, 1))
        teammate = CadreFactory(unit=tree["east_team"])
        summaries_refresh(cadre_ids=[first.cadre_id, second.cadre_id, teammate.pk], today=TODAY)
        rows = {
            row.cadre_id: (row.required, row.next_due)
            for row in CadreYearSummary.objects.filter(year=2026, cadre_id__in=[first.cadre_id, second.cadre_id])
        }
        assert rows == {first.cadre_id: (1, date(2026, 1, 31)), second.cadre_id: (1, date(2026, 3, 3))}
        assert CadreYearSummary.objects.get(year=2026, cadre=teammate).required == 0

    def test_one_personal_requirement_per_course_cadre_and_year(self, tree, course, course_rules):
        posting = _post(tree)
        with pytest.raises(IntegrityError), transaction.atomic():
            Requirement.objects.create(
                course=course, unit=tree["east"], cadre=posting.cadre, year=2026, due_date=date(2026, 6, 1)
            )

    def test_a_shared_requirement_on_the_same_team_is_still_allowed(self, tree, course, course_rules):
        _post(tree)
        shared = Requirement.objects.create(course=course, unit=tree["east_team"], year=2026, due_date=date(2026, 6, 1))
        assert shared.cadre is None
        assert Requirement.objects.count() == 2


@pytest.fixture
def induction(tree):
    """The county's induction programme; the east team has three cadres on post besides the newcomer."""
    for _ in range(3):
        CadreFactory(unit=tree["east_team"])
    return make_programme(
        tree["county"],
        name="新任驻村干部岗前培训",
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 6, 30),
        is_induction=True,
    )


@pytest.fixture
def batch_rules(tree):
    return PostingRuleSet.objects.create(unit=tree["county"], induction_route=InductionRoute.BATCH, induction_days=30)


class InductionBatchTests:
    def test_the_cadre_gets_a_seat_in_the_next_induction_batch(self, tree, induction, batch_rules):
        make_batch(induction, starts_on=date(2026, 1, 25), days=3)
        earliest = make_batch(induction, starts_on=date(2026, 1, 15), days=3)
        posting = _post(tree)
        seat = Seat.objects.get(cadre=posting.cadre)
        assert (seat.batch, seat.locked, seat.placed_by) == (earliest, True, PlacedBy.HAND)
        assert (posting.induction_seat, posting.induction_due_on, posting.induction_note) == (
            seat,
            date(2026, 1, 31),
            "",
        )
        assert posting.induction_requirement is None
        assert not Requirement.objects.exists()
        assert _logged(posting, audit.INDUCTION_SEAT).data["batch"] == earliest.number

    def test_only_batches_of_induction_programmes_that_have_not_started_and_end_by_the_deadline(
        self, tree, induction, batch_rules
    ):
        other = make_programme(
            tree["county"], name="乡村振兴轮训", starts_on=date(2026, 1, 1), ends_on=date(2026, 6, 30)
        )
        make_batch(other, starts_on=date(2026, 1, 12))
        make_batch(induction, starts_on=date(2026, 1, 10))  # starts today: too late to join
        make_batch(induction, starts_on=date(2026, 1, 30), days=3)  # ends after 31 January
        in_time = make_batch(induction, starts_on=date(2026, 1, 29), days=3)
        posting = _post(tree)
        assert posting.induction_seat.batch == in_time

    def test_a_full_batch_is_passed_over_for_the_next(self, tree, induction, batch_rules):
        full = make_batch(induction, starts_on=date(2026, 1, 15), capacity=1)
        Seat.objects.create(programme=induction, batch=full, cadre=CadreFactory(unit=tree["west_team"]))
        later = make_batch(induction, starts_on=date(2026, 1, 22))
        assert _post(tree).induction_seat.batch == later

    def test_the_on_duty_floor_of_the_team_holds(self, tree, induction, batch_rules):
        tree["east_team"].min_on_duty = 4
        tree["east_team"].save()
        batch = make_batch(induction, starts_on=date(2026, 1, 15))
        posting = _post(tree)
        assert posting.induction_seat is None
        assert not Seat.objects.filter(cadre=posting.cadre).exists()
        refusal = scheduling.MOVE_UNIT_FLOOR.format(
            cadre=posting.cadre.name, batch=1, away=1, unit=tree["east_team"].name, day=batch.starts_on, size=4, floor=4
        )
        assert _logged(posting, audit.INDUCTION_UNPLACED).data["refusals"] == [f"{induction.name} · 1: {refusal}"]

    def test_no_batch_with_room_falls_back_to_the_induction_course(self, tree, induction, course):
        PostingRuleSet.objects.create(
            unit=tree["county"], induction_route=InductionRoute.BATCH, induction_course=course, induction_days=30
        )
        full = make_batch(induction, starts_on=date(2026, 1, 15), capacity=1)
        Seat.objects.create(programme=induction, batch=full, cadre=CadreFactory(unit=tree["west_team"]))
        posting = _post(tree)
        assert posting.induction_seat is None
        assert posting.induction_note == InductionNote.COURSE_INSTEAD
        assert (posting.induction_requirement.cadre, posting.induction_requirement.due_date) == (
            posting.cadre,
            date(2026, 1, 31),
        )
        refusals = _logged(posting, audit.INDUCTION_UNPLACED).data["refusals"]
        assert refusals == [f"{induction.name} · 1: {scheduling.MOVE_BATCH_FULL.format(batch=1, capacity=1)}"]

    def test_no_batch_and_no_course_leaves_a_note_for_the_officer(self, tree, induction, batch_rules):
        posting = _post(tree)
        assert (posting.induction_seat, posting.induction_requirement) == (None, None)
        assert (posting.induction_note, posting.induction_due_on) == (InductionNote.UNPLACED, date(2026, 1, 31))
        assert _logged(posting, audit.INDUCTION_UNPLACED).data["refusals"] == []

    def test_a_cadre_outside_the_programmes_population_is_not_placed(self, tree, batch_rules):
        for _ in range(3):
            CadreFactory(unit=tree["east_team"])
        west_only = make_programme(
            tree["county"], population=[tree["west"]], starts_on=date(2026, 1, 1), is_induction=True
        )
        make_batch(west_only, starts_on=date(2026, 1, 15))
        posting = _post(tree)
        assert posting.induction_note == InductionNote.UNPLACED
        refusal = scheduling.MOVE_NOT_IN_POPULATION.format(cadre=posting.cadre.name)
        assert _logged(posting, audit.INDUCTION_UNPLACED).data["refusals"] == [f"{west_only.name} · 1: {refusal}"]

    def test_a_seat_already_held_in_time_is_kept(self, tree, induction, batch_rules):
        cadre = CadreFactory(unit=tree["east"])
        make_batch(induction, starts_on=date(2026, 1, 15))
        later = make_batch(induction, starts_on=date(2026, 1, 22))
        held = Seat.objects.create(programme=induction, batch=later, cadre=cadre)
        assert _post(tree, cadre).induction_seat == held
        assert Seat.objects.filter(cadre=cadre).count() == 1


class InductionRouteChoiceTests:
    def test_a_posting_may_ask_for_a_batch_where_the_rules_say_course(self, tree, induction, course, course_rules):
        batch = make_batch(induction, starts_on=date(2026, 1, 15))
        posting = _post(tree, induction_route=InductionRoute.BATCH)
        assert posting.induction_seat.batch == batch
        assert not Requirement.objects.exists()

    def test_a_posting_may_ask_for_the_course_where_the_rules_say_batch(self, tree, induction, course):
        PostingRuleSet.objects.create(
            unit=tree["county"], induction_route=InductionRoute.BATCH, induction_course=course, induction_days=30
        )
        make_batch(induction, starts_on=date(2026, 1, 15))
        posting = _post(tree, induction_route=InductionRoute.COURSE)
        assert posting.induction_seat is None
        assert posting.induction_requirement.cadre == posting.cadre
        assert not Seat.objects.exists()

    def test_the_nearest_rules_choose_the_route(self, tree, induction, course, course_rules):
        PostingRuleSet.objects.create(unit=tree["west"], induction_route=InductionRoute.BATCH, induction_days=30)
        for _ in range(3):
            CadreFactory(unit=tree["west_team"])
        make_batch(induction, starts_on=date(2026, 1, 15))
        east, west = _post(tree), _post(tree, team="west_team")
        assert (east.induction_requirement is not None, east.induction_seat) == (True, None)
        assert (west.induction_requirement, west.induction_seat is not None) == (None, True)


class InductionAdminTests:
    def test_posting_from_the_admin_with_a_batch_warns_when_none_has_room(self, client, tree, induction):
        client.force_login(make_officer(tree["east"]))
        cadre = CadreFactory(unit=tree["east"])
        response = client.post(
            reverse("postings:add"),
            {
                "cadre": cadre.pk,
                "team": tree["east_team"].pk,
                "role": "member",
                "sending_unit": "县财政局",
                "starts_on": (timezone.localdate() + timedelta(days=3)).isoformat(),
                "induction_route": InductionRoute.BATCH,
            },
            follow=True,
        )
        assert response.status_code == 200
        posting = Posting.objects.get(cadre=cadre)
        assert posting.induction_note == InductionNote.UNPLACED
        messages = [str(m) for m in response.context["messages"]]
        assert str(InductionNote.UNPLACED.label) in messages

    def test_the_posting_page_shows_the_induction_batch(self, client, tree, induction, batch_rules):
        batch = make_batch(induction, starts_on=timezone.localdate() + timedelta(days=5))
        posting = _post(tree, starts_on=timezone.localdate(), today=timezone.localdate())
        client.force_login(make_officer(tree["east"]))
        response = client.get(reverse("postings:inspect", args=[posting.pk]))
        assert response.status_code == 200
        assert response.context["induction_seat"].batch == batch
        assert induction.name in response.content.decode()


class InductionRulesAdminTests:
    def test_an_officer_chooses_the_batch_route_for_their_subtree(self, client, tree):
        client.force_login(make_officer(tree["east"]))
        response = client.post(
            reverse("postings_rules:add"),
            {
                "unit": tree["east"].pk,
                "term_months": 24,
                "min_team_size": 3,
                "days_per_month": 20,
                "days_per_year": 200,
                "township_leave_days": 3,
                "induction_days": 45,
                "induction_route": InductionRoute.BATCH,
                "flag_not_excellent": 1,
                "flag_basically_competent": 2,
                "flag_incompetent": 3,
            },
        )
        assert response.status_code == 302
        rule_set = PostingRuleSet.objects.get(unit=tree["east"])
        assert (rule_set.induction_route, rule_set.induction_days) == (InductionRoute.BATCH, 45)
