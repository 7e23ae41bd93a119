"""The rules of a deployment, written once: the deploy form runs them in `clean()`, the
services (and so the `deploy` command) before every write. Each refusal is a
ValidationError naming its field."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import Deployment, Runtime, Task
from .runtimes import (
    LLM_EXTRA_HINT,
    ONNX_TASKS,
    SUFFIXES,
    TOKENIZER,
    beside,
    files_for,
    only_file,
    runtime_available,
)
from .upstream import KEY_ENV_PREFIX, UpstreamRefused, check_upstream_url

THREADS_MAX = 64
CONTEXT_MIN, CONTEXT_MAX = 128, 131072
CONCURRENCY_MAX = 64
ENV_NAME = re.compile(r"^[A-Z][A-Z0-9_]*$")


def _refuse(field: str, message: str):
    raise ValidationError({field: message})


def local_capacity_left(exclude_pk: int | None = None) -> int:
    running = Deployment.objects.local().wanted_running()
    if exclude_pk is not None:
        running = running.exclude(pk=exclude_pk)
    return settings.MODELHUB_MAX_LOCAL_DEPLOYMENTS - running.count()


def check_local_capacity(exclude_pk: int | None = None) -> None:
    if local_capacity_left(exclude_pk) <= 0:
        _refuse(
            "runtime",
            _(
                "This hub already runs %(count)d local deployments, its limit "
                "(MODELHUB_MAX_LOCAL_DEPLOYMENTS). Stop one first, or use an "
                "OpenAI-compatible upstream."
            )
            % {"count": settings.MODELHUB_MAX_LOCAL_DEPLOYMENTS},
        )


def _check_number(field: str, value, low: int, high: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        _refuse(field, _("Enter a whole number."))
    if not low <= number <= high:
        _refuse(field, _("Enter a number from %(low)d to %(high)d.") % {"low": low, "high": high})
    return number


def clean_deployment(
    *,
    version,
    runtime: str,
    file_path: str = "",
    task: str = "",
    threads=1,
    context_size=2048,
    max_concurrency=1,
    upstream_url: str = "",
    upstream_model: str = "",
    upstream_key_env: str = "",
) -> dict:
    """The deployment's fields, checked and completed (the file when one fits, the task);
    ValidationError({field: reason}) for the first rule broken."""
    if runtime not in Runtime.values:
        _refuse("runtime", _("Choose llama.cpp, onnxruntime or openai."))
    if not runtime_available(runtime):
        _refuse("runtime", LLM_EXTRA_HINT)
    cleaned = {
        "runtime": runtime,
        "threads": _check_number("threads", threads, 1, THREADS_MAX),
        "context_size": _check_number("context_size", context_size, CONTEXT_MIN, CONTEXT_MAX),
        "max_concurrency": _check_number("max_concurrency", max_concurrency, 1, CONCURRENCY_MAX),
        "file_path": "",
        "task": Task.CHAT,
        "upstream_url": "",
        "upstream_model": "",
        "upstream_key_env": "",
    }
    if runtime == Runtime.OPENAI:
        if not upstream_url.strip():
            _refuse("upstream_url", _("An upstream needs its base URL."))
        try:
            cleaned["upstream_url"] = check_upstream_url(upstream_url)
        except UpstreamRefused as exc:
            _refuse("upstream_url", str(exc))
        if not upstream_model.strip():
            _refuse("upstream_model", _("Name the model the upstream serves."))
        cleaned["upstream_model"] = upstream_model.strip()[:200]
        env_name = upstream_key_env.strip()
        if env_name and not (ENV_NAME.match(env_name) and env_name.startswith(KEY_ENV_PREFIX)):
            _refuse(
                "upstream_key_env",
                _("The variable's name must start with %(prefix)s (capitals, digits, _).")
                % {"prefix": KEY_ENV_PREFIX},
            )
        cleaned["upstream_key_env"] = env_name
        return cleaned

    paths = list(version.files.values_list("path", flat=True))
    suffix = SUFFIXES[runtime]
    file_path = (file_path or "").strip() or only_file(paths, runtime) or ""
    if not file_path:
        if files_for(paths, runtime):
            _refuse(
                "file",
                _("The version has several %(suffix)s files: pick one.") % {"suffix": suffix},
            )
        _refuse(
            "file",
            _("The version %(version)s has no %(suffix)s file for this runtime.")
            % {"version": version.name, "suffix": suffix},
        )
    if file_path not in paths:
        _refuse("file", _("The version has no file %(path)s.") % {"path": file_path})
    if not file_path.lower().endswith(suffix):
        _refuse("file", _("This runtime runs %(suffix)s files.") % {"suffix": suffix})
    cleaned["file_path"] = file_path
    if runtime == Runtime.ONNXRUNTIME:
        task = task or Task.FEATURE_EXTRACTION
        if task not in ONNX_TASKS:
            _refuse("task", _("Choose feature-extraction, text-classification or raw."))
        if task != Task.RAW and beside(paths, file_path, TOKENIZER) is None:
            _refuse(
                "task",
                _("This task needs the version's tokenizer.json, beside the model or at the root."),
            )
        cleaned["task"] = task
    return cleaned
