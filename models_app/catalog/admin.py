from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.db.models import Count, OuterRef, Subquery
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from models_app.allowlist.parse import normalize_allowlist
from models_app.audit.models import AuditAction
from models_app.audit.services import audit_record
from models_app.sharing.models import Share
from models_app.versions.models import ModelVersion

from . import services, titles
from .avatars import process_avatar
from .models import AIModel, BaseModel
from .overview import sanitize_overview
from .parameters import format_parameter_count
from .services import model_refresh_search


@admin.register(BaseModel)
class BaseModelAdmin(admin.ModelAdmin):
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
    """The admin applies the rules of the create/edit form: one title per owner, a valid
    allowlist stored in canonical form, a sanitised overview, a re-encoded avatar."""

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
        title = " ".join(self.cleaned_data["title"].split())
        if not title:
            raise ValidationError(_("A title is required."), code="required")
        return title

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
        if owner and title:
            clash = AIModel.objects.filter(owner=owner, title_key=titles.title_key(title))
            if clash.exclude(pk=self.instance.pk).exists():
                self.add_error(
                    "title",
                    ValidationError(
                        _("This owner already has a model named “%(title)s”.") % {"title": title},
                        code="duplicate",
                    ),
                )
        return cleaned


class ShareInline(admin.TabularInline):
    """People the model is shared with; changes here are audited like those on the tab."""

    model = Share
    fk_name = "model"
    fields = ["user", "role", "invited_by", "created_at"]
    readonly_fields = ["invited_by", "created_at"]
    autocomplete_fields = ["user"]
    extra = 0


class ModelVersionInline(admin.TabularInline):
    """The model's versions, read-only: they are made by uploads and deleted on their page."""

    model = ModelVersion
    fields = ["number", "name", "status", "size", "file_count", "created_at"]
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = True
    ordering = ["-number"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_files=Count("files"))

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("size"))
    def size(self, obj):
        return filesizeformat(obj.size_bytes)

    @admin.display(description=_("files"))
    def file_count(self, obj):
        return obj._files


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
    inlines = [ShareInline, ModelVersionInline]
    form = AIModelAdminForm
    list_per_page = 50
    readonly_fields = [
        "uuid",
        "storage_bytes",
        "view_count",
        "revision",
        "search_text",
        "created_at",
        "updated_at",
    ]
    autocomplete_fields = ["owner"]
    filter_horizontal = ["tags"]
    date_hierarchy = "updated_at"

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        model_refresh_search(form.instance)
        if change and "owner" in form.changed_data:
            # The new owner is admin by ownership; a share of theirs would only shadow that.
            form.instance.shares.filter(user=form.instance.owner).delete()

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
        versions = ModelVersion.objects.filter(model=OuterRef("pk"))
        shares = Share.objects.filter(model=OuterRef("pk"))
        return (
            super()
            .get_queryset(request)
            .annotate(_versions=_count(versions, "model"), _shares=_count(shares, "model"))
        )

    @admin.display(description=_("versions"), ordering="_versions")
    def version_count(self, obj):
        return obj._versions or 0

    @admin.display(description=_("people with access"), ordering="_shares")
    def people_count(self, obj):
        return 1 + (obj._shares or 0)

    def save_model(self, request, obj, form, change):
        obj.title_key = titles.title_key(obj.title)
        if change:
            # An edit in the admin makes an edit form opened before it stale (S-53).
            obj.revision += 1
            obj.updated_at = timezone.now()
        super().save_model(request, obj, form, change)
        action = AuditAction.MODEL_EDITED if change else AuditAction.MODEL_CREATED
        details = {"via": "admin"}
        if change and "owner" in form.changed_data:
            details["owner"] = obj.owner.email
        audit_record(request, action, obj, **details)

    def delete_model(self, request, obj):
        """The same path as the Delete button: rows in one transaction, then the storage."""
        with transaction.atomic():
            audit_record(request, AuditAction.MODEL_DELETED, obj, via="admin")
            services.model_delete(obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Share:
            return super().save_formset(request, form, formset, change)
        events = []
        for share_form in formset.initial_forms:
            email = share_form.instance.user.email
            previous = share_form.initial.get("role")
            if share_form in formset.deleted_forms:
                events.append((AuditAction.UNSHARED, {"email": email, "role": previous}))
            elif "role" in share_form.changed_data:
                role = share_form.cleaned_data["role"]
                events.append(
                    (AuditAction.ROLE_CHANGED, {"email": email, "previous": previous, "role": role})
                )
        for share in formset.save(commit=False):
            if share.pk is None:
                share.invited_by = request.user
                events.append((AuditAction.SHARED, {"email": share.user.email, "role": share.role}))
            share.save()
        for share in formset.deleted_objects:
            share.delete()
        for action, details in events:
            audit_record(request, action, form.instance, via="admin", **details)
