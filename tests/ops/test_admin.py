"""The admin: every page answers, list pages cost a fixed number of queries, edits follow
the form's rules, and deletes go through the services the UI uses."""

import pytest
from django.contrib import admin
from django.urls import reverse

from models_app.audit.models import AuditAction, AuditEvent
from models_app.catalog import services as catalog_services
from models_app.catalog.models import AIModel
from models_app.sharing.models import Role, Share
from tests.factories import AIModelFactory, ShareFactory, TagFactory, UserFactory

from .conftest import admin_data


def changelist(model):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


@pytest.fixture
def root(client_for, superuser):
    return client_for(superuser)


REGISTERED = sorted(admin.site._registry, key=lambda m: m.__name__)


@pytest.mark.parametrize("registered", REGISTERED, ids=lambda m: m.__name__)
def test_every_changelist_answers_with_and_without_a_search(root, registered, owner_with_content):
    assert root.get(changelist(registered)).status_code == 200
    assert root.get(changelist(registered), {"q": "pipeline"}).status_code == 200


def test_every_change_page_answers(root, owner_with_content):
    opened = set()
    for registered in REGISTERED:
        obj = registered._default_manager.first()
        if obj is None:
            continue
        meta = registered._meta
        url = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
        assert root.get(url).status_code == 200, url
        opened.add(registered.__name__)
    expected = {
        "AIModel",
        "AuditEvent",
        "KnownBaseModel",
        "Group",
        "Share",
        "Tag",
        "Tenant",
        "User",
    }
    assert expected <= opened


@pytest.mark.parametrize("registered", REGISTERED, ids=lambda m: m.__name__)
def test_list_pages_cost_a_fixed_number_of_queries(
    root, registered, many_models, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        response = root.get(changelist(registered))
    assert response.status_code == 200


def test_model_list_shows_versions_and_people_with_access(root, owner_with_content):
    html = root.get(changelist(AIModel)).content.decode()
    row = html[html.index("pipeline-demo-0412") :]
    assert '<td class="field-version_count">2</td>' in row
    assert '<td class="field-people_count">2</td>' in row


def test_model_list_finds_a_model_by_tag(root, owner_with_content):
    html = root.get(changelist(AIModel), {"q": "pytorch"}).content.decode()
    assert "pipeline-demo-0412" in html


def _spy_on_model_delete(monkeypatch) -> list:
    """Records each call of catalog.services.model_delete (the UI's delete), then runs it."""
    deleted = []
    real = catalog_services.model_delete

    def model_delete(model, **kwargs):
        deleted.append(model.pk)
        real(model, **kwargs)

    monkeypatch.setattr(catalog_services, "model_delete", model_delete, raising=False)
    return deleted


def test_deleting_a_model_goes_through_the_service(root, model, monkeypatch):
    deleted = []
    monkeypatch.setattr(
        catalog_services,
        "model_delete",
        lambda m, **kwargs: deleted.append(m.pk) or m.delete(),
        raising=False,
    )
    url = reverse("admin:catalog_aimodel_delete", args=[model.pk])
    response = root.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert deleted == [model.pk]
    assert not AIModel.objects.filter(pk=model.pk).exists()


def test_the_delete_action_goes_through_the_service_for_each_model(root, owner, monkeypatch):
    models = AIModelFactory.create_batch(3, owner=owner)
    deleted = []
    monkeypatch.setattr(
        catalog_services,
        "model_delete",
        lambda m, **kwargs: deleted.append(m.pk) or m.delete(),
        raising=False,
    )
    root.post(
        changelist(AIModel),
        {"action": "delete_selected", "_selected_action": [m.pk for m in models], "post": "yes"},
    )
    assert sorted(deleted) == sorted(m.pk for m in models)


def test_deleting_a_model_in_the_admin_is_audited(root, model, superuser, monkeypatch):
    _spy_on_model_delete(monkeypatch)
    ref = model.uuid
    root.post(reverse("admin:catalog_aimodel_delete", args=[model.pk]), {"post": "yes"})
    event = AuditEvent.objects.get(action=AuditAction.MODEL_DELETED)
    assert (event.model_ref, event.actor, event.details) == (ref, superuser, {"via": "admin"})


def _change(root, model, **overrides):
    url = reverse("admin:catalog_aimodel_change", args=[model.pk])
    return root.post(url, admin_data(model, **overrides))


def test_an_admin_edit_keeps_the_title_key_and_bumps_the_revision(root, model):
    response = _change(root, model, title="Renamed In Admin")
    assert response.status_code == 302, response.content.decode()[:2000]
    model.refresh_from_db()
    assert (model.title_key, model.revision) == ("renamed in admin", 2)
    assert AuditEvent.objects.get().action == AuditAction.MODEL_EDITED


def test_an_admin_edit_refuses_a_title_the_owner_already_uses(root, owner, model):
    other = AIModelFactory(owner=owner, title="other")
    response = _change(root, other, title="PIPELINE-demo-0412")
    assert response.status_code == 200
    assert "already has a model named" in response.content.decode()


def test_an_admin_edit_refuses_a_bad_allowlist_and_canonicalises_a_good_one(root, model):
    response = _change(root, model, ip_allowlist="192.168.300.1")
    assert "192.168.300.1" in response.content.decode()
    _change(root, model, ip_allowlist="192.168.1.5/24 ,10.0.0.1")
    model.refresh_from_db()
    assert model.ip_allowlist == "192.168.1.0/24, 10.0.0.1"


def test_an_admin_edit_sanitises_the_overview(root, model):
    _change(root, model, overview='<p onclick="x()">hi</p><script>alert(1)</script>')
    model.refresh_from_db()
    assert "script" not in model.overview
    assert "onclick" not in model.overview


def test_sharing_in_the_admin_is_audited(root, model, acme):
    bob = UserFactory(email="bob@acme.test", tenant=acme)
    carol = UserFactory(email="carol@acme.test", tenant=acme)
    share = ShareFactory(model=model, user=carol, role=Role.VIEWER)
    rows = [
        {"id": share.pk, "user": carol.pk, "role": Role.EDITOR},
        {"id": "", "user": bob.pk, "role": Role.VIEWER},
    ]
    response = _change(root, model, shares=rows)
    assert response.status_code == 302, response.content.decode()[:3000]
    events = {e.action: e.details for e in AuditEvent.objects.exclude(action="model_edited")}
    assert events[AuditAction.ROLE_CHANGED] == {
        "email": "carol@acme.test",
        "previous": "viewer",
        "role": "editor",
        "via": "admin",
    }
    assert events[AuditAction.SHARED]["email"] == "bob@acme.test"
    assert Share.objects.get(user=bob).invited_by is not None


def test_removing_a_share_in_the_admin_is_audited(root, model, viewer):
    share = Share.objects.get(user=viewer)
    rows = [{"id": share.pk, "user": viewer.pk, "role": Role.VIEWER, "DELETE": "on"}]
    _change(root, model, shares=rows)
    assert not Share.objects.filter(pk=share.pk).exists()
    assert AuditEvent.objects.get(action=AuditAction.UNSHARED).details["email"] == viewer.email


def test_a_share_added_in_the_admin_takes_share_adds_path(root, model, acme, monkeypatch):
    from models_app.sharing import services as sharing_services

    locked = []
    real_lock = sharing_services._lock_model
    monkeypatch.setattr(
        sharing_services, "_lock_model", lambda m: locked.append(m.pk) or real_lock(m)
    )
    bob = UserFactory(email="bob@acme.test", tenant=acme)
    rows = [{"id": "", "user": bob.pk, "role": Role.EDITOR}]
    response = _change(root, model, shares=rows)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert locked == [model.pk]
    share = Share.objects.get(model=model, user=bob)
    assert (share.role, share.invited_by.email) == (Role.EDITOR, "root@acme.test")
    event = AuditEvent.objects.get(action=AuditAction.SHARED)
    assert event.details == {"email": "bob@acme.test", "role": "editor", "via": "admin"}


def test_the_admin_refuses_to_share_a_model_with_its_owner(root, model, owner):
    rows = [{"id": "", "user": owner.pk, "role": Role.VIEWER}]
    response = _change(root, model, shares=rows)
    assert response.status_code == 200
    assert "always has full access" in response.content.decode()
    assert not Share.objects.filter(model=model).exists()


def test_an_invitation_added_in_the_admin_is_e_mailed_and_audited(root, model, mailoutbox):
    from models_app.sharing.models import Invitation

    url = reverse("admin:sharing_invitation_add")
    data = {"model": model.pk, "email": "New@Example.test", "role": Role.VIEWER}
    response = root.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.status) == ("new@example.test", "pending")
    assert mailoutbox[0].to == ["new@example.test"]
    assert "/invitations/" in mailoutbox[0].body
    event = AuditEvent.objects.get(action=AuditAction.INVITED)
    assert event.details == {"email": "new@example.test", "role": "viewer", "via": "admin"}


def test_the_admin_does_not_invite_an_address_that_has_an_account(root, model, stranger):
    url = reverse("admin:sharing_invitation_add")
    data = {"model": model.pk, "email": stranger.email, "role": Role.VIEWER}
    response = root.post(url, data)
    assert response.status_code == 200
    assert "has an account" in response.content.decode()
    assert not Share.objects.filter(user=stranger).exists()


def test_a_tag_added_in_the_admin_follows_the_tag_rules(root):
    from models_app.tags.models import Tag

    response = root.post(
        reverse("admin:tags_tag_add"), {"category": "task", "name": "chat\u202eexe"}
    )
    assert response.status_code == 200
    assert "(found U+202E)" in response.content.decode()
    assert not Tag.objects.exists()


def test_a_tag_that_differs_only_by_case_is_refused_next_to_the_name(root):
    from models_app.tags.models import Tag

    TagFactory(category="framework", name="PyTorch")
    response = root.post(
        reverse("admin:tags_tag_add"), {"category": "framework", "name": "pytorch"}
    )
    assert response.status_code == 200
    assert "already exists in this category" in response.content.decode()
    assert Tag.objects.filter(category="framework").count() == 1
