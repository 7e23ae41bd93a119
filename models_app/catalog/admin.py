from django.contrib import admin
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from .models import AIModel, BaseModel
from .parameters import format_parameter_count
from .services import model_refresh_search


@admin.register(BaseModel)
class BaseModelAdmin(admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name"]


@admin.register(AIModel)
class AIModelAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "owner",
        "owner_tenant",
        "base_model",
        "parameters",
        "storage",
        "updated_at",
    ]
    list_filter = ["owner__tenant", "base_model", "created_at"]
    list_select_related = ["owner", "owner__tenant"]
    search_fields = ["title", "description", "owner__email", "uuid"]
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

    @admin.display(description=_("tenant"), ordering="owner__tenant__name")
    def owner_tenant(self, obj):
        return obj.owner.tenant

    @admin.display(description=_("parameters"), ordering="parameter_count")
    def parameters(self, obj):
        return format_parameter_count(obj.parameter_count)

    @admin.display(description=_("storage used"), ordering="storage_bytes")
    def storage(self, obj):
        return filesizeformat(obj.storage_bytes)
