from django import forms
from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from .models import Tag
from .parsing import clean_tag_name, tag_key


class TagAdminForm(forms.ModelForm):
    """A tag's name follows the rules of a tag typed in a form."""

    class Meta:
        model = Tag
        fields = ["category", "name"]

    def clean_name(self):
        return clean_tag_name(self.cleaned_data["name"])

    def clean(self):
        cleaned = super().clean()
        name, category = cleaned.get("name"), cleaned.get("category")
        if name and category:
            # Tags match case-insensitively, so "PyTorch" beside "pytorch" is the same tag:
            # say so next to the field instead of letting the unique key fail on save.
            same = Tag.objects.filter(category=category, key=tag_key(name))
            if self.instance.pk:
                same = same.exclude(pk=self.instance.pk)
            existing = same.first()
            if existing is not None:
                self.add_error(
                    "name",
                    _("The tag “%(name)s” already exists in this category.")
                    % {"name": existing.name},
                )
        return cleaned


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    form = TagAdminForm
    list_display = ["name", "category", "model_count"]
    list_filter = ["category"]
    search_fields = ["name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_models=Count("models"))

    @admin.display(description=_("models"), ordering="_models")
    def model_count(self, obj):
        return obj._models

    def save_model(self, request, obj, form, change):
        obj.key = tag_key(obj.name)
        super().save_model(request, obj, form, change)
