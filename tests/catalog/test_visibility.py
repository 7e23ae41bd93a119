"""`visible_to` phrases one set of models several ways for the database; all agree."""

import pytest
from django.contrib.auth.models import AnonymousUser

from models_app.catalog.models import AIModel
from models_app.sharing.models import Role
from tests.factories import AIModelFactory, ShareFactory, UserFactory

CAST = ["owner", "admin_member", "editor", "viewer", "stranger", "outsider", "superuser"]


@pytest.fixture
def others_models(owner, stranger):
    """Models of several owners, some shared with the stranger, one shared with two people."""
    theirs = AIModelFactory.create_batch(3, owner=stranger)
    mine = AIModelFactory.create_batch(2, owner=owner)
    ShareFactory(model=mine[0], user=stranger, role=Role.VIEWER)
    ShareFactory(model=theirs[0], user=owner, role=Role.EDITOR)
    ShareFactory(model=theirs[0], user=UserFactory(), role=Role.VIEWER)
    return theirs + mine


def ids(queryset) -> list[int]:
    return sorted(queryset.values_list("pk", flat=True))


@pytest.mark.parametrize("who", CAST)
def test_the_scan_phrasing_is_the_same_set(request, who, model, viewer, others_models):
    user = request.getfixturevalue(who)
    keyed = ids(AIModel.objects.visible_to(user))
    scanned = ids(AIModel.objects.visible_to(user, scan_in_order=True))
    assert scanned == keyed


@pytest.mark.parametrize("who", CAST)
def test_visible_ids_are_the_visible_models_once_each(request, who, model, viewer, others_models):
    user = request.getfixturevalue(who)
    assert sorted(AIModel.objects.visible_ids(user)) == ids(AIModel.objects.visible_to(user))


def test_a_stranger_sees_only_owned_and_shared(stranger, owner, others_models):
    assert len(ids(AIModel.objects.visible_to(stranger, scan_in_order=True))) == 4


@pytest.mark.parametrize("scan_in_order", [False, True])
def test_nobody_signed_out_or_inactive_sees_anything(owner, model, scan_in_order):
    owner.is_active = False
    for user in (AnonymousUser(), owner):
        assert not AIModel.objects.visible_to(user, scan_in_order=scan_in_order).exists()
        assert list(AIModel.objects.visible_ids(user)) == []
