"""What a token's scope lets its user do: the access actions it keeps of their role."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from models_app.access.roles import Action


class Scope(models.TextChoices):
    READ = "read", _("Read: see and download")
    WRITE = "write", _("Write: also create models and push versions")


SCOPE_ACTIONS = {
    Scope.READ: frozenset({Action.VIEW, Action.DOWNLOAD}),
    Scope.WRITE: frozenset({Action.VIEW, Action.DOWNLOAD, Action.EDIT, Action.UPLOAD}),
}

# The expiries offered, in days; None: the token never expires.
EXPIRY_DAYS = (30, 90, 365, None)
