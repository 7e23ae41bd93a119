"""Rate limits of the Sharing tab, per user (settings.RATE_LIMITS): invitation e-mails sent,
and look-ups of whether an address has an account. Both tell something about people outside
the model, so a signed-in user may not use them in bulk (docs/deploy.md)."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from models_app.accounts.limits import period_text, rate_limit, try_again_text
from models_app.accounts.models import User, normalize_email


@dataclass(frozen=True)
class Refusal:
    """Why a request was refused, and the seconds until it may be made again."""

    message: str
    wait: int


def address_check_refusal(user) -> Refusal | None:
    """Counts one “has this address an account?” look-up by `user`; a Refusal past the limit."""
    limit = rate_limit("address_check")
    wait = limit.take(user.pk)
    if not wait:
        return None
    names = {"count": limit.limit, "period": period_text(limit.period)}
    text = _("Too many address look-ups (at most %(count)d in %(period)s).") % names
    return Refusal(f"{text} {try_again_text(wait)}", wait)


def invitation_refusal(user, email: str) -> Refusal | None:
    """Counts one invitation e-mail by `user` if `email` has no account yet (an existing
    account gets a share, no e-mail); a Refusal past the limit."""
    if User.objects.filter(email=normalize_email(email)).exists():
        return None
    limit = rate_limit("invitation")
    wait = limit.take(user.pk)
    if not wait:
        return None
    names = {"count": limit.limit, "period": period_text(limit.period)}
    text = _("You have sent the most invitations allowed (%(count)d in %(period)s).") % names
    return Refusal(f"{text} {try_again_text(wait)}", wait)
