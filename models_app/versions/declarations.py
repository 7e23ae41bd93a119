"""What versions adds to the catalog: its tab and operation buttons on a model's page, the
"Use this model" commands and the README on the Model card tab, its facts on the card, the
list's status filter, its files among what a model's delete removes, and the keys its
rows name (a purge keeps those)."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from models_app.access.downloads import download_allowed
from models_app.access.roles import Action
from models_app.catalog.facts import register_card_fact
from models_app.catalog.filters import register_list_filter
from models_app.catalog.links import model_url
from models_app.catalog.modelpage import (
    CardSection,
    Operation,
    Tab,
    register_card_section,
    register_operation,
    register_tab,
)
from models_app.catalog.services import register_storage_keys
from models_app.retention.references import register_reference_check

from . import facts
from .list_filters import status_filter
from .readme import readme_section
from .services import downloadable_version, model_storage_keys, referenced_keys
from .usage import usage_section


def _downloadable(page):
    return page.found_once("downloadable_version", lambda page: downloadable_version(page.model))


def _download_refused(page) -> bool:
    """The caller's address is outside the model's allowlist: said on the button, before the
    click, rather than by the 403 page after it."""
    caller = page.caller
    return caller is not None and not download_allowed(caller, page.model)


def _download_url(page):
    if _download_refused(page) or _downloadable(page) is None:
        return None
    return model_url("versions:model_download", page.model)


def _download_unavailable(page) -> str:
    if _download_refused(page):
        address = page.caller.address
        if address is None:
            return _("Downloads of this model are allowed only from certain networks.")
        return _("Your address, %(address)s, is outside this model's download allowlist.") % {
            "address": address
        }
    return _("No version of this model has files to download yet.")


def _upload_url(page):
    latest = page.card.latest_version
    if not latest:
        return model_url("versions:create", page.model)
    return reverse("versions:detail", kwargs={"ref": page.model.uuid, "name": latest}) + "#upload"


def _download_hint(page):
    version = _downloadable(page)
    if version is None:
        return ""
    return _("The newest version with files, %(name)s, as a zip") % {"name": version.name}


def declare() -> None:
    register_tab(Tab("versions", gettext_lazy("Versions"), "versions:tab", order=20))
    register_operation(
        Operation(
            "download",
            gettext_lazy("Download model"),
            order=30,
            action=Action.DOWNLOAD,
            url=_download_url,
            unavailable=_download_unavailable,
            hint=_download_hint,
            download=True,
            explained=True,
        )
    )
    register_operation(
        Operation(
            "upload", gettext_lazy("Upload model"), order=40, action=Action.UPLOAD, url=_upload_url
        )
    )
    register_card_section(
        CardSection("use", order=10, render=usage_section, action=Action.DOWNLOAD)
    )
    register_card_section(
        CardSection("readme", order=20, render=readme_section, action=Action.DOWNLOAD)
    )
    register_card_fact("versions_total", facts.versions_total)
    register_card_fact("latest_version_name", facts.latest_version_name)
    register_list_filter("status", status_filter())
    register_storage_keys(model_storage_keys)
    register_reference_check(referenced_keys)
