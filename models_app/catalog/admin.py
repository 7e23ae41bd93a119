from dataclasses import replace

from django import forms
from django.contrib import admin
from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.db.models import Count, OuterRef, Subquery
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from models_app.access.caller import caller_of
from models_app.allowlist.parse import normalize_allowlist

from . import services
from .avatars import process_avatar
from .facts import card_facts
from .fields import (
    check_parameter_count,
    clean_base_model,
    clean_description,
    clean_title,
    duplicate_title,
    title_taken,
)
from .models import AIModel, KnownBaseModel
from .overview import sanitize_overview
from .parameters import format_parameter_count


@admin.register(KnownBaseModel)
class KnownBaseModelAdmin(admin.ModelAdmin):
    list_display = ["name", "model_count"]
    search_fields = ["name"]

    def get_queryset(self, request):
        using = AIModel.objects.filter(base_model=OuterRef("name"))
        return super().get_queryset(request).annotate(_models=_count(using, "base_model"))

    @admin.display(description=_("models using it"), ordering="_models")
    def model_count(self, obj):
        return obj._models or 0


def _count(queryset, group_by: str):
    """A correlated COUNT subquery: one per row, no join that multiplies the rows."""
    counted = queryset.order_by().values(group_by).annotate(n=Count("pk")).values("n")
    return Subquery(counted, output_field=models.IntegerField())


class AIModelAdminForm(forms.ModelForm):
    """The admin applies the rules of the create/edit form (`fields.py`): one title per owner,
    a valid allowlist stored in canonical form, a sanitised overview, a re-encoded avatar."""

    class Meta:
        model = AIModel
        fields = [
            "owner",
            "title",
            "description",
            "base_model",
            "parameter_count",
            "ip_allowlist",
            "avatar",
            "overview",
            "tags",
        ]

    def clean_title(self):
        return clean_title(self.cleaned_data["title"])

    def clean_description(self):
        return clean_description(self.cleaned_data["description"])

    def clean_base_model(self):
        return clean_base_model(self.cleaned_data["base_model"])

    def clean_parameter_count(self):
        return check_parameter_count(self.cleaned_data["parameter_count"])

    def clean_ip_allowlist(self):
        return normalize_allowlist(self.cleaned_data["ip_allowlist"])

    def clean_overview(self):
        return sanitize_overview(self.cleaned_data["overview"])

    def clean_avatar(self):
        avatar = self.cleaned_data.get("avatar")
        if isinstance(avatar, UploadedFile):
            return process_avatar(avatar)
        return avatar

    def clean(self):
        cleaned = super().clean()
        owner, title = cleaned.get("owner"), cleaned.get("title")
        if owner and title and title_taken(owner, title, exclude=self.instance):
            self.add_error("title", duplicate_title(title, own=False))
        return cleaned


# Inlines other apps add to the model's admin page (sharing: its shares; versions: its
# versions), from their admin modules: catalog does not import them.
_model_inlines: list = []


def register_model_inline(inline) -> None:
    if inline not in _model_inlines:
        _model_inlines.append(inline)


@admin.register(AIModel)
class AIModelAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "owner",
        "owner_tenant",
        "base_model",
        "parameters",
        "version_count",
        "people_count",
        "storage",
        "updated_at",
    ]
    list_filter = ["owner__tenant", "base_model", "updated_at", "created_at"]
    list_select_related = ["owner", "owner__tenant"]
    search_fields = ["title", "description", "owner__email", "uuid", "tags__name"]
    search_help_text = _("Title, description, owner e-mail, reference or tag.")
    form = AIModelAdminForm
    list_per_page = 50
    readonly_fields = [
        "uuid",
        "repo_namespace",
        "repo_name",
        "storage_bytes",
        "view_count",
        "download_count",
        "revision",
        "search_text",
        "created_at",
        "updated_at",
    ]
    autocomplete_fields = ["owner"]
    filter_horizontal = ["tags"]
    date_hierarchy = "updated_at"

    def get_inlines(self, request, obj):
        return [*self.inlines, *_model_inlines]

    @admin.display(description=_("tenant"), ordering="owner__tenant__name")
    def owner_tenant(self, obj):
        return obj.owner.tenant

    @admin.display(description=_("parameters"), ordering="parameter_count")
    def parameters(self, obj):
        return format_parameter_count(obj.parameter_count)

    @admin.display(description=_("storage used"), ordering="storage_bytes")
    def storage(self, obj):
        return filesizeformat(obj.storage_bytes)

    def get_queryset(self, request):
        facts = card_facts()
        counts = {name: facts[name] for name in ("versions_total", "shares_total") if name in facts}
        return super().get_queryset(request).annotate(**counts)

    @admin.display(description=_("versions"), ordering="versions_total")
    def version_count(self, obj):
        return getattr(obj, "versions_total", 0) or 0

    @admin.display(description=_("people with access"), ordering="shares_total")
    def people_count(self, obj):
        return 1 + (getattr(obj, "shares_total", 0) or 0)

    def save_model(self, request, obj, form, change):
        """Through the same service as the edit form: rules, search text, tags, audit."""
        avatar = form.cleaned_data.get("avatar")
        services.model_save(
            obj,
            by=replace(caller_of(request), via="admin"),
            tags=services.tags_by_category_of(form.cleaned_data.get("tags") or []),
            avatar=avatar if "avatar" in form.changed_data and avatar else None,
            remove_avatar="avatar" in form.changed_data and avatar is False,
            own_title=False,
            **{name: getattr(obj, name) for name in services.FIELDS},
        )

    def save_related(self, request, form, formsets, change):
        # The tags were set by the service with the model; the inlines save themselves.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def delete_model(self, request, obj):
        """The same path as the Delete button: rows in one transaction, then the storage."""
        services.model_delete(obj, by=replace(caller_of(request), via="admin"))

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)
