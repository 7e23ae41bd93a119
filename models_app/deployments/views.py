from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django.views.decorators.vary import vary_on_headers

from models_app.access.caller import caller_of
from models_app.access.roles import Action
from models_app.access.rules import can
from models_app.catalog.lookups import model_by_ref
from models_app.catalog.modelpage import model_page

from .forms import DeployForm, RedeployForm
from .models import Deployment
from .services import (
    deployment_create,
    deployment_delete,
    deployment_redeploy,
    deployment_start,
    deployment_stop,
)

TAB = "deployments"


def _deployment(model, pk) -> Deployment:
    found = Deployment.objects.filter(model=model, pk=pk).select_related("version", "model").first()
    if found is None:
        raise Http404(_("No such deployment."))
    found.model = model
    return found


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def deployment_json(deployment: Deployment) -> dict:
    return {
        "id": deployment.pk,
        "state": deployment.state,
        "desired": deployment.desired,
        "model": deployment.gateway_name(),
        "version": deployment.version.name,
        "runtime": deployment.runtime,
        "task": deployment.task,
        "error": deployment.error,
        "restarts": deployment.restarts,
        "ready_at": deployment.ready_at.isoformat() if deployment.ready_at else None,
    }


@require_safe
def deployments_tab_view(request, ref):
    model = model_by_ref(request, Action.VIEW, ref=ref)
    deployments = model.deployments.select_related("version").order_by("-created_at", "-id")
    return model_page(
        request,
        model,
        TAB,
        "deployments/deployments_tab.html",
        deployments=deployments,
        may_deploy=can(request, model, Action.EDIT),
    )


@require_http_methods(["GET", "HEAD", "POST"])
def deployment_create_view(request, ref):
    model = model_by_ref(request, Action.EDIT, ref=ref)
    source = request.POST if request.method == "POST" else request.GET
    chosen = model.versions.filter(name=source.get("version", "")).first()
    if request.method != "POST":
        # A change of version reloads the form (htmx) with what was typed and that
        # version's files.
        initial = {k: v for k, v in source.items() if k != "upstream_key"}
        form = DeployForm(initial=initial or None, model=model, version=chosen)
        return model_page(request, model, TAB, "deployments/deploy_form.html", form=form)
    form = DeployForm(request.POST, model=model, version=chosen)
    if form.is_valid():
        data = form.cleaned_data
        try:
            deployment = deployment_create(
                by=caller_of(request),
                model=model,
                version=data["version_object"],
                runtime=data["runtime"],
                file_path=data.get("file") or "",
                task=data.get("task") or "",
                threads=data["threads"],
                context_size=data["context_size"],
                max_concurrency=data["max_concurrency"],
                upstream_url=data.get("upstream_url") or "",
                upstream_model=data.get("upstream_model") or "",
                upstream_key=data.get("upstream_key") or "",
                upstream_key_env=data.get("upstream_key_env") or "",
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Deployment created: it starts in a moment."))
            return redirect("deployments:detail", ref=model.uuid, pk=deployment.pk)
    return model_page(request, model, TAB, "deployments/deploy_form.html", status=400, form=form)


@require_safe
@vary_on_headers("Accept", "HX-Request")
def deployment_detail_view(request, ref, pk):
    model = model_by_ref(request, Action.VIEW, ref=ref)
    deployment = _deployment(model, pk)
    if _wants_json(request):
        return JsonResponse(deployment_json(deployment))
    may_edit = can(request, model, Action.EDIT)
    context = {"model": model, "deployment": deployment, "may_edit": may_edit}
    if request.htmx:
        return render(request, "deployments/_live.html", context)
    newer = list(model.versions.filter(number__gt=deployment.version.number).order_by("-number"))
    return model_page(
        request,
        model,
        TAB,
        "deployments/deployment_detail.html",
        deployment=deployment,
        may_edit=may_edit,
        redeploy_form=RedeployForm(newer_versions=newer) if newer else None,
    )


def _acted(request, deployment, message):
    if _wants_json(request):
        deployment.refresh_from_db()
        return JsonResponse(deployment_json(deployment))
    messages.success(request, message)
    return redirect("deployments:detail", ref=deployment.model.uuid, pk=deployment.pk)


@require_POST
def deployment_stop_view(request, ref, pk):
    model = model_by_ref(request, Action.EDIT, ref=ref)
    deployment = deployment_stop(_deployment(model, pk), by=caller_of(request))
    deployment.model = model
    return _acted(request, deployment, _("Deployment stopped."))


@require_POST
def deployment_start_view(request, ref, pk):
    model = model_by_ref(request, Action.EDIT, ref=ref)
    deployment = _deployment(model, pk)
    try:
        deployment = deployment_start(deployment, by=caller_of(request))
    except ValidationError as exc:
        message = " ".join(m for ms in exc.message_dict.values() for m in ms)
        if _wants_json(request):
            return JsonResponse({"error": message}, status=409)
        messages.error(request, message)
        return redirect("deployments:detail", ref=model.uuid, pk=deployment.pk)
    deployment.model = model
    return _acted(request, deployment, _("Deployment starting."))


@require_POST
def deployment_redeploy_view(request, ref, pk):
    model = model_by_ref(request, Action.EDIT, ref=ref)
    deployment = _deployment(model, pk)
    newer = list(model.versions.filter(number__gt=deployment.version.number).order_by("-number"))
    form = RedeployForm(request.POST, newer_versions=newer)
    if not form.is_valid():
        messages.error(request, _("Choose a newer version of this model."))
        return redirect("deployments:detail", ref=model.uuid, pk=deployment.pk)
    try:
        deployment = deployment_redeploy(
            deployment, by=caller_of(request), version=form.newer[form.cleaned_data["version"]]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(m for ms in exc.message_dict.values() for m in ms))
        return redirect("deployments:detail", ref=model.uuid, pk=deployment.pk)
    deployment.model = model
    return _acted(
        request,
        deployment,
        _("Deployment moving to version %(version)s.") % {"version": deployment.version.name},
    )


@require_POST
def deployment_delete_view(request, ref, pk):
    model = model_by_ref(request, Action.EDIT, ref=ref)
    deployment_delete(_deployment(model, pk), by=caller_of(request))
    if _wants_json(request):
        return JsonResponse({"deleted": True})
    messages.success(request, _("Deployment deleted."))
    return redirect("deployments:tab", ref=model.uuid)
