"""Personal tokens authenticate the API routes, and only them: a view under /api/ is
declared `@token_api(scope=…)`; HTML pages never read the Authorization header."""

from functools import wraps

from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from models_app.access.caller import Caller
from models_app.allowlist.client import request_client_address

from .scopes import SCOPE_ACTIONS, Scope
from .services import active_token, token_used

UNAUTHORIZED = 401


def bearer_secret(request) -> str | None:
    """The token of an `Authorization: Bearer <token>` header, or None."""
    header = request.headers.get("Authorization", "")
    kind, _space, secret = header.partition(" ")
    if kind.lower() != "bearer" or not secret.strip():
        return None
    return secret.strip()


def api_error(message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def token_api(scope: str = Scope.READ):
    """Views answering to a personal token of at least `scope`: a missing, unknown, revoked
    or expired token gets 401 JSON; with a valid one, `request.user` is its user and
    `request.caller` carries its scope, so every access check is narrowed to it. The session
    cookie is not consulted (and so CSRF does not apply: a browser cannot send the header
    cross-site without the page's own script)."""

    def decorate(view):
        @login_not_required
        @csrf_exempt
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            secret = bearer_secret(request)
            if secret is None:
                return api_error(
                    _("This route needs an access token: Authorization: Bearer <token>."),
                    UNAUTHORIZED,
                )
            token = active_token(secret)
            if token is None:
                return api_error(
                    _("The access token is not valid: it is unknown, revoked or expired."),
                    UNAUTHORIZED,
                )
            if scope == Scope.WRITE and token.scope != Scope.WRITE:
                return api_error(_("This route needs a token with the write scope."), 403)
            address = request_client_address(request)
            request.user = token.user
            request.caller = Caller(
                user=token.user, address=address, via="api", scope=SCOPE_ACTIONS[token.scope]
            )
            request.access_token = token
            token_used(token, address)
            return view(request, *args, **kwargs)

        return wrapper

    return decorate
