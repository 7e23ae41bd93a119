from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from .models import AuditEvent


class ModelStateFilter(admin.SimpleListFilter):
    title = _("model")
    parameter_name = "model_state"

    def lookups(self, request, model_admin):
        return [("exists", _("still exists")), ("deleted", _("deleted")), ("none", _("none"))]

    def queryset(self, request, queryset):
        if self.value() == "exists":
            return queryset.filter(model__isnull=False)
        if self.value() == "deleted":
            return queryset.filter(model__isnull=True, model_ref__isnull=False)
        if self.value() == "none":
            return queryset.filter(model_ref__isnull=True)
        return queryset


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """The whole audit log, read-only: rows are written by the apps, never by hand."""

    list_display = ["created_at", "action", "actor_email", "model_link", "address", "summary"]
    list_filter = ["action", ModelStateFilter, "created_at"]
    # details__email: the address a share, an invitation or a sign-in lockout was about.
    search_fields = ["actor_email", "details__email", "model_title", "model_ref", "address"]
    search_help_text = _("E-mail, model title, model reference or address.")
    date_hierarchy = "created_at"
    readonly_fields = [
        "created_at",
        "action",
        "actor",
        "actor_email",
        "address",
        "model",
        "model_ref",
        "model_title",
        "details_list",
    ]
    exclude = ["details"]
    list_per_page = 50
    show_full_result_count = False  # counting a big log on every page is slow

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("model"), ordering="model_title")
    def model_link(self, obj):
        if obj.model_id is None:
            return obj.model_title or "—"
        url = reverse("admin:catalog_aimodel_change", args=[obj.model_id])
        return format_html('<a href="{}">{}</a>', url, obj.model_title)

    @admin.display(description=_("details"))
    def summary(self, obj):
        return "; ".join(f"{label}: {value}" for label, value in obj.detail_items())

    @admin.display(description=_("details"))
    def details_list(self, obj):
        items = obj.detail_items()
        if not items:
            return "—"
        return format_html("<dl>{}</dl>", format_html_join("", "<dt>{}</dt><dd>{}</dd>", items))
