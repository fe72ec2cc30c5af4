"""Services: postings, successors and induction; check-ins and leave; inspections, flags and follow-ups."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, transaction
from wagtail.models import ModelLogEntry

from cadres.models import CadreCategory
from courses.models import Requirement
from postings import audit, rules, selectors
from postings.exceptions import InspectionRefused, LeaveRefused, NotAllowed, NotPosted, PostingRefused
from postings.models import CheckIn, Flag, FlagLevel, LeaveStatus, Posting, PostingRuleSet
from postings.services import postings as posting_services
from postings.services import presence, supervision
from tests.factories import CadreFactory, make_admin, make_course, make_officer, make_posting

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _post(tree, cadre=None, *, team="east_team", starts_on=date(2026, 1, 1), **kwargs):
    return posting_services.posting_create(
        cadre=cadre or CadreFactory(unit=tree["east"]),
        team=tree[team],
        role=kwargs.pop("role", "member"),
        sending_unit="县财政局",
        starts_on=starts_on,
        **kwargs,
    )


def _logged(instance, action) -> bool:
    return ModelLogEntry.objects.for_instance(instance).filter(action=action).exists()


class PostingCreateTests:
    def test_the_default_term_is_two_years(self, tree):
        assert _post(tree).planned_end_on == date(2028, 1, 1)

    def test_the_roster_follows_the_posting(self, tree):
        posting = _post(tree, role="first_secretary")
        posting.cadre.refresh_from_db()
        assert posting.cadre.unit == tree["east_team"]
        assert posting.cadre.category == CadreCategory.FIRST_SECRETARY
        assert (posting.cadre.posted_on, posting.cadre.sending_unit) == (date(2026, 1, 1), "县财政局")

    def test_only_work_teams_take_postings(self, tree):
        with pytest.raises(PostingRefused) as error:
            _post(tree, team="east")
        assert str(error.value) == posting_services.POSTING_NOT_A_TEAM % {"unit": tree["east"]}

    def test_a_term_shorter_than_the_minimum_is_refused(self, tree):
        with pytest.raises(PostingRefused) as error:
            _post(tree, planned_end_on=date(2027, 12, 31))
        assert str(error.value) == posting_services.POSTING_TERM_TOO_SHORT % {
            "months": 24,
            "earliest": date(2028, 1, 1),
        }

    def test_the_minimum_term_comes_from_the_rules(self, tree):
        PostingRuleSet.objects.create(unit=tree["county"], term_months=36)
        assert _post(tree).planned_end_on == date(2029, 1, 1)

    def test_the_nearest_rule_set_wins(self, tree):
        PostingRuleSet.objects.create(unit=tree["county"], term_months=36)
        PostingRuleSet.objects.create(unit=tree["east"], term_months=12)
        assert _post(tree).planned_end_on == date(2027, 1, 1)
        assert _post(tree, team="west_team").planned_end_on == date(2029, 1, 1)

    def test_a_cadre_holds_one_open_posting(self, tree):
        posting = _post(tree)
        with pytest.raises(PostingRefused) as error:
            _post(tree, posting.cadre, team="west_team")
        assert str(error.value) == posting_services.POSTING_ALREADY_POSTED % {
            "cadre": posting.cadre,
            "team": tree["east_team"],
        }

    def test_the_database_refuses_a_second_open_posting(self, tree):
        posting = make_posting(tree["east_team"], starts_on=date(2026, 1, 1))
        with pytest.raises(IntegrityError), transaction.atomic():
            make_posting(tree["west_team"], starts_on=date(2026, 1, 1), cadre=posting.cadre)

    def test_an_officer_posts_only_within_their_subtree(self, tree):
        with pytest.raises(NotAllowed) as error:
            _post(tree, team="west_team", by=make_officer(tree["east"]))
        assert str(error.value) == posting_services.POSTING_OUTSIDE_SCOPE

    def test_posting_is_audit_logged(self, tree):
        officer = make_officer(tree["east"])
        posting = _post(tree, by=officer)
        entry = ModelLogEntry.objects.for_instance(posting).get(action=audit.POSTING_CREATE)
        assert entry.user == officer
        assert entry.data["starts_on"] == "2026-01-01"


class InductionTests:
    def test_no_rules_no_induction(self, tree):
        posting = _post(tree)
        assert posting.induction_requirement is None
        assert not Requirement.objects.exists()

    def test_a_newly_posted_cadre_must_take_the_induction_course(self, tree):
        course = make_course(title="岗前培训", lessons=1)
        PostingRuleSet.objects.create(unit=tree["county"], induction_course=course, induction_days=30)
        posting = _post(tree, role="first_secretary")
        requirement = Requirement.objects.get()
        assert (requirement.course_id, requirement.unit, requirement.due_date) == (
            course.pk,
            tree["east_team"],
            date(2026, 1, 31),
        )
        assert (requirement.cadre, requirement.categories) == (posting.cadre, [])
        assert requirement.applies_to(posting.cadre)
        assert (posting.induction_requirement, posting.induction_due_on) == (requirement, date(2026, 1, 31))
        assert _logged(posting, audit.INDUCTION_ASSIGN)

    def test_the_induction_shows_among_the_cadres_required_courses(self, tree):
        from courses.selectors import requirements_for_cadre

        course = make_course(title="岗前培训", lessons=1)
        PostingRuleSet.objects.create(unit=tree["county"], induction_course=course)
        posting = _post(tree)
        posting.cadre.refresh_from_db()
        assert [r.course_id for r in requirements_for_cadre(cadre=posting.cadre, year=2026)] == [course.pk]

    def test_a_later_posting_gets_its_own_deadline(self, tree):
        course = make_course(title="岗前培训", lessons=1)
        PostingRuleSet.objects.create(unit=tree["county"], induction_course=course, induction_days=30)
        first = _post(tree, role="first_secretary")
        second = _post(tree, role="member", starts_on=date(2026, 3, 1))
        assert [(r.cadre_id, r.due_date) for r in Requirement.objects.order_by("pk")] == [
            (first.cadre_id, date(2026, 1, 31)),
            (second.cadre_id, date(2026, 3, 31)),
        ]
        assert second.induction_due_on == date(2026, 3, 31)

    def test_an_induction_due_next_year_gets_next_years_requirement(self, tree):
        course = make_course(title="岗前培训", lessons=1)
        PostingRuleSet.objects.create(unit=tree["county"], induction_course=course, induction_days=30)
        _post(tree, starts_on=date(2025, 12, 15))
        assert Requirement.objects.get().year == 2026


class PostingEndAndSuccessorTests:
    def test_ending_records_date_and_reason(self, tree):
        posting = posting_services.posting_end(
            posting=_post(tree), ended_on=date(2026, 6, 30), reason="promoted", note="提拔"
        )
        assert (posting.ended_on, posting.end_reason) == (date(2026, 6, 30), "promoted")
        assert _logged(posting, audit.POSTING_END)

    def test_an_ended_posting_cannot_end_again(self, tree):
        posting = posting_services.posting_end(posting=_post(tree), ended_on=date(2026, 6, 30), reason="recalled")
        with pytest.raises(PostingRefused) as error:
            posting_services.posting_end(posting=posting, ended_on=date(2026, 7, 1), reason="recalled")
        assert str(error.value) == posting_services.POSTING_ENDED % {"day": date(2026, 6, 30)}

    def test_a_posting_cannot_end_before_it_starts(self, tree):
        with pytest.raises(PostingRefused) as error:
            posting_services.posting_end(posting=_post(tree), ended_on=date(2025, 12, 31), reason="other")
        assert str(error.value) == posting_services.POSTING_END_BEFORE_START % {"day": date(2026, 1, 1)}

    def test_planning_a_successor_posts_them_with_a_handover(self, tree):
        outgoing = _post(tree, starts_on=date(2024, 3, 1), role="first_secretary")
        newcomer = CadreFactory(unit=tree["county"])
        successor = posting_services.posting_plan_successor(
            posting=outgoing,
            cadre=newcomer,
            starts_on=date(2026, 2, 16),
            handover_until=date(2026, 3, 1),
            sending_unit="市委组织部",
        )
        outgoing.refresh_from_db()
        assert (successor.predecessor, successor.team, successor.role) == (
            outgoing,
            tree["east_team"],
            "first_secretary",
        )
        assert outgoing.planned_end_on == date(2026, 3, 1)
        assert outgoing.successor == successor
        assert _logged(outgoing, audit.SUCCESSOR_PLAN)

    def test_one_successor_per_posting(self, tree):
        outgoing = _post(tree, starts_on=date(2024, 3, 1))
        kwargs = {"starts_on": date(2026, 2, 16), "handover_until": date(2026, 3, 1), "sending_unit": "市委组织部"}
        first = posting_services.posting_plan_successor(
            posting=outgoing, cadre=CadreFactory(unit=tree["east"]), **kwargs
        )
        with pytest.raises(PostingRefused) as error:
            posting_services.posting_plan_successor(posting=outgoing, cadre=CadreFactory(unit=tree["east"]), **kwargs)
        assert str(error.value) == posting_services.SUCCESSOR_ALREADY_PLANNED % {"successor": first.cadre}

    def test_a_gap_between_predecessor_and_successor_is_refused(self, tree):
        outgoing = _post(tree, starts_on=date(2024, 3, 1))
        with pytest.raises(PostingRefused) as error:
            posting_services.posting_plan_successor(
                posting=outgoing,
                cadre=CadreFactory(unit=tree["east"]),
                starts_on=date(2026, 3, 10),
                handover_until=date(2026, 3, 1),
                sending_unit="市委组织部",
            )
        assert str(error.value) == posting_services.SUCCESSOR_BAD_HANDOVER % {"days": 90}
        assert Posting.objects.count() == 1


class TeamSizeTests:
    def test_team_size_counts_people_on_post_that_day(self, tree, today):
        team = tree["east_team"]
        make_posting(team, starts_on=date(2025, 1, 1))
        make_posting(team, starts_on=date(2025, 1, 1), ended_on=date(2025, 12, 31))
        make_posting(team, starts_on=date(2026, 2, 1))
        assert selectors.team_size(team=team, day=today) == 1
        sizes = {t.code: t.active_members for t in selectors.teams_with_size(scope=_everything(), day=today)}
        assert sizes == {"C01T1V1": 1, "C01T1V2": 0, "C01T2V1": 0}


def _everything():
    from cadres.roles import EVERYTHING

    return EVERYTHING


class CheckInTests:
    def test_a_second_check_in_the_same_day_changes_nothing(self, tree):
        posting = make_posting(tree["east_team"], starts_on=date(2026, 1, 1))
        first, created = presence.check_in_record(cadre=posting.cadre, at=datetime(2026, 1, 15, 8, tzinfo=SHANGHAI))
        again, created_again = presence.check_in_record(
            cadre=posting.cadre, at=datetime(2026, 1, 15, 18, tzinfo=SHANGHAI)
        )
        assert (created, created_again) == (True, False)
        assert again.pk == first.pk
        assert CheckIn.objects.count() == 1

    def test_the_day_is_the_local_day(self, tree):
        posting = make_posting(tree["east_team"], starts_on=date(2025, 12, 1))
        # 00:30 in Shanghai on New Year's Day is still 31 December in UTC.
        check_in, _created = presence.check_in_record(
            cadre=posting.cadre, at=datetime(2026, 1, 1, 0, 30, tzinfo=SHANGHAI)
        )
        assert check_in.day == date(2026, 1, 1)

    def test_the_database_refuses_two_check_ins_a_day(self, tree):
        posting = make_posting(tree["east_team"], starts_on=date(2026, 1, 1))
        at = datetime(2026, 1, 15, 8, tzinfo=SHANGHAI)
        CheckIn.objects.create(posting=posting, cadre=posting.cadre, day=date(2026, 1, 15), checked_in_at=at)
        with pytest.raises(IntegrityError), transaction.atomic():
            CheckIn.objects.create(posting=posting, cadre=posting.cadre, day=date(2026, 1, 15), checked_in_at=at)

    def test_a_cadre_who_is_not_posted_cannot_check_in(self, tree):
        with pytest.raises(NotPosted) as error:
            presence.check_in_record(cadre=CadreFactory(unit=tree["east"]), at=datetime(2026, 1, 15, tzinfo=SHANGHAI))
        assert str(error.value) == presence.CHECK_IN_NOT_POSTED

    def test_location_is_dropped_without_consent(self, tree):
        posting = make_posting(tree["east_team"], starts_on=date(2026, 1, 1))
        check_in, _ = presence.check_in_record(
            cadre=posting.cadre, at=datetime(2026, 1, 15, 8, tzinfo=SHANGHAI), latitude=36.1, longitude=103.8
        )
        assert (check_in.latitude, check_in.longitude, check_in.location_consent) == (None, None, False)

    def test_location_is_kept_with_consent(self, tree):
        posting = make_posting(tree["east_team"], starts_on=date(2026, 1, 1))
        check_in, _ = presence.check_in_record(
            cadre=posting.cadre,
            at=datetime(2026, 1, 15, 8, tzinfo=SHANGHAI),
            consent=True,
            latitude=36.0611234567,
            longitude=103.834,
        )
        check_in.refresh_from_db()
        assert (str(check_in.latitude), str(check_in.longitude)) == ("36.061123", "103.834000")

    def test_the_database_refuses_location_without_consent(self, tree):
        posting = make_posting(tree["east_team"], starts_on=date(2026, 1, 1))
        with pytest.raises(IntegrityError), transaction.atomic():
            CheckIn.objects.create(
                posting=posting,
                cadre=posting.cadre,
                day=date(2026, 1, 15),
                checked_in_at=datetime(2026, 1, 15, 8, tzinfo=SHANGHAI),
                latitude=36,
                longitude=103,
            )


class PresenceCountTests:
    def _check_in(self, posting, *days):
        for day in days:
            CheckIn.objects.create(
                posting=posting, cadre=posting.cadre, day=day, checked_in_at=datetime(2026, 1, 1, tzinfo=SHANGHAI)
            )

    def test_counts_split_at_the_month_and_year_boundary(self, tree):
        posting = make_posting(tree["east_team"], starts_on=date(2025, 6, 1))
        self._check_in(posting, date(2025, 11, 30), date(2025, 12, 1), date(2025, 12, 31), date(2026, 1, 1))

        def counts(month_of):
            row = selectors.postings_with_presence(
                scope=_everything(),
                month=selectors.rules.month_bounds(month_of),
                year=selectors.rules.year_bounds(month_of),
            ).get()
            return row.month_days, row.year_days

        assert counts(date(2025, 12, 1)) == (2, 3)
        assert counts(date(2026, 1, 1)) == (1, 1)
        assert counts(date(2025, 11, 1)) == (1, 3)

    def test_the_village_summary_reads_the_teams_rule(self, tree):
        PostingRuleSet.objects.create(unit=tree["east"], days_per_month=10, days_per_year=100)
        posting = make_posting(tree["east_team"], starts_on=date(2025, 1, 1))
        self._check_in(posting, *(date(2025, 12, d) for d in range(20, 32)), *(date(2026, 1, d) for d in range(1, 5)))
        summary = selectors.village_summary(cadre=posting.cadre, today=date(2026, 1, 4))
        assert (summary.month.present, summary.month.required) == (4, 10)
        assert (summary.year.present, summary.year.required) == (4, 100)
        assert summary.checked_in_today
        assert summary.month.status == selectors.rules.PresenceStatus.ON_TRACK


def _approved_leave(posting, starts_on, ends_on, status=LeaveStatus.APPROVED):
    from postings.models import LeaveRequest

    return LeaveRequest.objects.create(
        posting=posting,
        starts_on=starts_on,
        ends_on=ends_on,
        days=(ends_on - starts_on).days + 1,
        reason="家中有事",
        approval_level="county",
        status=status,
        decided_at=None if status == LeaveStatus.PENDING else datetime(2025, 12, 1, tzinfo=SHANGHAI),
    )


class PresenceWithLeaveTests:
    """Approved leave is taken out of the days required, never added to the days present."""

    def _check_in(self, posting, *days):
        for day in days:
            CheckIn.objects.create(
                posting=posting, cadre=posting.cadre, day=day, checked_in_at=datetime(2026, 1, 1, tzinfo=SHANGHAI)
            )

    @pytest.fixture
    def posting(self, tree):
        return make_posting(tree["east_team"], starts_on=date(2025, 1, 1))

    def test_leave_across_the_new_year_counts_in_both_months_and_both_years(self, posting):
        _approved_leave(posting, date(2025, 12, 29), date(2026, 1, 3))
        self._check_in(posting, date(2025, 12, 28), date(2026, 1, 4))
        january = selectors.village_summary(cadre=posting.cadre, today=date(2026, 1, 4))
        assert (january.month.present, january.month.on_leave, january.month.required) == (1, 3, 19)
        assert (january.year.present, january.year.on_leave, january.year.required) == (1, 3, 199)
        december = selectors.village_summary(cadre=posting.cadre, today=date(2025, 12, 31))
        assert (december.month.present, december.month.on_leave, december.month.required) == (1, 3, 19)
        assert (december.year.on_leave, december.year.required) == (3, 199)

    def test_leave_days_per_period_for_a_report(self, posting):
        _approved_leave(posting, date(2025, 12, 29), date(2026, 1, 3))
        for month_of, expected in [
            (date(2025, 12, 1), {date(2025, 12, 29), date(2025, 12, 30), date(2025, 12, 31)}),
            (date(2026, 1, 1), {date(2026, 1, 1), date(2026, 1, 2), date(2026, 1, 3)}),
            (date(2026, 2, 1), None),
        ]:
            leave = selectors.leave_off_by_posting(posting_ids=[posting.pk], period=rules.month_bounds(month_of))
            assert leave.get(posting.pk) == (frozenset(expected) if expected else None)

    def test_leave_not_approved_changes_nothing(self, posting):
        _approved_leave(posting, date(2026, 1, 5), date(2026, 1, 9), status=LeaveStatus.PENDING)
        _approved_leave(posting, date(2026, 1, 12), date(2026, 1, 14), status=LeaveStatus.REJECTED)
        summary = selectors.village_summary(cadre=posting.cadre, today=date(2026, 1, 20))
        assert (summary.month.on_leave, summary.month.required) == (0, 20)

    def test_a_check_in_during_leave_counts_as_present_and_not_as_leave(self, posting):
        _approved_leave(posting, date(2026, 1, 5), date(2026, 1, 9))
        self._check_in(posting, date(2026, 1, 9))
        summary = selectors.village_summary(cadre=posting.cadre, today=date(2026, 1, 20))
        # 4 days excused: ceil(20 × 27 / 31) = 18
        assert (summary.month.present, summary.month.on_leave, summary.month.required) == (1, 4, 18)

    def test_the_teams_report_counts_leave_when_judging_who_is_behind(self, tree, posting):
        # 1–20 January on leave: 11 days owe ceil(20 × 11 / 31) = 8;
        # on the 25th, 4 of them gone, the pace is floor(8 × 4 / 11) = 2.
        self._check_in(posting, *(date(2026, 1, d) for d in range(21, 24)))
        book = selectors.rule_book()
        behind = selectors.members_behind_this_month(teams=[tree["east_team"]], today=date(2026, 1, 25), book=book)
        assert behind == {tree["east_team"].pk: 1}
        _approved_leave(posting, date(2026, 1, 1), date(2026, 1, 20))
        assert selectors.members_behind_this_month(teams=[tree["east_team"]], today=date(2026, 1, 25), book=book) == {}


class LeaveTests:
    def _request(self, posting, starts_on, ends_on, today=date(2026, 1, 15)):
        return presence.leave_request_submit(
            cadre=posting.cadre, starts_on=starts_on, ends_on=ends_on, reason="家中有事", today=today
        )

    @pytest.fixture
    def posting(self, tree):
        return make_posting(tree["east_team"], starts_on=date(2025, 6, 1))

    def test_short_leave_goes_to_the_township(self, posting):
        leave = self._request(posting, date(2026, 1, 20), date(2026, 1, 22))
        assert (leave.days, leave.approval_level, leave.status) == (3, "township", LeaveStatus.PENDING)
        assert _logged(leave, audit.LEAVE_REQUEST)

    def test_longer_leave_goes_to_the_county(self, posting):
        assert self._request(posting, date(2026, 1, 20), date(2026, 1, 23)).approval_level == "county"

    def test_the_threshold_is_editable(self, tree, posting):
        PostingRuleSet.objects.create(unit=tree["county"], township_leave_days=5)
        assert self._request(posting, date(2026, 1, 20), date(2026, 1, 24)).approval_level == "township"

    def test_overlapping_leave_is_refused(self, posting):
        self._request(posting, date(2026, 1, 20), date(2026, 1, 22))
        with pytest.raises(LeaveRefused) as error:
            self._request(posting, date(2026, 1, 22), date(2026, 1, 25))
        assert str(error.value) == presence.LEAVE_OVERLAPS % {"start": date(2026, 1, 20), "end": date(2026, 1, 22)}

    def test_leave_in_the_past_is_refused(self, posting):
        with pytest.raises(LeaveRefused) as error:
            self._request(posting, date(2026, 1, 10), date(2026, 1, 11))
        assert str(error.value) == presence.LEAVE_IN_THE_PAST

    def test_leave_ending_before_it_starts_is_refused(self, posting):
        with pytest.raises(LeaveRefused) as error:
            self._request(posting, date(2026, 1, 22), date(2026, 1, 20))
        assert str(error.value) == presence.LEAVE_ENDS_BEFORE_START

    def test_leave_needs_an_open_posting(self, tree):
        with pytest.raises(NotPosted) as error:
            presence.leave_request_submit(
                cadre=CadreFactory(unit=tree["east"]),
                starts_on=date(2026, 1, 20),
                ends_on=date(2026, 1, 20),
                reason="x",
                today=date(2026, 1, 15),
            )
        assert str(error.value) == presence.LEAVE_NOT_POSTED

    def test_the_township_approves_short_leave(self, tree, posting):
        officer = make_officer(tree["east"])
        leave = presence.leave_request_decide(
            leave=self._request(posting, date(2026, 1, 20), date(2026, 1, 21)), approve=True, by=officer
        )
        assert (leave.status, leave.decided_by) == (LeaveStatus.APPROVED, officer)
        assert _logged(leave, audit.LEAVE_APPROVE)

    def test_the_township_cannot_approve_long_leave(self, tree, posting):
        leave = self._request(posting, date(2026, 1, 20), date(2026, 1, 29))
        with pytest.raises(NotAllowed) as error:
            presence.leave_request_decide(leave=leave, approve=True, by=make_officer(tree["east"]))
        assert str(error.value) == presence.LEAVE_NEEDS_COUNTY % {"days": 10}
        leave.refresh_from_db()
        assert leave.status == LeaveStatus.PENDING

    def test_the_county_decides_long_leave(self, tree, posting):
        leave = self._request(posting, date(2026, 1, 20), date(2026, 1, 29))
        leave = presence.leave_request_decide(leave=leave, approve=False, by=make_officer(tree["county"]), note="不准")
        assert (leave.status, leave.decision_note) == (LeaveStatus.REJECTED, "不准")
        assert _logged(leave, audit.LEAVE_REJECT)

    def test_another_township_cannot_decide(self, tree, posting):
        leave = self._request(posting, date(2026, 1, 20), date(2026, 1, 21))
        with pytest.raises(NotAllowed) as error:
            presence.leave_request_decide(leave=leave, approve=True, by=make_officer(tree["west"]))
        assert str(error.value) == presence.LEAVE_OUTSIDE_SCOPE

    def test_a_decision_is_final(self, tree, posting):
        leave = self._request(posting, date(2026, 1, 20), date(2026, 1, 21))
        presence.leave_request_decide(leave=leave, approve=True, by=make_admin())
        with pytest.raises(LeaveRefused) as error:
            presence.leave_request_decide(leave=leave, approve=False, by=make_officer(tree["county"]))
        assert str(error.value) == presence.LEAVE_ALREADY_DECIDED


class SupervisionTests:
    @pytest.fixture
    def officer(self, tree):
        return make_officer(tree["county"])

    def _inspect(self, tree, officer, day, absent, team="east_team"):
        return supervision.inspection_record(
            team=tree[team],
            inspected_on=day,
            inspectors="督查组",
            findings="村部无人值守",
            absent=absent,
            by=officer,
            today=date(2026, 6, 30),
        )

    def test_an_unexcused_absence_raises_a_flag(self, tree, officer):
        posting = make_posting(tree["east_team"], starts_on=date(2025, 6, 1))
        inspection = self._inspect(tree, officer, date(2026, 3, 2), [posting])
        flag = Flag.objects.get()
        assert (flag.cadre, flag.year, flag.level, flag.absences, flag.is_open) == (
            posting.cadre,
            2026,
            FlagLevel.NOT_EXCELLENT,
            1,
            True,
        )
        assert _logged(inspection, audit.INSPECTION_RECORD)
        assert _logged(flag, audit.FLAG_RAISE)

    def test_repeated_absence_escalates_and_reopens_the_flag(self, tree, officer):
        posting = make_posting(tree["east_team"], starts_on=date(2025, 6, 1))
        self._inspect(tree, officer, date(2026, 3, 2), [posting])
        supervision.follow_up_record(
            flag=Flag.objects.get(), kind="reminder_talk", done_on=date(2026, 3, 5), note="谈话", by=officer
        )
        self._inspect(tree, officer, date(2026, 4, 2), [posting])
        flag = Flag.objects.get()
        assert (flag.level, flag.absences, flag.is_open, flag.raised_on) == (
            FlagLevel.BASICALLY_COMPETENT,
            2,
            True,
            date(2026, 4, 2),
        )
        self._inspect(tree, officer, date(2026, 5, 2), [posting])
        assert Flag.objects.get().level == FlagLevel.INCOMPETENT

    def test_absences_count_per_year(self, tree, officer):
        posting = make_posting(tree["east_team"], starts_on=date(2025, 6, 1))
        self._inspect(tree, officer, date(2025, 12, 31), [posting])
        self._inspect(tree, officer, date(2026, 1, 2), [posting])
        assert sorted(Flag.objects.values_list("year", "level")) == [
            (2025, FlagLevel.NOT_EXCELLENT),
            (2026, FlagLevel.NOT_EXCELLENT),
        ]

    def test_thresholds_come_from_the_rules(self, tree, officer):
        PostingRuleSet.objects.create(
            unit=tree["county"], flag_not_excellent=2, flag_basically_competent=3, flag_incompetent=4
        )
        posting = make_posting(tree["east_team"], starts_on=date(2025, 6, 1))
        self._inspect(tree, officer, date(2026, 3, 2), [posting])
        assert not Flag.objects.exists()
        self._inspect(tree, officer, date(2026, 3, 9), [posting])
        assert Flag.objects.get().level == FlagLevel.NOT_EXCELLENT

    def test_approved_leave_excuses_the_absence(self, tree, officer):
        posting = make_posting(tree["east_team"], starts_on=date(2025, 6, 1))
        leave = presence.leave_request_submit(
            cadre=posting.cadre,
            starts_on=date(2026, 3, 1),
            ends_on=date(2026, 3, 3),
            reason="病假",
            today=date(2026, 2, 20),
        )
        presence.leave_request_decide(leave=leave, approve=True, by=officer)
        with pytest.raises(InspectionRefused) as error:
            self._inspect(tree, officer, date(2026, 3, 2), [posting])
        assert str(error.value) == supervision.INSPECTION_ON_LEAVE % {
            "cadre": posting.cadre,
            "team": tree["east_team"],
            "day": date(2026, 3, 2),
        }
        assert not Flag.objects.exists()

    def test_only_cadres_posted_to_the_team_can_be_found_absent(self, tree, officer):
        posting = make_posting(tree["west_team"], starts_on=date(2025, 6, 1))
        with pytest.raises(InspectionRefused) as error:
            self._inspect(tree, officer, date(2026, 3, 2), [posting])
        assert str(error.value) == supervision.INSPECTION_NOT_POSTED_THERE % {
            "cadre": posting.cadre,
            "team": tree["east_team"],
            "day": date(2026, 3, 2),
        }

    def test_one_absence_per_day(self, tree, officer):
        posting = make_posting(tree["east_team"], starts_on=date(2025, 6, 1))
        self._inspect(tree, officer, date(2026, 3, 2), [posting])
        with pytest.raises(InspectionRefused) as error:
            self._inspect(tree, officer, date(2026, 3, 2), [posting])
        assert str(error.value) == supervision.INSPECTION_ALREADY_ABSENT % {
            "cadre": posting.cadre,
            "team": tree["east_team"],
            "day": date(2026, 3, 2),
        }

    def test_inspections_are_not_recorded_ahead(self, tree, officer):
        with pytest.raises(InspectionRefused) as error:
            self._inspect(tree, officer, date(2026, 7, 1), [])
        assert str(error.value) == supervision.INSPECTION_IN_FUTURE

    def test_an_officer_inspects_only_their_subtree(self, tree):
        with pytest.raises(NotAllowed) as error:
            self._inspect(tree, make_officer(tree["west"]), date(2026, 3, 2), [])
        assert str(error.value) == supervision.INSPECTION_OUTSIDE_SCOPE

    def test_a_recall_ends_the_posting(self, tree, officer):
        posting = make_posting(tree["east_team"], starts_on=date(2025, 6, 1))
        self._inspect(tree, officer, date(2026, 3, 2), [posting])
        supervision.follow_up_record(flag=Flag.objects.get(), kind="recall", done_on=date(2026, 3, 10), by=officer)
        posting.refresh_from_db()
        assert (posting.ended_on, posting.end_reason) == (date(2026, 3, 10), "recalled")
        flag = Flag.objects.get()
        assert not flag.is_open
        assert _logged(flag, audit.FOLLOW_UP_RECORD)
