"""Sign-in throttling with django-axes (settings `AXES_*`): what it counts, what a locked-out
person is told, and the log line of a lockout.

Axes refuses a sign-in while its account or client address is locked out (its backend comes
first in AUTHENTICATION_BACKENDS) and counts failed ones. The sign-in forms ask
`lockout_problem` for their error, so a lockout reads as one, with its end, on the sign-in
page and on the admin's; `lockout_response` (axes' lockout callable) then answers that page
with 429."""

import logging
import math

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off
from django.conf import settings
from django.db.models import Max, Sum
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import ngettext

from .models import normalize_email

logger = logging.getLogger("modelhub.accounts")

LOCKOUT_STATUS = 429


def attempted_email(request, credentials) -> str:
    """The account an attempt names, as sign-in compares it: `Alice@X` and `alice@x ` are
    one account for the throttle too (AXES_USERNAME_CALLABLE)."""
    source = credentials if credentials is not None else getattr(request, "POST", {})
    return normalize_email(source.get("username") or "")


def is_locked_out(request) -> bool:
    """Whether axes refused or locked out the sign-in attempt of this request."""
    return bool(getattr(request, "axes_locked_out", False))


def is_new_lockout(request) -> bool:
    """Whether this request's failure locked an account or address out just now (and not an
    attempt refused during a lockout that began earlier): axes counts failures only then."""
    return (
        is_locked_out(request) and getattr(request, "axes_failures_since_start", None) is not None
    )


def lockout_ends(request, credentials=None):
    """When the lockout this request met ends: 15 minutes after the last failure of each
    locked account or address (attempts refused meanwhile do not count)."""
    handler = AxesProxyHandler.get_implementation()
    cool_off = get_cool_off(request)
    limit = settings.AXES_FAILURE_LIMIT
    ends = None
    for attempts in handler.get_user_attempts(request, credentials):
        totals = attempts.aggregate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        if (totals["failures"] or 0) >= limit and totals["last"] is not None:
            end = totals["last"] + cool_off
            ends = end if ends is None else max(ends, end)
    return ends


def lockout_problem(request, credentials=None) -> str:
    """What a locked-out person is told: why, and for how long."""
    ends = lockout_ends(request, credentials)
    seconds = (ends - timezone.now()).total_seconds() if ends else 0
    minutes = max(1, math.ceil(seconds / 60))
    return ngettext(
        "Too many failed sign-ins for this account or from your network: signing in is "
        "blocked for %(minutes)d more minute. Try again then, or reset your password by "
        "e-mail.",
        "Too many failed sign-ins for this account or from your network: signing in is "
        "blocked for %(minutes)d more minutes. Try again then, or reset your password by "
        "e-mail.",
        minutes,
    ) % {"minutes": minutes}


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: the sign-in page as its form rendered it (with the lockout as
    its error), answered with 429; a plain 429 for anything else."""
    if original_response is not None and original_response.get("Content-Type", "").startswith(
        "text/html"
    ):
        original_response.status_code = LOCKOUT_STATUS
        return original_response
    return HttpResponse(
        lockout_problem(request, credentials),
        status=LOCKOUT_STATUS,
        content_type="text/plain; charset=utf-8",
    )


def log_lockout(sender, request, username, ip_address, **kwargs):
    """Receiver of axes' `user_locked_out`: one warning when a lockout begins, a quieter line
    for each attempt refused during it."""
    if is_new_lockout(request):
        logger.warning(
            "Sign-in locked out after %s failures: account %s, address %s, at %s",
            request.axes_failures_since_start,
            username or "-",
            ip_address or "-",
            request.path,
        )
    else:
        logger.info(
            "Sign-in refused during a lockout: account %s, address %s, at %s",
            username or "-",
            ip_address or "-",
            request.path,
        )
