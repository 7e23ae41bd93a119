from django.contrib import admin

from .models import Share


@admin.register(Share)
class ShareAdmin(admin.ModelAdmin):
    list_display = ["model", "user", "role", "created_at"]
    list_filter = ["role"]
    list_select_related = ["model", "user"]
    search_fields = ["model__title", "user__email"]
    autocomplete_fields = ["model", "user"]
