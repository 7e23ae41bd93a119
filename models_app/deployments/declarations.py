"""What deployments add to a model's page: the Deployments tab and the Deploy button (it
replaces catalog's "not available yet" placeholder by declaring the same key)."""

from django.utils.translation import gettext_lazy as _

from models_app.access.roles import Action
from models_app.catalog.links import model_url
from models_app.catalog.modelpage import Operation, Tab, register_operation, register_tab

from .gateway_declarations import declare as declare_gateway


def declare():
    register_tab(Tab("deployments", _("Deployments"), "deployments:tab", order=35))
    register_operation(
        Operation(
            "deploy",
            _("Deploy"),
            order=20,
            action=Action.EDIT,
            url=lambda page: model_url("deployments:create", page.model),
        )
    )
    declare_gateway()
