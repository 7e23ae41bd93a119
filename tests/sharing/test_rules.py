import pytest

from models_app.sharing.models import Invitation, Role
from models_app.sharing.services import (
    SharingError,
    outside_tenant,
    role_problem,
    share_add,
    share_target_problem,
)
from tests.factories import UserFactory


def test_known_roles_have_no_problem():
    assert all(role_problem(role) is None for role in Role.values)


def test_unknown_role_is_named_in_the_problem():
    assert "owner" in role_problem("owner")


def test_a_new_colleague_has_no_problem(model, owner):
    assert share_target_problem(model, "someone@acme.test", owner) is None


def test_the_owner_is_a_problem_whoever_asks(model, admin_member, owner):
    assert "owns this model" in share_target_problem(model, "OWNER@acme.test", admin_member)


def test_oneself_is_a_problem(model, admin_member):
    assert "yourself" in share_target_problem(model, admin_member.email, admin_member)


def test_outside_tenant_names_the_owners_tenant(model, outsider, acme):
    assert outside_tenant(model, outsider.email) == acme


def test_new_address_on_the_tenants_domain_is_inside(model, acme_domain):
    assert outside_tenant(model, "newbie@acme.test") is None


def test_new_address_on_an_unknown_domain_is_outside(model, acme_domain):
    assert outside_tenant(model, "someone@elsewhere.test") == acme_domain


def test_owner_without_tenant_never_warns(model, owner, outsider):
    owner.tenant = None
    owner.save()
    assert outside_tenant(model, outsider.email) is None


def test_share_add_invites_an_address_without_account(model, owner):
    added = share_add(model, "new@acme.test", "editor", owner)
    assert added.share is None
    assert added.invitation.role == "editor"
    assert len(added.token) >= 40


def test_share_add_refuses_a_duplicate_even_without_the_form(model, owner, viewer):
    with pytest.raises(SharingError, match="already has access"):
        share_add(model, viewer.email, "admin", owner)


def test_share_add_for_an_inactive_account_shares_rather_than_invites(model, owner):
    user = UserFactory(email="gone@acme.test", is_active=False)
    added = share_add(model, user.email, "viewer", owner)
    assert added.share.user == user
    assert not Invitation.objects.exists()
