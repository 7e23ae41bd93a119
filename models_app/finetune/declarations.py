"""What fine-tuning adds to other apps' pages: the Fine-tune button and ⋮ entry (replacing
catalog's placeholders), the Fine-tune tab, and a fine-tuned version's lineage on its page."""

from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from models_app.access.roles import Action
from models_app.access.rules import can
from models_app.catalog.links import model_url
from models_app.catalog.modelpage import (
    MenuEntry,
    Operation,
    Tab,
    register_menu_entry,
    register_operation,
    register_tab,
)
from models_app.versions.sections import register_version_section

from .models import FineTuneJob


def lineage_section(request, version) -> str:
    job = (
        FineTuneJob.objects.filter(output_version=version)
        .select_related("base_version", "dataset_version", "model")
        .first()
    )
    if job is None:
        return ""
    # A result in a new model names its base model only to those who may see that one.
    base_visible = job.model_id == version.model_id or can(request, job.model, Action.VIEW)
    return render_to_string(
        "finetune/_lineage.html",
        {"job": job, "model": version.model, "base_visible": base_visible},
        request=request,
    )


def declare() -> None:
    register_operation(
        Operation(
            "finetune",
            _("Fine-tune"),
            order=10,
            action=Action.EDIT,
            url=lambda page: model_url("finetune:new", page.model),
        )
    )
    register_menu_entry(
        MenuEntry("finetune", _("Fine-tune"), order=30, action=Action.EDIT, url_name="finetune:new")
    )
    register_tab(Tab("finetune", _("Fine-tune"), "finetune:tab", order=25))
    register_version_section("lineage", lineage_section, order=10)
