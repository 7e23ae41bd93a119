"""How a route finds its model, through the access module (404 / 403). A route declares one
of these; a download route passes it to `@download_route`, so the allowlist check reads the
model this lookup found."""

from models_app.access.fetch import fetch_model
from models_app.access.roles import Action

from .models import AIModel
from .repoids import model_pk_for_repo_id


def model_by_ref(request, action: Action = Action.VIEW, *, ref, queryset=None, **route_kwargs):
    """The model whose reference (UUID) the route captured as `ref`."""
    queryset = AIModel.objects.all() if queryset is None else queryset
    return fetch_model(request, queryset, action, uuid=ref)


def model_by_repo_id(
    request, action: Action = Action.VIEW, *, namespace, name, queryset=None, **route_kwargs
):
    """The model whose repository id, current or former (a rename's alias), is
    `namespace/name`; 404 when there is none or the caller may not see it, alike."""
    queryset = AIModel.objects.all() if queryset is None else queryset
    return fetch_model(request, queryset, action, pk=model_pk_for_repo_id(namespace, name))
