"""A version's status while it is served: *deployed* as long as one of its deployments is
ready; when none is any more, the status it had before comes back (`created`, `training`…),
unless someone changed it by hand in between."""

from django.db import transaction
from django.utils import timezone

from models_app.versions.models import ModelVersion, VersionStatus

from .models import Deployment


def version_deployed(deployment: Deployment) -> None:
    """Called when `deployment` became ready."""
    with transaction.atomic():
        version = ModelVersion.objects.select_for_update().get(pk=deployment.version_id)
        if version.status == VersionStatus.DEPLOYED:
            if not deployment.version_status_before:
                # Another deployment made it deployed: keep the status it remembers.
                before = (
                    Deployment.objects.filter(version_id=version.pk)
                    .exclude(version_status_before="")
                    .values_list("version_status_before", flat=True)
                    .first()
                )
                if before:
                    Deployment.objects.filter(pk=deployment.pk).update(version_status_before=before)
            return
        Deployment.objects.filter(pk=deployment.pk).update(version_status_before=version.status)
        ModelVersion.objects.filter(pk=version.pk).update(
            status=VersionStatus.DEPLOYED, updated_at=timezone.now()
        )


def version_maybe_undeployed(version_id: int, remembered: str = "") -> None:
    """Called when a deployment of the version stopped being ready (or was deleted, its
    remembered status passed as `remembered`)."""
    with transaction.atomic():
        version = ModelVersion.objects.select_for_update().filter(pk=version_id).first()
        if version is None:
            return
        siblings = Deployment.objects.filter(version_id=version_id)
        if siblings.ready().exists():
            return
        before = remembered or (
            siblings.exclude(version_status_before="")
            .values_list("version_status_before", flat=True)
            .first()
        )
        siblings.update(version_status_before="")
        if before and version.status == VersionStatus.DEPLOYED:
            ModelVersion.objects.filter(pk=version_id).update(
                status=before, updated_at=timezone.now()
            )
