"""Writes of models: the one write path for pages, the admin, commands and the API.

Each takes keyword arguments of domain values, applies the field rules (`fields.py`), writes
in one transaction and announces the change inside it (`signals.model_changed`: the audit
log records it with the same commit). Storage objects never outlive a failed write.
"""

import logging
from collections.abc import Callable, Iterable
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from models_app.access import grants
from models_app.retention.services import purge_later
from models_app.tags.models import TagCategory
from models_app.tags.parsing import clean_tag_names
from models_app.tags.services import tags_get_or_create

from .fields import clean_fields, duplicate_title, title_taken
from .models import AIModel, ModelView
from .repoids import assign_new_repo_id, follow_renamed_title
from .search import search_document
from .signals import ModelChange, model_changed
from .titles import title_key

logger = logging.getLogger(__name__)


class StaleEdit(Exception):
    """The model changed after the edit form was opened (S-53)."""


class DuplicateTitle(ValidationError):
    """The owner has a model with this title already (S-1); also raised when a model with it
    was saved meanwhile."""

    def __init__(self, title: str, *, own: bool = True):
        super().__init__({"title": [duplicate_title(title, own=own)]})


# The fields a model's writers set: the edit form, the admin, commands and the API.
FIELDS = ("title", "description", "base_model", "parameter_count", "ip_allowlist", "overview")
EDITED_COLUMNS = [
    *FIELDS,
    "parameter_count_from_files",
    "title_key",
    "owner",
    "avatar",
    "revision",
    "updated_at",
]


def _clean_tags(tags_by_category: dict[str, list[str]]) -> dict[str, list[str]]:
    """The tags through the tag rules, or a ValidationError on `tags`."""
    unknown = set(tags_by_category) - set(TagCategory.values)
    if unknown:
        raise TypeError(f"unknown tag categories {sorted(unknown)}")
    try:
        return {category: clean_tag_names(names) for category, names in tags_by_category.items()}
    except ValidationError as exc:
        raise ValidationError({"tags": exc.error_list}) from exc


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


def tags_by_category_of(tags) -> dict[str, list[str]]:
    """Tag objects as the `tags` argument of the services: {category: [name, …]}."""
    grouped: dict[str, list[str]] = {}
    for tag in tags:
        grouped.setdefault(tag.category, []).append(tag.name)
    return grouped


def _apply(model: AIModel, values: dict, *, own_title: bool = True) -> None:
    """Sets the given fields after their rules; refuses a title the owner already uses."""
    cleaned = clean_fields(values)
    for name, value in cleaned.items():
        setattr(model, name, value)
    model.title_key = title_key(model.title)
    if "title" in cleaned and title_taken(model.owner, model.title, exclude=model):
        raise DuplicateTitle(model.title, own=own_title)


def _delete_stored(name: str | None):
    if name:
        default_storage.delete(name)


@contextmanager
def _avatar_kept_only_on_success(model: AIModel, avatar, *, own_title: bool):
    """Stores a new avatar (a file from `avatars.process_avatar`) before the write; a failed
    write removes it again, and a title clash found by the database is DuplicateTitle."""
    new_avatar = None
    if avatar is not None:
        model.avatar.save(avatar.name, avatar, save=False)
        new_avatar = model.avatar.name
    try:
        yield
    except IntegrityError as exc:
        _delete_stored(new_avatar)
        raise DuplicateTitle(model.title, own=own_title) from exc
    except BaseException:
        _delete_stored(new_avatar)
        raise


def _announce(by, model: AIModel, change: ModelChange, **details) -> None:
    model_changed.send(sender=AIModel, by=by, model=model, change=change, details=details)


def model_create(
    *, by, owner, tags: dict[str, list[str]] | None = None, avatar=None, **values
) -> AIModel:
    """A new model of `owner` with the given field values (see FIELDS) and tags
    ({category: [name, …]}); `avatar` is a processed image or None."""
    return model_save(AIModel(owner=owner), by=by, tags=tags or {}, avatar=avatar, **values)


def model_save(
    model: AIModel,
    *,
    by,
    tags: dict[str, list[str]] | None = None,
    avatar=None,
    remove_avatar: bool = False,
    own_title: bool = True,
    **values,
) -> AIModel:
    """Writes `model` (new, or changed with the given values), and its tags when given.
    An existing model's edit makes forms opened before it stale (S-53)."""
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise TypeError(f"model_save() got unknown fields {sorted(unknown)}")
    if tags is not None:
        tags = _clean_tags(tags)
    creating = model.pk is None
    # As stored before this write: the caller may have set the fields on `model` already.
    previous = (
        None
        if creating
        else AIModel.objects.filter(pk=model.pk)
        .values("owner_id", "title", "avatar", "parameter_count", "parameter_count_from_files")
        .first()
    )
    _apply(model, values, own_title=own_title)
    model.parameter_count_from_files = _still_read_from_files(model, previous)
    old_avatar = (previous or {}).get("avatar") or None
    with _avatar_kept_only_on_success(model, avatar, own_title=own_title), transaction.atomic():
        if remove_avatar and avatar is None:
            model.avatar = None
        if creating:
            assign_new_repo_id(model)
            model.save()
        else:
            model.revision = F("revision") + 1
            model.updated_at = timezone.now()
            # Only the fields a writer sets: counters written meanwhile (views, sizes) survive.
            model.save(update_fields=EDITED_COLUMNS)
            model.refresh_from_db(fields=["revision"])
            follow_renamed_title(model, previous["title"])
        if tags is not None:
            _set_tags(model, tags)
        else:
            model_refresh_search(model)
        details = {}
        if previous is not None and previous["owner_id"] != model.owner_id:
            # The new owner is admin by ownership; a grant of theirs would only shadow that.
            grants.drop(model.owner, model)
            details["owner"] = model.owner.email
        _announce(by, model, ModelChange.CREATED if creating else ModelChange.EDITED, **details)
        if old_avatar and (model.avatar.name or None) != old_avatar:
            transaction.on_commit(lambda: _delete_stored(old_avatar))
    return model


def _still_read_from_files(model: AIModel, previous: dict | None) -> bool:
    """A count read from the version's files stays marked so while it is written back
    unchanged (an edit that leaves the field alone); a count typed over it is the user's."""
    return bool(
        previous
        and previous["parameter_count_from_files"]
        and previous["parameter_count"] == model.parameter_count
    )


def model_update(model: AIModel, *, by, expected_revision: int, **changes) -> AIModel:
    """Saves an edit unless someone saved the model since `expected_revision` was read."""
    with transaction.atomic():
        current = AIModel.objects.select_for_update().filter(pk=model.pk)
        if current.values_list("revision", flat=True).first() != expected_revision:
            raise StaleEdit
        return model_save(model, by=by, **changes)


def build_preview(owner, values: dict, based_on: AIModel | None = None) -> AIModel:
    """An unsaved model from the field values that validated, for the live preview (S-14);
    a field that did not validate is simply left blank."""
    model = AIModel(owner=owner)
    if based_on is not None:
        for name in ("uuid", "created_at", "updated_at", "storage_bytes", "view_count"):
            setattr(model, name, getattr(based_on, name))
    for name in FIELDS:
        value = values.get(name)
        setattr(model, name, value if value is not None else _BLANK.get(name, ""))
    return model


_BLANK = {"parameter_count": None}


# Storage objects a model owns besides its avatar: each app with files registers how to find
# them (versions registers its artifact keys), so a model's delete can remove them all.
_storage_key_sources: list[Callable[[AIModel], Iterable[str]]] = []


def register_storage_keys(source: Callable[[AIModel], Iterable[str]]) -> None:
    if source not in _storage_key_sources:
        _storage_key_sources.append(source)


def model_storage_keys(model: AIModel) -> list[str]:
    """Every storage object the model owns: its avatar and what the registered sources name."""
    keys = [model.avatar.name] if model.avatar else []
    for source in _storage_key_sources:
        keys.extend(key for key in source(model) if key)
    return keys


def model_delete(model: AIModel, *, by=None) -> None:
    """Deletes the model with its versions, files, shares, invitations and views in one
    transaction (S-62). Its storage objects are kept for the retention period (a restored
    backup finds them) and purged afterwards (`retention.services`), or removed once the
    delete has committed when the period is 0, so a rolled-back delete never loses a file."""
    with transaction.atomic():
        # The row lock makes an upload committing meanwhile either finish first (its key is
        # then read here) or fail on the vanished model, so no object is left orphaned.
        if not AIModel.objects.select_for_update().filter(pk=model.pk).exists():
            return
        _announce(by, model, ModelChange.DELETED)
        keys = model_storage_keys(model)
        model.delete()
        purge_later(keys)


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
