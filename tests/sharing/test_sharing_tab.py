import pytest
from django.utils.cache import has_vary_header

from models_app.audit.models import AuditAction, AuditEvent
from models_app.sharing.models import Invitation, Role, Share
from tests.factories import AIModelFactory, UserFactory

from .conftest import change_url, sharing_url


def rows(response):
    return response.content.decode().count('data-testid="share-row"')


def field_errors(response):
    html = response.content.decode()
    return html.count('data-testid="field-error"')


def shares(model):
    return sorted(Share.objects.filter(model=model).values_list("user__email", "role"))


# The table


def test_table_lists_owner_and_everyone_with_access(client_for, owner, model, editor, viewer):
    response = client_for(owner).get(sharing_url(model))
    html = response.content.decode()
    assert response.status_code == 200
    assert rows(response) == 3
    assert "editor@acme.test" in html
    assert "viewer@acme.test" in html


def test_table_shows_each_members_tenant(client_for, owner, model, outsider):
    Share.objects.create(model=model, user=outsider, role=Role.VIEWER)
    html = client_for(owner).get(sharing_url(model)).content.decode()
    assert "Globex" in html
    assert "external" in html


def test_owner_row_has_no_role_select_and_no_remove(client_for, owner, model):
    html = client_for(owner).get(sharing_url(model)).content.decode()
    assert "Owner" in html
    assert f"/sharing/{owner.email}/" not in html


def test_admin_sees_the_add_form_and_row_operations(client_for, admin_member, model, viewer):
    html = client_for(admin_member).get(sharing_url(model)).content.decode()
    assert 'name="email"' in html
    assert f"/sharing/{viewer.email}/" in html


@pytest.mark.parametrize("who", ["viewer", "editor"])
def test_viewers_and_editors_see_the_table_read_only(client_for, model, who, request):
    response = client_for(request.getfixturevalue(who)).get(sharing_url(model))
    html = response.content.decode()
    assert response.status_code == 200
    assert rows(response) >= 2
    assert 'name="email"' not in html
    assert 'name="remove"' not in html


def test_sharing_tab_is_linked_from_the_detail_page(client_for, owner, model):
    assert sharing_url(model) in client_for(owner).get(model.get_absolute_url()).content.decode()


# Adding people


def test_owner_shares_with_an_existing_user(client_for, owner, model, stranger):
    response = client_for(owner).post(
        sharing_url(model), {"email": "Stranger@ACME.test ", "role": "editor"}
    )
    assert response.status_code == 302
    assert shares(model) == [("stranger@acme.test", "editor")]


def test_sharing_records_who_invited_and_an_audit_event(client_for, owner, model, stranger):
    client_for(owner).post(sharing_url(model), {"email": stranger.email, "role": "viewer"})
    share = Share.objects.get(model=model, user=stranger)
    event = AuditEvent.objects.get(action=AuditAction.SHARED)
    assert share.invited_by == owner
    assert event.details == {"email": stranger.email, "role": "viewer"}


def test_admin_member_may_share(client_for, admin_member, model, stranger):
    client_for(admin_member).post(sharing_url(model), {"email": stranger.email, "role": "viewer"})
    assert ("stranger@acme.test", "viewer") in shares(model)


def test_sharing_across_tenants_is_allowed_with_a_warning(client_for, owner, model, outsider):
    response = client_for(owner).post(
        sharing_url(model), {"email": outsider.email, "role": "viewer"}, follow=True
    )
    assert ("outsider@globex.test", "viewer") in shares(model)
    assert "outsider@globex.test is outside Acme" in response.content.decode()


def test_sharing_inside_the_tenant_gives_no_warning(client_for, owner, model, stranger):
    response = client_for(owner).post(
        sharing_url(model), {"email": stranger.email, "role": "viewer"}, follow=True
    )
    assert "stranger@acme.test is outside" not in response.content.decode()


def test_live_check_warns_about_an_address_of_another_tenant(client_for, owner, model, outsider):
    response = client_for(owner).get(
        sharing_url(model), {"check": "1", "email": outsider.email}, HTTP_HX_REQUEST="true"
    )
    assert 'data-testid="tenant-warning"' in response.content.decode()


def test_live_check_is_quiet_for_a_colleague(client_for, owner, model, stranger):
    response = client_for(owner).get(sharing_url(model), {"check": "1", "email": stranger.email})
    assert "tenant-warning" not in response.content.decode()


@pytest.mark.parametrize("person", ["viewer", "editor"])
def test_live_check_is_refused_to_those_who_cannot_share(request, client_for, model, person):
    """They never get the add form, so neither its hint nor the panel comes back."""
    outsider = request.getfixturevalue("outsider")
    client = client_for(request.getfixturevalue(person))
    response = client.get(
        sharing_url(model), {"check": "1", "email": outsider.email}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 403
    assert "tenant-warning" not in response.content.decode()
    assert rows(response) == 0


def test_htmx_add_answers_with_the_panel_and_a_notice(client_for, owner, model, stranger):
    response = client_for(owner).post(
        sharing_url(model), {"email": stranger.email, "role": "viewer"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert '<div id="sharing-panel"' in html
    assert "<html" not in html
    assert "Shared with stranger@acme.test" in html


# Bad input: a clear message, nothing changed, 400


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "not-an-address", "role": "viewer"}, "is not a valid e-mail address"),
        ({"email": "", "role": "viewer"}, "Enter the e-mail address"),
        ({"email": "someone@acme.test", "role": "superhero"}, "is not a role"),
        ({"email": "someone@acme.test", "role": ""}, "Choose a role"),
        ({"email": "owner@acme.test", "role": "viewer"}, "yourself"),
    ],
    ids=["malformed-email", "missing-email", "unknown-role", "missing-role", "oneself"],
)
def test_bad_add_is_refused_with_a_message(client_for, owner, model, viewer, data, message):
    before = (shares(model), Invitation.objects.count())
    response = client_for(owner).post(sharing_url(model), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert field_errors(response) == 1
    assert (shares(model), Invitation.objects.count()) == before


def test_sharing_with_the_owner_is_refused(client_for, admin_member, owner, model):
    response = client_for(admin_member).post(
        sharing_url(model), {"email": owner.email, "role": "viewer"}
    )
    assert response.status_code == 400
    assert "owns this model" in response.content.decode()
    assert not Share.objects.filter(user=owner).exists()


def test_duplicate_share_is_refused(client_for, owner, model, viewer):
    response = client_for(owner).post(sharing_url(model), {"email": viewer.email, "role": "admin"})
    assert response.status_code == 400
    assert "already has access as Viewer" in response.content.decode()
    assert shares(model) == [("viewer@acme.test", "viewer")]


def test_duplicate_invitation_is_refused(client_for, owner, model, invite):
    invite("new@acme.test")
    response = client_for(owner).post(
        sharing_url(model), {"email": "new@acme.test", "role": "admin"}
    )
    assert response.status_code == 400
    assert "has been invited already" in response.content.decode()
    assert Invitation.objects.count() == 1


def test_refused_add_keeps_what_was_typed(client_for, owner, model):
    response = client_for(owner).post(sharing_url(model), {"email": "bad@", "role": "editor"})
    html = response.content.decode()
    assert 'value="bad@"' in html
    assert '<option value="editor" selected>' in html


def test_htmx_refusal_answers_with_the_panel_and_400(client_for, owner, model):
    response = client_for(owner).post(
        sharing_url(model), {"email": "bad@", "role": "viewer"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 400
    assert 'data-testid="field-error"' in response.content.decode()


# Changing a role, removing


def test_owner_changes_a_role(client_for, owner, model, viewer):
    response = client_for(owner).post(change_url(model, viewer.email), {"role": "editor"})
    assert response.status_code == 302
    assert shares(model) == [("viewer@acme.test", "editor")]
    event = AuditEvent.objects.get(action=AuditAction.ROLE_CHANGED)
    assert event.details["previous"] == "viewer"


def test_change_accepts_the_address_in_any_case(client_for, owner, model, viewer):
    client_for(owner).post(change_url(model, "Viewer@Acme.Test"), {"role": "admin"})
    assert shares(model) == [("viewer@acme.test", "admin")]


def test_owner_removes_someone(client_for, owner, model, viewer):
    response = client_for(owner).post(change_url(model, viewer.email), {"remove": "1"})
    assert response.status_code == 302
    assert shares(model) == []
    assert AuditEvent.objects.filter(action=AuditAction.UNSHARED).count() == 1


def test_removed_person_no_longer_sees_the_model(client_for, owner, model, viewer):
    client_for(owner).post(change_url(model, viewer.email), {"remove": "1"})
    assert client_for(viewer).get(model.get_absolute_url()).status_code == 404


def test_admin_member_removing_themselves_is_sent_to_the_list(client_for, admin_member, model):
    response = client_for(admin_member).post(change_url(model, admin_member.email), {"remove": "1"})
    assert response.status_code == 302
    assert response["Location"] == "/models/"


def test_admin_member_demoting_themselves_stays_on_the_tab(client_for, admin_member, model):
    response = client_for(admin_member).post(
        change_url(model, admin_member.email), {"role": "viewer"}
    )
    assert response["Location"] == sharing_url(model)


@pytest.mark.parametrize("data", [{"remove": "1"}, {"role": "viewer"}], ids=["remove", "demote"])
def test_the_owner_cannot_be_removed_or_demoted(client_for, admin_member, owner, model, data):
    before = shares(model)
    response = client_for(admin_member).post(change_url(model, owner.email), data)
    assert response.status_code == 400
    assert "The owner always has full access" in response.content.decode()
    assert shares(model) == before


def test_unknown_role_in_a_change_is_refused(client_for, owner, model, viewer):
    response = client_for(owner).post(change_url(model, viewer.email), {"role": "god"})
    assert response.status_code == 400
    assert "is not a role" in response.content.decode()
    assert shares(model) == [("viewer@acme.test", "viewer")]


def test_change_without_role_or_remove_is_refused(client_for, owner, model, viewer):
    response = client_for(owner).post(change_url(model, viewer.email), {})
    assert response.status_code == 400
    assert "Choose a role, or remove the person" in response.content.decode()


def test_remove_must_be_1(client_for, owner, model, viewer):
    response = client_for(owner).post(change_url(model, viewer.email), {"remove": "yes"})
    assert response.status_code == 400
    assert shares(model) == [("viewer@acme.test", "viewer")]


def test_change_for_someone_without_access_is_404(client_for, owner, model, stranger):
    response = client_for(owner).post(change_url(model, stranger.email), {"remove": "1"})
    assert response.status_code == 404
    assert "has no access to remove" in response.content.decode()


def test_share_on_another_model_cannot_be_removed_through_this_one(
    client_for, owner, model, stranger
):
    other = AIModelFactory(owner=UserFactory(email="other@acme.test"))
    Share.objects.create(model=other, user=stranger, role=Role.VIEWER)
    response = client_for(owner).post(change_url(model, stranger.email), {"remove": "1"})
    assert response.status_code == 404
    assert Share.objects.filter(model=other, user=stranger).exists()


def test_htmx_change_answers_with_the_panel(client_for, owner, model, viewer):
    response = client_for(owner).post(
        change_url(model, viewer.email), {"role": "editor"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert "viewer@acme.test is now Editor" in response.content.decode()


def test_htmx_removing_oneself_redirects_the_browser_to_the_list(client_for, admin_member, model):
    response = client_for(admin_member).post(
        change_url(model, admin_member.email), {"remove": "1"}, HTTP_HX_REQUEST="true"
    )
    assert response["HX-Redirect"] == "/models/"


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
@pytest.mark.parametrize(
    ("method", "url", "data"),
    [
        ("get", sharing_url, {}),
        ("get", sharing_url, {"check": "1", "email": "someone@acme.test"}),
        ("post", sharing_url, {"email": "someone@acme.test", "role": "viewer"}),
        ("post", lambda model: change_url(model, "viewer@acme.test"), {"role": "editor"}),
    ],
    ids=["tab", "e-mail hint", "share", "change"],
)
def test_answers_vary_on_hx_request(client_for, owner, model, viewer, htmx, method, url, data):
    """Each answers htmx with the panel and a browser with the page or a redirect: a cache
    must keep them apart."""
    headers = {"HX-Request": "true"} if htmx else {}
    response = getattr(client_for(owner), method)(url(model), data, headers=headers)
    assert response.status_code in (200, 302)
    assert has_vary_header(response, "HX-Request")


def test_change_is_post_only(client_for, owner, model, viewer):
    assert client_for(owner).get(change_url(model, viewer.email)).status_code == 405
