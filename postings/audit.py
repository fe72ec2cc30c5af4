"""Audit trail for postings, written to Wagtail's ModelLogEntry through `wagtail.log_actions.log`.

Why Wagtail's log rather than a table of our own: the admin's own create/edit/delete views
already log there, so one trail holds every change to a posting whichever path made it; each
object's History view and the administrators' site-wide audit report read it with no extra code;
and the entry records user, timestamp, action and a JSON payload, which is all we need.
Check-ins are the one write not logged: each is its own timestamped row, and logging a million
daily check-ins would drown the trail that officers actually read.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log

POSTING_CREATE = "postings.posting.create"
POSTING_CREATE_FROM_ROSTER = "postings.posting.create_from_roster"
POSTING_UPDATE = "postings.posting.update"
POSTING_END = "postings.posting.end"
SUCCESSOR_PLAN = "postings.posting.plan_successor"
INDUCTION_ASSIGN = "postings.posting.induction"
INDUCTION_SEAT = "postings.posting.induction_seat"
INDUCTION_UNPLACED = "postings.posting.induction_unplaced"
LEAVE_REQUEST = "postings.leave.request"
LEAVE_APPROVE = "postings.leave.approve"
LEAVE_REJECT = "postings.leave.reject"
INSPECTION_RECORD = "postings.inspection.record"
FLAG_RAISE = "postings.flag.raise"
FOLLOW_UP_RECORD = "postings.flag.follow_up"

ACTIONS = {
    POSTING_CREATE: (_("Post a cadre"), _("Cadre posted")),
    POSTING_CREATE_FROM_ROSTER: (_("Post cadres from a roster import"), _("Cadres posted from the roster")),
    POSTING_UPDATE: (_("Change a posting"), _("Posting changed")),
    POSTING_END: (_("End a posting"), _("Posting ended")),
    SUCCESSOR_PLAN: (_("Plan a successor"), _("Successor planned")),
    INDUCTION_ASSIGN: (_("Assign induction"), _("Induction course required")),
    INDUCTION_SEAT: (_("Place in an induction batch"), _("Placed in an induction batch")),
    INDUCTION_UNPLACED: (_("Find an induction batch"), _("No induction batch had room")),
    LEAVE_REQUEST: (_("Request leave"), _("Leave requested")),
    LEAVE_APPROVE: (_("Approve leave"), _("Leave approved")),
    LEAVE_REJECT: (_("Reject leave"), _("Leave rejected")),
    INSPECTION_RECORD: (_("Record an inspection"), _("Inspection recorded")),
    FLAG_RAISE: (_("Raise a flag"), _("Flag raised")),
    FOLLOW_UP_RECORD: (_("Record a follow-up"), _("Follow-up recorded")),
}


def register_actions(actions) -> None:
    for action, (label, message) in ACTIONS.items():
        actions.register_action(action, label, message)


def record(instance, action: str, *, user=None, **data) -> None:
    """Log `action` on `instance`; `data` must be JSON-serialisable (dates as ISO strings)."""
    log(instance=instance, action=action, user=user, data=data)
