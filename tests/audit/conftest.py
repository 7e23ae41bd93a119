import factory
import pytest
from factory.django import DjangoModelFactory

from models_app.audit.models import AuditAction, AuditEvent


class AuditEventFactory(DjangoModelFactory):
    class Meta:
        model = AuditEvent

    action = AuditAction.MODEL_EDITED
    actor_email = "owner@acme.test"
    address = "127.0.0.1"
    model = None
    model_ref = factory.LazyAttribute(lambda o: o.model.uuid if o.model else None)
    model_title = factory.LazyAttribute(lambda o: o.model.title if o.model else "")


@pytest.fixture
def audit_event_factory(db):
    return AuditEventFactory
