from dataclasses import replace

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from models_app.access.caller import caller_of

from .models import Deployment, Desired
from .services import deployment_stop


@admin.register(Deployment)
class DeploymentAdmin(admin.ModelAdmin):
    """Deployments are seen and stopped here; they are made on the model's page (or with
    `deploy`), whose rules and audit apply. The upstream key is never shown."""

    list_display = [
        "id",
        "model",
        "version",
        "runtime",
        "task",
        "desired",
        "state",
        "supervisor",
        "heartbeat_at",
        "restarts",
        "created_at",
    ]
    list_filter = ["runtime", "state", "desired"]
    search_fields = ["model__title", "model__repo_name", "supervisor"]
    list_select_related = ["model", "version"]
    fields = readonly_fields = [
        *list_display,
        "file_path",
        "threads",
        "context_size",
        "max_concurrency",
        "upstream_url",
        "upstream_model",
        "upstream_key_env",
        "base_url",
        "error",
        "log_tail",
        "ready_at",
        "created_by",
        "updated_at",
    ]
    actions = ["stop"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Stop the selected deployments"))
    def stop(self, request, queryset):
        running = list(queryset.filter(desired=Desired.RUNNING))
        by = replace(caller_of(request), via="admin")
        for deployment in running:
            deployment_stop(deployment, by=by)
        self.message_user(
            request,
            ngettext("%d deployment stopped.", "%d deployments stopped.", len(running))
            % len(running),
            messages.SUCCESS,
        )
