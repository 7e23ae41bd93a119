import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import RequestFactory

from models_app.access.roles import OWNER, Action
from models_app.access.rules import allowed_actions, can, forget_roles, role_of
from models_app.catalog.lookups import model_by_ref
from models_app.sharing.models import Role, Share


@pytest.mark.parametrize(
    ("who", "role"),
    [
        ("owner", OWNER),
        ("admin_member", Role.ADMIN),
        ("editor", Role.EDITOR),
        ("viewer", Role.VIEWER),
        ("superuser", Role.ADMIN),
        ("stranger", None),
        ("outsider", None),
    ],
)
def test_role_of_each_member_of_the_cast(model, who, role, request):
    assert role_of(request.getfixturevalue(who), model) == role


def test_inactive_user_has_no_role(model, viewer):
    viewer.is_active = False
    assert role_of(viewer, model) is None


def test_viewer_may_view_and_download_only(model, viewer):
    assert allowed_actions(viewer, model) == {Action.VIEW, Action.DOWNLOAD}


def test_editor_may_edit_and_upload_but_not_manage_sharing(model, editor):
    assert can(editor, model, Action.UPLOAD)
    assert not can(editor, model, Action.MANAGE_SHARING)
    assert not can(editor, model, Action.DELETE)


def test_forget_roles_sees_a_changed_share(model, viewer):
    assert not can(viewer, model, Action.EDIT)
    Share.objects.filter(user=viewer).update(role=Role.EDITOR)
    forget_roles(model)
    assert can(viewer, model, Action.EDIT)


def _request(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def test_the_lookup_hides_the_model_from_strangers(model, stranger):
    with pytest.raises(Http404):
        model_by_ref(_request(stranger), Action.VIEW, ref=model.uuid)


def test_the_lookup_refuses_a_viewer_who_wants_to_manage_sharing(model, viewer):
    with pytest.raises(PermissionDenied, match="admins"):
        model_by_ref(_request(viewer), Action.MANAGE_SHARING, ref=model.uuid)
