"""What catalog itself puts on a model's page and card menu (see modelpage.py), and the
operations of the product that do not exist yet (SPEC §7): shown disabled with the reason,
until the app that makes one real declares the same key."""

from django.utils.translation import gettext_lazy as _

from models_app.access.roles import Action
from models_app.retention.references import register_reference_check

from .links import model_url
from .modelpage import (
    MenuEntry,
    Operation,
    Tab,
    register_menu_entry,
    register_operation,
    register_tab,
)
from .models import AIModel

NOT_YET = {
    "playground": _("The playground is not available yet."),
    "endpoint": _("API endpoints are not available yet."),
    "finetune": _("Fine-tuning is not available yet."),
    "deploy": _("Deployment is not available yet."),
}


def _referenced_avatars(keys: list[str]) -> set[str]:
    return set(AIModel.objects.filter(avatar__in=keys).values_list("avatar", flat=True))


def declare() -> None:
    register_reference_check(_referenced_avatars)
    register_tab(Tab("card", _("Model card"), "catalog:detail", order=10))

    register_operation(
        Operation("finetune", _("Fine-tune"), order=10, unavailable=NOT_YET["finetune"])
    )
    register_operation(Operation("deploy", _("Deploy"), order=20, unavailable=NOT_YET["deploy"]))
    register_operation(
        Operation(
            "edit",
            _("Edit"),
            order=80,
            action=Action.EDIT,
            url=lambda page: model_url("catalog:edit", page.model),
            style="primary",
        )
    )
    register_operation(
        Operation(
            "delete",
            _("Delete"),
            order=90,
            action=Action.DELETE,
            url=lambda page: model_url("catalog:delete", page.model),
            style="danger",
        )
    )

    register_menu_entry(
        MenuEntry("playground", _("Playground"), order=10, unavailable=NOT_YET["playground"])
    )
    register_menu_entry(
        MenuEntry("endpoint", _("Create API endpoint"), order=20, unavailable=NOT_YET["endpoint"])
    )
    register_menu_entry(
        MenuEntry("finetune", _("Fine-tune"), order=30, unavailable=NOT_YET["finetune"])
    )
    register_menu_entry(
        MenuEntry("edit", _("Edit"), order=80, action=Action.EDIT, url_name="catalog:edit")
    )
    register_menu_entry(
        MenuEntry(
            "delete",
            _("Delete"),
            order=90,
            action=Action.DELETE,
            url_name="catalog:delete",
            danger=True,
            returns_here=True,
            # Read by the list's delete dialog (static/js/model_list.js).
            attrs=lambda card: {
                "data-delete-url": card.delete_url,
                "data-delete-title": card.model.title,
            },
        )
    )
