"""The sharing facts on a model's card (S-20), registered with the catalog's cards."""

# ruff: noqa: S608 — fixed SQL around the table name from the model's own meta; the user id
# is passed as a parameter.

from django.db.models import CharField, IntegerField

from models_app.catalog.facts import Correlated, table

from .models import Share


def shares_total(user):
    """People with access besides the owner."""
    return Correlated(
        f'SELECT COUNT(*) FROM {table(Share)} WHERE "model_id" = {{id}}',
        output_field=IntegerField(),
    )


def my_role(user):
    """The user's share role, so the list asks access nothing per card."""
    if user is None or user.is_superuser:
        return None
    return Correlated(
        f'SELECT "role" FROM {table(Share)} WHERE "model_id" = {{id}} AND "user_id" = %s',
        [user.pk],
        output_field=CharField(),
    )
