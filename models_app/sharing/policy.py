"""The one answer to "may this user do X to this model" (SPEC §1, S-34).

Not visible → 404 (existence is never revealed); visible but not allowed → 403.
"""

from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from models_app.catalog.models import AIModel

from .models import Role, Share


class Action(StrEnum):
    VIEW = "view"
    DOWNLOAD = "download"
    EDIT = "edit"
    UPLOAD = "upload"
    MANAGE_SHARING = "manage_sharing"
    DELETE = "delete"


OWNER = "owner"

_VIEWER = {Action.VIEW, Action.DOWNLOAD}
_EDITOR = _VIEWER | {Action.EDIT, Action.UPLOAD}
_ADMIN = _EDITOR | {Action.MANAGE_SHARING, Action.DELETE}
ROLE_ACTIONS = {Role.VIEWER: _VIEWER, Role.EDITOR: _EDITOR, Role.ADMIN: _ADMIN, OWNER: _ADMIN}


def role_of(user, model: AIModel) -> str | None:
    """`owner`, a share's role, `admin` for a superuser, or None for someone with no access."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if model.owner_id == user.pk:
        return OWNER
    if user.is_superuser:
        return Role.ADMIN
    cache = model.__dict__.setdefault("_roles", {})
    if user.pk not in cache:
        cache[user.pk] = (
            Share.objects.filter(model=model, user=user).values_list("role", flat=True).first()
        )
    return cache[user.pk]


def forget_roles(model: AIModel) -> None:
    """Drops the roles `role_of` remembered on this model object, after shares changed."""
    model.__dict__.pop("_roles", None)


def can(user, model: AIModel, action: Action) -> bool:
    role = role_of(user, model)
    return role is not None and action in ROLE_ACTIONS[role]


def allowed_actions(user, model: AIModel) -> set[Action]:
    role = role_of(user, model)
    return set(ROLE_ACTIONS[role]) if role else set()


_REFUSALS = {
    Action.EDIT: _("Your role on this model does not allow editing it."),
    Action.UPLOAD: _("Your role on this model does not allow uploading files."),
    Action.MANAGE_SHARING: _("Only the model's admins may change who it is shared with."),
    Action.DELETE: _("Only the model's admins may delete it."),
}


def get_model_for(request, ref, action: Action = Action.VIEW, queryset=None) -> AIModel:
    """The model named by `ref` if the user may see it (else 404) and do `action` (else 403)."""
    queryset = AIModel.objects.all() if queryset is None else queryset
    try:
        model = queryset.visible_to(request.user).select_related("owner").get(uuid=ref)
    except (AIModel.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(_("No such model.")) from exc
    if not can(request.user, model, action):
        raise PermissionDenied(_REFUSALS.get(action, _("You may not do that to this model.")))
    return model
