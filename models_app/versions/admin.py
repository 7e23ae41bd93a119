"""Versions and files in the admin: read-only rows (uploads make them), deletes through the
same services as the UI so storage objects go after the commit."""

import importlib

from django.contrib import admin
from django.db import transaction
from django.db.models import Count
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from models_app.audit.models import AuditAction
from models_app.audit.services import audit_record

from .models import ModelVersion, VersionFile


def _services():
    # Looked up when used: the admin loads before, and independently of, the upload code.
    return importlib.import_module("models_app.versions.services")


class VersionFileInline(admin.TabularInline):
    model = VersionFile
    fields = ["path", "size", "sha256", "download_count", "modified_at"]
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("size"))
    def size(self, obj):
        return filesizeformat(obj.size_bytes)


@admin.register(ModelVersion)
class ModelVersionAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "model",
        "model_owner",
        "status",
        "size",
        "file_count",
        "download_count",
        "created_at",
    ]
    list_filter = ["status", "model__owner__tenant", "created_at"]
    list_select_related = ["model", "model__owner"]
    search_fields = ["name", "model__title", "=model__uuid", "model__owner__email"]
    search_help_text = _("Version name, model title, model reference (whole) or owner e-mail.")
    fields = [
        "model",
        "number",
        "name",
        "status",
        "tags",
        "notes",
        "size_bytes",
        "download_count",
        "created_by",
        "created_at",
        "updated_at",
    ]
    readonly_fields = fields
    inlines = [VersionFileInline]
    date_hierarchy = "created_at"
    list_per_page = 50

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_files=Count("files"))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("owner"), ordering="model__owner__email")
    def model_owner(self, obj):
        return obj.model.owner

    @admin.display(description=_("size"), ordering="size_bytes")
    def size(self, obj):
        return filesizeformat(obj.size_bytes)

    @admin.display(description=_("files"), ordering="_files")
    def file_count(self, obj):
        return obj._files

    def delete_model(self, request, obj):
        model, name = obj.model, obj.name
        with transaction.atomic():
            keys = _services().version_delete(obj)
            audit_record(
                request,
                AuditAction.VERSION_DELETED,
                model,
                version=name,
                files=len(keys),
                via="admin",
            )

    def delete_queryset(self, request, queryset):
        for obj in queryset.select_related("model"):
            self.delete_model(request, obj)


@admin.register(VersionFile)
class VersionFileAdmin(admin.ModelAdmin):
    list_display = ["path", "version_name", "model_title", "size", "short_sha256", "modified_at"]
    list_filter = ["version__status", "modified_at"]
    list_select_related = ["version", "version__model"]
    search_fields = ["path", "=sha256", "version__name", "version__model__title"]
    search_help_text = _("Path, SHA-256 (whole), version name or model title.")
    fields = [
        "version",
        "path",
        "size_bytes",
        "sha256",
        "content_type",
        "storage_key",
        "download_count",
        "uploaded_by",
        "created_at",
        "modified_at",
    ]
    readonly_fields = fields
    list_per_page = 100

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("version"), ordering="version__name")
    def version_name(self, obj):
        return obj.version.name

    @admin.display(description=_("model"), ordering="version__model__title")
    def model_title(self, obj):
        return obj.version.model.title

    @admin.display(description=_("size"), ordering="size_bytes")
    def size(self, obj):
        return filesizeformat(obj.size_bytes)

    @admin.display(description=_("SHA-256"))
    def short_sha256(self, obj):
        return obj.sha256[:12]

    def delete_model(self, request, obj):
        model, version, path, size = obj.version.model, obj.version.name, obj.path, obj.size_bytes
        with transaction.atomic():
            _services().file_delete(obj)
            audit_record(
                request,
                AuditAction.FILE_DELETED,
                model,
                version=version,
                path=path,
                size=size,
                via="admin",
            )

    def delete_queryset(self, request, queryset):
        for obj in queryset.select_related("version__model"):
            self.delete_model(request, obj)
