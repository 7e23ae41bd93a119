"""Fills the catalog's new per-model download count from what versions counted so far: every
completed version zip (the model download included) and every completed file download."""

from django.db import migrations
from django.db.models import OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce


def fill_model_download_counts(apps, schema_editor):
    AIModel = apps.get_model("catalog", "AIModel")
    ModelVersion = apps.get_model("versions", "ModelVersion")
    VersionFile = apps.get_model("versions", "VersionFile")

    def total(rows, model_field):
        summed = (
            rows.filter(**{model_field: OuterRef("pk")})
            .order_by()
            .values(model_field)
            .annotate(n=Sum("download_count"))
            .values("n")
        )
        return Coalesce(Subquery(summed), Value(0))

    AIModel.objects.update(
        download_count=total(ModelVersion.objects, "model")
        + total(VersionFile.objects, "version__model")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("versions", "0001_initial"),
        ("catalog", "0008_download_count_and_popularity_sorts"),
    ]
    operations = [migrations.RunPython(fill_model_download_counts, migrations.RunPython.noop)]
