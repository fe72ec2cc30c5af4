"""The exam page's questions as HTML, written out in Python.

200 cadres open the same exam in the same minute, and the template include that renders one
question (quizzes/includes/question.html) costs about a millisecond and a half per question,
most of the page's CPU. A question with nothing to review, which is every question of a
fresh attempt, is therefore written here instead, as the same markup; a question with
feedback to show still goes through the template.
"""

from __future__ import annotations

from django.template.defaultfilters import floatformat
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from quizzes.models import QuestionType
from quizzes.selectors import PaperQuestion


def has_feedback(q: PaperQuestion) -> bool:
    return bool(q.outcome or q.score is not None or q.right_options or q.right_text or q.explanation or q.comment)


def question_html(q: PaperQuestion, *, readonly: bool = False) -> SafeString:
    """One question without feedback, as quizzes/includes/question.html renders it."""
    disabled = " disabled" if (q.checked or readonly) else ""
    points = gettext("%(p)s points") % {"p": floatformat(q.points, "-1")}
    head = format_html(
        '<fieldset class="question" id="question-{}" data-question="{}" data-kind="{}" data-answered="{}">\n'
        '  <legend><span class="q-number">{}</span> <span class="badge muted">{}</span> '
        '<span class="meta">{}</span></legend>\n'
        '  <div class="stem">{}</div>\n',
        q.number,
        q.id,
        q.kind,
        "1" if q.answered else "0",
        q.number,
        QuestionType(q.kind).label,
        points,
        q.stem_html,
    )
    name = f"q-{q.id}"
    parts = [head]
    if q.kind in (QuestionType.SINGLE, QuestionType.MULTIPLE):
        if q.kind == QuestionType.MULTIPLE:
            parts.append(f'<input type="hidden" name="present-{q.id}" value="1"> ')
        kind = "radio" if q.kind == QuestionType.SINGLE else "checkbox"
        chosen = q.chosen
        parts.append('<ul class="options"> ')
        for option in q.options:
            checked = " checked" if option.id in chosen else ""
            parts.append(
                f'<li><label> <input type="{kind}" name="{name}" value="{option.id}"{checked}{disabled}> '
                f'<span class="option-label">{conditional_escape(option.label)}.</span> '
                f'<span class="option-text">{conditional_escape(option.text)}</span> </label></li> '
            )
        parts.append("</ul>")
    elif q.kind == QuestionType.TRUE_FALSE:
        parts.append('<ul class="options"> ')
        for value, label, on in (
            ("true", gettext("True"), q.value is True),
            ("false", gettext("False"), q.value is False),
        ):
            checked = " checked" if on else ""
            parts.append(
                f'<li><label><input type="radio" name="{name}" value="{value}"{checked}{disabled}> '
                f"{conditional_escape(label)}</label></li> "
            )
        parts.append("</ul>")
    else:
        parts.append(
            f'<label class="visually-hidden" for="{name}">{conditional_escape(gettext("Your answer"))}</label> '
        )
        value = conditional_escape(q.text_value)
        if q.kind == QuestionType.FILL_IN:
            parts.append(
                f'<input class="fill-in" id="{name}" type="text" name="{name}" maxlength="200" autocomplete="off" '
                f'value="{value}"{disabled}>'
            )
        else:
            parts.append(
                f'<textarea class="essay" id="{name}" name="{name}" rows="6" maxlength="5000"{disabled}>'
                f"{value}</textarea>"
            )
    parts.append('\n  <div class="feedback" data-feedback hidden></div>\n</fieldset>\n')
    # Every piece above is escaped or made of ints and fixed strings.
    return mark_safe("".join(parts))  # noqa: S308
