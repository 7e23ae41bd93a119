from django import forms
from django.utils.translation import gettext_lazy as _

from models_app.tags.parsing import parse_tags

from .models import VersionStatus
from .rules import clean_version_name


class VersionForm(forms.Form):
    name = forms.CharField(
        label=_("Identifier"),
        max_length=100,
        required=False,
        help_text=_("Letters, digits, “.”, “_”, “+” and “-”. Leave empty for v1, v2, …"),
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=VersionStatus.choices, initial=VersionStatus.CREATED
    )
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=1000,
        help_text=_("Comma-separated, e.g. fp16, gguf"),
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea)

    def __init__(self, *args, require_name=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].required = require_name

    def clean_name(self):
        return clean_version_name(self.cleaned_data["name"])

    def clean_tags(self):
        return parse_tags(self.cleaned_data["tags"], per_category=False)
