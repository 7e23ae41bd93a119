"""Who is asking, from where: worked out once per request (`CallerMiddleware`)."""

from dataclasses import dataclass

from models_app.allowlist.client import Address, request_client_address


@dataclass(frozen=True)
class Caller:
    """The user whose rights apply, the client address (None for a command) and the way in
    (`via`: "admin", "load_demo", "api", … — recorded in the audit log). `scope` narrows what
    the user may do when they act through a personal token or an endpoint key: the actions
    it allows (None: no narrowing, as for a signed-in browser)."""

    user: object
    address: Address | None = None
    via: str = ""
    scope: frozenset | None = None

    @property
    def is_signed_in(self) -> bool:
        user = self.user
        return bool(getattr(user, "is_authenticated", False) and user.is_active)


def caller_of(request) -> Caller:
    """The request's caller (set by CallerMiddleware; worked out here for a request that did
    not pass through it, such as one built by a test's RequestFactory)."""
    caller = getattr(request, "caller", None)
    if caller is None:
        caller = Caller(user=request.user, address=request_client_address(request))
        request.caller = caller
    return caller


def as_caller(who) -> Caller:
    """A Caller from a Caller, a request or a user."""
    if isinstance(who, Caller):
        return who
    if hasattr(who, "META"):
        return caller_of(who)
    return Caller(user=who)


class CallerMiddleware:
    """Sets `request.caller` after authentication: the client address is worked out here,
    once, and everything after (access, audit, logs) reads it from there."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.caller = Caller(user=request.user, address=request_client_address(request))
        return self.get_response(request)
