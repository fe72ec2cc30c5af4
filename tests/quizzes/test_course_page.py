"""A course with a final test shows it on the course page, as a step after the lessons."""

import pytest
from django.urls import reverse

from quizzes import services
from tests.factories import CadreFactory, make_course, make_question, make_question_bank, make_quiz, unit_root

pytestmark = pytest.mark.django_db


def test_the_final_test_is_a_step_on_the_course_page(client):
    cadre = CadreFactory(unit=unit_root())
    course = make_course(title="带结业测验的课程", lessons=1)
    question = make_question(make_question_bank(), kind="true_false", true_false=True)
    quiz = make_quiz(question, title="结业测验一", course=course)
    client.force_login(cadre.user)

    [step] = client.get(course.url).context["steps"]
    assert (step.title, step.url, step.done) == ("结业测验一", reverse("quizzes:detail", args=[quiz.pk]), False)
    assert step.note == "Pass the final test to complete this course."

    attempt = services.attempt_start(quiz=quiz, cadre=cadre)
    services.attempt_submit(attempt=attempt, cadre=cadre, answers={question.pk: "true"})
    [step] = client.get(course.url).context["steps"]
    assert step.done and step.note == "Passed"


def test_a_course_without_a_final_test_has_no_steps(client):
    course = make_course(lessons=1)
    assert client.get(course.url).context["steps"] == []


def test_my_learning_links_to_the_cadres_other_pages(client):
    client.force_login(CadreFactory(unit=unit_root()).user)
    body = client.get("/me/").content.decode()
    for url in (reverse("quizzes:mine"), reverse("rotations:mine"), reverse("my-village"), reverse("records:mine")):
        assert f'href="{url}"' in body
