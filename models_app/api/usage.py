"""The Hugging Face client's commands in the "Use this model" box (issue 12, point 6): `hf
download` and the Python lines, pointed at this hub with HF_ENDPOINT, and where to make the
token they sign in with."""

import json
import shlex

from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from models_app.versions.revisions import MAIN, newest_version
from models_app.versions.usage import Snippet

TOKEN_VARIABLE = "HF_TOKEN"  # noqa: S105 (the variable's name, not a secret)


def hub_endpoint(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _revision(page, version) -> str:
    """`main` (the newest version) unless the box offers an older version, which has files."""
    newest = page.found_once("newest_version", lambda page: newest_version(page.model))
    return MAIN if newest is not None and newest.pk == version.pk else version.name


def token_note(request) -> str:
    """Said once, on the first of the client's commands: the others sign in the same way."""
    return format_html(
        _(
            "Signs in with an access token in the variable {variable}: "
            '<a href="{url}">create a token</a> (the read scope is enough).'
        ),
        variable=TOKEN_VARIABLE,
        url=reverse("api:tokens"),
    )


def hf_download_snippet(request, page, version) -> Snippet:
    revision = _revision(page, version)
    words = ["hf", "download", page.model.repo_id]
    if revision != MAIN:
        words += ["--revision", revision]
    command = f"HF_ENDPOINT={shlex.quote(hub_endpoint(request))} {shlex.join(words)}"
    return Snippet(
        "hf-download",
        _("With the Hugging Face command line (hf)"),
        command,
        note=token_note(request),
    )


def _python_call(function: str, page, version) -> str:
    revision = _revision(page, version)
    arguments = json.dumps(page.model.repo_id)
    if revision != MAIN:
        arguments += f", revision={json.dumps(revision)}"
    return f"{function}({arguments})"


def _python_endpoint(request) -> str:
    # huggingface_hub reads HF_ENDPOINT when it is imported: set it before any import.
    return f'import os\nos.environ["HF_ENDPOINT"] = {json.dumps(hub_endpoint(request))}\n'


def snapshot_snippet(request, page, version) -> Snippet:
    command = (
        _python_endpoint(request)
        + "from huggingface_hub import snapshot_download\n"
        + "folder = "
        + _python_call("snapshot_download", page, version)
    )
    return Snippet(
        "hf-python",
        _("In Python: every file into the Hugging Face cache"),
        command,
    )


def from_pretrained_snippet(request, page, version) -> Snippet:
    command = (
        _python_endpoint(request)
        + "from transformers import AutoModel\n"
        + "model = "
        + _python_call("AutoModel.from_pretrained", page, version)
    )
    return Snippet(
        "hf-transformers",
        _("In Python with transformers (a model it knows how to load)"),
        command,
    )
