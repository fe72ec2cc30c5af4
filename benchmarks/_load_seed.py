"""Seed the load benchmark's database and print, as JSON, the ids and session keys it needs.

Run by benchmarks/load.py as `python -m benchmarks._load_seed STUDY EXAM OFFICERS` with the
production settings. Sessions are created directly (as a login would store them) so the load
measures studying and exams, not 700 password hashes.
"""

from __future__ import annotations

import copy
import json
import sys

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model  # noqa: E402
from django.contrib.auth.hashers import PBKDF2PasswordHasher, make_password  # noqa: E402
from django.utils.module_loading import import_string  # noqa: E402
from wagtail.models import Page, Site  # noqa: E402

from cadres.models import Cadre, Officer, OrgUnit  # noqa: E402
from cadres.roles import CADRE_GROUP, OFFICER_GROUP, ensure_role_groups  # noqa: E402
from courses.models import CourseIndexPage, CoursePage, LessonPage  # noqa: E402
from lms.models import HomePage  # noqa: E402
from quizzes.models import Option, Question, QuestionBank, Quiz, QuizQuestion  # noqa: E402
from reports.summaries import summaries_rebuild  # noqa: E402

QUESTIONS = 10
User = get_user_model()


def id_number(serial: int) -> str:
    weights, checks = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], "10X98765432"
    body = f"{110101 + serial // 1000:06d}19850307{serial % 1000:03d}"
    return body + checks[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]


def session_for(user) -> str:
    store = import_string(f"{settings.SESSION_ENGINE}.SessionStore")()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


def main(study: int, exam: int, officers: int) -> dict:
    groups = ensure_role_groups()
    fast = copy.copy(PBKDF2PasswordHasher())
    fast.iterations = 1000
    password = make_password("unused-bench-password", hasher=fast)

    county = OrgUnit.add_root(code="BENCH", name="压测县", level="county")
    townships = [county.add_child(code=f"BENCH-{n}", name=f"压测{n}镇", level="township") for n in range(officers)]
    users = User.objects.bulk_create(
        [User(username=id_number(n), password=password) for n in range(study + exam)], batch_size=1000
    )
    Cadre.objects.bulk_create(
        [
            Cadre(
                user=user,
                name=f"干部{n}",
                id_number=user.username,
                unit=townships[n % officers],
                category="first_secretary",
                gender="male",
            )
            for n, user in enumerate(users)
        ],
        batch_size=1000,
    )
    membership = User.groups.through
    membership.objects.bulk_create([membership(user_id=u.pk, group_id=groups[CADRE_GROUP].pk) for u in users])

    officer_users = []
    for n, township in enumerate(townships):
        user = User.objects.create(username=f"bench-officer-{n}", password=password)
        user.groups.add(groups[OFFICER_GROUP])
        Officer.objects.create(user=user, unit=township)
        officer_users.append(user)

    root = Page.get_first_root_node()
    home = HomePage.objects.first() or root.add_child(instance=HomePage(title="尖兵", slug="bench-home"))
    Site.objects.update_or_create(is_default_site=True, defaults={"hostname": "127.0.0.1", "root_page": home})
    index = CourseIndexPage.objects.first() or home.add_child(instance=CourseIndexPage(title="课程", slug="courses"))
    course = index.add_child(instance=CoursePage(title="压测课程", summary="压测", credit_hours=1))
    lesson = course.add_child(
        instance=LessonPage(title="压测课时", minutes=60, body=[("paragraph", "<p>压测正文</p>")])
    )

    bank = QuestionBank.objects.create(name="压测题库")
    quiz = Quiz.objects.create(
        title="压测考试",
        is_published=True,
        shuffle_questions=False,
        shuffle_options=False,
        time_limit_minutes=30,
        max_attempts=1,
    )
    options = {}
    for n in range(QUESTIONS):
        question = Question.objects.create(bank=bank, kind="single", stem=f"<p>第{n + 1}题</p>", points=1)
        made = Option.objects.bulk_create(
            [Option(question=question, text=t, is_correct=i == 0, sort_order=i) for i, t in enumerate("甲乙丙丁")]
        )
        options[question.pk] = [o.pk for o in made]
        QuizQuestion.objects.create(quiz=quiz, question=question, sort_order=n)

    # A roster import ends by refreshing its subtree's summaries (reports.invalidation); the
    # bulk inserts above bypass that, so the seed does it, and the scenario starts from the
    # state a real roster is in. Without it every cadre's first heartbeat would also create
    # their year summary and move the county's rollups, which no real first beat does.
    summaries_rebuild()
    cadre_users = list(User.objects.filter(cadre__isnull=False).order_by("pk"))
    return {
        "lesson": lesson.pk,
        "quiz": quiz.pk,
        "options": options,
        "study_sessions": [session_for(u) for u in cadre_users[:study]],
        "exam_sessions": [session_for(u) for u in cadre_users[study : study + exam]],
        "officer_sessions": [session_for(u) for u in officer_users],
        "study_cadres": [u.cadre.pk for u in cadre_users[:study]],
    }


if __name__ == "__main__":
    print(json.dumps(main(*(int(a) for a in sys.argv[1:4]))))
