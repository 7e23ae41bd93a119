"""The fine-tune form (SPEC §7): everything a job needs is checked here, before anything is
stored or queued — a base version without the recipe's files is refused on the form."""

import json
from pathlib import PurePosixPath

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from models_app.catalog.fields import clean_title, duplicate_title, title_taken
from models_app.versions.models import VersionStatus
from models_app.versions.paths import InvalidPath, normalize_path
from models_app.versions.rules import clean_version_name

from .datasets import DatasetError, dataset_format
from .models import TrainingCommand
from .recipes import recipe as find_recipe
from .recipes import recipes


def param_field_name(name: str) -> str:
    return f"param_{name}"


class FineTuneForm(forms.Form):
    base_version = forms.ChoiceField(label=gettext_lazy("Base version"))
    recipe = forms.ChoiceField(label=gettext_lazy("Recipe"))
    dataset = forms.FileField(
        label=gettext_lazy("Dataset file"),
        required=False,
        help_text=gettext_lazy(
            "CSV or JSONL; stored with the new version under datasets/ with its SHA-256."
        ),
    )
    dataset_path = forms.CharField(
        label=gettext_lazy("…or a dataset already in the base version"),
        required=False,
        help_text=gettext_lazy("A path in the base version, e.g. datasets/train.csv."),
    )
    output_version = forms.CharField(
        label=gettext_lazy("New version"),
        required=False,
        max_length=100,
        help_text=gettext_lazy("The name of the version the training makes (default v{n})."),
    )

    output_model = forms.CharField(
        label=gettext_lazy("…in a new model"),
        required=False,
        max_length=200,
        help_text=gettext_lazy(
            "Leave empty for a new version of this model; a title makes a new model of "
            "yours holding the result."
        ),
    )

    def __init__(self, model, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.model = model
        self.user = user
        self.versions = {v.name: v for v in model.versions.exclude(status=VersionStatus.TRAINING)}
        self.fields["base_version"].choices = [(name, name) for name in reversed(self.versions)]
        self.fields["recipe"].choices = [(r.key, r.label) for r in recipes()]
        self.param_values: dict = {}
        self.param_errors: dict = {}

    def clean_output_model(self):
        title = (self.cleaned_data.get("output_model") or "").strip()
        if not title:
            return ""
        title = clean_title(title)
        if self.user is not None and title_taken(self.user, title):
            raise duplicate_title(title)
        return title

    def clean_output_version(self):
        name = clean_version_name(self.cleaned_data.get("output_version", ""))
        new_model = (self.data.get("output_model") or "").strip()
        if name and not new_model and self.model.versions.filter(name=name).exists():
            raise ValidationError(_("This model already has a version with this name."))
        return name

    def clean_dataset_path(self):
        path = self.cleaned_data.get("dataset_path", "").strip()
        if not path:
            return ""
        try:
            return normalize_path(path)
        except InvalidPath as exc:
            raise ValidationError(str(exc)) from exc

    def clean(self):
        data = super().clean()
        recipe = find_recipe(data.get("recipe", ""))
        version = self.versions.get(data.get("base_version", ""))
        data["recipe_obj"], data["base_version_obj"] = recipe, version
        if recipe is None or version is None:
            return data
        if recipe.unavailable():
            self.add_error("recipe", recipe.unavailable())
        paths = list(version.files.values_list("path", flat=True))
        missing = recipe.missing_files(paths)
        if missing:
            self.add_error(
                "base_version",
                _("Version %(version)s lacks what %(recipe)s needs: %(missing)s.")
                % {"version": version.name, "recipe": recipe.key, "missing": ", ".join(missing)},
            )
        self._clean_dataset(data, recipe, paths)
        self._clean_params(recipe)
        return data

    def _clean_dataset(self, data, recipe, paths):
        upload, path = data.get("dataset"), data.get("dataset_path")
        if "dataset_path" in self.errors:
            return
        if upload and path:
            self.add_error("dataset_path", _("Upload a dataset or name one, not both."))
            return
        if not upload and not path:
            self.add_error("dataset", _("Upload a dataset or name a file of the base version."))
            return
        if path and path not in paths:
            self.add_error(
                "dataset_path", _("The base version has no file %(path)s.") % {"path": path}
            )
            return
        if upload:
            from .services import uploaded_dataset_path

            try:
                uploaded_dataset_path(upload.name)
            except InvalidPath as exc:
                self.add_error("dataset", str(exc))
                return
        name = upload.name if upload else path
        field = "dataset" if upload else "dataset_path"
        try:
            kind = dataset_format(name)
        except DatasetError:
            kind = PurePosixPath(name).suffix.lstrip(".").lower()
        if kind not in recipe.dataset_formats:
            self.add_error(
                field,
                _("%(recipe)s reads %(formats)s files.")
                % {"recipe": recipe.key, "formats": ", ".join(recipe.dataset_formats)},
            )
        elif upload is not None and upload.size == 0:
            self.add_error(field, _("The dataset is empty."))

    def _clean_params(self, recipe):
        raw = {p.name: self.data.get(param_field_name(p.name), "") for p in recipe.params}
        values, errors = recipe.clean_params(raw)
        if recipe.key == "command":
            name = values.get("command", "")
            if not TrainingCommand.objects.filter(name=name, enabled=True).exists():
                errors["command"] = _("Choose a training command an administrator defined.")
            try:
                parsed = json.loads(values.get("hyperparameters") or "{}")
            except json.JSONDecodeError:
                parsed = None
            if not isinstance(parsed, dict):
                errors["hyperparameters"] = _("Write the hyperparameters as a JSON object.")
        self.param_values, self.param_errors = values, errors
        if errors:
            self.add_error(None, _("Some of the recipe's parameters are not valid."))
