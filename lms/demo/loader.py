"""Load the whole demo in one transaction; each step creates only what is missing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.contrib.auth import get_user_model
from django.db import transaction

from lms.demo import people, progress, site


@dataclass(frozen=True)
class DemoSummary:
    units: int
    cadres_created: int
    courses: int
    requirements_created: int
    progress_rows_created: int
    quiz_attempts_created: int


@transaction.atomic
def load_demo_data(*, today: date) -> DemoSummary:
    """Create the demo county, roster, logins, pages and study, or fill in what an earlier run left out."""
    units = people.ensure_units()
    cadres_created = people.ensure_cadres(units)
    people.ensure_staff_logins(units)

    home = site.ensure_home_page()
    course_index = site.ensure_course_index(home)
    courses = site.ensure_courses(course_index, site.ensure_categories())
    site.ensure_featured_courses(home, courses)
    notices = site.ensure_announcements(home, today=today)
    site.ensure_trainer_permissions(home)
    site.ensure_review_workflows(course_index=course_index, notices=notices)

    # The demo draws on every app, so it imports them here rather than at module level.
    from lms.demo import induction, quizzes, rotations
    from postings.demo import load_postings_demo

    User = get_user_model()
    county_officer = User.objects.get(username=people.COUNTY_OFFICER_USERNAME)
    trainer = User.objects.get(username=people.TRAINER_USERNAME)
    # Final tests exist before the study is written, so a course with one completes only once it is passed.
    quiz_list = quizzes.ensure_quizzes(courses=courses, today=today, trainer=trainer)
    requirements_created = progress.ensure_requirements(courses=courses, units=units, today=today, by=county_officer)
    progress_rows = progress.ensure_progress(courses=courses, today=today)
    attempts_created = quizzes.ensure_attempts(quizzes=quiz_list, trainer=trainer)

    load_postings_demo(today=today)
    # Before the rotation is planned, so its plan counts the induction seat as time away.
    induction.ensure_induction(units=units, today=today, officer=county_officer)
    rotations.ensure_rotation(units=units, today=today, officer=county_officer, trainer=trainer)
    return DemoSummary(
        units=len(units),
        cadres_created=cadres_created,
        courses=len(courses),
        requirements_created=requirements_created,
        progress_rows_created=progress_rows,
        quiz_attempts_created=attempts_created,
    )
