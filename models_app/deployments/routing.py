"""Which deployment a gateway request reaches: the `model` field of an OpenAI-style request
(SPEC §7) is a repository id (the model's newest ready deployment) or `repo_id:version`."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from models_app.access.caller import as_caller
from models_app.access.fetch import fetch_model
from models_app.access.roles import Action
from models_app.access.rules import can
from models_app.catalog.models import AIModel
from models_app.catalog.repoids import model_pk_for_repo_id

from .models import Deployment


class NoSuchModel(Exception):
    """No model by that name that the caller may see (the gateway answers 404, as for a
    model that does not exist: existence is not revealed)."""


class NotDeployed(Exception):
    """The model is visible, but no deployment of it (of that version) is ready (503)."""


def split_model_name(model_name: str) -> tuple[str, str, str | None]:
    """(namespace, name, version or None) of "namespace/name[:version]"; ValueError else."""
    repo_id, _colon, version = model_name.strip().partition(":")
    namespace, slash, name = repo_id.partition("/")
    if not slash or not namespace or not name or "/" in name:
        raise ValueError(model_name)
    return namespace, name, (version or None)


def deployment_for(model_name: str, caller, action: Action = Action.VIEW) -> Deployment:
    """The ready deployment a request for `model_name` goes to, for `caller` (a Caller or a
    request: a token's or key's scope narrows it as everywhere). Raises NoSuchModel when
    the caller may not see such a model or do `action` to it, NotDeployed when it has no
    ready deployment (of that version). The model's allowlist is not checked here."""
    try:
        namespace, name, version = split_model_name(model_name)
    except ValueError as exc:
        raise NoSuchModel(model_name) from exc
    pk = model_pk_for_repo_id(namespace, name)
    try:
        model = fetch_model(caller, AIModel.objects.all(), action, pk=pk)
    except (Http404, PermissionDenied) as exc:
        raise NoSuchModel(model_name) from exc
    ready = Deployment.objects.ready().filter(model=model).select_related("model", "version")
    if version is not None:
        ready = ready.filter(version__name=version)
    deployment = ready.order_by("-created_at", "-id").first()
    if deployment is None:
        raise NotDeployed(model_name)
    # The same model object the access check read (its roles are remembered on it).
    deployment.model = model
    return deployment


def ready_deployments_for(caller, action: Action = Action.VIEW):
    """Every ready deployment of a model the caller may see and do `action` to (the
    gateway's `GET /v1/models`), newest first."""
    caller = as_caller(caller)
    visible = AIModel.objects.visible_to(caller.user)
    ready = (
        Deployment.objects.ready()
        .filter(model__in=visible)
        .select_related("model", "version")
        .order_by("-created_at", "-id")
    )
    return [d for d in ready if can(caller, d.model, action)]
