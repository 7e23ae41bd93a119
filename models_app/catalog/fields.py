"""The rules of a model's fields (S-1 … S-7), written once: the create/edit form, the admin,
the services (so commands and the API) and the preview all use these functions."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from models_app.allowlist.parse import normalize_allowlist
from models_app.hidden_characters import refuse_hidden_characters

from .models import AIModel
from .overview import sanitize_overview
from .parameters import MAX_PARAMETERS
from .titles import MAX_TITLE_KEY_LENGTH, title_key

MAX_TITLE_LENGTH = 200
MAX_DESCRIPTION_LENGTH = 500
MAX_BASE_MODEL_LENGTH = 200


def squeeze(text: str) -> str:
    """Runs of white space as one space, none at either end."""
    return " ".join((text or "").split())


def clean_title(title: str) -> str:
    title = squeeze(title)
    if not title:
        raise ValidationError(_("A title is required."), code="required")
    refuse_hidden_characters(title)
    if len(title) > MAX_TITLE_LENGTH or len(title_key(title)) > MAX_TITLE_KEY_LENGTH:
        raise ValidationError(_("This title is too long."), code="max_length")
    return title


def title_taken(owner, title: str, exclude: AIModel | None = None, *, visible_to=None) -> bool:
    """Whether `owner` has another model with this title, ignoring case and spacing (S-1).
    With `visible_to`, only among the models that user may see: the live preview asks so,
    or typing titles there would tell an editor which models the owner keeps from them."""
    clashes = AIModel.objects.filter(owner=owner, title_key=title_key(title))
    if visible_to is not None:
        clashes = clashes.visible_to(visible_to)
    if exclude is not None and exclude.pk:
        clashes = clashes.exclude(pk=exclude.pk)
    return clashes.exists()


def duplicate_title(title: str, *, own: bool = True) -> ValidationError:
    message = (
        _("You already have a model named “%(title)s”.")
        if own
        else _("This owner already has a model named “%(title)s”.")
    )
    return ValidationError(message % {"title": title}, code="duplicate")


def clean_description(text: str) -> str:
    text = (text or "").strip()
    if len(text) > MAX_DESCRIPTION_LENGTH:
        raise ValidationError(
            _("At most %(max)d characters.") % {"max": MAX_DESCRIPTION_LENGTH}, code="max_length"
        )
    return text


def clean_base_model(text: str) -> str:
    text = squeeze(text)
    if len(text) > MAX_BASE_MODEL_LENGTH:
        raise ValidationError(
            _("At most %(max)d characters.") % {"max": MAX_BASE_MODEL_LENGTH}, code="max_length"
        )
    return text


def check_parameter_count(count: int | None) -> int | None:
    if count is not None and not 0 < count <= MAX_PARAMETERS:
        raise ValidationError(
            _("The parameter size must be more than 0 and at most 1000T."), code="range"
        )
    return count


# Field name → its rule, for the fields a service takes as domain values.
RULES = {
    "title": clean_title,
    "description": clean_description,
    "base_model": clean_base_model,
    "parameter_count": check_parameter_count,
    "ip_allowlist": normalize_allowlist,
    "overview": sanitize_overview,
}


def clean_fields(values: dict) -> dict:
    """`values` with each field through its rule; every field's errors raised together as
    one ValidationError keyed by field name."""
    cleaned, errors = {}, {}
    for name, value in values.items():
        rule = RULES.get(name)
        try:
            cleaned[name] = rule(value) if rule else value
        except ValidationError as exc:
            errors[name] = exc.error_list
    if errors:
        raise ValidationError(errors)
    return cleaned
