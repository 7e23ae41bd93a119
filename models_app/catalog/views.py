from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from models_app.audit.models import AuditAction
from models_app.audit.services import audit_record
from models_app.sharing.policy import Action, allowed_actions, get_model_for
from models_app.tags.models import TagCategory
from models_app.tags.services import tag_suggestions
from models_app.versions.services import version_facts

from .cards import card_for, preview_card
from .forms import TAG_FIELDS, ModelForm
from .models import AIModel, BaseModel
from .services import DuplicateTitle, StaleEdit, build_preview, model_create, model_update


def _form_page(request, form, model=None, status=200, stale=False):
    context = {
        "form": form,
        "model": model,
        "stale": stale,
        "base_models": BaseModel.objects.values_list("name", flat=True),
        "tag_options": {c: tag_suggestions(c) for c in TagCategory.values},
        "tag_fields": [form[name] for name in TAG_FIELDS],
        "card": card_for(model) if model else None,
    }
    return render(request, "catalog/model_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
def model_create_view(request):
    if request.method == "GET":
        return _form_page(request, ModelForm(owner=request.user))
    form = ModelForm(request.POST, request.FILES, owner=request.user)
    if form.is_valid():
        try:
            model = model_create(request.user, form.cleaned_data, form.tags_by_category())
        except DuplicateTitle as exc:
            form.add_error("title", str(exc))
        else:
            audit_record(request, AuditAction.MODEL_CREATED, model)
            messages.success(request, _("Model “%(title)s” created.") % {"title": model.title})
            return redirect(model)
    return _form_page(request, form, status=400)


@require_http_methods(["GET", "POST"])
def model_edit_view(request, ref):
    model = get_model_for(request, ref, Action.EDIT)
    if request.method == "GET":
        return _form_page(request, ModelForm(owner=model.owner, instance=model), model)
    form = ModelForm(request.POST, request.FILES, owner=model.owner, instance=model)
    if form.is_valid():
        expected = form.cleaned_data.get("revision") or 0
        try:
            model_update(model, form.cleaned_data, form.tags_by_category(), expected)
        except StaleEdit:
            fresh = AIModel.objects.get(pk=model.pk)
            messages.error(
                request,
                _(
                    "Someone saved this model after you opened the form. Nothing was saved; "
                    "your changes are still in the form. Reload the page to see the current "
                    "version before saving again."
                ),
            )
            return _form_page(request, form, fresh, status=409, stale=True)
        except DuplicateTitle as exc:
            form.add_error("title", str(exc))
        else:
            audit_record(request, AuditAction.MODEL_EDITED, model)
            messages.success(request, _("Changes saved."))
            return redirect(model)
    return _form_page(request, form, AIModel.objects.get(pk=model.pk), status=400)


@require_POST
def model_preview_view(request):
    """Renders the card for what the form holds now; saves nothing (S-14)."""
    form = ModelForm(request.POST, request.FILES, owner=request.user)
    form.is_valid()
    data = form.cleaned_data
    model = build_preview(request.user, data)
    card = preview_card(model, form.tags_by_category(), data.get("avatar"))
    return render(request, "catalog/_preview.html", {"card": card, "form": form})


def model_detail_view(request, ref):
    model = get_model_for(request, ref, Action.VIEW)
    context = {
        "model": model,
        "card": card_for(model, **version_facts(model)),
        "actions": allowed_actions(request.user, model),
        "tab": "card",
    }
    return render(request, "catalog/model_detail.html", context)


def model_list_view(request):
    models = (
        AIModel.objects.visible_to(request.user)
        .select_related("owner")
        .prefetch_related("tags")
        .order_by("-updated_at")[:48]
    )
    cards = [card_for(m) for m in models]
    return render(request, "catalog/model_list.html", {"cards": cards})
