"""A stand-in for a future app (deployments, fine-tune…): it declares a tab, an operation
button, a ⋮ entry and a section of the Model card tab through catalog/modelpage.py and edits
no other app's templates."""

from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from models_app.access.roles import Action
from models_app.catalog.links import model_url
from models_app.catalog.modelpage import (
    CardSection,
    MenuEntry,
    Operation,
    Tab,
    forget,
    register_card_section,
    register_menu_entry,
    register_operation,
    register_tab,
)

KEYS = ("notes", "evaluate", "compare", "notes-summary")


def _notes_summary(request, page):
    return format_html('<section data-testid="notes-summary">Notes on {}</section>', page.model)


def declare() -> None:
    register_tab(Tab("notes", _("Notes"), "notes:tab", order=25))
    register_operation(
        Operation(
            "evaluate",
            _("Evaluate"),
            order=35,
            action=Action.EDIT,
            url=lambda page: model_url("notes:tab", page.model) + "?evaluate=1",
        )
    )
    register_card_section(
        CardSection("notes-summary", order=5, render=_notes_summary, action=Action.EDIT)
    )
    register_menu_entry(
        MenuEntry("compare", _("Compare"), order=40, action=Action.VIEW, url_name="notes:tab")
    )


def undeclare() -> None:
    for key in KEYS:
        forget(key)
