"""The model's API tab (endpoint keys: create, list, revoke) and its playground."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from models_app.access.roles import Action
from models_app.catalog.lookups import model_by_ref
from models_app.catalog.modelpage import model_page

from .key_forms import EndpointKeyForm
from .keys import key_create, key_revoke
from .models import EndpointKey
from .playground import playground_context
from .usage import key_usage


def _endpoints_page(request, model, form, secret=None, status=200):
    keys = [(key, key_usage(key)) for key in EndpointKey.objects.filter(model=model)]
    return model_page(
        request,
        model,
        "endpoints",
        "deployments/endpoints.html",
        status=status,
        form=form,
        keys=keys,
        secret=secret,
        gateway_url=request.build_absolute_uri("/v1"),
    )


@require_safe
def endpoints_view(request, ref):
    model = model_by_ref(request, Action.EDIT, ref=ref)
    return _endpoints_page(request, model, EndpointKeyForm())


@require_POST
def endpoint_create_view(request, ref):
    model = model_by_ref(request, Action.EDIT, ref=ref)
    form = EndpointKeyForm(request.POST)
    if not form.is_valid():
        return _endpoints_page(request, model, form, status=400)
    _key, secret = key_create(by=request, model=model, **form.cleaned_data)
    # The secret is in this answer only: never in a redirect, a session or the list.
    return _endpoints_page(request, model, EndpointKeyForm(), secret=secret)


@require_POST
def endpoint_revoke_view(request, ref, pk):
    model = model_by_ref(request, Action.EDIT, ref=ref)
    key = EndpointKey.objects.filter(pk=pk, model=model).first()
    if key is None:
        messages.error(request, _("This model has no such key: nothing was revoked."))
    else:
        key_revoke(key, by=request)
        messages.success(request, _("Key “%(name)s” revoked.") % {"name": key.name})
    return redirect("gateway:endpoints", ref=model.uuid)


def deploy_url(model) -> str | None:
    try:
        return reverse("deployments:create", kwargs={"ref": model.uuid})
    except NoReverseMatch:
        return None


@require_safe
def playground_view(request, ref):
    model = model_by_ref(request, Action.VIEW, ref=ref)
    return model_page(
        request,
        model,
        "playground",
        "deployments/playground.html",
        deploy_url=deploy_url(model),
        **playground_context(request, model),
    )
