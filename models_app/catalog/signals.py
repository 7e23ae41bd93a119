"""What catalog's writes announce, inside their transaction: the audit log records it there.

Catalog is a lower floor than the apps that keep records about models, so it tells them
rather than calling them."""

from enum import StrEnum

from django.dispatch import Signal


class ModelChange(StrEnum):
    CREATED = "created"
    EDITED = "edited"
    DELETED = "deleted"


# Sent with `by` (the Caller), `model`, `change` (a ModelChange) and `details` (a dict).
model_changed = Signal()
