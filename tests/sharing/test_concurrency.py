"""Two admins (or a double click) changing who may use a model at the same time.

Each sharing write locks the model row and looks again; the database keeps at most one open
invitation per address, so a revoked or re-roled invitation leaves no twin behind.
"""

import pytest
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext

from models_app.sharing.models import Invitation, Share
from models_app.sharing.services import (
    SharingError,
    share_add,
    share_change_role,
    share_or_invitation,
    share_remove,
)

from .conftest import change_url, sharing_url
from .test_invitations import create_user_command, role_of_new_user


@pytest.fixture
def stale_checks(monkeypatch):
    """Both requests of a race passed every check before either wrote anything."""
    monkeypatch.setattr("models_app.sharing.forms.share_target_problem", lambda *a: None)
    monkeypatch.setattr("models_app.sharing.services.share_target_problem", lambda *a: None)


@pytest.fixture
def share_removed_meanwhile(monkeypatch):
    """Another admin removes the share right after this request looked it up."""

    def lookup(model, email):
        target = share_or_invitation(model, email)
        Share.objects.filter(pk=target.pk).delete()
        return target

    monkeypatch.setattr("models_app.sharing.views.share_or_invitation", lookup)


def test_a_second_open_invitation_for_the_same_address_is_refused_by_the_database(model, owner):
    Invitation.objects.create(model=model, email="new@acme.test", token_hash="a")
    with pytest.raises(IntegrityError):
        Invitation.objects.create(model=model, email="new@acme.test", token_hash="b")


def test_double_share_that_passed_the_checks_leaves_one_invitation(
    client_for, owner, model, stale_checks
):
    client = client_for(owner)
    client.post(sharing_url(model), {"email": "new@acme.test", "role": "viewer"})
    response = client.post(sharing_url(model), {"email": "new@acme.test", "role": "admin"})
    assert response.status_code == 400
    assert Invitation.objects.filter(model=model, email="new@acme.test").count() == 1


def test_revoked_double_share_gives_nothing_at_sign_up(client_for, owner, model, stale_checks):
    client = client_for(owner)
    client.post(sharing_url(model), {"email": "new@acme.test", "role": "viewer"})
    client.post(sharing_url(model), {"email": "new@acme.test", "role": "admin"})
    client.post(change_url(model, "new@acme.test"), {"remove": "1"})
    create_user_command("new@acme.test")
    assert role_of_new_user(model) is None


def test_sharing_locks_the_model_row_before_looking_again(model, owner):
    with CaptureQueriesContext(connection) as queries:
        share_add(model, "new@acme.test", "viewer", owner)
    sql = [q["sql"] for q in queries.captured_queries]
    lock = next(i for i, q in enumerate(sql) if 'FROM "catalog_aimodel"' in q)
    check = next(i for i, q in enumerate(sql) if 'FROM "sharing_share"' in q)
    assert lock < check


def test_role_change_after_the_share_was_removed_says_no_longer_has_access(
    client_for, owner, model, viewer, share_removed_meanwhile
):
    response = client_for(owner).post(change_url(model, viewer.email), {"role": "editor"})
    assert response.status_code == 404
    assert "viewer@acme.test no longer has access." in response.content.decode()
    assert not Share.objects.filter(model=model, user=viewer).exists()


def test_removal_after_the_share_was_removed_says_no_longer_has_access(
    client_for, owner, model, viewer, share_removed_meanwhile
):
    response = client_for(owner).post(change_url(model, viewer.email), {"remove": "1"})
    assert response.status_code == 404
    assert "viewer@acme.test no longer has access." in response.content.decode()


def test_role_change_of_a_gone_share_raises_no_access(model, viewer):
    Share.objects.filter(model=model, user=viewer).delete()
    with pytest.raises(SharingError, match="no longer has access"):
        share_change_role(model, viewer.email, "editor")


def test_removing_a_share_also_revokes_a_pending_invitation_for_that_address(model, viewer):
    Invitation.objects.create(model=model, email=viewer.email, role="admin", token_hash="x")
    share_remove(model, viewer.email)
    assert not Invitation.objects.pending().filter(model=model).exists()


def test_changing_a_role_also_changes_a_pending_invitation_for_that_address(model, viewer):
    Invitation.objects.create(model=model, email=viewer.email, role="admin", token_hash="x")
    share_change_role(model, viewer.email, "editor")
    assert Invitation.objects.get(model=model).role == "editor"


def test_reinviting_after_expiry_supersedes_the_expired_invitation(model, owner):
    from .conftest import expire

    first = share_add(model, "new@acme.test", "viewer", owner).invitation
    expire(first)
    share_add(model, "new@acme.test", "editor", owner)
    first.refresh_from_db()
    assert first.status == "revoked"
