"""What sharing adds to the catalog: the Sharing tab and the people-with-access facts."""

from django.utils.translation import gettext_lazy as _

from models_app.catalog.facts import register_card_fact
from models_app.catalog.modelpage import Tab, register_tab

from . import facts


def declare() -> None:
    register_tab(Tab("sharing", _("Sharing"), "sharing:tab", order=30))
    register_card_fact("shares_total", facts.shares_total)
    register_card_fact("my_role", facts.my_role)
