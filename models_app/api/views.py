from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from .auth import token_api
from .forms import TokenCreateForm
from .models import AccessToken
from .scopes import Scope
from .services import token_create, token_revoke
from .whoami import whoami_answer


def _tokens_page(request, form, secret=None, status=200):
    tokens = AccessToken.objects.filter(user=request.user)
    context = {"form": form, "tokens": tokens, "secret": secret, "scopes": Scope}
    return render(request, "api/tokens.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def tokens_view(request):
    if request.method != "POST":
        return _tokens_page(request, TokenCreateForm())
    form = TokenCreateForm(request.POST)
    if not form.is_valid():
        return _tokens_page(request, form, status=400)
    _token, secret = token_create(by=request, user=request.user, **form.cleaned_data)
    # The secret is in this answer only: never in a redirect, a session or the list.
    return _tokens_page(request, TokenCreateForm(), secret=secret)


@require_POST
def token_revoke_view(request, pk):
    token = AccessToken.objects.filter(pk=pk, user=request.user).first()
    if token is None:
        # Someone else's token looks exactly like one that does not exist.
        messages.error(request, _("You have no such token: nothing was revoked."))
    else:
        token_revoke(token, by=request)
        messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
    return redirect("api:tokens")


@require_safe
@token_api(scope=Scope.READ)
def whoami_view(request):
    return JsonResponse(whoami_answer(request.user, request.access_token))
