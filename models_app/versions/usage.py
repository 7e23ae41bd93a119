"""The "Use this model" box of the Model card tab (issue 11): commands to copy that fetch the
model's files from a terminal, with the hub's real addresses.

The zip commands fetch the pages' own download routes, which take no access token (HTML
routes never do): they sign in with the session cookie, and the box says so. An app that
brings another way in (the API, for the Hugging Face client) adds its commands with
`register_usage_snippet`, and a `note` (HTML) saying how they sign in.
"""

import re
import shlex
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from models_app.access.downloads import download_allowed
from models_app.catalog.links import model_url

from .downloads import zip_name
from .services import downloadable_version

SESSION_VARIABLE = "MODELHUB_SESSION"


@dataclass
class Snippet:
    key: str
    label: str
    command: str
    # Safe HTML under the label (how the command signs in, a link), built with format_html.
    note: str = ""


# (key, builder(request, page, version) -> Snippet | None), in the order shown after curl's.
_builders: dict[str, Callable] = {}


def register_usage_snippet(key: str, builder: Callable) -> None:
    _builders[key] = builder


def forget_usage_snippet(key: str) -> None:
    _builders.pop(key, None)


def _file_name(name: str) -> str:
    # A title may hold a slash, which curl's -o would take for a folder.
    return re.sub(r"[\\/]", "-", name)


def curl_command(url: str, output: str) -> str:
    """curl fetching `url` into `output` with the session cookie from $MODELHUB_SESSION;
    -f: an error status (403 outside the allowlist) fails instead of saving the page."""
    cookie = f"{settings.SESSION_COOKIE_NAME}=${SESSION_VARIABLE}"
    return f'curl -fL -b "{cookie}" -o {shlex.quote(_file_name(output))} {shlex.quote(url)}'


def snippets(request, page, version) -> list[Snippet]:
    version_zip = reverse("versions:zip", kwargs={"ref": page.model.uuid, "name": version.name})
    model_zip = model_url("versions:model_download", page.model)
    found = [
        Snippet(
            "curl-version",
            _("Version %(name)s as a zip") % {"name": version.name},
            curl_command(request.build_absolute_uri(version_zip), zip_name(version)),
        ),
        Snippet(
            "curl-model",
            _("The model as a zip (its newest version with files, as “Download model” gives it)"),
            curl_command(request.build_absolute_uri(model_zip), f"{page.model.title}.zip"),
        ),
    ]
    for builder in _builders.values():
        snippet = builder(request, page, version)
        if snippet is not None:
            found.append(snippet)
    return found


def usage_section(request, page) -> str:
    """The box of commands for the version "Download model" gives, or "" while no version
    has files (there would be nothing to fetch)."""
    if page.caller is not None and not download_allowed(page.caller, page.model):
        return ""  # the Download button says why; commands would only meet a 403
    version = page.found_once("downloadable_version", lambda page: downloadable_version(page.model))
    if version is None:
        return ""
    context = {
        "snippets": snippets(request, page, version),
        "cookie_name": settings.SESSION_COOKIE_NAME,
        "variable": SESSION_VARIABLE,
    }
    return render_to_string("versions/_usage_section.html", context, request)
