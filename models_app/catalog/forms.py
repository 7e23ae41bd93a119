from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from models_app.allowlist.parse import normalize_allowlist
from models_app.tags.models import TagCategory
from models_app.tags.parsing import parse_tags

from .avatars import data_url, from_keep_token, keep_token, process_avatar
from .fields import (
    clean_base_model,
    clean_description,
    clean_title,
    duplicate_title,
    title_taken,
)
from .models import AIModel
from .overview import sanitize_overview
from .parameters import format_parameter_count_exact, parse_parameter_count

TAG_FIELDS = {f"tags_{value}": value for value in TagCategory.values}
# The form's field names are the HTTP contract (SPEC §9); the model's are the services'.
FORM_TO_FIELD = {
    "title": "title",
    "description": "description",
    "base_model": "base_model",
    "parameter_size": "parameter_count",
    "ip_whitelist": "ip_allowlist",
    "overview": "overview",
}
TAG_PLACEHOLDERS = {
    "framework": _("PyTorch, TensorFlow, JAX"),
    "architecture": _("BERT, DistilBERT, EfficientNet, Transformer"),
    "domain": _("medical, finance, education"),
    "task": _("text classification, image classification, embedding"),
    "other": _("any other keywords"),
}


class ModelEditForm(forms.Form):
    """The create and edit form (S-1…S-13, S-51); field names are the HTTP contract (SPEC §9)."""

    title = forms.CharField(
        label=_("Title"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 500}),
        help_text=_("A short statement of the model's purpose, at most 500 characters."),
    )
    base_model = forms.CharField(
        label=_("Base model"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"list": "base-model-options", "autocomplete": "off"}),
        help_text=_("Pick a known base model or type another."),
    )
    parameter_size = forms.CharField(
        label=_("Model size (parameters)"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "7B", "autocomplete": "off"}),
        help_text=_("For example 7B, 13B, 1.5B or 350M."),
    )
    ip_whitelist = forms.CharField(
        label=_("IP address allowlist"),
        required=False,
        widget=forms.Textarea(
            attrs={"rows": 2, "placeholder": "192.168.0.0/16, 10.0.0.5, 2001:db8::/32"}
        ),
        help_text=_(
            "Who may download this model's files. Empty: every address. At most 10 IPv4 or "
            "IPv6 addresses or CIDR ranges, separated by commas."
        ),
    )
    avatar = forms.FileField(
        label=_("Avatar"),
        required=False,
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/png,image/jpeg,image/gif,image/webp"}
        ),
        help_text=_("PNG, JPEG, GIF or WebP, up to 5 MB and 4096 × 4096 pixels."),
    )
    avatar_kept = forms.CharField(required=False, widget=forms.HiddenInput)
    remove_avatar = forms.BooleanField(label=_("Remove the avatar"), required=False)
    overview = forms.CharField(label=_("Overview"), required=False, widget=forms.HiddenInput)

    tags_framework = forms.CharField(label=_("Framework"), required=False)
    tags_architecture = forms.CharField(label=_("Architecture"), required=False)
    tags_domain = forms.CharField(label=_("Domain"), required=False)
    tags_task = forms.CharField(label=_("Task"), required=False)
    tags_other = forms.CharField(label=_("Other"), required=False)

    revision = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(
        self,
        *args,
        owner,
        instance: AIModel | None = None,
        allowlist_editable: bool = True,
        editor=None,
        preview: bool = False,
        **kwargs,
    ):
        """`editor`: who fills the form in (the owner unless given). `preview`: the form
        feeds the live preview, which looks for a title clash only among the models the
        editor may see; the save looks among all the owner's models."""
        self.owner = owner
        self.instance = instance
        self.editor = owner if editor is None else editor
        self.preview = preview
        self.title_as_typed = ""
        if instance is not None and not args and "data" not in kwargs:
            kwargs.setdefault("initial", initial_from_model(instance))
        super().__init__(*args, **kwargs)
        if instance is None:
            del self.fields["remove_avatar"]
        elif not allowlist_editable:
            # The allowlist decides who may download: access control, so admins' business.
            field = self.fields["ip_whitelist"]
            field.disabled = True
            field.initial = instance.ip_allowlist
            field.help_text = _("Only the model's admins can change who may download it.")
        for name, category in TAG_FIELDS.items():
            self.fields[name].widget.attrs.update(
                {
                    "placeholder": TAG_PLACEHOLDERS[category],
                    "list": f"tag-options-{category}",
                    "autocomplete": "off",
                    "data-tag-input": category,
                }
            )

    def clean_title(self):
        title = clean_title(self.cleaned_data["title"])
        self.title_as_typed = title
        visible_to = self.editor if self.preview else None
        if title_taken(self.owner, title, exclude=self.instance, visible_to=visible_to):
            raise duplicate_title(title, own=self.editor_owns_it())
        return title

    def editor_owns_it(self) -> bool:
        return self.editor.pk == self.owner.pk

    def clean_description(self):
        return clean_description(self.cleaned_data["description"])

    def clean_base_model(self):
        return clean_base_model(self.cleaned_data["base_model"])

    def clean_parameter_size(self):
        return parse_parameter_count(self.cleaned_data["parameter_size"])

    def clean_ip_whitelist(self):
        return normalize_allowlist(self.cleaned_data["ip_whitelist"])

    def clean_avatar(self):
        upload = self.cleaned_data.get("avatar")
        if upload:
            return process_avatar(upload)
        return from_keep_token(self.data.get("avatar_kept", ""))

    def clean_overview(self):
        return sanitize_overview(self.cleaned_data["overview"])

    def clean(self):
        cleaned = super().clean()
        for name in TAG_FIELDS:
            if name in self.errors:
                continue
            try:
                cleaned[name] = parse_tags(cleaned.get(name, ""))
            except ValidationError as exc:
                self.add_error(name, exc)
        return cleaned

    def kept_avatar(self) -> dict | None:
        """After a failed submit: the avatar that did validate, to carry into the next try."""
        avatar = getattr(self, "cleaned_data", {}).get("avatar")
        if not self.is_bound or avatar is None:
            return None
        return {"token": keep_token(avatar), "url": data_url(avatar)}

    def values(self) -> dict:
        """What validated, as the services' domain values (`services.FIELDS`); a field that
        did not validate is left out."""
        data = getattr(self, "cleaned_data", {})
        return {
            field: data[name] for name, field in FORM_TO_FIELD.items() if data.get(name) is not None
        }

    def preview_values(self) -> dict:
        """`values()` for the live preview: a title refused only because it clashes is
        still shown as typed, next to the error, rather than as an untitled card."""
        values = self.values()
        if "title" not in values and self.title_as_typed:
            values["title"] = self.title_as_typed
        return values

    def tags_by_category(self) -> dict[str, list[str]]:
        return {
            category: self.cleaned_data.get(name) or [] for name, category in TAG_FIELDS.items()
        }


def initial_from_model(model: AIModel) -> dict:
    initial = {
        "title": model.title,
        "description": model.description,
        "base_model": model.base_model,
        "parameter_size": format_parameter_count_exact(model.parameter_count),
        "ip_whitelist": model.ip_allowlist,
        "overview": model.overview,
        "revision": model.revision,
    }
    tags = list(model.tags.all())
    for name, category in TAG_FIELDS.items():
        initial[name] = ", ".join(t.name for t in tags if t.category == category)
    return initial
