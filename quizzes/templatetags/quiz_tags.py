from django import template
from django.utils.safestring import SafeString
from wagtail.rich_text import expand_db_html

from lms.sanitise import sanitise_rich_text

register = template.Library()


@register.filter
def stem_html(stem: str) -> SafeString:
    """A question stem as HTML, sanitised again on the way out whatever path stored it."""
    return SafeString(expand_db_html(sanitise_rich_text(stem or "")))


@register.filter
def clock(seconds) -> str:
    """Seconds as h:mm:ss or m:ss."""
    if seconds is None:
        return ""
    seconds = int(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


@register.filter
def contains(collection, item) -> bool:
    return item in collection


@register.filter
def kind_label(kind: str) -> str:
    from quizzes.models import QuestionType

    return str(QuestionType(kind).label)


@register.filter
def outcome_label(outcome: str) -> str:
    from django.utils.translation import gettext

    labels = {
        "correct": gettext("Correct"),
        "partial": gettext("Partly correct"),
        "wrong": gettext("Wrong"),
        "unanswered": gettext("Not answered"),
        "pending": gettext("Waiting for grading"),
    }
    return labels.get(outcome, "")


@register.filter
def true_false_choices(question) -> list[tuple[str, str]]:
    """The two answers of a true/false question as (key, label), keys as the answer key spells them."""
    from django.utils.translation import gettext

    return [("true", gettext("True")), ("false", gettext("False"))]


@register.filter
def is_same(value, key: str) -> bool:
    """A true/false answer (True/False, or the key's "true"/"false") compared with a key."""
    if isinstance(value, bool):
        value = "true" if value else "false"
    return value == key
