"""The vocabulary of access: roles on a model and the actions each allows (SPEC §1, S-34)."""

from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    VIEWER = "viewer", _("Viewer")
    EDITOR = "editor", _("Editor")
    ADMIN = "admin", _("Admin")


# The owner is not a role anyone is given: it is always admin, by ownership.
OWNER = "owner"


class Action(StrEnum):
    VIEW = "view"
    DOWNLOAD = "download"
    EDIT = "edit"
    UPLOAD = "upload"
    MANAGE_SHARING = "manage_sharing"
    DELETE = "delete"


_VIEWER = frozenset({Action.VIEW, Action.DOWNLOAD})
_EDITOR = _VIEWER | {Action.EDIT, Action.UPLOAD}
_ADMIN = _EDITOR | {Action.MANAGE_SHARING, Action.DELETE}
ROLE_ACTIONS = {Role.VIEWER: _VIEWER, Role.EDITOR: _EDITOR, Role.ADMIN: _ADMIN, OWNER: _ADMIN}

# How much a role gives, to keep the higher of two.
ROLE_RANK = {Role.VIEWER: 1, Role.EDITOR: 2, Role.ADMIN: 3}

REFUSALS = {
    Action.EDIT: _("Your role on this model does not allow editing it."),
    Action.UPLOAD: _("Your role on this model does not allow uploading files."),
    Action.MANAGE_SHARING: _("Only the model's admins may change who it is shared with."),
    Action.DELETE: _("Only the model's admins may delete it."),
}
DEFAULT_REFUSAL = _("You may not do that to this model.")
