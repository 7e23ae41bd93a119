from django.contrib import admin

from .models import FineTuneJob, TrainingCommand


@admin.register(TrainingCommand)
class TrainingCommandAdmin(admin.ModelAdmin):
    list_display = ["name", "description", "enabled"]
    list_filter = ["enabled"]
    search_fields = ["name", "description", "command"]


@admin.register(FineTuneJob)
class FineTuneJobAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "model",
        "output_version_name",
        "recipe",
        "state",
        "created_by",
        "created_at",
        "finished_at",
    ]
    list_filter = ["state", "recipe"]
    search_fields = ["model__title", "output_version_name", "dataset_name", "dataset_sha256"]
    list_select_related = ["model", "created_by"]
    # Jobs are written by their services and the worker, not edited by hand.
    readonly_fields = [f.name for f in FineTuneJob._meta.fields]

    def has_add_permission(self, request):
        return False
