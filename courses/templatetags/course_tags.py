from django import template
from django.utils import timezone

from courses import selectors

register = template.Library()


@register.inclusion_tag("courses/includes/due_summary.html")
def due_summary(cadre):
    """The home page's short 'what is due' box for a logged-in cadre."""
    return {"learning": selectors.my_learning(cadre=cadre, today=timezone.localdate())}


@register.filter
def minutes(seconds) -> int:
    return int(seconds or 0) // 60


@register.filter
def overdue_on(required_course, today) -> bool:
    return required_course.is_overdue(today)


@register.filter
def days_overdue_on(required_course, today) -> int:
    return required_course.days_overdue(today)
