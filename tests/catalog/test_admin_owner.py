from django.urls import reverse

from models_app.audit.models import AuditAction, AuditEvent
from tests.ops.conftest import admin_data


def test_new_owner_loses_the_share_that_ownership_replaces(client_for, superuser, model, editor):
    url = reverse("admin:catalog_aimodel_change", args=[model.pk])
    response = client_for(superuser).post(url, admin_data(model, owner=editor.pk))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert not model.shares.filter(user=editor).exists()
    event = AuditEvent.objects.get(action=AuditAction.MODEL_EDITED)
    assert event.details == {"owner": editor.email, "via": "admin"}
