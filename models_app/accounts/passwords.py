"""Rules of a user's own password: how often a reset may be asked for, and what a completed
reset lifts."""

from axes.utils import reset as axes_reset

from .limits import rate_limit
from .models import normalize_email


def reset_request_wait(email: str, client_address: str | None) -> int:
    """Counts one request for a reset link for `email` from `client_address`: 0 if the link may
    be sent, else the seconds to wait. Counted whether or not an account has the address, so
    the answer tells nothing about accounts."""
    waits = [
        rate_limit("password_reset_client").take(client_address or "unknown"),
        rate_limit("password_reset_email").take(normalize_email(email)),
    ]
    return max(waits)


def password_reset_completed(user) -> None:
    """A new password set through the e-mailed link proves the mailbox: the failed sign-ins
    counted against the account are forgotten, so its lockout ends (an address's stays)."""
    axes_reset(username=user.email)
