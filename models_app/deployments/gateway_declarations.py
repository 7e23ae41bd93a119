"""What the gateway adds to the model page and card menu: the Playground (⋮ menu, a button
and a tab) and Create API endpoint (⋮ menu and the API tab, for editors). Declaring the keys
"playground" and "endpoint" replaces catalog's disabled placeholders."""

from django.utils.translation import gettext_lazy as _

from models_app.access.roles import Action
from models_app.catalog.links import model_url
from models_app.catalog.modelpage import (
    MenuEntry,
    Operation,
    Tab,
    register_menu_entry,
    register_operation,
    register_tab,
)


def declare() -> None:
    register_tab(Tab("playground", _("Playground"), "gateway:playground", order=25))
    register_tab(Tab("endpoints", _("API"), "gateway:endpoints", order=26, action=Action.EDIT))
    register_operation(
        Operation(
            "playground",
            _("Playground"),
            order=15,
            action=Action.VIEW,
            url=lambda page: model_url("gateway:playground", page.model),
        )
    )
    register_menu_entry(
        MenuEntry(
            "playground",
            _("Playground"),
            order=10,
            action=Action.VIEW,
            url_name="gateway:playground",
        )
    )
    register_menu_entry(
        MenuEntry(
            "endpoint",
            _("Create API endpoint"),
            order=20,
            action=Action.EDIT,
            url_name="gateway:endpoints",
        )
    )
