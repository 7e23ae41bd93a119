"""Fills `search_text` for existing models and, on PostgreSQL only, adds the pg_trgm GIN index
that serves the substring search (S-22) and the index for "most parameters first" with unknown
sizes last (SQLite cannot index NULLS LAST). SQLite scans, which is fine at its scale."""

import unicodedata

from django.db import migrations


def _fold(text):
    return " ".join(unicodedata.normalize("NFKC", text or "").casefold().split())


def fill_search_text(apps, schema_editor):
    AIModel = apps.get_model("catalog", "AIModel")
    for model in AIModel.objects.prefetch_related("tags").iterator(chunk_size=500):
        parts = [model.title, model.description, *sorted(t.name for t in model.tags.all())]
        AIModel.objects.filter(pk=model.pk).update(search_text="\n".join(_fold(p) for p in parts))


def add_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS model_search_trgm "
        "ON catalog_aimodel USING gin (search_text gin_trgm_ops)"
    )
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS model_sort_parameters_desc "
        "ON catalog_aimodel (parameter_count DESC NULLS LAST, id DESC)"
    )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS model_search_trgm")
        schema_editor.execute("DROP INDEX IF EXISTS model_sort_parameters_desc")


class Migration(migrations.Migration):
    dependencies = [("catalog", "0003_list_search_views")]
    operations = [
        migrations.RunPython(fill_search_text, migrations.RunPython.noop),
        migrations.RunPython(add_trigram_index, drop_trigram_index),
    ]
