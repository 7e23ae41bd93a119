"""The versions' facts on a model's card (S-20, S-30), registered with the catalog's cards."""

# ruff: noqa: S608 — fixed SQL around the table name from the model's own meta.

from django.db.models import CharField, IntegerField

from models_app.catalog.facts import Correlated, table

from .models import ModelVersion


def versions_total(user):
    return Correlated(
        f'SELECT COUNT(*) FROM {table(ModelVersion)} WHERE "model_id" = {{id}}',
        output_field=IntegerField(),
    )


def latest_version_name(user):
    """The most recently created version (S-30)."""
    return Correlated(
        f'SELECT "name" FROM {table(ModelVersion)} WHERE "model_id" = {{id}} '
        'ORDER BY "created_at" DESC, "id" DESC LIMIT 1',
        output_field=CharField(),
    )
