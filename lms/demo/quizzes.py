"""The demo's quizzes: the question bank, final tests on two courses, this month's exam, and attempts.

The bank and quizzes are made before the demo's study (so a course with a final test completes
only once it is passed, as for real); the attempts afterwards, through the real services
(start, submit, essay grading), so results, course completion and credit hours stay coherent.
Answers are chosen by a seeded random generator, so every run on a fresh database gives the
same scores.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from html import escape

from django.db.models import F
from django.utils import timezone

from cadres.models import Cadre, CadreCategory, OrgUnit
from courses.models import CoursePage, CourseProgress
from lms.demo import people
from lms.demo import question_bank as bank_data
from lms.demo.progress import POSTED
from quizzes import grading, services
from quizzes.models import (
    Answer,
    Attempt,
    DisplayMode,
    Option,
    Question,
    QuestionBank,
    QuestionCategory,
    QuestionType,
    Quiz,
    QuizQuestion,
)

# The two courses with a final test, and the category each one's questions come from. The
# `cadre` login passes the first-secretary test and has the policy test still to take.
FINAL_TESTS = {
    "first-secretary-duties": ("《驻村第一书记履职实务》结业测验", bank_data.DUTIES),
    "rural-revitalisation-policy": ("《乡村振兴政策解读》结业测验", bank_data.POLICY),
}
FINAL_TEST_INSTRUCTIONS = (
    "本测验是课程结业的必要条件：学完全部课时并通过测验（60分及格）后，课程才算完成并计入学时。"
    "限时30分钟，共有2次机会，取最高成绩。交卷后即可查看对错、正确答案和解析。"
)
EXAM_INSTRUCTIONS = (
    "本次考试面向全县驻村干部和乡镇干部，本月内开放，限时60分钟，只有1次机会。客观题交卷后立即评分，"
    "简答题由县委党校教员阅卷，成绩以阅卷后为准。考试结束后可查看正确答案和解析。请独立完成，不得代考。"
)
# A final test takes the first questions of its category; the exam the rest of the bank.
FINAL_TEST_QUESTIONS = 10
EXAM_TAKERS = 25
FINAL_TEST_TAKERS = 25  # at most, per course, of the cadres who finished its lessons
TAKE_SHARE = 0.75
ESSAYS_LEFT_FOR_THE_TRAINER = 4

ESSAYS = (
    "我所在的村有常住人口一千二百多人，外出务工的多，留守老人多。驻村以来，我和工作队坚持每周入户，"
    "把群众反映的问题记入民情台账。群众反映最多的是村东头道路坑洼、雨天出行难。我们没有替群众拍板，"
    "而是按照“四议两公开”先后召开村“两委”会、党员大会和村民代表会议，听取大家意见，最后确定硬化道路、"
    "由群众投工投劳。道路修好后，群众说这是“自己的路”。我体会到，践行群众路线就是问需于民、问计于民，"
    "把选择权交给群众，办成一件事，群众才会信任我们。",
    "践行群众路线，首先要把群众当亲人。我刚到村时，群众对工作队有距离感。我坚持吃住在村，和老党员拉家常，"
    "逐户走访了全村三百多户，了解到不少独居老人看病难。我们联系派出单位和乡镇卫生院，每月组织一次义诊，"
    "并为慢性病患者办理家庭医生签约。对群众的诉求，能当场办的当场办，办不了的说明时限，办结后及时回访，"
    "做到件件有回音。群众满意不满意，是检验我们工作的根本标准。",
    "群众路线是党的生命线。结合本村发展产业的实际，过去村里几次上项目都是干部定、群众看，效果不好。"
    "今年我们先组织群众到周边村考察，再召开院坝会讨论，大家一致选择发展甘薯种植和粉条加工，由合作社统一技术和收购。"
    "项目收益分配方案在村民代表会议上通过并公示。实践证明，只有尊重群众的首创精神，把群众的智慧汇集起来，"
    "产业才能发展得稳、走得远。",
    "驻村工作中践行群众路线，要防止形式主义。有的同志把走访当成填表，群众不欢迎。我要求自己走访时少带表格、"
    "多带耳朵，看看厨房有没有粮，看看房子有没有裂缝，问问孩子上学、老人看病的情况。发现一户因病返贫风险后，"
    "我们当天上报，及时纳入监测并落实医疗救助。我认为，群众路线就在这些具体的小事里。",
)
ESSAY_COMMENTS = (
    "联系实际较好，做法具体，体现了问计于民。",
    "内容充实，条理清楚，建议进一步总结可推广的经验。",
    "有具体事例，文字通顺；对群众参与的体现可以再充分一些。",
)


# ---------------------------------------------------------------------------- bank and quizzes


def ensure_question_bank(*, owner) -> QuestionBank:
    """The bank, its categories and its questions; questions are added only to a bank that has none."""
    bank, _ = QuestionBank.objects.get_or_create(
        name=bank_data.BANK_NAME, defaults={"description": bank_data.BANK_DESCRIPTION, "owner": owner}
    )
    categories = {}
    for name in bank_data.CATEGORIES:
        categories[name], _ = QuestionCategory.objects.get_or_create(bank=bank, name=name)
    if bank.questions.exists():
        return bank
    for spec in bank_data.QUESTIONS:
        question = Question(
            bank=bank,
            category=categories[spec.category],
            kind=spec.kind,
            stem=f"<p>{escape(spec.stem)}</p>",
            points=spec.points,
            difficulty=spec.difficulty,
            partial_credit=spec.partial_credit,
            true_false_answer=spec.true_false,
            accepted_answers="\n".join(spec.accepted),
            explanation=spec.explanation,
        )
        question.full_clean()
        question.tags.add(*spec.tags)
        question.save()
        Option.objects.bulk_create(
            Option(question=question, text=text, is_correct=index in spec.right, sort_order=index)
            for index, text in enumerate(spec.options)
        )
    return bank


def _questions(bank: QuestionBank, category: str) -> list[Question]:
    return list(bank.questions.filter(category__name=category).order_by("pk"))


def _make_quiz(*, title: str, questions: list[Question], created_by, **settings) -> Quiz:
    quiz = Quiz(title=title, is_published=True, created_by=created_by, **settings)
    quiz.full_clean()
    quiz.save()
    QuizQuestion.objects.bulk_create(
        QuizQuestion(quiz=quiz, question=question, sort_order=order) for order, question in enumerate(questions)
    )
    return quiz


def month_window(today: date) -> tuple[datetime, datetime]:
    """From the first of this month to the first of the next, local time."""
    first = today.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return (
        timezone.make_aware(datetime.combine(first, time.min)),
        timezone.make_aware(datetime.combine(following, time.min)),
    )


def exam_title(today: date) -> str:
    return f"{today.year}年{today.month}月乡村振兴政策与党纪法规在线考试"


def ensure_quizzes(*, courses: dict[str, CoursePage], today: date, trainer) -> list[Quiz]:
    """The bank, a final test on each of two courses, and this month's exam; existing ones are left alone."""
    bank = ensure_question_bank(owner=trainer)
    quizzes = []
    for slug, (title, category) in FINAL_TESTS.items():
        course = courses.get(slug)
        if course is None:
            continue
        quiz = Quiz.objects.filter(course=course).first() or _make_quiz(
            title=title,
            questions=_questions(bank, category)[:FINAL_TEST_QUESTIONS],
            created_by=trainer,
            course=course,
            instructions=FINAL_TEST_INSTRUCTIONS,
            time_limit_minutes=30,
            max_attempts=2,
            pass_percent=60,
            review_immediately_right_answer=True,
            review_immediately_explanation=True,
            review_later_right_answer=True,
            review_later_explanation=True,
        )
        quizzes.append(quiz)
    opens_at, closes_at = month_window(today)
    exam = Quiz.objects.filter(title=exam_title(today), course__isnull=True).first()
    if exam is None:
        tested = {category for _, category in FINAL_TESTS.values()}
        questions = [
            question
            for category in bank_data.CATEGORIES
            for question in _questions(bank, category)[FINAL_TEST_QUESTIONS if category in tested else 0 :]
        ]
        exam = _make_quiz(
            title=exam_title(today),
            questions=questions,
            created_by=trainer,
            instructions=EXAM_INSTRUCTIONS,
            opens_at=opens_at,
            closes_at=closes_at,
            time_limit_minutes=60,
            max_attempts=1,
            pass_percent=60,
            display_mode=DisplayMode.ONE_PAGE,
        )
    quizzes.append(exam)
    return quizzes


# ---------------------------------------------------------------------------- attempts


class _Taker:
    """Answers a quiz the way one cadre would: right with probability `skill`, the same on every run."""

    def __init__(self, *, seed: str, skill: float):
        self.rng = random.Random(seed)
        self.skill = skill

    def answers(self, questions: list[Question], fill_in_slips: dict[int, list[str]]) -> dict[int, object]:
        return {q.pk: self.answer(q, fill_in_slips.get(q.category_id, [])) for q in questions}

    def answer(self, question: Question, slips: list[str]):
        rng = self.rng
        right = rng.random() < self.skill
        options = list(question.options.all())
        correct = [o.pk for o in options if o.is_correct]
        wrong = [o.pk for o in options if not o.is_correct]
        if question.kind == QuestionType.SINGLE:
            return correct[0] if right else rng.choice(wrong)
        if question.kind == QuestionType.MULTIPLE:
            if right:
                return correct
            if question.partial_credit and len(correct) > 1 and rng.random() < 0.6:
                return rng.sample(correct, k=rng.randint(1, len(correct) - 1))  # 少选: partial credit
            return [*correct[:-1], rng.choice(wrong)]
        if question.kind == QuestionType.TRUE_FALSE:
            return question.true_false_answer if right else not question.true_false_answer
        if question.kind == QuestionType.FILL_IN:
            if right:
                return rng.choice(question.accepted_list())
            others = [s for s in slips if s not in question.accepted_list()]
            return rng.choice(others) if others and rng.random() < 0.7 else ""
        return rng.choice(ESSAYS)


def _fill_in_slips(questions: list[Question]) -> dict[int, list[str]]:
    """Wrong blanks a cadre might write: the answers to the category's other blanks."""
    slips: dict[int, list[str]] = {}
    for question in questions:
        if question.kind == QuestionType.FILL_IN:
            slips.setdefault(question.category_id, []).extend(question.accepted_list()[:1])
    return slips


def _take(
    *, quiz: Quiz, cadre: Cadre, taker: _Taker, questions: list[Question], slips, start: datetime, minutes: int
) -> Attempt:
    attempt = services.attempt_start(quiz=quiz, cadre=cadre, now=start)
    return services.attempt_submit(
        attempt=attempt,
        cadre=cadre,
        answers=taker.answers(questions, slips),
        now=start + timedelta(minutes=minutes, seconds=taker.rng.randrange(60)),
    )


def _quiz_questions(quiz: Quiz) -> list[Question]:
    return [
        row.question
        for row in quiz.fixed_questions.select_related("question")
        .prefetch_related("question__options")
        .order_by("sort_order", "pk")
    ]


def _final_test_attempts(*, quiz: Quiz, now: datetime, rng: random.Random) -> int:
    """Most cadres who finished the course's lessons take its test; some fail and try again."""
    finished = list(
        CourseProgress.objects.filter(
            course_id=quiz.course_id, lessons_total__gt=0, lessons_completed=F("lessons_total")
        )
        .select_related("cadre", "cadre__user")
        .order_by("cadre__user__username")
    )
    login = [p for p in finished if p.cadre.user.username == people.CADRE_USERNAME]
    others = [p for p in finished if p.cadre.user.username != people.CADRE_USERNAME]
    takers = [p for p in others if rng.random() < TAKE_SHARE][:FINAL_TEST_TAKERS]
    questions = _quiz_questions(quiz)
    slips = _fill_in_slips(questions)
    made = 0
    for progress in login + takers:
        username = progress.cadre.user.username
        if username == people.CADRE_USERNAME:
            skill = 0.93  # a pass, with a few slips to review
        else:
            skill = rng.uniform(0.4, 0.98)
        taker = _Taker(seed=f"{people.SEED}:{quiz.title}:{username}", skill=skill)
        latest = now - timedelta(minutes=40)
        start = min(progress.last_studied_at + timedelta(minutes=rng.randint(20, 48 * 60)), latest)
        attempt = _take(
            quiz=quiz,
            cadre=progress.cadre,
            taker=taker,
            questions=questions,
            slips=slips,
            start=start,
            minutes=rng.randint(8, 25),
        )
        made += 1
        if not attempt.passed and username != people.CADRE_USERNAME and rng.random() < 0.6:
            taker.skill = min(1.0, skill + 0.3)  # studied the explanations before the second try
            retry = min(attempt.finished_at + timedelta(days=1, minutes=rng.randint(0, 600)), latest)
            if retry > attempt.finished_at:
                _take(
                    quiz=quiz,
                    cadre=progress.cadre,
                    taker=taker,
                    questions=questions,
                    slips=slips,
                    start=retry,
                    minutes=rng.randint(8, 25),
                )
                made += 1
    return made


def _exam_attempts(*, quiz: Quiz, now: datetime, rng: random.Random, trainer) -> int:
    """Some of the county's cadres have sat this month's exam; the trainer has marked most essays."""
    county_path = OrgUnit.objects.get(code=people.COUNTY_CODE).path
    eligible = list(
        Cadre.objects.filter(
            unit__path__startswith=county_path,
            category__in=[*POSTED, CadreCategory.TOWNSHIP],
            active=True,
        )
        .exclude(user__username=people.CADRE_USERNAME)
        .select_related("user")
        .order_by("user__username")
    )
    takers = rng.sample(eligible, k=min(EXAM_TAKERS, len(eligible)))
    questions = _quiz_questions(quiz)
    slips = _fill_in_slips(questions)
    # Everyone sat it between its opening and an hour ago (or now, early on the 1st).
    window_end = max(quiz.opens_at, now - timedelta(hours=1))
    span = (window_end - quiz.opens_at).total_seconds()
    attempts = []
    for cadre in sorted(takers, key=lambda c: c.user.username):
        taker = _Taker(seed=f"{people.SEED}:{quiz.title}:{cadre.user.username}", skill=rng.uniform(0.45, 0.97))
        start = quiz.opens_at + timedelta(seconds=int(span * rng.random()))
        minutes = max(1, min(rng.randint(20, 55), int((now - start).total_seconds() // 60) - 1))
        attempts.append(
            _take(quiz=quiz, cadre=cadre, taker=taker, questions=questions, slips=slips, start=start, minutes=minutes)
        )
    pending = list(
        Answer.objects.filter(attempt__in=attempts, question__kind=QuestionType.ESSAY, outcome=grading.Outcome.PENDING)
        .select_related("question", "attempt")
        .order_by("attempt__finished_at", "pk")
    )
    for answer in pending[: max(0, len(pending) - ESSAYS_LEFT_FOR_THE_TRAINER)]:
        # Half points, between about half and all of the question's points.
        score = Decimal(rng.randint(int(answer.question.points) + 1, int(answer.question.points) * 2)) / 2
        services.essay_grade(
            answer=answer,
            grader=trainer,
            score=score,
            comment=rng.choice(ESSAY_COMMENTS),
            now=min(answer.attempt.finished_at + timedelta(hours=rng.randint(2, 30)), now),
        )
    return len(attempts)


def ensure_attempts(*, quizzes: list[Quiz], trainer, now: datetime | None = None) -> int:
    """Attempts for quizzes nobody has tried yet; returns how many were made."""
    now = now or timezone.now()
    made = 0
    for quiz in quizzes:
        if Attempt.objects.filter(quiz=quiz).exists():
            continue
        rng = random.Random(f"{people.SEED}:{quiz.title}")
        if quiz.course_id:
            made += _final_test_attempts(quiz=quiz, now=now, rng=rng)
        else:
            made += _exam_attempts(quiz=quiz, now=now, rng=rng, trainer=trainer)
    return made
