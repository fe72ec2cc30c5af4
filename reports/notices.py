"""In-site notices that follow what other apps announce; connected in ReportsConfig.ready().

Lower apps never import reports (DESIGN.md): they send a signal and this module listens.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from reports.models import Notification

REQUIREMENT_ASSIGNED_TEXT = gettext_noop("New required course: %(course)s, to complete by %(due)s.")


def requirement_assigned(sender, *, requirement, user_ids, **kwargs) -> int:
    """Tell each cadre a new required course binds them: one notice each, written with the
    requirement in its transaction, so a requirement that failed to save tells no one."""
    if not user_ids:
        return 0
    course = requirement.course
    now = timezone.now()
    with translation.override(settings.LANGUAGE_CODE):
        text = _(REQUIREMENT_ASSIGNED_TEXT) % {
            "course": course.title,
            "due": formats.date_format(requirement.due_date, "DATE_FORMAT"),
        }
    url = course.get_url() or ""
    notices = [Notification(user_id=uid, text=text[:500], url=url[:300], created_at=now) for uid in set(user_ids)]
    Notification.objects.bulk_create(notices, batch_size=1000)
    return len(notices)


def connect() -> None:
    from courses.signals import requirement_assigned as assigned

    assigned.connect(requirement_assigned, dispatch_uid="reports_requirement_assigned")
