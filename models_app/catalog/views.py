from functools import partial

from django.contrib import messages
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django.views.decorators.vary import vary_on_headers

from models_app.access.caller import caller_of
from models_app.access.downloads import allowlist_exempt
from models_app.access.roles import Action
from models_app.access.rules import can
from models_app.tags.models import TagCategory

from .avatars import keep_token, receives_avatar
from .cards import avatar_url, detail_card, preview_card, saved_preview_card
from .editor import editor_labels
from .forms import TAG_FIELDS, ModelEditForm
from .listing import list_context, model_list
from .lookups import model_by_ref
from .modelpage import model_page_context, rendered_card_sections
from .models import AIModel
from .services import (
    DuplicateTitle,
    StaleEdit,
    build_preview,
    model_create,
    model_delete,
    model_record_view,
    model_update,
)
from .suggestions import base_model_suggestions, tag_suggestions


def _form_page(request, form, model=None, status=200, stale=False):
    context = {
        "form": form,
        "model": model,
        "stale": stale,
        "base_models": base_model_suggestions(),
        "tag_options": tag_suggestions(request.user),
        "editor_labels": editor_labels(),
        "tag_fields": [form[name] for name in TAG_FIELDS],
        "card": saved_preview_card(model) if model else None,
        "preview_url": (
            reverse("catalog:edit_preview", kwargs={"ref": model.uuid})
            if model
            else reverse("catalog:preview")
        ),
    }
    return render(request, "catalog/model_form.html", context, status=status)


def _written(form, write):
    """Runs a service write with the form's values; a rule the service refuses (a title
    taken meanwhile) lands next to its field. The model, or None."""
    try:
        return write(
            tags=form.tags_by_category(),
            avatar=form.cleaned_data.get("avatar"),
            **form.values(),
        )
    except DuplicateTitle as exc:
        form.add_error(None, exc)
        return None


@require_http_methods(["GET", "HEAD", "POST"])
@receives_avatar
def model_create_view(request):
    if request.method != "POST":
        return _form_page(request, ModelEditForm(owner=request.user))
    form = ModelEditForm(request.POST, request.FILES, owner=request.user)
    if form.is_valid():
        model = _written(form, partial(model_create, by=caller_of(request), owner=request.user))
        if model is not None:
            messages.success(request, _("Model “%(title)s” created.") % {"title": model.title})
            return redirect(model)
    return _form_page(request, form, status=400)


def _edit_form(request, model, *data, preview=False) -> ModelEditForm:
    return ModelEditForm(
        *data,
        owner=model.owner,
        instance=model,
        allowlist_editable=can(request, model, Action.MANAGE_SHARING),
        editor=request.user,
        preview=preview,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@receives_avatar
def model_edit_view(request, ref):
    model = model_by_ref(request, Action.EDIT, ref=ref)
    if request.method != "POST":
        return _form_page(request, _edit_form(request, model), model)
    form = _edit_form(request, model, request.POST, request.FILES)
    if form.is_valid():
        update = partial(
            model_update,
            model,
            by=caller_of(request),
            expected_revision=form.cleaned_data.get("revision") or 0,
            remove_avatar=bool(form.cleaned_data.get("remove_avatar")),
            own_title=form.editor_owns_it(),
        )
        try:
            saved = _written(form, update)
        except StaleEdit:
            # The form page says so itself, next to the form (one message, not two banners).
            fresh = AIModel.objects.get(pk=model.pk)
            return _form_page(request, form, fresh, status=409, stale=True)
        if saved is not None:
            messages.success(request, _("Changes saved."))
            return redirect(model)
    return _form_page(request, form, AIModel.objects.get(pk=model.pk), status=400)


@require_POST
@receives_avatar
def model_preview_view(request, ref=None):
    """Renders the card for what the form holds now; saves nothing (S-14)."""
    model = model_by_ref(request, Action.EDIT, ref=ref) if ref else None
    owner = model.owner if model else request.user
    if model is None:
        form = ModelEditForm(request.POST, request.FILES, owner=owner, preview=True)
    else:
        form = _edit_form(request, model, request.POST, request.FILES, preview=True)
    form.is_valid()
    data = form.cleaned_data
    avatar = data.get("avatar")
    draft = build_preview(owner, form.preview_values(), based_on=model)
    card = preview_card(
        draft,
        form.tags_by_category(),
        avatar,
        dated=model is not None,
        latest_version=detail_card(model).latest_version if model else "",
    )
    if avatar is None and model is not None and model.avatar and not data.get("remove_avatar"):
        card.avatar_url = avatar_url(model)
    problems = [
        (form.fields[name].label if name in form.fields else "", message)
        for name, errors in form.errors.as_data().items()
        for error in errors
        if error.code != "required"
        for message in error.messages
    ]
    context = {
        "card": card,
        "problems": problems,
        "kept_avatar_token": keep_token(avatar) if avatar is not None else "",
        "oob": True,
    }
    return render(request, "catalog/_preview.html", context)


@require_safe
def model_detail_view(request, ref):
    model = model_by_ref(request, Action.VIEW, ref=ref)
    # A HEAD (a link checker, a prefetch) is nobody opening the page.
    if request.method == "GET":
        model_record_view(model, request.user)
    context = model_page_context(request, model, "card")
    context["card_sections"] = rendered_card_sections(request, context["model_page"])
    return render(request, "catalog/model_detail.html", context)


@require_safe
def tag_suggestions_view(request, category):
    """The tags of one category in use on models the user can see, most used first, as
    JSON: what the list's tag filters suggest as the user types (the form has them inline)."""
    if category not in TagCategory.values:
        raise Http404(_("No such tag category."))
    names = tag_suggestions(request.user, category)[category]
    return JsonResponse({"category": category, "tags": names})


@require_safe
@vary_on_headers("HX-Request", "HX-Target", "HX-History-Restore-Request")
def model_list_view(request):
    """Cards or a compact table of the models the user can see (S-20…S-27, S-50, S-60); as
    the user types or changes a filter, htmx asks for the results alone."""
    context = list_context(request, model_list(request))
    htmx = request.htmx
    # A history restore (the back button) needs the whole page, whatever its target.
    if htmx and htmx.target == "list-results" and not htmx.history_restore_request:
        return render(request, "catalog/_list_results.html", context)
    context["base_models"] = base_model_suggestions()
    return render(request, "catalog/model_list.html", context)


def _next_url(request, model) -> str:
    """Where to go after a delete: back to the list the user came from, never off-site and
    never to the deleted model's own pages."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    if not safe or url.startswith(model.get_absolute_url()):
        return reverse("catalog:list")
    return url


@require_http_methods(["GET", "HEAD", "POST"])
def model_delete_view(request, ref):
    """Deletes a model once the admin typed `confirm` (S-60…S-63); GET asks for it."""
    model = model_by_ref(request, Action.DELETE, ref=ref)
    context = {"model": model, "next": _next_url(request, model)}
    if request.method == "POST":
        if request.POST.get("confirm") == "confirm":
            title = model.title
            model_delete(model, by=caller_of(request))
            messages.success(request, _("Model “%(title)s” deleted.") % {"title": title})
            return redirect(context["next"])
        context["error"] = _("Type “confirm” in the box to delete the model. Nothing was deleted.")
        return render(request, "catalog/model_delete.html", context, status=400)
    return render(request, "catalog/model_delete.html", context)


@allowlist_exempt
@require_safe
def model_avatar_view(request, ref):
    model = model_by_ref(request, Action.VIEW, ref=ref)
    if not model.avatar:
        raise Http404(_("This model has no avatar."))
    response = FileResponse(model.avatar.open("rb"), content_type="image/webp")
    response["Cache-Control"] = "private, max-age=86400"
    return response
