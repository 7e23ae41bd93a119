from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import LOCAL_RUNTIMES, Runtime, Task
from .rules import (
    CONCURRENCY_MAX,
    CONTEXT_MAX,
    CONTEXT_MIN,
    THREADS_MAX,
    check_local_capacity,
    clean_deployment,
)
from .runtimes import ONNX_TASKS, files_for, llama_cpp_available, suggest_runtime


class DeployForm(forms.Form):
    """SPEC §7's deploy fields. The rules are `rules.clean_deployment`, the same the service
    runs; the file picker lists the chosen version's GGUF and ONNX files."""

    version = forms.ChoiceField(label=_("Version"))
    runtime = forms.ChoiceField(label=_("Runtime"), choices=Runtime.choices)
    file = forms.ChoiceField(
        label=_("File"),
        required=False,
        help_text=_("The GGUF or ONNX file to run; left on “automatic” when only one fits."),
    )
    task = forms.ChoiceField(
        label=_("Task (ONNX)"),
        required=False,
        choices=[(t.value, t.label) for t in ONNX_TASKS],
        initial=Task.FEATURE_EXTRACTION,
    )
    threads = forms.IntegerField(label=_("Threads"), min_value=1, max_value=THREADS_MAX, initial=1)
    context_size = forms.IntegerField(
        label=_("Context size (tokens)"), min_value=CONTEXT_MIN, max_value=CONTEXT_MAX, initial=2048
    )
    max_concurrency = forms.IntegerField(
        label=_("Concurrent requests"), min_value=1, max_value=CONCURRENCY_MAX, initial=1
    )
    upstream_url = forms.CharField(
        label=_("Upstream base URL"),
        required=False,
        max_length=500,
        help_text=_("An OpenAI-compatible server, e.g. http://10.0.0.5:8000/v1 (openai only)."),
    )
    upstream_model = forms.CharField(label=_("Upstream model"), required=False, max_length=200)
    upstream_key = forms.CharField(
        label=_("Upstream key"),
        required=False,
        max_length=1000,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_("Stored encrypted; never shown again."),
    )
    upstream_key_env = forms.CharField(
        label=_("…or the environment variable holding it"),
        required=False,
        max_length=100,
        help_text=_(
            "A variable of the hub's processes whose name starts with MODELHUB_UPSTREAM_KEY_."
        ),
    )

    def __init__(self, *args, model, version=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.model = model
        self.versions = list(model.versions.order_by("-number"))
        self.fields["version"].choices = [(v.name, v.name) for v in self.versions]
        chosen = version or (self.versions[0] if self.versions else None)
        self.chosen_version = chosen
        paths = list(chosen.files.values_list("path", flat=True)) if chosen else []
        runnable = files_for(paths, Runtime.LLAMA_CPP) + files_for(paths, Runtime.ONNXRUNTIME)
        self.fields["file"].choices = [("", _("automatic"))] + [(p, p) for p in runnable]
        if chosen:
            self.fields["version"].initial = chosen.name
            self.fields["runtime"].initial = suggest_runtime(paths)
        self.llama_cpp_missing = not llama_cpp_available()

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        version = next((v for v in self.versions if v.name == data["version"]), None)
        try:
            cleaned = clean_deployment(
                version=version,
                runtime=data["runtime"],
                file_path=data.get("file") or "",
                task=data.get("task") or "",
                threads=data["threads"],
                context_size=data["context_size"],
                max_concurrency=data["max_concurrency"],
                upstream_url=data.get("upstream_url") or "",
                upstream_model=data.get("upstream_model") or "",
                upstream_key_env=data.get("upstream_key_env") or "",
            )
            if cleaned["runtime"] in LOCAL_RUNTIMES:
                check_local_capacity()
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                self.add_error(field if field in self.fields else None, messages)
            return data
        data["version_object"] = version
        return data


class RedeployForm(forms.Form):
    version = forms.ChoiceField(label=_("Newer version"))

    def __init__(self, *args, newer_versions, **kwargs):
        super().__init__(*args, **kwargs)
        self.newer = {v.name: v for v in newer_versions}
        self.fields["version"].choices = [(v.name, v.name) for v in newer_versions]
