import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from models_app.accounts.services import tenant_create
from models_app.sharing.models import Invitation


def sharing_url(model):
    return f"/models/{model.uuid}/sharing/"


def change_url(model, email):
    return f"/models/{model.uuid}/sharing/{email}/"


@pytest.fixture
def acme_domain(acme):
    """acme.test addresses join Acme."""
    acme.domains.create(domain="acme.test")
    return acme


@pytest.fixture
def globex_domain(db):
    return tenant_create("Globex", ["globex.test"])


@pytest.fixture
def invite(client_for, owner, model):
    """Invites an address with no account through the sharing form; returns its sign-up URL."""

    def do(email="new@acme.test", role="viewer"):
        mail.outbox.clear()
        response = client_for(owner).post(sharing_url(model), {"email": email, "role": role})
        assert response.status_code == 302, response.content.decode()[:2000]
        (message,) = mail.outbox
        return re.search(r"https?://\S+/invitations/\S+/", message.body).group(0)

    return do


def expire(invitation: Invitation):
    invitation.expires_at = timezone.now() - timedelta(seconds=1)
    invitation.save(update_fields=["expires_at"])
