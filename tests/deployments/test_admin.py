from django.urls import reverse

from models_app.audit.models import AuditAction, AuditEvent
from models_app.deployments.models import Desired, Runtime
from models_app.deployments.services import deployment_create


def test_the_admin_lists_deployments_and_never_shows_the_upstream_key(
    client_for, superuser, owner, model, embedding_version
):
    deployment = deployment_create(
        by=owner,
        model=model,
        version=embedding_version,
        runtime=Runtime.OPENAI,
        upstream_url="http://127.0.0.1:9",
        upstream_model="m",
        upstream_key="sk-admin-secret",
    )
    client = client_for(superuser)
    listing = client.get(reverse("admin:deployments_deployment_changelist"))
    page = client.get(reverse("admin:deployments_deployment_change", args=[deployment.pk]))
    assert listing.status_code == 200 and page.status_code == 200
    assert "sk-admin-secret" not in page.content.decode()
    assert deployment.upstream_key_encrypted not in page.content.decode()


def test_the_admin_stops_deployments_through_the_service(
    client_for, superuser, owner, model, embedding_version
):
    deployment = deployment_create(
        by=owner, model=model, version=embedding_version, runtime=Runtime.ONNXRUNTIME
    )
    client_for(superuser).post(
        reverse("admin:deployments_deployment_changelist"),
        {"action": "stop", "_selected_action": [deployment.pk]},
    )
    deployment.refresh_from_db()
    assert deployment.desired == Desired.STOPPED
    event = AuditEvent.objects.get(action=AuditAction.DEPLOYMENT_STOPPED)
    assert event.details["via"] == "admin"
