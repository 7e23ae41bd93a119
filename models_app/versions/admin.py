from django.contrib import admin
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from models_app.audit.models import AuditAction
from models_app.audit.services import audit_record

from .models import ModelVersion, VersionFile
from .services import file_delete, version_delete


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
        version_delete(obj)
        audit_record(request, AuditAction.VERSION_DELETED, obj.model, version=obj.name, via="admin")


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
        model = obj.version.model
        if file_delete(obj, storage_key=obj.storage_key):
            audit_record(
                request,
                AuditAction.FILE_DELETED,
                model,
                version=obj.version.name,
                path=obj.path,
                via="admin",
            )
