"""How a route finds its model, through the access module (404 / 403). A route declares one
of these; a download route passes it to `@download_route`, so the allowlist check reads the
model this lookup found."""

from models_app.access.fetch import fetch_model
from models_app.access.roles import Action

from .models import AIModel


def model_by_ref(request, action: Action = Action.VIEW, *, ref, queryset=None, **route_kwargs):
    """The model whose reference (UUID) the route captured as `ref`."""
    queryset = AIModel.objects.all() if queryset is None else queryset
    return fetch_model(request, queryset, action, uuid=ref)
