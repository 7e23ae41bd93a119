from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django.views.decorators.vary import vary_on_headers

from models_app.access.caller import caller_of
from models_app.access.roles import Action
from models_app.catalog.lookups import model_by_ref
from models_app.catalog.modelpage import model_page, model_page_context
from models_app.versions.services import VersionNameTaken

from .charts import loss_chart
from .forms import FineTuneForm, param_field_name
from .jobs import reap_lost_jobs
from .models import FineTuneJob
from .recipes import recipes
from .services import job_cancel, job_create

JOBS_SHOWN = 100


def _page(request, model, template, status=200, **context):
    return model_page(request, model, "finetune", template, status=status, **context)


@require_safe
def finetune_tab_view(request, ref):
    model = model_by_ref(request, Action.VIEW, ref=ref)
    reap_lost_jobs()
    jobs = model.finetune_jobs.select_related("created_by", "output_model")[:JOBS_SHOWN]
    return _page(request, model, "finetune/finetune_tab.html", jobs=jobs)


def _recipe_sections(form, selected: str) -> list[dict]:
    """Each recipe with its parameter inputs (name, value, error) for the form."""
    sections = []
    for recipe in recipes():
        chosen = recipe.key == selected
        params = []
        for param in recipe.params:
            field = param_field_name(param.name)
            value = form.data.get(field, "") if chosen and form.is_bound else ""
            params.append(
                {
                    "name": field,
                    "label": param.name,
                    "value": value,
                    "default": "" if param.default is None else str(param.default),
                    "help": param.help,
                    "kind": param.kind.__name__,
                    "error": form.param_errors.get(param.name, "") if chosen else "",
                }
            )
        sections.append(
            {
                "recipe": recipe,
                "chosen": chosen,
                "params": params,
                "unavailable": recipe.unavailable(),
            }
        )
    return sections


def _form_page(request, model, form, status=200):
    selected = form.data.get("recipe") if form.is_bound else form.initial.get("recipe")
    selected = selected or "text-classifier-head"
    return _page(
        request,
        model,
        "finetune/finetune_form.html",
        status=status,
        form=form,
        sections=_recipe_sections(form, selected),
        selected_recipe=selected,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def finetune_new_view(request, ref):
    model = model_by_ref(request, Action.EDIT, ref=ref)
    if request.method != "POST":
        initial = {"recipe": request.GET.get("recipe", "text-classifier-head")}
        if request.GET.get("version"):
            initial["base_version"] = request.GET["version"]
        return _form_page(request, model, FineTuneForm(model, initial=initial))
    form = FineTuneForm(model, request.POST, request.FILES, user=request.user)
    if form.is_valid():
        data = form.cleaned_data
        try:
            job = job_create(
                by=caller_of(request),
                model=model,
                base_version=data["base_version_obj"],
                recipe=data["recipe_obj"],
                params=form.param_values,
                dataset_upload=data.get("dataset"),
                dataset_path=data.get("dataset_path", ""),
                output_version=data.get("output_version", ""),
                output_model_title=data.get("output_model", ""),
            )
        except VersionNameTaken as exc:
            form.add_error("output_version", str(exc))
        else:
            messages.success(
                request,
                _("Fine-tune job queued; it will make version %(name)s.")
                % {"name": job.output_version_name},
            )
            return redirect("finetune:job", ref=model.uuid, job_id=job.pk)
    return _form_page(request, model, form, status=400)


def job_json(job: FineTuneJob) -> dict:
    return {
        "id": job.pk,
        "state": job.state,
        "progress": job.progress,
        "output_version": job.output_version_name,
        "output_model": str(job.output_model.uuid) if job.output_model else None,
        "error": job.error,
        "metrics": job.metrics,
        "elapsed_seconds": job.elapsed_seconds,
        "eta_seconds": job.eta_seconds,
    }


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@require_safe
@vary_on_headers("Accept", "HX-Request")
def job_detail_view(request, ref, job_id):
    model = model_by_ref(request, Action.VIEW, ref=ref)
    reap_lost_jobs()
    job = get_object_or_404(
        FineTuneJob.objects.select_related("output_version", "base_version", "output_model"),
        pk=job_id,
        model=model,
    )
    if _wants_json(request):
        return JsonResponse(job_json(job))
    context = {"job": job, "chart": loss_chart(job.losses)}
    if request.htmx:
        page = model_page_context(request, model, "finetune", **context)
        return render(request, "finetune/_job_status.html", page)
    return _page(request, model, "finetune/job_detail.html", **context)


@require_POST
def job_cancel_view(request, ref, job_id):
    model = model_by_ref(request, Action.EDIT, ref=ref)
    job = get_object_or_404(FineTuneJob, pk=job_id, model=model)
    job = job_cancel(job, by=caller_of(request))
    if _wants_json(request):
        return JsonResponse(job_json(job))
    messages.success(request, _("Cancelling the fine-tune job."))
    return redirect("finetune:job", ref=model.uuid, job_id=job.pk)
