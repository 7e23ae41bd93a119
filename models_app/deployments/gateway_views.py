"""The gateway's routes: OpenAI-compatible `/v1/…` and Hugging Face-style task inference
`/api/inference/<repo_id>` (SPEC §7). Applications send an endpoint key or a personal token
(no session, no CSRF); the playground sends the user's session, and CSRF is checked then."""

import json
from functools import wraps

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from models_app.access.roles import Action
from models_app.access.rules import can
from models_app.api.auth import bearer_secret

from .gateway import (
    Call,
    GatewayError,
    authenticate,
    check_allowlist,
    forward,
    forward_plain,
    invalid_request,
    method_not_allowed,
    model_not_found,
    not_deployed,
    take_rate_limit,
)
from .models import Runtime, Task
from .routing import (
    NoSuchModel,
    NotDeployed,
    deployment_for,
    ready_deployments_for,
    split_model_name,
)
from .usage import record_call

# What each OpenAI route needs the deployment to serve.
CHAT_TASKS = {Task.CHAT}
EMBEDDING_TASKS = {Task.CHAT, Task.FEATURE_EXTRACTION}
INFERENCE_TASKS = {Task.FEATURE_EXTRACTION, Task.TEXT_CLASSIFICATION}


def gateway_route(view):
    """A gateway route: no sign-in page, no CSRF for a bearer key, CSRF for the session;
    every GatewayError becomes OpenAI's error JSON."""

    @wraps(view)
    def answer(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except GatewayError as error:
            return error.response()

    protected = csrf_protect(answer)

    @login_not_required
    @csrf_exempt
    @wraps(view)
    def route(request, *args, **kwargs):
        # A signed-in browser's session is a credential a cross-site page could ride on;
        # without one (and without a key) the answer is a plain 401.
        by_session = bearer_secret(request) is None and request.user.is_authenticated
        if by_session and request.method not in ("GET", "HEAD", "OPTIONS"):
            return protected(request, *args, **kwargs)
        return answer(request, *args, **kwargs)

    return route


def _json_body(request) -> dict:
    try:
        raw = request.body
    except RequestDataTooBig as exc:
        raise GatewayError(
            413, _("The request is too large."), "invalid_request_error", "request_too_large"
        ) from exc
    try:
        body = json.loads(raw or b"null")
    except ValueError as exc:
        raise invalid_request(_("The body must be JSON.")) from exc
    if not isinstance(body, dict):
        raise invalid_request(_("The body must be a JSON object."))
    return body


def _refusal_counted(who, error: GatewayError, deployment=None):
    """A refusal of a known key still counts in its usage (its errors)."""
    if who.key is not None or deployment is not None:
        record_call(deployment=deployment, key=who.key, status=error.status)
    return error


def _key_deployment(who, name: str):
    """For an endpoint key naming its own model by its current repo id: the model and its
    ready deployments came with the key (one query, `keyrequests`), so the access check is
    its creator's role alone (no query for the owner). None for any other name (the
    general path decides)."""
    try:
        namespace, repo_name, version = split_model_name(name)
    except ValueError:
        return None
    model = who.key.model
    if (namespace.lower(), repo_name.lower()) != (model.repo_namespace, model.repo_name):
        return None
    if not can(who.caller, model, Action.VIEW):
        raise NoSuchModel(name)
    for deployment in who.key_model_ready:
        if version is None or deployment.version.name == version:
            return deployment
    raise NotDeployed(name)


def _deployment(who, name: str, tasks: set, route: str):
    """The ready deployment `name` reaches for this caller, checked as for a download."""
    try:
        deployment = (who.key is not None and _key_deployment(who, name)) or deployment_for(
            name, who.caller
        )
    except NoSuchModel as exc:
        raise _refusal_counted(who, model_not_found(name)) from exc
    except NotDeployed as exc:
        if who.key is not None and not _key_names(who, name):
            raise _refusal_counted(who, model_not_found(name)) from exc
        raise _refusal_counted(who, not_deployed(name)) from exc
    if not who.may_reach(deployment.model):
        raise _refusal_counted(who, model_not_found(name))
    try:
        check_allowlist(who, deployment.model)
    except GatewayError as error:
        raise _refusal_counted(who, error, deployment) from error
    if deployment.task not in tasks:
        raise _refusal_counted(
            who,
            invalid_request(
                _("The model “%(model)s” is deployed for %(task)s; it does not serve %(route)s.")
                % {"model": name, "task": deployment.get_task_display(), "route": route},
                "unsupported_task",
            ),
            deployment,
        )
    return deployment


def _key_names(who, name: str) -> bool:
    """Whether `name` names the key's own model (so "not deployed" may be said of it)."""
    model = who.key.model
    repo_id = name.partition(":")[0].strip().lower()
    return repo_id == model.repo_id.lower()


def _openai_route(request, path: str, tasks: set, route: str):
    if request.method != "POST":
        return method_not_allowed()
    who = authenticate(request, session_ok=True)
    take_rate_limit(who)
    body = _json_body(request)
    name = body.get("model")
    if not isinstance(name, str) or not name.strip():
        raise invalid_request(_("Name the model: the repo id or repo_id:version."), "missing_model")
    if "stream" in body and not isinstance(body["stream"], bool):
        raise invalid_request(_("“stream” is true or false."))
    deployment = _deployment(who, name.strip(), tasks, route)
    return forward(Call(deployment, who, name.strip()), path, body)


@gateway_route
def chat_completions_view(request):
    return _openai_route(request, "/v1/chat/completions", CHAT_TASKS, "/v1/chat/completions")


@gateway_route
def completions_view(request):
    return _openai_route(request, "/v1/completions", CHAT_TASKS, "/v1/completions")


@gateway_route
def embeddings_view(request):
    return _openai_route(request, "/v1/embeddings", EMBEDDING_TASKS, "/v1/embeddings")


@gateway_route
def models_view(request):
    """The deployments the caller may use, in OpenAI's list shape: for each model its repo
    id (the newest ready deployment) and `repo_id:version` of each ready deployment."""
    if request.method not in ("GET", "HEAD"):
        return method_not_allowed()
    who = authenticate(request, session_ok=True)
    entries = {}
    for deployment in ready_deployments_for(who.caller):
        if not who.may_reach(deployment.model):
            continue
        created = int(deployment.created_at.timestamp())
        owner = deployment.model.repo_namespace
        for name in (deployment.model.repo_id, deployment.gateway_name()):
            entries.setdefault(
                name, {"id": name, "object": "model", "created": created, "owned_by": owner}
            )
    return JsonResponse({"object": "list", "data": list(entries.values())})


@gateway_route
def inference_view(request, namespace, name):
    """Hugging Face Inference API shapes: `{"inputs": str | [str]}` → a list of
    `{label, score}` (text-classification) or of floats (feature-extraction) per input."""
    if request.method != "POST":
        return method_not_allowed()
    who = authenticate(request, session_ok=True)
    take_rate_limit(who)
    body = _json_body(request)
    inputs = body.get("inputs")
    texts_ok = isinstance(inputs, str) or (
        isinstance(inputs, list) and inputs and all(isinstance(i, str) for i in inputs)
    )
    repo_id = f"{namespace}/{name}"
    deployment = _deployment(who, repo_id, INFERENCE_TASKS | {Task.RAW}, "/api/inference")
    if deployment.task == Task.RAW:
        if not isinstance(inputs, dict):
            raise invalid_request(_("“inputs” is an object of input names and nested lists."))
    elif not texts_ok:
        raise invalid_request(_("“inputs” is a text or a list of texts."))
    if deployment.runtime != Runtime.ONNXRUNTIME:
        raise invalid_request(_("Task inference is served by ONNX deployments."))
    return forward_plain(Call(deployment, who, repo_id), "/infer", {"inputs": inputs})
