"""A scripted session through the real views leaves one audit row per event.

Each app records its own events with `audit_record`; the versions and sharing apps add
theirs to this session as they land.
"""

from models_app.audit.models import AuditAction, AuditEvent
from models_app.catalog.models import AIModel
from tests.catalog.test_create import form_data


def test_create_then_edit_records_two_events_with_who_and_where(client_for, owner):
    client = client_for(owner)
    client.post("/models/new/", form_data(title="audited"), REMOTE_ADDR="198.51.100.4")
    model = AIModel.objects.get(title="audited")
    client.post(
        f"/models/{model.uuid}/edit/",
        form_data(title="audited-renamed", revision=model.revision),
        REMOTE_ADDR="198.51.100.4",
    )
    events = list(AuditEvent.objects.order_by("created_at", "id"))
    assert [e.action for e in events] == [AuditAction.MODEL_CREATED, AuditAction.MODEL_EDITED]
    assert {e.actor for e in events} == {owner}
    assert {e.actor_email for e in events} == {"owner@acme.test"}
    assert {e.address for e in events} == {"198.51.100.4"}
    assert {e.model_ref for e in events} == {model.uuid}
    assert events[-1].model_title == "audited-renamed"


def test_a_refused_edit_records_nothing(client_for, owner, editor, model):
    client_for(editor).post(f"/models/{model.uuid}/edit/", form_data(title="", revision=1))
    assert not AuditEvent.objects.exists()


def test_the_address_behind_a_trusted_proxy_is_recorded(client_for, owner, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    client_for(owner).post(
        "/models/new/",
        form_data(title="behind-proxy"),
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="203.0.113.9",
    )
    assert AuditEvent.objects.get().address == "203.0.113.9"


def test_a_forged_forwarded_header_is_ignored(client_for, owner, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    client_for(owner).post(
        "/models/new/",
        form_data(title="forged"),
        REMOTE_ADDR="198.51.100.4",
        HTTP_X_FORWARDED_FOR="203.0.113.9",
    )
    assert AuditEvent.objects.get().address == "198.51.100.4"
