from dataclasses import replace

from django import forms
from django.contrib import admin
from django.db.models import Count
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from models_app.access.caller import caller_of
from models_app.catalog.admin import register_model_inline
from models_app.tags.parsing import parse_tags

from .models import ModelVersion, VersionFile
from .rules import clean_version_name
from .services import file_delete, version_delete, version_update


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


class ModelVersionAdminForm(forms.ModelForm):
    """The rules of the version form (`rules.py`, the tag parser): a name with `/` saved here
    once made the model's pages answer 500."""

    class Meta:
        model = ModelVersion
        fields = ["name", "status", "tags", "notes"]

    def clean_name(self):
        return clean_version_name(self.cleaned_data["name"])

    def clean_tags(self):
        tags = self.cleaned_data["tags"] or []
        if not isinstance(tags, list) or not all(isinstance(tag, str) for tag in tags):
            raise forms.ValidationError(gettext('Give the tags as a list of names: ["fp16"].'))
        return parse_tags(",".join(tags), per_category=False)

    def clean(self):
        cleaned = super().clean()
        name = cleaned.get("name")
        others = ModelVersion.objects.filter(model_id=self.instance.model_id, name=name)
        if name and others.exclude(pk=self.instance.pk).exists():
            self.add_error("name", gettext("This model already has a version with this name."))
        return cleaned


@admin.register(ModelVersion)
class ModelVersionAdmin(DeletesThroughServices, admin.ModelAdmin):
    form = ModelVersionAdminForm
    list_display = ["model", "number", "name", "status", "size", "download_count", "created_at"]
    list_filter = ["status", "created_at"]
    list_select_related = ["model"]
    search_fields = ["name", "model__title", "model__uuid", "notes"]
    readonly_fields = ["model", "number", "size_bytes", "download_count", "created_by"]
    inlines = [VersionFileInline]

    @admin.display(description=_("size"), ordering="size_bytes")
    def size(self, obj):
        return filesizeformat(obj.size_bytes)

    def has_add_permission(self, request):
        # A version belongs to a model and is made on its page (the model is read-only here).
        return False

    def save_model(self, request, obj, form, change):
        version_update(
            obj,
            by=_admin(request),
            name=obj.name,
            status=obj.status,
            tags=obj.tags,
            notes=obj.notes,
        )

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
