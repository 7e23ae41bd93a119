from django.db import migrations, models
from django.db.models import Count
from django.utils import timezone


def revoke_twins(apps, schema_editor):
    """Before the constraint: of several open invitations for one address and model, keep
    the newest and revoke the others, so that existing rows cannot make the migration fail."""
    Invitation = apps.get_model("sharing", "Invitation")
    open_rows = Invitation.objects.filter(accepted_at__isnull=True, revoked_at__isnull=True)
    twins = (
        open_rows.values("model_id", "email").annotate(count=Count("id")).filter(count__gt=1)
    )
    now = timezone.now()
    for twin in twins:
        rows = open_rows.filter(model_id=twin["model_id"], email=twin["email"])
        newest = rows.order_by("-created_at", "-id").first()
        rows.exclude(pk=newest.pk).update(revoked_at=now)


class Migration(migrations.Migration):
    dependencies = [
        ("sharing", "0002_invitation"),
    ]

    operations = [
        migrations.RunPython(revoke_twins, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="invitation",
            constraint=models.UniqueConstraint(
                condition=models.Q(("accepted_at__isnull", True), ("revoked_at__isnull", True)),
                fields=("model", "email"),
                name="invitation_one_open_per_email",
            ),
        ),
    ]
