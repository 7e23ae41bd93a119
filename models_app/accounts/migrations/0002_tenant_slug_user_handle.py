from django.db import migrations, models

from models_app.accounts.slugs import SLUG_MAX_LENGTH, fallback_slug, first_free_slug, repo_slug


def fill_slugs_and_handles(apps, schema_editor):
    Tenant = apps.get_model("accounts", "Tenant")
    User = apps.get_model("accounts", "User")
    taken = set()
    for tenant in Tenant.objects.order_by("id"):
        base = repo_slug(tenant.name) or fallback_slug("tenant")
        tenant.slug = first_free_slug(base, taken.__contains__)
        taken.add(tenant.slug)
        tenant.save(update_fields=["slug"])
    taken = set()
    for user in User.objects.order_by("id"):
        base = repo_slug(user.email.split("@")[0]) or fallback_slug("user")
        user.handle = first_free_slug(base, taken.__contains__)
        taken.add(user.handle)
        user.save(update_fields=["handle"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="tenant",
            name="slug",
            field=models.CharField(default="", max_length=SLUG_MAX_LENGTH, verbose_name="slug"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="user",
            name="handle",
            field=models.CharField(default="", max_length=SLUG_MAX_LENGTH, verbose_name="handle"),
            preserve_default=False,
        ),
        migrations.RunPython(fill_slugs_and_handles, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="tenant",
            name="slug",
            field=models.SlugField(max_length=96, unique=True, verbose_name="slug"),
        ),
        migrations.AlterField(
            model_name="user",
            name="handle",
            field=models.SlugField(max_length=96, unique=True, verbose_name="handle"),
        ),
    ]
