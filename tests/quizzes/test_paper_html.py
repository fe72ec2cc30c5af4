"""The exam page writes fresh questions out in Python (quizzes/views_paper.py): the markup must
be the very markup of the template include it stands in for, for every kind and state."""

import re
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from quizzes import selectors
from quizzes.selectors import PaperOption, PaperQuestion
from quizzes.views_paper import has_feedback, question_html

OPTIONS = [PaperOption(id=11, label="A", text="甲 <b>&"), PaperOption(id=12, label="B", text='乙"')]


def collapsed(html: str) -> str:
    """Runs of whitespace as one space: the browser shows them alike."""
    return re.sub(r"\s+", " ", str(html)).strip()


def paper_question(kind: str, value=None, *, checked=False, points=Decimal("2.50")) -> PaperQuestion:
    return PaperQuestion(
        number=3,
        id=1234,
        kind=kind,
        stem="<p>题干<script>alert(1)</script></p>",
        points=points,
        options=OPTIONS if kind in ("single", "multiple") else [],
        value=value,
        checked=checked,
    )


CASES = [
    ("single", None),
    ("single", 12),
    ("multiple", [11, 12]),
    ("multiple", []),
    ("true_false", True),
    ("true_false", False),
    ("true_false", None),
    ("fill_in", '答<"&'),
    ("fill_in", None),
    ("essay", "心得</textarea><script>"),
]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("readonly", [False, True])
@pytest.mark.parametrize("checked", [False, True])
@pytest.mark.parametrize(("kind", "value"), CASES)
def test_python_markup_is_the_template_markup(kind, value, checked, readonly, language):
    q = paper_question(kind, value, checked=checked, points=Decimal("2.50") if checked else Decimal("3"))
    with translation.override(language):
        expected = render_to_string("quizzes/includes/question.html", {"q": q, "readonly": readonly})
        assert collapsed(question_html(q, readonly=readonly)) == collapsed(expected)


def test_the_stem_is_sanitised_once_per_distinct_text():
    selectors.stem_html.cache_clear()
    first = paper_question("single").stem_html
    again = paper_question("single").stem_html
    info = selectors.stem_html.cache_info()
    assert "<script>" not in first and "题干" in first
    assert again == first
    assert (info.hits, info.misses) == (1, 1)
    edited = PaperQuestion(number=1, id=1234, kind="single", stem="<p>改过的题干</p>", points=Decimal(1), options=[])
    assert "改过的题干" in edited.stem_html


def test_a_question_with_feedback_is_left_to_the_template():
    q = paper_question("single", 11)
    assert not has_feedback(q)
    q.outcome = "correct"
    assert has_feedback(q)
    q = paper_question("fill_in", "x")
    q.right_text = "秘密"
    assert has_feedback(q)
