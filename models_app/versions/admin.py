from django.contrib import admin
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from .models import ModelVersion, VersionFile


class VersionFileInline(admin.TabularInline):
    model = VersionFile
    extra = 0
    can_delete = False
    fields = ["path", "size_bytes", "sha256", "download_count", "modified_at"]
    readonly_fields = fields
    show_change_link = True


@admin.register(ModelVersion)
class ModelVersionAdmin(admin.ModelAdmin):
    list_display = ["model", "number", "name", "status", "size", "download_count", "created_at"]
    list_filter = ["status", "created_at"]
    list_select_related = ["model"]
    search_fields = ["name", "model__title", "model__uuid", "notes"]
    readonly_fields = ["model", "number", "size_bytes", "download_count", "created_by"]
    inlines = [VersionFileInline]

    @admin.display(description=_("size"), ordering="size_bytes")
    def size(self, obj):
        return filesizeformat(obj.size_bytes)

    def has_delete_permission(self, request, obj=None):
        # Deleting here would leave objects in storage; use the version page or check_storage.
        return False


@admin.register(VersionFile)
class VersionFileAdmin(admin.ModelAdmin):
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

    def has_delete_permission(self, request, obj=None):
        return False
