from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from .models import VersionStatus
from .rules import clean_version_name

MAX_TAGS = 20


def parse_version_tags(text: str) -> list[str]:
    """`a, b , ,A` → ["a", "b"]: trimmed, empty entries dropped, duplicates (any case) once."""
    tags, seen = [], set()
    for raw in (text or "").split(","):
        tag = " ".join(raw.split())
        if tag and tag.casefold() not in seen:
            seen.add(tag.casefold())
            tags.append(tag[:50])
    return tags


class VersionForm(forms.Form):
    name = forms.CharField(
        label=_lazy("Identifier"),
        max_length=100,
        required=False,
        help_text=_lazy("Letters, digits, “.”, “_”, “+” and “-”. Leave empty for v1, v2, …"),
    )
    status = forms.ChoiceField(
        label=_lazy("Status"), choices=VersionStatus.choices, initial=VersionStatus.CREATED
    )
    tags = forms.CharField(
        label=_lazy("Tags"),
        required=False,
        max_length=1000,
        help_text=_lazy("Comma-separated, e.g. fp16, gguf"),
    )
    notes = forms.CharField(label=_lazy("Notes"), required=False, widget=forms.Textarea)

    def __init__(self, *args, require_name=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].required = require_name

    def clean_name(self):
        return clean_version_name(self.cleaned_data["name"])

    def clean_tags(self):
        tags = parse_version_tags(self.cleaned_data["tags"])
        if len(tags) > MAX_TAGS:
            raise forms.ValidationError(_("At most %(max)d tags.") % {"max": MAX_TAGS})
        return tags
