"""Writes of models: one transaction each; storage objects never outlive a failed write."""

import logging
from contextlib import contextmanager

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from models_app.tags.models import TagCategory
from models_app.tags.services import tags_get_or_create

from .models import AIModel, ModelView
from .search import search_document
from .titles import title_key

logger = logging.getLogger(__name__)


class StaleEdit(Exception):
    """The model changed after the edit form was opened (S-53)."""


class DuplicateTitle(Exception):
    pass


def _set_tags(model: AIModel, tags_by_category: dict[str, list[str]]):
    tags = []
    for category in TagCategory.values:
        tags.extend(tags_get_or_create(category, tags_by_category.get(category, [])))
    model.tags.set(tags)
    model_refresh_search(model, tags)


def model_refresh_search(model: AIModel, tags=None):
    """Rewrites the folded search text from the title, description and tags (S-22)."""
    tags = list(model.tags.all()) if tags is None else tags
    model.search_text = search_document(model.title, model.description, [t.name for t in tags])
    AIModel.objects.filter(pk=model.pk).update(search_text=model.search_text)


EDITED_FIELDS = [
    "title",
    "title_key",
    "description",
    "base_model",
    "parameter_count",
    "ip_allowlist",
    "overview",
    "avatar",
    "revision",
    "updated_at",
]


def _apply_fields(model: AIModel, data: dict):
    model.title = data["title"]
    model.title_key = title_key(data["title"])
    model.description = data["description"]
    model.base_model = data["base_model"]
    model.parameter_count = data["parameter_size"]
    model.ip_allowlist = data["ip_whitelist"]
    model.overview = data["overview"]


def _save_avatar(model: AIModel, avatar_file) -> str | None:
    """Stores the new avatar before the transaction; returns its name to clean up on failure."""
    if avatar_file is None:
        return None
    model.avatar.save(avatar_file.name, avatar_file, save=False)
    return model.avatar.name


def _delete_stored(name: str | None):
    if name:
        from django.core.files.storage import default_storage

        default_storage.delete(name)


@contextmanager
def _avatar_kept_only_on_success(new_avatar: str | None):
    """A failed write removes the avatar it stored; a title clash becomes DuplicateTitle."""
    try:
        yield
    except IntegrityError as exc:
        _delete_stored(new_avatar)
        raise DuplicateTitle(_("You already have a model with this title.")) from exc
    except BaseException:
        _delete_stored(new_avatar)
        raise


def model_create(owner, data: dict, tags_by_category: dict[str, list[str]]) -> AIModel:
    model = AIModel(owner=owner)
    _apply_fields(model, data)
    new_avatar = _save_avatar(model, data.get("avatar"))
    with _avatar_kept_only_on_success(new_avatar), transaction.atomic():
        model.save()
        _set_tags(model, tags_by_category)
    return model


def model_update(
    model: AIModel, data: dict, tags_by_category: dict[str, list[str]], expected_revision: int
) -> AIModel:
    """Saves an edit unless someone saved the model since `expected_revision` was read."""
    old_avatar = model.avatar.name or None
    remove_avatar = data.get("remove_avatar") and not data.get("avatar")
    _apply_fields(model, data)
    new_avatar = _save_avatar(model, data.get("avatar"))
    if remove_avatar:
        model.avatar = None
    with _avatar_kept_only_on_success(new_avatar), transaction.atomic():
        claimed = AIModel.objects.filter(pk=model.pk, revision=expected_revision).update(
            revision=expected_revision + 1
        )
        if not claimed:
            raise StaleEdit
        model.revision = expected_revision + 1
        model.updated_at = timezone.now()
        # Only the form's fields: counters written meanwhile (views, sizes) must survive.
        model.save(update_fields=EDITED_FIELDS)
        _set_tags(model, tags_by_category)
        if old_avatar and (new_avatar or remove_avatar):
            transaction.on_commit(lambda: _delete_stored(old_avatar))
    return model


def build_preview(owner, data: dict, based_on: AIModel | None = None) -> AIModel:
    """An unsaved model from what validated, for the live preview (S-14)."""
    model = AIModel(owner=owner)
    if based_on is not None:
        for name in ("uuid", "created_at", "updated_at", "storage_bytes", "view_count"):
            setattr(model, name, getattr(based_on, name))
    # A field that did not validate is simply left blank in the preview.
    blanks = dict.fromkeys(["title", "description", "base_model", "ip_whitelist", "overview"], "")
    _apply_fields(model, blanks | {"parameter_size": None} | _present(data))
    return model


def _present(data: dict) -> dict:
    return {name: value for name, value in data.items() if value is not None}


def model_storage_keys(model: AIModel) -> list[str]:
    """Every storage object the model owns: its avatar and each file of each version."""
    keys = [model.avatar.name] if model.avatar else []
    files = AIModel.objects.filter(pk=model.pk).values_list(
        "versions__files__storage_key", flat=True
    )
    keys.extend(key for key in files if key)
    return keys


def _delete_objects(keys: list[str]):
    from django.core.files.storage import default_storage

    for key in keys:
        try:
            default_storage.delete(key)
        except Exception:
            logger.exception(
                "Could not delete storage object %s of a deleted model; "
                "`check_storage --repair` will remove it.",
                key,
            )


def model_delete(model: AIModel) -> None:
    """Deletes the model with its versions, files, shares, invitations and views in one
    transaction (S-62); the storage objects go once it has committed, so a rolled-back
    delete never loses a file. A storage failure is logged, never raised."""
    with transaction.atomic():
        # The row lock makes an upload committing meanwhile either finish first (its key is
        # then read here) or fail on the vanished model, so no object is left orphaned.
        if not AIModel.objects.select_for_update().filter(pk=model.pk).exists():
            return
        keys = model_storage_keys(model)
        model.delete()
        transaction.on_commit(lambda: _delete_objects(keys))


def model_record_view(model: AIModel, user) -> bool:
    """Counts a view once per user, model and day (S-35); True when this one counted."""
    if not getattr(user, "is_authenticated", False):
        return False
    with transaction.atomic():
        _, created = ModelView.objects.get_or_create(
            model=model, user=user, day=timezone.localdate()
        )
        if created:
            AIModel.objects.filter(pk=model.pk).update(view_count=F("view_count") + 1)
            model.view_count += 1
    return created
