"""Login throttling with two limits (django-axes handler, named by settings.AXES_HANDLER).

axes keys attempts by the parameter sets of AXES_LOCKOUT_PARAMETERS (here the address, and the
login at that address) but compares all of them with one limit. One limit cannot serve both:
five wrong passwords for one login is plenty, while a township office behind one address
needs more than five for everyone together. This handler checks each key against its own
limit: AXES_FAILURE_LIMIT for the login at an address, AXES_ADDRESS_FAILURE_LIMIT for the
address. A login is never locked by failures from other addresses, so a stranger cannot lock
a named account; spraying many logins from one address is stopped by the address limit.
"""

from __future__ import annotations

from axes.attempts import get_cool_off_threshold
from axes.conf import settings
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit
from axes.models import AccessAttempt
from django.db.models import Sum


def _failures(queryset) -> int:
    return queryset.aggregate(total=Sum("failures_since_start"))["total"] or 0


class AddressAndLoginHandler(AxesDatabaseHandler):
    def _recent(self, request):
        attempts = AccessAttempt.objects.filter(ip_address=request.axes_ip_address)
        if settings.AXES_COOLOFF_TIME is not None:
            attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
        return attempts

    def get_failures(self, request, credentials: dict | None = None) -> int:
        """The login's failures at this address, or the lockout limit itself once the address as
        a whole has reached its own (higher) limit."""
        recent = self._recent(request)
        username = get_client_username(request, credentials)
        per_login = _failures(recent.filter(username=username)) if username is not None else 0
        if _failures(recent) >= settings.AXES_ADDRESS_FAILURE_LIMIT:
            return max(per_login, get_failure_limit(request, credentials))
        return per_login

    def reset_user_attempts(self, request, credentials: dict | None = None) -> int:
        """On a successful login forget that login's failures at this address only: one good
        password must not wipe the count of a spraying run from the same address."""
        username = get_client_username(request, credentials)
        count, _ = AccessAttempt.objects.filter(ip_address=request.axes_ip_address, username=username).delete()
        return count
