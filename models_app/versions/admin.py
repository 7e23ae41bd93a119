from dataclasses import replace

from django.contrib import admin
from django.db.models import Count
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from models_app.access.caller import caller_of
from models_app.catalog.admin import register_model_inline

from .models import ModelVersion, VersionFile
from .services import file_delete, version_delete


def _admin(request):
    return replace(caller_of(request), via="admin")


class ModelVersionInline(admin.TabularInline):
    """A model's versions on its admin page, read-only: they are made by uploads and deleted
    on their page."""

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


register_model_inline(ModelVersionInline)


class DeletesThroughServices:
    """Admin deletes take the UI's path: rows in a transaction, objects after the commit,
    sizes kept right, an audit event."""

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


class VersionFileInline(admin.TabularInline):
    model = VersionFile
    extra = 0
    can_delete = False
    fields = ["path", "size_bytes", "sha256", "download_count", "modified_at"]
    readonly_fields = fields
    show_change_link = True


@admin.register(ModelVersion)
class ModelVersionAdmin(DeletesThroughServices, admin.ModelAdmin):
    list_display = ["model", "number", "name", "status", "size", "download_count", "created_at"]
    list_filter = ["status", "created_at"]
    list_select_related = ["model"]
    search_fields = ["name", "model__title", "model__uuid", "notes"]
    readonly_fields = ["model", "number", "size_bytes", "download_count", "created_by"]
    inlines = [VersionFileInline]

    @admin.display(description=_("size"), ordering="size_bytes")
    def size(self, obj):
        return filesizeformat(obj.size_bytes)

    def delete_model(self, request, obj):
        version_delete(obj, by=_admin(request))


@admin.register(VersionFile)
class VersionFileAdmin(DeletesThroughServices, admin.ModelAdmin):
    list_display = ["path", "version", "size", "sha256", "download_count", "modified_at"]
    list_select_related = ["version", "version__model"]
    search_fields = ["path", "sha256", "storage_key", "version__model__title"]
    list_filter = ["modified_at"]
    readonly_fields = [f.name for f in VersionFile._meta.fields]

    @admin.display(description=_("size"), ordering="size_bytes")
    def size(self, obj):
        return filesizeformat(obj.size_bytes)

    def has_add_permission(self, request):
        return False

    def delete_model(self, request, obj):
        file_delete(obj, by=_admin(request), storage_key=obj.storage_key)
